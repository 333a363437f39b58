import { MantineProvider } from '@mantine/core';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FarmStatusBadge } from '@/components/badges';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import FarmPage from './FarmPage';
import FarmsPage from './FarmsPage';
import { upperSnake, validateParams } from './components/FireEventModal';

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

const approval = (over: Record<string, unknown> = {}) => ({
  __typename: 'ApprovalRequest',
  id: 'ap1',
  operation: 'farm.approval.launch',
  status: 'PENDING',
  message: 'CAB ticket opened',
  requestedBy: 'Otto Operator',
  decidedBy: '',
  createdAt: '2026-01-01T10:00:00Z',
  expiresAt: inMinutes(30),
  decidedAt: null,
  endpoint: { __typename: 'Endpoint', id: 'ep1', name: 'CAB approver' },
  ...over,
});

const farm = (over: Record<string, unknown> = {}) => ({
  __typename: 'Farm',
  id: 'f1',
  accountId: 'acc1',
  name: 'payments-prod',
  description: '',
  ownerEmail: 'owner@example.test',
  status: 'PENDING_LAUNCH',
  launchedOnce: false,
  hash: '501a9f8cab6b5f',
  launchedByEmail: '',
  team: '',
  projectId: '',
  projectName: '',
  projectBillingCode: '',
  costCenterId: '',
  costCenterName: '',
  costCenterBillingCode: '',
  createdAt: '2026-01-01T09:00:00Z',
  updatedAt: '2026-01-01T10:00:00Z',
  environment: { __typename: 'Environment', id: 'env1', name: 'production' },
  roles: [],
  servers: [],
  pendingApproval: approval(),
  ...over,
});

const latest = (node: unknown) => ({
  account: { id: 'acc1', approvalRequests: { edges: node ? [{ cursor: 'c0', node }] : [] } },
});

function renderFarm(myRole: Role = 'MEMBER', current: Record<string, unknown> = {}) {
  let latestNode: unknown = approval();
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    Farm: () => ({ farm: farm(current) }),
    FarmLatestApproval: () => latest(latestNode),
    CancelFarmApproval: ({ input }) => ({
      cancelApprovalRequest: {
        approvalRequest: approval({ id: (input as { id: string }).id, status: 'CANCELLED' }),
        errors: [],
      },
    }),
  });
  renderRoute(<FarmPage />, { client: mock.client, path: '/accounts/:accountId/farms/:farmId', url: '/accounts/acc1/farms/f1' });
  return {
    mock,
    decide: (node: unknown) => {
      latestNode = node;
    },
  };
}

describe('farm page approvals', () => {
  it('shows a prominent pending banner with the endpoint, its message, who asked and the expiry', async () => {
    renderFarm();
    const banner = await screen.findByTestId('approval-banner');
    expect(within(banner).getByTestId('approval-headline')).toHaveTextContent(
      'PENDING LAUNCH — waiting for approval from CAB approver: CAB ticket opened',
    );
    expect(banner).toHaveTextContent('Requested by Otto Operator');
    expect(within(banner).getByTestId('approval-countdown')).toHaveTextContent(/expires in (29|30):\d\d/);
    expect(within(banner).getByRole('link', { name: /See the request/ })).toHaveAttribute('href', '/accounts/acc1/approvals/ap1');
    // No launch while pending.
    expect(screen.queryByRole('button', { name: 'Launch' })).not.toBeInTheDocument();
  });

  it('says PENDING TERMINATE for a termination and leaves out an empty message', async () => {
    renderFarm('MEMBER', {
      status: 'PENDING_TERMINATE',
      launchedOnce: true,
      pendingApproval: approval({ operation: 'farm.approval.terminate', message: '' }),
    });
    expect(await screen.findByTestId('approval-headline')).toHaveTextContent(/^PENDING TERMINATE — waiting for approval from CAB approver$/);
  });

  it('flips to RUNNING when farmChanged reports the decision, without refetching the farm', async () => {
    const { mock, decide } = renderFarm();
    await screen.findByTestId('approval-banner');
    await waitFor(() => expect(mock.callsTo('FarmChanged')).toHaveLength(1));
    expect(mock.callsTo('FarmChanged')[0].variables).toEqual({ accountId: 'acc1' });
    const farmFetches = mock.callsTo('Farm').length;

    // An older version arriving late changes nothing.
    act(() => mock.push('FarmChanged', { farmChanged: farm({ status: 'TERMINATED', pendingApproval: null, updatedAt: '2026-01-01T09:30:00Z' }) }));
    // Another farm's change does not touch this one.
    act(() => mock.push('FarmChanged', { farmChanged: farm({ id: 'f2', status: 'RUNNING', pendingApproval: null, updatedAt: '2026-01-01T11:00:00Z' }) }));
    expect(screen.getByTestId('approval-banner')).toBeInTheDocument();
    expect(screen.getAllByTestId('farm-status')[0]).toHaveTextContent('Pending launch');

    decide(approval({ status: 'APPROVED', message: 'approved by CAB', decidedBy: 'endpoint CAB approver (callback)', decidedAt: '2026-01-01T10:05:00Z' }));
    act(() =>
      mock.push('FarmChanged', {
        farmChanged: farm({ status: 'RUNNING', launchedOnce: true, pendingApproval: null, updatedAt: '2026-01-01T10:05:00Z' }),
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId('farm-status')[0]).toHaveTextContent('Running'));
    expect(screen.queryByTestId('approval-banner')).not.toBeInTheDocument();
    expect(await screen.findByTestId('approval-last-message')).toHaveTextContent('approved by CAB');
    expect(screen.getByTestId('approval-last-decision')).toHaveTextContent('Launch approved');
    expect(screen.getByRole('button', { name: 'Suspend' })).toBeInTheDocument();
    expect(mock.callsTo('Farm')).toHaveLength(farmFetches);
  });

  it('renders a denial as the last decision', async () => {
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'VIEWER' } }),
      Farm: () => ({ farm: farm({ status: 'TERMINATED', pendingApproval: null }) }),
      FarmLatestApproval: () =>
        latest(approval({ status: 'DENIED', message: 'change freeze until Monday', decidedBy: 'endpoint CAB approver', decidedAt: '2026-01-01T10:01:00Z' })),
    });
    renderRoute(<FarmPage />, { client: mock.client, path: '/accounts/:accountId/farms/:farmId', url: '/accounts/acc1/farms/f1' });
    const last = await screen.findByTestId('approval-last-decision');
    expect(last).toHaveTextContent('Launch denied');
    expect(last).toHaveTextContent('change freeze until Monday');
    expect(within(last).getByTestId('approval-status')).toHaveTextContent('Denied');
  });

  it('offers Cancel request to members, confirms, and cancels the pending request', async () => {
    const user = userEvent.setup();
    const { mock } = renderFarm('MEMBER');
    await user.click(await screen.findByRole('button', { name: 'Cancel request' }));
    const confirm = await screen.findByRole('dialog', { name: 'Cancel the approval request?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel request' }));
    await waitFor(() => expect(mock.callsTo('CancelFarmApproval')).toHaveLength(1));
    expect(mock.callsTo('CancelFarmApproval')[0].variables).toEqual({ input: { id: 'ap1' } });
  });

  it('does not offer Cancel request (nor other actions) to viewers', async () => {
    const { mock } = renderFarm('VIEWER');
    await screen.findByTestId('approval-banner');
    // Let the role arrive: the buttons depend on it.
    await waitFor(() => expect(mock.callsTo('AccountRole').length).toBeGreaterThan(0));
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(screen.queryByRole('button', { name: 'Cancel request' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });
});

describe('farms list', () => {
  it('updates a farm in place from farmChanged, without refetching', async () => {
    const mock = createMockClient({
      EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [{ id: 'env1', name: 'production' }] } }),
      Farms: () => ({ account: { id: 'acc1', myRole: 'MEMBER', farms: [farm()] } }),
    });
    renderRoute(<FarmsPage />, { client: mock.client, path: '/accounts/:accountId/farms', url: '/accounts/acc1/farms' });
    const table = await screen.findByRole('table', { name: 'Farms' });
    expect(table).toHaveTextContent('waiting for CAB approver');
    await waitFor(() => expect(mock.callsTo('FarmChanged')).toHaveLength(1));
    const fetches = mock.callsTo('Farms').length;
    act(() => mock.push('FarmChanged', { farmChanged: farm({ status: 'RUNNING', pendingApproval: null, updatedAt: '2026-01-01T10:05:00Z' }) }));
    await waitFor(() => expect(within(table).getByTestId('farm-status')).toHaveTextContent('Running'));
    expect(table).not.toHaveTextContent('waiting for');
    expect(mock.callsTo('Farms')).toHaveLength(fetches);
  });
});

describe('farms list filter', () => {
  it('shows the current environment, switches environments, and offers all of them when one has no farms', async () => {
    const user = userEvent.setup();
    window.localStorage.setItem('switchboard.currentEnvironment.acc1', 'env2');
    const mock = createMockClient({
      EnvironmentOptions: () => ({
        account: { id: 'acc1', environments: [{ id: 'env1', name: 'production' }, { id: 'env2', name: 'staging' }] },
      }),
      Farms: ({ environmentId }) => ({ account: { id: 'acc1', myRole: 'VIEWER', farms: environmentId === 'env2' ? [] : [farm()] } }),
    });
    renderRoute(<FarmsPage />, { client: mock.client, path: '/accounts/:accountId/farms', url: '/accounts/acc1/farms' });
    const bar = await screen.findByRole('search', { name: 'Filter farms' });
    expect(await screen.findByText('No farms in this environment')).toBeInTheDocument();
    expect(mock.callsTo('Farms')[0].variables).toMatchObject({ accountId: 'acc1', environmentId: 'env2' });

    await user.click(screen.getByRole('button', { name: 'Show all environments' }));
    expect(await screen.findByRole('table', { name: 'Farms' })).toHaveTextContent('payments-prod');
    expect(mock.callsTo('Farms').at(-1)?.variables.environmentId).toBeNull();
    expect(within(bar).getByRole('textbox', { name: 'Environment' })).toHaveValue('All environments');

    await user.click(within(bar).getByRole('textbox', { name: 'Environment' }));
    await user.click(await screen.findByRole('option', { name: 'production' }));
    await waitFor(() => expect(mock.callsTo('Farms').at(-1)?.variables.environmentId).toBe('env1'));
    expect(await screen.findByRole('table', { name: 'Farms' })).toHaveTextContent('payments-prod');
    window.localStorage.clear();
  });
});

describe('new farm', () => {
  it('sends the team, project and cost centre with the farm', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [{ id: 'env1', name: 'production' }] } }),
      Farms: () => ({ account: { id: 'acc1', myRole: 'MEMBER', farms: [] } }),
      CreateFarm: () => ({ createFarm: { farm: { id: 'f9', name: 'sandbox' }, errors: [] } }),
    });
    renderRoute(<FarmsPage />, { client: mock.client, path: '/accounts/:accountId/farms', url: '/accounts/acc1/farms' });
    await user.click((await screen.findAllByRole('button', { name: /New farm/ }))[0]);
    const dialog = await screen.findByRole('dialog', { name: 'New farm' });
    await user.click(within(dialog).getByRole('textbox', { name: /Environment/ }));
    await user.click(await screen.findByRole('option', { name: 'production' }));
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'sandbox');
    await user.type(within(dialog).getByRole('textbox', { name: /^Team/ }), 'SRE');
    await user.type(within(dialog).getByRole('textbox', { name: /^Project id/ }), ' p-1 ');
    await user.type(within(dialog).getByRole('textbox', { name: /^Cost centre name/ }), 'ACME Operations');
    await user.click(within(dialog).getByRole('button', { name: 'Create farm' }));
    await waitFor(() => expect(mock.callsTo('CreateFarm')).toHaveLength(1));
    expect(mock.callsTo('CreateFarm')[0].variables).toEqual({
      input: {
        environmentId: 'env1', name: 'sandbox', description: '', ownerEmail: '',
        team: 'SRE', projectId: 'p-1', projectName: '', projectBillingCode: '',
        costCenterId: '', costCenterName: 'ACME Operations', costCenterBillingCode: '',
      },
    });
  }, 60_000);
});

describe('fire event parameters', () => {
  it('names variables like the server and rejects bad or repeated names', () => {
    expect(upperSnake('diskSize')).toBe('DISK_SIZE');
    expect(upperSnake('disk-size')).toBe('DISK_SIZE');
    expect(upperSnake('ticket_id2')).toBe('TICKET_ID2');
    expect(
      validateParams([
        { key: 'diskSize', value: '100' },
        { key: '', value: '' },
        { key: '9lives', value: 'x' },
        { key: 'disk_size', value: '200' },
        { key: '', value: 'orphan' },
      ]),
    ).toEqual({ 2: expect.stringMatching(/starting with a letter/), 3: 'disk_size is given twice', 4: 'Name the parameter' });
  });

  it('offers farm events about the farm and server events about a server, and links to the fired event', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'MEMBER' } }),
      Farm: () => ({
        farm: farm({
          status: 'RUNNING',
          pendingApproval: null,
          roles: [{ id: 'r1', farmId: 'f1', alias: 'web', roleName: 'nginx', os: '', imageId: '', behaviors: [], createdAt: '2026-01-01T09:00:00Z' }],
          servers: [
            {
              id: 's1', farmRoleId: 'r1', hostname: 'web-1', serverType: '', cloudLocation: '', cloudZone: '', cloudServerId: '',
              publicIp: '', privateIp: '', status: 'running', instanceIndex: 1, updatedAt: '2026-01-01T09:00:00Z',
            },
          ],
        }),
      }),
      FarmLatestApproval: () => latest(null),
      FireableEvents: () => ({
        account: {
          id: 'acc1',
          eventCatalog: [
            { name: 'HostUp', description: 'A server is up and in service.', category: 'server' },
            { name: 'FarmLaunched', description: 'A farm was launched.', category: 'farm' },
            { name: 'IncidentOpened', description: 'An incident was opened.', category: 'incident' },
            { name: 'Deployed', description: '', category: 'custom' },
          ],
        },
      }),
      FireEvent: () => ({ fireEvent: { event: { id: 'ev9', name: 'HostUp' }, errors: [] } }),
    });
    renderRoute(<FarmPage />, { client: mock.client, path: '/accounts/:accountId/farms/:farmId', url: '/accounts/acc1/farms/f1' });
    await user.click(await screen.findByRole('button', { name: 'Fire event' }));
    const dialog = await screen.findByRole('dialog', { name: 'Fire an event' });
    // About the farm: farm and custom events, never server or incident events.
    await user.click(within(dialog).getByRole('textbox', { name: /^Event/ }));
    expect(await screen.findByRole('option', { name: 'FarmLaunched' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Deployed' })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: 'HostUp' })).not.toBeInTheDocument();
    expect(screen.queryByRole('option', { name: 'IncidentOpened' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('option', { name: 'FarmLaunched' }));

    // About a server: server and custom events; the farm event picked before is cleared.
    await user.click(within(dialog).getByRole('textbox', { name: 'About' }));
    await user.click(await screen.findByRole('option', { name: 'Server web-1 (#1)' }));
    expect(within(dialog).getByRole('textbox', { name: /^Event/ })).toHaveValue('');
    await user.click(within(dialog).getByRole('textbox', { name: /^Event/ }));
    expect(screen.queryByRole('option', { name: 'FarmLaunched' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('option', { name: 'HostUp' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Parameter 1 name' }), 'diskSize');
    await user.type(within(dialog).getByRole('textbox', { name: 'Parameter 1 value' }), '100');
    await user.click(within(dialog).getByRole('button', { name: 'Fire event' }));
    await waitFor(() => expect(mock.callsTo('FireEvent')).toHaveLength(1));
    expect(mock.callsTo('FireEvent')[0].variables).toEqual({
      input: { name: 'HostUp', farmId: 'f1', serverId: 's1', parameters: [{ key: 'diskSize', value: '100' }] },
    });
    expect(await within(dialog).findByRole('link', { name: 'Open the event' })).toHaveAttribute('href', '/accounts/acc1/events/ev9');
  }, 60_000);
});

describe('edit server', () => {
  it('saves a server\'s reported fields and shows a server error next to its field', async () => {
    const user = userEvent.setup();
    let calls = 0;
    const server = {
      id: 's1', farmRoleId: 'r1', hostname: 'web-1', serverType: 'm5.large', cloudLocation: 'eu-west-1', cloudZone: '', cloudServerId: 'i-1', imageId: '',
      publicIp: '', privateIp: '10.0.0.5', status: 'running', instanceIndex: 1, updatedAt: '2026-01-01T09:00:00Z',
    };
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'MEMBER' } }),
      Farm: () => ({
        farm: farm({
          status: 'RUNNING',
          pendingApproval: null,
          roles: [{ id: 'r1', farmId: 'f1', alias: 'web', roleName: 'nginx', os: '', imageId: '', behaviors: [], createdAt: '2026-01-01T09:00:00Z' }],
          servers: [server],
        }),
      }),
      FarmLatestApproval: () => latest(null),
      UpdateServer: () =>
        ++calls === 1
          ? { updateServer: { server: null, errors: [{ code: 'INVALID', field: 'input.fields.privateIp', message: 'not an IP address' }] } }
          : { updateServer: { server: { id: 's1', hostname: 'web-1' }, errors: [] } },
    });
    renderRoute(<FarmPage />, { client: mock.client, path: '/accounts/:accountId/farms/:farmId', url: '/accounts/acc1/farms/f1' });
    await user.click(await screen.findByRole('button', { name: 'Edit web-1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit web-1' });
    const status = within(dialog).getByRole('textbox', { name: 'Status' });
    await user.clear(status);
    await user.type(status, 'stopped');
    await user.click(within(dialog).getByRole('button', { name: 'Save server' }));
    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: 'Private IP' })).toHaveAccessibleDescription('not an IP address'));
    expect(mock.callsTo('UpdateServer')[0].variables).toEqual({
      input: {
        id: 's1',
        fields: {
          hostname: 'web-1', serverType: 'm5.large', cloudLocation: 'eu-west-1', cloudZone: '', cloudServerId: 'i-1', imageId: '',
          publicIp: '', privateIp: '10.0.0.5', status: 'stopped', instanceIndex: 1,
        },
      },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Save server' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit web-1' })).not.toBeInTheDocument());
  }, 60_000);
});

describe('Scalr fields of a farm', () => {
  const billed = {
    status: 'RUNNING',
    pendingApproval: null,
    launchedOnce: true,
    launchedByEmail: 'aloys@scalr.com',
    team: 'SRE',
    projectId: '30c59dba-fc9b-4d0f-83ec-4b5043b12f72',
    projectName: 'Sandbox',
    projectBillingCode: 'PR-01',
    costCenterId: '3f54770e-bf1a-11e3-92c5-000feae9c516',
    costCenterName: 'ACME Operations',
    costCenterBillingCode: '',
    roles: [
      {
        id: 'r1', farmId: 'f1', alias: 'base-ubuntu1604', roleName: 'base-ubuntu1604', os: 'ubuntu', createdAt: '2026-01-01T09:00:00Z',
        imageId: 'scalr-demo/images/ubuntu1604', behaviors: ['base', 'chef'],
      },
    ],
  };

  it('shows team, project, cost centre, launcher, hash, and the roles\' image and behaviours', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'MEMBER' } }),
      Farm: () => ({ farm: farm(billed) }),
      FarmLatestApproval: () => latest(null),
    });
    renderRoute(<FarmPage />, { client: mock.client, path: '/accounts/:accountId/farms/:farmId', url: '/accounts/acc1/farms/f1' });
    expect(await screen.findByTestId('farm-project')).toHaveTextContent('Sandbox30c59dba-fc9b-4d0f-83ec-4b5043b12f72 · billing code PR-01');
    expect(screen.getByTestId('farm-cost-center')).toHaveTextContent('ACME Operations3f54770e-bf1a-11e3-92c5-000feae9c516');
    expect(screen.getByTestId('farm-hash')).toHaveTextContent('501a9f8cab6b5f');
    expect(screen.getByRole('link', { name: 'Events about this farm' })).toHaveAttribute('href', '/accounts/acc1/events?subject=f1');
    expect(screen.getByText('aloys@scalr.com')).toBeInTheDocument();
    expect(screen.getByText('SRE')).toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: /Roles/ }));
    const roles = await screen.findByRole('table', { name: 'Roles' });
    expect(roles).toHaveTextContent('scalr-demo/images/ubuntu1604');
    expect(roles).toHaveTextContent('base, chef');
  });

  it('edits the team, project and cost centre and shows a server error next to its field', async () => {
    const user = userEvent.setup();
    let calls = 0;
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'MEMBER' } }),
      Farm: () => ({ farm: farm(billed) }),
      FarmLatestApproval: () => latest(null),
      UpdateFarm: () =>
        ++calls === 1
          ? { updateFarm: { farm: null, errors: [{ code: 'INVALID', field: 'projectBillingCode', message: 'projectBillingCode must be at most 64 characters' }] } }
          : { updateFarm: { farm: { ...farm(billed), projectBillingCode: 'PR-02' }, errors: [] } },
    });
    renderRoute(<FarmPage />, { client: mock.client, path: '/accounts/:accountId/farms/:farmId', url: '/accounts/acc1/farms/f1' });
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit payments-prod' });
    const code = within(dialog).getByRole('textbox', { name: /Project billing code/ });
    await user.clear(code);
    await user.type(code, ' PR-02 ');
    await user.type(within(dialog).getByRole('textbox', { name: /Cost centre billing code/ }), 'CC-9');
    await user.click(within(dialog).getByRole('button', { name: 'Save farm' }));
    await waitFor(() => expect(code).toHaveAccessibleDescription(/must be at most 64 characters/));
    expect(mock.callsTo('UpdateFarm')[0].variables).toEqual({
      input: {
        id: 'f1', name: 'payments-prod', description: '', ownerEmail: 'owner@example.test',
        team: 'SRE', projectId: '30c59dba-fc9b-4d0f-83ec-4b5043b12f72', projectName: 'Sandbox', projectBillingCode: 'PR-02',
        costCenterId: '3f54770e-bf1a-11e3-92c5-000feae9c516', costCenterName: 'ACME Operations', costCenterBillingCode: 'CC-9',
      },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Save farm' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit payments-prod' })).not.toBeInTheDocument());
  }, 60_000);

  it('adds a role with its image and behaviours', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'MEMBER' } }),
      Farm: () => ({ farm: farm(billed) }),
      FarmLatestApproval: () => latest(null),
      CreateFarmRole: () => ({ createFarmRole: { farmRole: { id: 'r2', alias: 'db' }, errors: [] } }),
    });
    renderRoute(<FarmPage />, { client: mock.client, path: '/accounts/:accountId/farms/:farmId', url: '/accounts/acc1/farms/f1' });
    await user.click(await screen.findByRole('tab', { name: /Roles/ }));
    await user.click(await screen.findByRole('button', { name: /Add role/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a farm role' });
    await user.type(within(dialog).getByRole('textbox', { name: /Alias/ }), 'db');
    await user.type(within(dialog).getByRole('textbox', { name: /Role name/ }), 'mysql-ubuntu');
    await user.type(within(dialog).getByRole('textbox', { name: /Image id/ }), 'ami-0abc');
    await user.type(within(dialog).getByRole('textbox', { name: /Behaviours/ }), 'base{Enter}MySQL2{Enter}');
    await user.click(within(dialog).getByRole('button', { name: 'Add role' }));
    await waitFor(() => expect(mock.callsTo('CreateFarmRole')).toHaveLength(1));
    expect(mock.callsTo('CreateFarmRole')[0].variables).toEqual({
      input: { farmId: 'f1', alias: 'db', roleName: 'mysql-ubuntu', os: '', imageId: 'ami-0abc', behaviors: ['base', 'mysql2'] },
    });
  }, 60_000);
});

describe('farm status badge', () => {
  it('says "Not launched" for a farm that never ran, and Terminated once it has', () => {
    render(
      <MantineProvider>
        <FarmStatusBadge value="TERMINATED" launchedOnce={false} />
        <FarmStatusBadge value="TERMINATED" launchedOnce />
        <FarmStatusBadge value="RUNNING" launchedOnce={false} />
      </MantineProvider>,
    );
    expect(screen.getAllByTestId('farm-status').map((b) => b.textContent)).toEqual(['Not launched', 'Terminated', 'Running']);
  });
});
