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
  approvalSettings: { onFirstLaunch: false, onTerminate: false, expiryMinutes: 60, endpoint: null },
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

describe('environment approval settings', () => {
  const endpoints = [
    { id: 'ep1', name: 'CAB approver', url: 'https://cab.example.test', scope: 'ENVIRONMENT', format: 'SCALR', active: true, shared: false },
    { id: 'ep2', name: 'Chat', url: 'https://hooks.slack.test/x', scope: 'ENVIRONMENT', format: 'SLACK', active: true, shared: false },
    { id: 'ep3', name: 'Group CAB', url: 'https://gcab.example.test', scope: 'ACCOUNT', format: 'SCALR', active: false, shared: true },
  ];

  it('shows each environment’s approvals to everyone, the settings only to admins', async () => {
    setup('MEMBER');
    const table = await screen.findByRole('table', { name: 'Environments' });
    expect(within(table).getAllByTestId('approval-summary')[0]).toHaveTextContent('Off');
    expect(screen.queryByRole('button', { name: /^Approval settings of/ })).not.toBeInTheDocument();
  });

  it('validates, offers Scalr endpoints only, shows server errors next to the field, then saves', async () => {
    const user = userEvent.setup();
    let answer: 'error' | 'ok' = 'error';
    const mock = setup('ADMIN', {
      ApprovalEndpointOptions: () => ({
        usableEndpoints: endpoints,
        accountEndpoints: [
          { id: 'ep3', name: 'Group CAB', format: 'SCALR', shared: true },
          { id: 'ep4', name: 'Billing hook', format: 'SCALR', shared: false },
        ],
      }),
      SetEnvironmentApprovals: () =>
        answer === 'error'
          ? {
              setEnvironmentApprovals: {
                environment: null,
                errors: [{ code: 'INVALID', field: 'input.endpointId', message: 'choose an endpoint of this environment, or a shared one of its account' }],
              },
            }
          : {
              setEnvironmentApprovals: {
                environment: {
                  id: 'e2',
                  approvalSettings: { onFirstLaunch: true, onTerminate: false, expiryMinutes: 90, endpoint: { id: 'ep1', name: 'CAB approver', format: 'SCALR', active: true } },
                },
                errors: [],
              },
            },
    });
    await user.click(await screen.findByRole('button', { name: 'Approval settings of staging' }));
    const dialog = await screen.findByRole('dialog', { name: 'Approvals in staging' });

    // A switch on without an endpoint, and an expiry out of range: refused before sending.
    await user.click(within(dialog).getByRole('switch', { name: /first launch/ }));
    const expiry = within(dialog).getByRole('textbox', { name: /^Expiry/ });
    await user.clear(expiry);
    await user.type(expiry, '0');
    await user.click(within(dialog).getByRole('button', { name: 'Save approval settings' }));
    const endpoint = within(dialog).getByRole('textbox', { name: /^Approval endpoint/ });
    await waitFor(() => expect(endpoint).toHaveAccessibleDescription(/Choose the endpoint that approves/));
    expect(expiry).toHaveAccessibleDescription(/Between 1 minute and 7 days/);
    expect(mock.callsTo('SetEnvironmentApprovals')).toHaveLength(0);

    // The endpoints that cannot approve are named, each with its reason.
    const refused = within(dialog).getByTestId('cannot-approve');
    expect(refused).toHaveTextContent('Chat — a Slack endpoint cannot answer an approval request');
    expect(refused).toHaveTextContent('Billing hook — an account endpoint not shared with environments');
    expect(refused).not.toHaveTextContent('Group CAB');

    // Slack endpoints cannot approve; inactive ones are marked.
    await user.click(endpoint);
    expect(await screen.findByRole('option', { name: 'CAB approver' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Group CAB (account, shared) — inactive' })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /Chat/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('option', { name: 'CAB approver' }));
    await user.clear(expiry);
    await user.type(expiry, '90');
    await user.click(within(dialog).getByRole('button', { name: 'Save approval settings' }));
    await waitFor(() => expect(endpoint).toHaveAccessibleDescription(/choose an endpoint of this environment/));
    expect(mock.callsTo('SetEnvironmentApprovals')[0].variables).toEqual({
      input: { environmentId: 'e2', endpointId: 'ep1', onFirstLaunch: true, onTerminate: false, expiryMinutes: 90 },
    });
    expect(screen.getByRole('dialog', { name: 'Approvals in staging' })).toBeInTheDocument();

    answer = 'ok';
    await user.click(within(dialog).getByRole('button', { name: 'Save approval settings' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Approvals in staging' })).not.toBeInTheDocument());
    expect(mock.callsTo('SetEnvironmentApprovals')).toHaveLength(2);
  }, 60_000);
});
