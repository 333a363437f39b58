import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { EXPIRY_OPTIONS } from './expiry';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import ApiTokensPage from './ApiTokensPage';
import CreateApiTokenPage from './CreateApiTokenPage';

const SECRET = 'sbt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

function setup(myRole: Role = 'ADMIN', createPayload?: unknown) {
  const tokens: unknown[] = [];
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    ApiTokens: () => ({ account: { id: 'acc1', myRole, apiTokens: tokens } }),
    CreateApiToken: ({ input }) => {
      if (createPayload) return createPayload;
      const { name, role, expiresAt } = input as { name: string; role: Role; expiresAt: string | null };
      const apiToken = {
        id: `t${tokens.length + 1}`,
        name,
        prefix: SECRET.slice(0, 10),
        role,
        status: 'ACTIVE',
        createdAt: new Date().toISOString(),
        expiresAt,
      };
      tokens.push({ ...apiToken, lastUsedAt: null, revokedAt: null, createdBy: null });
      return { createApiToken: { apiToken, secret: SECRET, errors: [] } };
    },
  });
  const view = renderRoute(null, {
    client: mock.client,
    url: '/accounts/acc1/api-tokens/new',
    routes: [
      { path: '/accounts/:accountId/api-tokens', element: <ApiTokensPage /> },
      { path: '/accounts/:accountId/api-tokens/new', element: <CreateApiTokenPage /> },
    ],
  });
  return { ...view, mock };
}

describe('API tokens', () => {
  it('reveals the secret once; after leaving, it cannot be shown again', async () => {
    const user = userEvent.setup();
    const { router, mock } = setup();

    await user.type(await screen.findByRole('textbox', { name: /^Name/ }), 'ci-deploy');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    expect(await screen.findByText(/You will not see it again/)).toBeInTheDocument();
    expect(screen.getByTestId('token-secret')).toHaveTextContent(SECRET);
    expect(screen.getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(mock.callsTo('CreateApiToken')[0].variables).toMatchObject({
      input: { accountId: 'acc1', name: 'ci-deploy', role: 'MEMBER' },
    });

    await user.click(screen.getByRole('button', { name: 'I have copied the token' }));
    const table = await screen.findByRole('table', { name: 'API tokens' });
    expect(within(table).getByText('ci-deploy')).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);

    // Back to the creation page: a blank form, no secret anywhere.
    await act(() => router.navigate('/accounts/acc1/api-tokens/new'));
    expect(await screen.findByRole('button', { name: 'Create token' })).toBeInTheDocument();
    expect(screen.queryByTestId('token-secret')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
    await act(() => router.navigate(-1));
    await act(() => router.navigate(-1));
    await screen.findByRole('button', { name: 'Create token' });
    expect(document.body).not.toHaveTextContent(SECRET);
  });

  it('shows payload errors next to the field they are about', async () => {
    const user = userEvent.setup();
    setup('ADMIN', {
      createApiToken: {
        apiToken: null,
        secret: null,
        errors: [{ code: 'CONFLICT', field: 'name', message: 'A token with this name exists' }],
      },
    });
    const name = await screen.findByRole('textbox', { name: /^Name/ });
    await user.type(name, 'ci-deploy');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription(/A token with this name exists/));
    expect(screen.queryByTestId('token-secret')).not.toBeInTheDocument();
  });

  it('is closed to members and viewers', async () => {
    setup('MEMBER');
    expect(await screen.findByText('Admin access required')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create token' })).not.toBeInTheDocument();
  });
});

describe('token expiry choices', () => {
  it('are offered shortest first, then no expiry, then a custom date', () => {
    const days = EXPIRY_OPTIONS.map((o) => Number(o.value)).filter((n) => !Number.isNaN(n));
    expect(days).toEqual([...days].sort((a, b) => a - b));
    expect(EXPIRY_OPTIONS.map((o) => o.value).slice(-2)).toEqual(['never', 'custom']);
  });
});
