import { authExchange } from '@urql/exchange-auth';
import { Client, cacheExchange, fetchExchange, subscriptionExchange, type CombinedError } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { env, graphqlWsUrl } from '@/config/env';
import type { TokenManager } from '@/lib/auth/token-manager';

export type LiveStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface GraphQLConnection {
  client: Client;
  /** Websocket state, for "live" indicators. */
  liveStatus(): LiveStatus;
  onLiveStatus(listener: (s: LiveStatus) => void): () => void;
  dispose(): void;
}

/** Close code the server uses when connection_init carries a missing or bad token. */
export const WS_FORBIDDEN = 4403;

/**
 * Close code the server uses when the socket's session ended: its access token expired, or the
 * session was revoked (sign-out, password change). graphql-ws treats it as fatal and ends every
 * subscription with the close event, so the subscriptions are started again here, after the
 * token is refreshed (a revoked session fails the refresh and signs the console out).
 */
export const WS_UNAUTHORIZED = 4401;

function isUnauthorizedClose(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === WS_UNAUTHORIZED;
}

export function isAuthError(error: CombinedError): boolean {
  if (error.response && (error.response as Response).status === 401) return true;
  return error.graphQLErrors.some((e) => {
    const code = String(e.extensions?.code ?? '').toUpperCase();
    return code === 'UNAUTHENTICATED' || code === 'UNAUTHORIZED';
  });
}

/** Capped, jittered exponential backoff for websocket reconnects. */
export function retryDelayMs(retries: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** retries);
  return base / 2 + random() * (base / 2);
}

/**
 * Builds the urql client: HTTP requests carry the in-memory access token (refreshed ahead of
 * expiry and once after a 401), subscriptions go over graphql-ws whose connection_init carries
 * the token, fetched fresh at every (re)connect.
 */
export function createGraphQLConnection(
  tokens: TokenManager,
  opts: { wsUrl?: string; WebSocketImpl?: unknown; fetch?: typeof fetch } = {},
): GraphQLConnection {
  let status: LiveStatus = 'closed';
  const listeners = new Set<(s: LiveStatus) => void>();
  const setStatus = (s: LiveStatus) => {
    status = s;
    for (const l of listeners) l(s);
  };

  const ws: WsClient = createWsClient({
    url: opts.wsUrl ?? graphqlWsUrl(),
    webSocketImpl: opts.WebSocketImpl,
    lazy: true,
    lazyCloseTimeout: 3_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => tokens.session !== null,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, retryDelayMs(retries))),
    connectionParams: async () => {
      const token = await tokens.getAccessToken();
      return token ? { Authorization: `Bearer ${token}` } : {};
    },
    on: {
      connecting: (isRetry) => setStatus(isRetry ? 'reconnecting' : 'connecting'),
      connected: () => setStatus('connected'),
      closed: (event) => {
        const code = (event as CloseEvent | undefined)?.code;
        // The server refused our token or ended its session: the next connection_init must
        // carry a fresh one.
        if (code === WS_FORBIDDEN || code === WS_UNAUTHORIZED) tokens.markStale();
        // 1000 is the lazy close after the last subscription ended.
        setStatus(code !== 1000 && tokens.session ? 'reconnecting' : 'closed');
      },
    },
  });

  const client = new Client({
    url: env.graphqlPath,
    requestPolicy: 'cache-and-network',
    fetchOptions: { credentials: 'same-origin' },
    fetch: opts.fetch,
    exchanges: [
      cacheExchange,
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const token = tokens.session?.accessToken;
          return token ? utils.appendHeaders(operation, { Authorization: `Bearer ${token}` }) : operation;
        },
        willAuthError() {
          return tokens.needsRefresh();
        },
        didAuthError(error) {
          return isAuthError(error);
        },
        async refreshAuth() {
          tokens.markStale();
          try {
            await tokens.refresh();
          } catch {
            // Network trouble: let the retried operation report it.
          }
        },
      })),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              let unsubscribe = () => {};
              let done = false;
              const start = () => {
                const observer: typeof sink = {
                  next: (value) => sink.next(value),
                  complete: () => sink.complete(),
                  error: (err) => {
                    // The session ended (4401): resubscribe once the token is refreshed, as
                    // long as someone is signed in; otherwise report it.
                    if (!done && isUnauthorizedClose(err) && tokens.session) {
                      tokens.markStale();
                      void tokens
                        .getAccessToken()
                        .catch(() => null)
                        .then(() => {
                          if (done) return;
                          // Still signed in (a refused refresh signs out): start again; a
                          // network failure is retried by the reconnect's own refresh.
                          if (tokens.session) start();
                          else sink.error(err);
                        });
                      return;
                    }
                    sink.error(err);
                  },
                };
                unsubscribe = ws.subscribe(input, observer);
              };
              start();
              return {
                unsubscribe() {
                  done = true;
                  unsubscribe();
                },
              };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    liveStatus: () => status,
    onLiveStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      listeners.clear();
      void ws.dispose();
    },
  };
}
