import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { matchRoutes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import { ApiError } from '@/lib/auth/session-api';
import { createMockClient } from '@/testing/mock-client';
import { fakeSessionApi, makeSession, renderRoute } from '@/testing/render';

const accounts = () => ({ accounts: [{ id: 'acc1', name: 'Acme', myRole: 'OWNER' }] });

describe('routing and session start', () => {
  it('offers only the first-run setup while setup is required', async () => {
    const api = fakeSessionApi({ setupStatus: async () => ({ setupRequired: true }), refresh: vi.fn() });
    const { client } = createMockClient({});
    const { router } = renderRoute(null, { client, routes, url: '/login', api, session: null });
    expect(await screen.findByRole('heading', { name: 'Create the first administrator' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/setup');
    expect(api.refresh).not.toHaveBeenCalled();
  });

  it('sends a signed-out visitor to the login page and back where they were going', async () => {
    const user = userEvent.setup();
    const login = vi.fn(async () => makeSession());
    const api = fakeSessionApi({ login });
    const { client } = createMockClient({
      Accounts: accounts,
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'OWNER' } }),
      Environments: () => ({ account: { id: 'acc1', myRole: 'OWNER', environments: [] } }),
      Members: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'OWNER', members: [] } }),
    });
    const { router } = renderRoute(null, {
      client,
      routes,
      url: '/accounts/acc1/members',
      api,
      session: null,
    });
    expect(await screen.findByRole('heading', { name: 'Sign in to Switchboard' })).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/accounts/acc1/members')}`);

    await user.type(screen.getByRole('textbox', { name: /^Email/ }), 'ada@example.test');
    await user.type(screen.getByLabelText(/^Password/), 'secret password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Members' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/accounts/acc1/members');
    expect(login).toHaveBeenCalledWith({ email: 'ada@example.test', password: 'secret password' });
  });

  it('says so when the password is wrong', async () => {
    const user = userEvent.setup();
    const api = fakeSessionApi({
      login: async () => {
        throw new ApiError('unauthorized', 'invalid email or password', 401);
      },
    });
    const { client } = createMockClient({});
    renderRoute(null, { client, routes, url: '/login', api, session: null });
    await user.type(await screen.findByRole('textbox', { name: /^Email/ }), 'ada@example.test');
    await user.type(screen.getByLabelText(/^Password/), 'wrong password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid email or password.');
  });

  it('keeps setup closed once an administrator exists', async () => {
    const { client } = createMockClient({ Accounts: accounts });
    const { router } = renderRoute(null, { client, routes, url: '/setup', session: null });
    expect(await screen.findByRole('heading', { name: 'Sign in to Switchboard' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('lands a signed-in user on the account overview', async () => {
    const { client } = createMockClient({
      Accounts: accounts,
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'OWNER' } }),
      Environments: () => ({ account: { id: 'acc1', myRole: 'OWNER', environments: [] } }),
      AccountOverview: () => ({
        account: {
          id: 'acc1',
          name: 'Acme',
          overview: {
            openIncidents: [],
            degradedComponents: [],
            failingEndpoints: [],
            failedDeliveries24h: 0,
            checklist: { hasComponent: false, hasIntegration: false, hasEndpoint: false, hasWebhook: false, done: false },
          },
        },
      }),
      OnCallNow: () => ({ account: { id: 'acc1', onCallNow: [] } }),
    });
    const { router } = renderRoute(null, { client, routes, url: '/' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/accounts/acc1/overview');
    expect(await screen.findByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  });

  it('answers old incident links (/incidents/:id), not "Page not found"', () => {
    const leaf = matchRoutes(routes, '/incidents/0190-abc')?.at(-1);
    expect(leaf?.route.path).toBe('incidents/:incidentId');
    expect(leaf?.params).toEqual({ incidentId: '0190-abc' });
  });
});
