import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import {
  createSessionApi,
  type LoginInput,
  type SessionApi,
  type SessionUser,
  type SetupInput,
} from './session-api';
import { TokenManager, hasSessionHint } from './token-manager';

export type AuthStatus =
  /** Asking the server whether setup is required and whether the refresh cookie is good. */
  | 'loading'
  /** No user exists yet: only the first-run setup is offered. */
  | 'setup-required'
  | 'anonymous'
  | 'authenticated'
  /** The server could not be reached at start. */
  | 'unreachable';

export interface AuthContextValue {
  status: AuthStatus;
  user: SessionUser | null;
  tokens: TokenManager;
  setup(input: SetupInput): Promise<void>;
  login(input: LoginInput): Promise<void>;
  logout(): Promise<void>;
  /** Reflects a profile change in the header without a new session. */
  updateUser(patch: Partial<Pick<SessionUser, 'name' | 'email'>>): void;
  /** Starts over after `unreachable`. */
  retry(): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export interface AuthProviderProps {
  children: ReactNode;
  api?: SessionApi;
  tokens?: TokenManager;
}

export function AuthProvider({ children, api: apiProp, tokens: tokensProp }: AuthProviderProps) {
  const api = useMemo(() => apiProp ?? createSessionApi(), [apiProp]);
  const tokens = useMemo(() => tokensProp ?? new TokenManager({ api }), [tokensProp, api]);
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [user, setUser] = useState<SessionUser | null>(tokens.session?.user ?? null);
  const [attempt, setAttempt] = useState(0);

  // Follow the token manager: a refused refresh (here or in another tab) signs out.
  useEffect(
    () =>
      tokens.subscribe((session) => {
        setUser(session?.user ?? null);
        setStatus((prev) => {
          if (session) return 'authenticated';
          return prev === 'authenticated' || prev === 'loading' ? 'anonymous' : prev;
        });
      }),
    [tokens],
  );

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const { setupRequired } = await api.setupStatus();
        if (cancelled) return;
        if (setupRequired) {
          setStatus('setup-required');
          return;
        }
        const session =
          tokens.session ?? (hasSessionHint() ? await tokens.refresh() : null);
        if (cancelled) return;
        setUser(session?.user ?? null);
        setStatus(session ? 'authenticated' : 'anonymous');
      } catch {
        if (!cancelled) setStatus('unreachable');
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [api, tokens, attempt]);

  const setup = useCallback(
    async (input: SetupInput) => {
      const session = await api.setup(input);
      tokens.setSession(session);
      setStatus('authenticated');
    },
    [api, tokens],
  );

  const login = useCallback(
    async (input: LoginInput) => {
      const session = await api.login(input);
      tokens.setSession(session);
      setStatus('authenticated');
    },
    [api, tokens],
  );

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      tokens.clear();
      setStatus('anonymous');
    }
  }, [api, tokens]);

  const updateUser = useCallback((patch: Partial<Pick<SessionUser, 'name' | 'email'>>) => {
    setUser((u) => (u ? { ...u, ...patch } : u));
  }, []);

  const retry = useCallback(() => {
    setStatus('loading');
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({ status, user, tokens, setup, login, logout, updateUser, retry }),
    [status, user, tokens, setup, login, logout, updateUser, retry],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
