import { readStorage, writeStorage } from '@/lib/storage';
import type { Session, SessionApi } from './session-api';

type Listener = (session: Session | null) => void;

/** The subset of BroadcastChannel the manager uses, so tests can pass a fake. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((ev: MessageEvent) => void) | null;
}

/** The subset of the Web Locks API the manager uses. */
export interface LocksLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface TokenManagerOptions {
  api: SessionApi;
  now?: () => number;
  /** Refresh this long before the access token expires. */
  refreshLeadMs?: number;
  /** Never send a token with less validity than this: refresh first. */
  minValidityMs?: number;
  /** After a background refresh failed on the network, try again after this long. */
  retryDelayMs?: number;
  /** Cross-tab coordination; `null` disables it. Defaults to the browser's when available. */
  locks?: LocksLike | null;
  channel?: ChannelLike | null;
}

type WireMessage =
  | { type: 'session'; session: { accessToken: string; expiresAt: string; user: Session['user'] } }
  | { type: 'signed-out' };

const LOCK_NAME = 'switchboard:auth-refresh';
const CHANNEL_NAME = 'switchboard:auth';
const HINT_KEY = 'switchboard.session';

/**
 * Whether this browser signed in before and did not sign out. The refresh cookie is HttpOnly, so
 * this hint (not a secret) is what spares a signed-out visitor a refresh request that can only
 * fail.
 */
export function hasSessionHint(): boolean {
  return readStorage(HINT_KEY) === '1';
}

function defaultLocks(): LocksLike | null {
  if (typeof navigator !== 'undefined' && 'locks' in navigator && navigator.locks) {
    const locks = navigator.locks;
    return {
      // LockManager's typing nests the callback's promise; the lock resolves to its value.
      request: <T,>(name: string, cb: () => Promise<T>) =>
        locks.request(name, cb) as unknown as Promise<T>,
    };
  }
  return null;
}

function defaultChannel(): ChannelLike | null {
  return typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL_NAME);
}

/**
 * Keeps the access token in memory only, and refreshes it through the HttpOnly refresh cookie:
 * ahead of expiry on a timer, on demand when a request finds it stale, and after the server
 * rejected it.
 *
 * Refresh tokens rotate on every use and a reused one revokes the whole session, so two
 * refreshes must never race with the same cookie. Within a tab, concurrent callers share one
 * request; across tabs, a Web Lock serialises them and a BroadcastChannel hands the new token to
 * the other tabs so they need not refresh at all.
 */
export class TokenManager {
  private current: Session | null = null;
  private stale = false;
  private inflight: Promise<Session | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly api: SessionApi;
  private readonly now: () => number;
  private readonly refreshLeadMs: number;
  private readonly minValidityMs: number;
  private readonly retryDelayMs: number;
  private readonly locks: LocksLike | null;
  private readonly channel: ChannelLike | null;

  constructor(opts: TokenManagerOptions) {
    this.api = opts.api;
    this.now = opts.now ?? Date.now;
    this.refreshLeadMs = opts.refreshLeadMs ?? 60_000;
    this.minValidityMs = opts.minValidityMs ?? 10_000;
    this.retryDelayMs = opts.retryDelayMs ?? 15_000;
    this.locks = opts.locks === undefined ? defaultLocks() : opts.locks;
    this.channel = opts.channel === undefined ? defaultChannel() : opts.channel;
    if (this.channel) {
      this.channel.onmessage = (ev) => this.onMessage(ev.data as WireMessage);
    }
  }

  get session(): Session | null {
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Installs a session obtained by login or setup (or a refresh). */
  setSession(session: Session, broadcast = true): void {
    this.current = session;
    this.stale = false;
    writeStorage(HINT_KEY, '1');
    this.schedule();
    if (broadcast) {
      this.post({
        type: 'session',
        session: { ...session, expiresAt: session.expiresAt.toISOString() },
      });
    }
    this.emit();
  }

  /** Forgets the session (logout, or the refresh cookie is no longer valid). */
  clear(broadcast = true): void {
    const had = this.current !== null;
    this.current = null;
    this.stale = false;
    writeStorage(HINT_KEY, null);
    clearTimeout(this.timer);
    if (broadcast) this.post({ type: 'signed-out' });
    if (had) this.emit();
  }

  /** The server rejected the current token (HTTP 401, websocket 4403): refresh before reuse. */
  markStale(): void {
    this.stale = true;
  }

  /** True when the token cannot be sent as is. */
  needsRefresh(): boolean {
    if (!this.current || this.stale) return true;
    return this.current.expiresAt.getTime() - this.now() < this.minValidityMs;
  }

  /** A token good to send, refreshing first when needed; null when signed out. */
  async getAccessToken(): Promise<string | null> {
    if (!this.needsRefresh()) return this.current!.accessToken;
    const s = await this.refresh();
    return s?.accessToken ?? null;
  }

  /**
   * Exchanges the refresh cookie for a new session. Resolves null (and signs out) when the
   * server refuses the cookie; rejects on network or server errors, keeping the session.
   */
  refresh(): Promise<Session | null> {
    if (!this.inflight) {
      this.inflight = this.runRefresh().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.listeners.clear();
    if (this.channel) {
      this.channel.onmessage = null;
      this.channel.close();
    }
  }

  private async runRefresh(): Promise<Session | null> {
    const tokenBefore = this.current?.accessToken;
    const work = async (): Promise<Session | null> => {
      // While this tab waited for the lock another tab may have refreshed and told us.
      if (this.current && this.current.accessToken !== tokenBefore && !this.needsRefresh()) {
        return this.current;
      }
      const next = await this.api.refresh();
      if (next) this.setSession(next);
      else this.clear();
      return next;
    };
    return this.locks ? this.locks.request(LOCK_NAME, work) : work();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.current) return;
    const delay = Math.max(0, this.current.expiresAt.getTime() - this.now() - this.refreshLeadMs);
    this.timer = setTimeout(() => this.backgroundRefresh(), delay);
  }

  private backgroundRefresh(): void {
    this.refresh().catch(() => {
      // Network trouble: keep the session and try again; requests will surface the error.
      if (this.current) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.backgroundRefresh(), this.retryDelayMs);
      }
    });
  }

  private post(msg: WireMessage): void {
    try {
      this.channel?.postMessage(msg);
    } catch {
      // A closed channel is not worth failing a login for.
    }
  }

  private onMessage(msg: WireMessage): void {
    if (msg.type === 'session') {
      const expiresAt = new Date(msg.session.expiresAt);
      if (this.current && this.current.expiresAt.getTime() > expiresAt.getTime()) return;
      this.setSession({ ...msg.session, expiresAt }, false);
    } else if (msg.type === 'signed-out') {
      this.clear(false);
    }
  }

  private emit(): void {
    for (const l of this.listeners) l(this.current);
  }
}
