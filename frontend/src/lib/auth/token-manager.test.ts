import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session, SessionApi } from './session-api';
import { ApiError } from './session-api';
import { TokenManager, hasSessionHint, type ChannelLike, type LocksLike } from './token-manager';

const user = { id: 'u1', email: 'a@example.test', name: 'A', isSystemAdmin: false };
let counter = 0;
const session = (ttlMs: number, now = Date.now()): Session => ({
  accessToken: `tok-${++counter}`,
  expiresAt: new Date(now + ttlMs),
  user,
});

function api(refresh: SessionApi['refresh']): SessionApi {
  return {
    refresh: vi.fn(refresh),
    setupStatus: vi.fn(),
    setup: vi.fn(),
    login: vi.fn(),
    logout: vi.fn(),
  };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('TokenManager', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns the in-memory token without asking the server while it is valid', async () => {
    const a = api(async () => session(900_000));
    const tm = new TokenManager({ api: a, locks: null, channel: null });
    const s = session(900_000);
    tm.setSession(s);
    await expect(tm.getAccessToken()).resolves.toBe(s.accessToken);
    expect(a.refresh).not.toHaveBeenCalled();
  });

  it('shares one refresh between concurrent callers (refresh tokens rotate)', async () => {
    const gate = deferred<Session | null>();
    const a = api(() => gate.promise);
    const tm = new TokenManager({ api: a, locks: null, channel: null });
    const p1 = tm.getAccessToken();
    const p2 = tm.getAccessToken();
    const p3 = tm.refresh();
    const fresh = session(900_000);
    gate.resolve(fresh);
    await expect(Promise.all([p1, p2, p3])).resolves.toEqual([fresh.accessToken, fresh.accessToken, fresh]);
    expect(a.refresh).toHaveBeenCalledTimes(1);
    expect(tm.session).toBe(fresh);
  });

  it('refreshes a token that is about to expire before handing it out', async () => {
    const fresh = session(900_000);
    const a = api(async () => fresh);
    const tm = new TokenManager({ api: a, locks: null, channel: null, minValidityMs: 10_000 });
    tm.setSession(session(5_000));
    await expect(tm.getAccessToken()).resolves.toBe(fresh.accessToken);
    expect(a.refresh).toHaveBeenCalledTimes(1);
  });

  it('refreshes on a timer ahead of expiry', async () => {
    const a = api(async () => session(900_000));
    const tm = new TokenManager({ api: a, locks: null, channel: null, refreshLeadMs: 60_000 });
    tm.setSession(session(900_000));
    await vi.advanceTimersByTimeAsync(900_000 - 60_000 - 1);
    expect(a.refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2);
    expect(a.refresh).toHaveBeenCalledTimes(1);
  });

  it('retries a background refresh that failed on the network, keeping the session', async () => {
    let calls = 0;
    const a = api(async () => {
      calls += 1;
      if (calls === 1) throw new ApiError('network', 'down', 0);
      return session(900_000);
    });
    const tm = new TokenManager({
      api: a,
      locks: null,
      channel: null,
      refreshLeadMs: 60_000,
      retryDelayMs: 5_000,
    });
    const first = session(120_000);
    tm.setSession(first);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.refresh).toHaveBeenCalledTimes(1);
    expect(tm.session).toBe(first);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(a.refresh).toHaveBeenCalledTimes(2);
    expect(tm.session?.accessToken).not.toBe(first.accessToken);
  });

  it('signs out when the server refuses the refresh cookie', async () => {
    const a = api(async () => null);
    const tm = new TokenManager({ api: a, locks: null, channel: null });
    const listener = vi.fn();
    tm.setSession(session(900_000));
    expect(hasSessionHint()).toBe(true);
    tm.subscribe(listener);
    tm.markStale();
    await expect(tm.getAccessToken()).resolves.toBeNull();
    expect(tm.session).toBeNull();
    expect(listener).toHaveBeenCalledWith(null);
    expect(hasSessionHint()).toBe(false);
  });

  it('refreshes after the server rejected a still-unexpired token', async () => {
    const fresh = session(900_000);
    const a = api(async () => fresh);
    const tm = new TokenManager({ api: a, locks: null, channel: null });
    tm.setSession(session(900_000));
    tm.markStale();
    await expect(tm.getAccessToken()).resolves.toBe(fresh.accessToken);
  });

  it('takes a token another tab refreshed instead of refreshing again', async () => {
    const a = api(async () => session(900_000));
    let deliver: ((msg: unknown) => void) | undefined;
    const channel: ChannelLike = {
      postMessage: vi.fn(),
      close: vi.fn(),
      set onmessage(fn: ((ev: MessageEvent) => void) | null) {
        deliver = fn ? (data) => fn({ data } as MessageEvent) : undefined;
      },
      get onmessage() {
        return null;
      },
    };
    // The lock is held by the other tab until it has broadcast its new session.
    const lockFree = deferred<void>();
    const locks: LocksLike = {
      request: async (_name, cb) => {
        await lockFree.promise;
        return cb();
      },
    };
    const tm = new TokenManager({ api: a, locks, channel });
    tm.setSession(session(5_000));
    const pending = tm.refresh();
    const theirs = session(900_000);
    deliver!({ type: 'session', session: { ...theirs, expiresAt: theirs.expiresAt.toISOString() } });
    lockFree.resolve();
    await expect(pending).resolves.toMatchObject({ accessToken: theirs.accessToken });
    expect(a.refresh).not.toHaveBeenCalled();
  });

  it('tells other tabs about new sessions and sign-outs', () => {
    const channel: ChannelLike = { postMessage: vi.fn(), close: vi.fn(), onmessage: null };
    const tm = new TokenManager({ api: api(async () => null), locks: null, channel });
    const s = session(900_000);
    tm.setSession(s);
    tm.clear();
    expect(channel.postMessage).toHaveBeenNthCalledWith(1, {
      type: 'session',
      session: { accessToken: s.accessToken, expiresAt: s.expiresAt.toISOString(), user },
    });
    expect(channel.postMessage).toHaveBeenNthCalledWith(2, { type: 'signed-out' });
  });
});
