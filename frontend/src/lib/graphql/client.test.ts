import { gql } from '@urql/core';
import { waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Session, SessionApi } from '@/lib/auth/session-api';
import { TokenManager } from '@/lib/auth/token-manager';
import { createGraphQLConnection, isAuthError, retryDelayMs } from './client';

const user = { id: 'u1', email: 'a@example.test', name: 'A', isSystemAdmin: false };
const session = (token: string): Session => ({
  accessToken: token,
  expiresAt: new Date(Date.now() + 15 * 60_000),
  user,
});

function tokensWith(initial: string, refreshed: string) {
  const api: SessionApi = {
    refresh: vi.fn(async () => session(refreshed)),
    setupStatus: vi.fn(),
    setup: vi.fn(),
    login: vi.fn(),
    logout: vi.fn(),
  };
  const tokens = new TokenManager({ api, locks: null, channel: null });
  tokens.setSession(session(initial), false);
  return { api, tokens };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('GraphQL over HTTP', () => {
  it('sends the access token, and after a 401 refreshes once and retries with the new one', async () => {
    const { api, tokens } = tokensWith('old-token', 'new-token');
    const fetchMock = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(json(401, { errors: [{ message: 'unauthorized' }] }))
      .mockResolvedValueOnce(json(200, { data: { ok: true } }));
    const conn = createGraphQLConnection(tokens, { fetch: fetchMock, WebSocketImpl: FakeSocket });

    const result = await conn.client.query(gql`query Ok { ok }`, {}).toPromise();

    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ ok: true });
    expect(api.refresh).toHaveBeenCalledTimes(1);
    const auth = (i: number) =>
      new Headers((fetchMock.mock.calls[i][1] as RequestInit).headers).get('Authorization');
    expect(auth(0)).toBe('Bearer old-token');
    expect(auth(1)).toBe('Bearer new-token');
    conn.dispose();
  });

  it('recognises authentication failures', () => {
    const err = (status: number, codes: string[] = []) =>
      ({
        response: { status },
        graphQLErrors: codes.map((code) => ({ message: 'x', extensions: { code } })),
      }) as never;
    expect(isAuthError(err(401))).toBe(true);
    expect(isAuthError(err(200, ['UNAUTHENTICATED']))).toBe(true);
    expect(isAuthError(err(200, ['FORBIDDEN']))).toBe(false);
    expect(isAuthError(err(500))).toBe(false);
  });

  it('backs off websocket reconnects up to a cap', () => {
    expect(retryDelayMs(0, () => 0)).toBe(250);
    expect(retryDelayMs(1, () => 1)).toBe(1000);
    expect(retryDelayMs(20, () => 1)).toBe(15_000);
  });
});

/** Just enough of a WebSocket for graphql-ws, with a scripted server behind it. */
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static sockets: FakeSocket[] = [];
  static server: (socket: FakeSocket, message: { type: string; id?: string; payload?: unknown }) => void;

  readyState = FakeSocket.CONNECTING;
  protocol = 'graphql-transport-ws';
  sent: { type: string; id?: string; payload?: unknown }[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeSocket.sockets.push(this);
    setTimeout(() => {
      this.readyState = FakeSocket.OPEN;
      this.onopen?.({});
    }, 0);
  }

  send(data: string) {
    const msg = JSON.parse(data);
    this.sent.push(msg);
    setTimeout(() => FakeSocket.server(this, msg), 0);
  }

  reply(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }

  close(code = 1000, reason = '') {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: true });
  }
}

describe('GraphQL subscriptions over the websocket', () => {
  it('authenticates in connection_init and reconnects with a fresh token after 4403', async () => {
    const { api, tokens } = tokensWith('stale-token', 'fresh-token');
    FakeSocket.sockets = [];
    FakeSocket.server = (socket, msg) => {
      if (msg.type === 'connection_init') {
        const auth = (msg.payload as { Authorization?: string }).Authorization;
        if (auth !== 'Bearer fresh-token') socket.close(4403, 'Forbidden');
        else socket.reply({ type: 'connection_ack' });
      } else if (msg.type === 'subscribe') {
        socket.reply({ type: 'next', id: msg.id, payload: { data: { ping: 'pong' } } });
      }
    };
    const conn = createGraphQLConnection(tokens, { wsUrl: 'ws://test/graphql', WebSocketImpl: FakeSocket });

    const received: unknown[] = [];
    const { unsubscribe } = conn.client
      .subscription(gql`subscription Ping { ping }`, {})
      .subscribe((r) => received.push(r.data));

    await waitFor(() => expect(received).toEqual([{ ping: 'pong' }]), { timeout: 3000 });
    expect(FakeSocket.sockets).toHaveLength(2);
    expect(FakeSocket.sockets[0].sent[0]).toEqual({
      type: 'connection_init',
      payload: { Authorization: 'Bearer stale-token' },
    });
    expect(FakeSocket.sockets[1].sent[0]).toEqual({
      type: 'connection_init',
      payload: { Authorization: 'Bearer fresh-token' },
    });
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(conn.liveStatus()).toBe('connected');
    unsubscribe();
    conn.dispose();
  });

  it('resubscribes with a refreshed token after the server ends the session with 4401', async () => {
    const { api, tokens } = tokensWith('first-token', 'fresh-token');
    FakeSocket.sockets = [];
    FakeSocket.server = (socket, msg) => {
      if (msg.type === 'connection_init') {
        socket.reply({ type: 'connection_ack' });
      } else if (msg.type === 'subscribe') {
        const auth = (socket.sent[0].payload as { Authorization?: string }).Authorization;
        socket.reply({ type: 'next', id: msg.id, payload: { data: { ping: auth } } });
        // The first session's token expires (or the session is revoked) while subscribed.
        if (auth === 'Bearer first-token') setTimeout(() => socket.close(4401, 'Unauthorized'), 10);
      }
    };
    const conn = createGraphQLConnection(tokens, { wsUrl: 'ws://test/graphql', WebSocketImpl: FakeSocket });

    const received: unknown[] = [];
    const errors: unknown[] = [];
    const { unsubscribe } = conn.client
      .subscription(gql`subscription Ping { ping }`, {})
      .subscribe((r) => (r.error ? errors.push(r.error) : received.push(r.data)));

    await waitFor(
      () => expect(received).toEqual([{ ping: 'Bearer first-token' }, { ping: 'Bearer fresh-token' }]),
      { timeout: 3000 },
    );
    expect(errors).toEqual([]);
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(FakeSocket.sockets).toHaveLength(2);
    expect(FakeSocket.sockets[1].sent[0]).toEqual({
      type: 'connection_init',
      payload: { Authorization: 'Bearer fresh-token' },
    });
    unsubscribe();
    conn.dispose();
  });

  it('reports the 4401 close when the session cannot be refreshed', async () => {
    const { api, tokens } = tokensWith('first-token', 'unused');
    (api.refresh as ReturnType<typeof vi.fn>).mockResolvedValue(null);
    FakeSocket.sockets = [];
    FakeSocket.server = (socket, msg) => {
      if (msg.type === 'connection_init') socket.reply({ type: 'connection_ack' });
      else if (msg.type === 'subscribe') setTimeout(() => socket.close(4401, 'Unauthorized'), 10);
    };
    const conn = createGraphQLConnection(tokens, { wsUrl: 'ws://test/graphql', WebSocketImpl: FakeSocket });
    const errors: unknown[] = [];
    const { unsubscribe } = conn.client
      .subscription(gql`subscription Ping { ping }`, {})
      .subscribe((r) => r.error && errors.push(r.error));
    await waitFor(() => expect(errors).toHaveLength(1), { timeout: 3000 });
    expect(tokens.session).toBeNull();
    expect(FakeSocket.sockets).toHaveLength(1);
    unsubscribe();
    conn.dispose();
  });
});
