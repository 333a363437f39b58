import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import InvitePage from './InvitePage';
import LoginPage from './LoginPage';

const view = (existingUser: boolean) => ({
  email: 'ivy@example.test',
  accountName: 'Acme',
  role: 'MEMBER',
  invitedBy: 'Ada Admin',
  expiresAt: '2026-01-08T00:00:00Z',
  existingUser,
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function setup(fetchImpl: typeof fetch) {
  const { client } = createMockClient({});
  return renderRoute(null, {
    client,
    session: null,
    url: '/invite/tok.en',
    routes: [
      { path: '/invite/:token', element: <InvitePage fetchImpl={fetchImpl} /> },
      { path: '/login', element: <LoginPage /> },
      { path: '/', element: <p>the console</p> },
    ],
  });
}

describe('invitation page', () => {
  it('lets a new person set a password and signs them in', async () => {
    const user = userEvent.setup();
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) =>
      init?.method === 'POST'
        ? json(200, { accessToken: 'tok', expiresAt: new Date(Date.now() + 900_000).toISOString(), user: { id: 'u9', email: 'ivy@example.test', name: 'Ivy', isSystemAdmin: false } })
        : json(200, view(false)),
    ) as unknown as typeof fetch;
    const { router } = setup(fetchImpl);
    expect(await screen.findByText(/invited you to join/)).toHaveTextContent('Ada Admin invited you to join Acme as Member');
    await user.type(screen.getByLabelText(/^Your name/), 'Ivy');
    await user.type(screen.getByLabelText(/^Password/), 'a long enough password');
    await user.type(screen.getByLabelText(/^Confirm password/), 'a long enough passwerd');
    await user.click(screen.getByRole('button', { name: 'Set password and join' }));
    expect(await screen.findByText('The passwords do not match')).toBeInTheDocument();
    await user.clear(screen.getByLabelText(/^Confirm password/));
    await user.type(screen.getByLabelText(/^Confirm password/), 'a long enough password');
    await user.click(screen.getByRole('button', { name: 'Set password and join' }));
    expect(await screen.findByText('the console')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
    const post = vi.mocked(fetchImpl).mock.calls.find(([, init]) => init?.method === 'POST')!;
    expect(String(post[0])).toMatch(/\/auth\/invitations\/tok\.en$/);
    expect(JSON.parse(String(post[1]!.body))).toEqual({ name: 'Ivy', password: 'a long enough password' });
  });

  it('lets an existing user join, then sends them to sign in with a notice', async () => {
    const user = userEvent.setup();
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) =>
      init?.method === 'POST' ? json(200, { joined: true, signIn: true }) : json(200, view(true)),
    ) as unknown as typeof fetch;
    setup(fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Join Acme' }));
    expect(await screen.findByText('You joined Acme; sign in.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    const post = vi.mocked(fetchImpl).mock.calls.find(([, init]) => init?.method === 'POST')!;
    expect(JSON.parse(String(post[1]!.body))).toEqual({ name: '', password: '' });
  });

  it("shows the server's message for an expired or used link", async () => {
    const fetchImpl = vi.fn(async () =>
      json(409, { error: { code: 'conflict', message: 'This invitation was already used.' } }),
    ) as unknown as typeof fetch;
    setup(fetchImpl);
    expect(await screen.findByRole('alert')).toHaveTextContent('This invitation was already used.');
    expect(screen.getByText('Ask your administrator for a new invitation.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: /Join/ })).not.toBeInTheDocument());
  });
});

describe('invitation page, link gone while the form is open', () => {
  it('shows the server message instead of the form', async () => {
    const user = userEvent.setup();
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) =>
      init?.method === 'POST'
        ? json(400, { error: { code: 'invalid', message: 'this invitation is no longer valid: ask for a new one' } })
        : json(200, view(true)),
    ) as unknown as typeof fetch;
    setup(fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Join Acme' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('this invitation is no longer valid');
    expect(screen.getByText('Ask your administrator for a new invitation.')).toBeInTheDocument();
  });
});
