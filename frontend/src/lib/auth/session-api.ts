import { env } from '@/config/env';

/** The user as the REST session endpoints describe it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isSystemAdmin: boolean;
}

export interface Session {
  accessToken: string;
  expiresAt: Date;
  user: SessionUser;
}

export type ApiErrorCode =
  | 'invalid'
  | 'conflict'
  | 'unauthorized'
  | 'rate_limited'
  | 'not_found'
  | 'internal'
  | 'network';

/** An error answered by `/auth/*` (`{"error":{code,message,field}}`), or a network failure. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly field?: string;

  constructor(code: ApiErrorCode, message: string, status: number, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.field = field;
  }
}

export interface SetupInput {
  email: string;
  name: string;
  password: string;
  accountName: string;
}

export interface LoginInput {
  email: string;
  password: string;
}

/** The REST session endpoints. An interface so tests and the token manager can swap it. */
export interface SessionApi {
  setupStatus(): Promise<{ setupRequired: boolean }>;
  setup(input: SetupInput): Promise<Session>;
  login(input: LoginInput): Promise<Session>;
  /** Resolves null when the refresh cookie is missing, expired, revoked or reused (401). */
  refresh(): Promise<Session | null>;
  logout(): Promise<void>;
}

export interface RawSession {
  accessToken: string;
  expiresAt: string;
  user: SessionUser;
}

export function parseSession(raw: RawSession): Session {
  const expiresAt = new Date(raw.expiresAt);
  if (!raw.accessToken || Number.isNaN(expiresAt.getTime()) || !raw.user) {
    throw new ApiError('internal', 'The server sent a malformed session.', 200);
  }
  return { accessToken: raw.accessToken, expiresAt, user: raw.user };
}

const fallbackMessages: Record<number, string> = {
  401: 'You are not signed in.',
  409: 'This conflicts with existing data.',
  429: 'Too many attempts. Wait a moment and try again.',
};

export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const err = (body as { error?: { code?: string; message?: string; field?: string } } | undefined)
    ?.error;
  const code = (err?.code as ApiErrorCode | undefined) ?? (res.status >= 500 ? 'internal' : 'invalid');
  const message =
    err?.message ?? fallbackMessages[res.status] ?? `The server answered ${res.status}.`;
  return new ApiError(code, message, res.status, err?.field || undefined);
}

export function createSessionApi(fetchImpl: typeof fetch = (...a) => fetch(...a)): SessionApi {
  const base = env.authPath;

  async function call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetchImpl(`${base}${path}`, {
        credentials: 'same-origin',
        ...init,
        headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      });
    } catch {
      throw new ApiError('network', 'Cannot reach the Switchboard server.', 0);
    }
  }

  async function sessionCall(path: string, body: unknown): Promise<Session> {
    const res = await call(path, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw await toApiError(res);
    return parseSession((await res.json()) as RawSession);
  }

  return {
    async setupStatus() {
      const res = await call('/setup', { method: 'GET' });
      if (!res.ok) throw await toApiError(res);
      const body = (await res.json()) as { setupRequired?: boolean };
      return { setupRequired: body.setupRequired === true };
    },
    setup: (input) => sessionCall('/setup', input),
    login: (input) => sessionCall('/login', input),
    async refresh() {
      const res = await call('/refresh', { method: 'POST' });
      if (res.status === 401) return null;
      if (!res.ok) throw await toApiError(res);
      return parseSession((await res.json()) as RawSession);
    },
    async logout() {
      const res = await call('/logout', { method: 'POST' });
      if (!res.ok && res.status !== 401) throw await toApiError(res);
    },
  };
}
