// Runtime configuration, read once and validated at start so a bad build fails loudly
// instead of sending requests to the wrong place.

function path(name: string, value: string | undefined, fallback: string): string {
  const v = value === undefined || value === '' ? fallback : value;
  if (!v.startsWith('/')) {
    throw new Error(`${name} must be an absolute path starting with "/", got "${v}"`);
  }
  return v.replace(/\/+$/, '') || '/';
}

export const env = {
  /** GraphQL endpoint for HTTP and websocket (same path, same origin). */
  graphqlPath: path('VITE_GRAPHQL_PATH', import.meta.env.VITE_GRAPHQL_PATH, '/graphql'),
  /** Prefix of the REST session endpoints (`/auth/login`, …). */
  authPath: path('VITE_AUTH_PATH', import.meta.env.VITE_AUTH_PATH, '/auth'),
} as const;

export function graphqlWsUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${env.graphqlPath}`;
}
