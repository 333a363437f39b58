import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { render, type RenderResult } from '@testing-library/react';
import { useState, type ReactElement, type ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import type { Client } from 'urql';
import { theme } from '@/config/theme';
import { AuthProvider } from '@/lib/auth/auth-context';
import type { Session, SessionApi, SessionUser } from '@/lib/auth/session-api';
import { TokenManager } from '@/lib/auth/token-manager';
import { GraphQLProvider } from '@/lib/graphql/provider';

export const testUser: SessionUser = {
  id: 'user-1',
  email: 'ada@example.test',
  name: 'Ada Admin',
  isSystemAdmin: false,
};

export function makeSession(user: SessionUser = testUser, ttlMs = 15 * 60_000): Session {
  return { accessToken: `token-${Math.random()}`, expiresAt: new Date(Date.now() + ttlMs), user };
}

/** A session API answering as a running server with a signed-in user would. */
export function fakeSessionApi(overrides: Partial<SessionApi> = {}): SessionApi {
  return {
    setupStatus: async () => ({ setupRequired: false }),
    setup: async () => makeSession(),
    login: async () => makeSession(),
    refresh: async () => makeSession(),
    logout: async () => {},
    ...overrides,
  };
}

export function Providers({
  children,
  client,
  api = fakeSessionApi(),
  session = makeSession(),
}: {
  children: ReactNode;
  client: Client;
  api?: SessionApi;
  session?: Session | null;
}) {
  const [tokens] = useState(() => {
    const t = new TokenManager({ api, locks: null, channel: null });
    if (session) t.setSession(session, false);
    return t;
  });
  return (
    <MantineProvider theme={theme} env="test">
      <Notifications />
      <AuthProvider api={api} tokens={tokens}>
        <GraphQLProvider client={client}>
          <ModalsProvider>{children}</ModalsProvider>
        </GraphQLProvider>
      </AuthProvider>
    </MantineProvider>
  );
}

export interface RenderRouteOptions {
  client: Client;
  /** The route table; defaults to `path` → `element`. */
  routes?: RouteObject[];
  path?: string;
  url?: string;
  api?: SessionApi;
  session?: Session | null;
}

/** Renders `element` at `url` inside the app's providers and a memory router. */
export function renderRoute(
  element: ReactElement | null,
  { client, routes, path = '/', url = path, api, session }: RenderRouteOptions,
): RenderResult & { router: ReturnType<typeof createMemoryRouter> } {
  const router = createMemoryRouter(routes ?? [{ path, element }], { initialEntries: [url] });
  const result = render(
    <Providers client={client} api={api} session={session}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return Object.assign(result, { router });
}
