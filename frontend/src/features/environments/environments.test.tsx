import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import EnvironmentsPage from './EnvironmentsPage';

const env = (id: string, name: string, description = '') => ({
  id,
  accountId: 'acc1',
  name,
  description,
  createdAt: '2026-01-01T00:00:00Z',
});

function setup(myRole: Role, handlers: Parameters<typeof createMockClient>[0] = {}) {
  const environments = [env('e1', 'production'), env('e2', 'staging', 'Pre-production')];
  const mock = createMockClient({
    Environments: () => ({ account: { id: 'acc1', myRole, environments: [...environments] } }),
    ...handlers,
  });
  renderRoute(<EnvironmentsPage />, {
    client: mock.client,
    path: '/accounts/:accountId/environments',
    url: '/accounts/acc1/environments',
  });
  return mock;
}

describe('EnvironmentsPage', () => {
  it('offers create, edit and delete to admins', async () => {
    setup('ADMIN');
    const table = await screen.findByRole('table', { name: 'Environments' });
    expect(within(table).getByText('Pre-production')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New environment' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Edit staging' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete staging' })).toBeInTheDocument();
  });

  it.each<Role>(['MEMBER', 'VIEWER'])('shows the list read-only to a %s', async (role) => {
    setup(role);
    await screen.findByRole('table', { name: 'Environments' });
    expect(screen.queryByRole('button', { name: 'New environment' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Edit / })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Delete / })).not.toBeInTheDocument();
  });

  it('shows a duplicate-name error under the name field and keeps the dialog open', async () => {
    const user = userEvent.setup();
    const mock = setup('ADMIN', {
      CreateEnvironment: () => ({
        createEnvironment: {
          environment: null,
          errors: [{ code: 'CONFLICT', field: 'name', message: 'An environment named staging exists' }],
        },
      }),
    });
    await user.click(await screen.findByRole('button', { name: 'New environment' }));
    const dialog = await screen.findByRole('dialog', { name: 'New environment' });
    const name = within(dialog).getByRole('textbox', { name: /^Name/ });
    await user.type(name, 'staging');
    await user.click(within(dialog).getByRole('button', { name: 'Create environment' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription(/An environment named staging exists/));
    expect(screen.getByRole('dialog', { name: 'New environment' })).toBeInTheDocument();
    expect(mock.callsTo('CreateEnvironment')[0].variables).toEqual({
      input: { accountId: 'acc1', name: 'staging', description: '' },
    });
  });

  it('deletes only after confirmation', async () => {
    const user = userEvent.setup();
    const mock = setup('OWNER', {
      DeleteEnvironment: ({ input }) => ({
        deleteEnvironment: { deletedId: (input as { id: string }).id, errors: [] },
      }),
    });
    await user.click(await screen.findByRole('button', { name: 'Delete staging' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete staging?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(mock.callsTo('DeleteEnvironment')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete staging' }));
    const again = await screen.findByRole('dialog', { name: 'Delete staging?' });
    await user.click(within(again).getByRole('button', { name: 'Delete environment' }));
    await waitFor(() => expect(mock.callsTo('DeleteEnvironment')).toHaveLength(1));
    expect(mock.callsTo('DeleteEnvironment')[0].variables).toEqual({ input: { id: 'e2' } });
  });
});
