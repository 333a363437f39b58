import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { makeSession, renderRoute, testUser } from '@/testing/render';
import EndpointsPage from './EndpointsPage';

const KEY = 'k'.repeat(32) + 'A+/b'.repeat(8);

const endpoint = (id: string, name: string, webhooks: { id: string; name: string }[] = []) => ({
  id,
  scope: 'ACCOUNT',
  scopeId: 'acc1',
  name,
  url: `https://${name.toLowerCase()}.example.test/hook`,
  format: 'SCALR',
  active: true,
  shared: false,
  inactiveReason: '',
  rateLimit: null,
  health: { state: 'ACTIVE', reason: '', since: null, consecutiveFailures: 0, nextProbeAt: null },
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  webhooks,
});

function setup(myRole: Role = 'ADMIN') {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [{ id: 'env1', name: 'production' }] } }),
    Endpoints: () => ({ endpoints: [endpoint('ep1', 'CMDB', [{ id: 'w1', name: 'To CMDB' }])] }),
    CreateEndpoint: ({ input }) => ({
      createEndpoint: { endpoint: endpoint('ep2', (input as { name: string }).name), signingKey: KEY, errors: [] },
    }),
    DeleteEndpoint: () => ({
      deleteEndpoint: {
        deletedId: null,
        errors: [{ code: 'CONFLICT', field: null, message: 'endpoint "CMDB" is used by webhooks: To CMDB' }],
      },
    }),
    SendTestEvent: () => ({
      sendTestEvent: {
        delivery: { id: 'd9', status: 'PENDING', attempts: 0, maxAttempts: 3, lastStatusCode: null, lastError: '' },
        errors: [],
      },
    }),
    TestDelivery: () => ({
      delivery: { id: 'd9', status: 'SUCCEEDED', attempts: 1, maxAttempts: 3, lastStatusCode: 204, lastError: '', nextAttemptAt: null, completedAt: '2026-01-01T00:00:01Z' },
    }),
  });
  renderRoute(<EndpointsPage />, { client: mock.client, path: '/accounts/:accountId/endpoints', url: '/accounts/acc1/endpoints' });
  return mock;
}

describe('endpoints', () => {
  it('reveals the signing key once after creation', async () => {
    const user = userEvent.setup();
    const mock = setup();
    await user.click(await screen.findByRole('button', { name: 'New endpoint' }));
    const dialog = await screen.findByRole('dialog', { name: 'New endpoint' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'ITSM');
    await user.type(within(dialog).getByRole('textbox', { name: /^URL/ }), 'not a url');
    await user.click(within(dialog).getByRole('button', { name: 'Create endpoint' }));
    expect(await within(dialog).findByText(/Enter a full URL/)).toBeInTheDocument();
    await user.clear(within(dialog).getByRole('textbox', { name: /^URL/ }));
    await user.type(within(dialog).getByRole('textbox', { name: /^URL/ }), 'https://itsm.example.test/in');
    await user.click(within(dialog).getByRole('switch', { name: /Shared/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Create endpoint' }));

    const reveal = await screen.findByRole('dialog', { name: 'Endpoint created' });
    expect(within(reveal).getByTestId('signing-key')).toHaveTextContent(KEY);
    expect(reveal).toHaveTextContent('You will not see it again');
    expect(mock.callsTo('CreateEndpoint')[0].variables).toEqual({
      input: {
        scope: { scope: 'ACCOUNT', id: 'acc1' },
        name: 'ITSM',
        url: 'https://itsm.example.test/in',
        format: 'SCALR',
        shared: true,
        active: true,
        rateLimit: 0,
      },
    });
    await user.click(within(reveal).getByRole('button', { name: 'I have copied the key' }));
    await waitFor(() => expect(document.body).not.toHaveTextContent(KEY));
  }, 20_000);

  it("shows the server's conflict when webhooks still use the endpoint", async () => {
    const user = userEvent.setup();
    setup();
    await user.click(await screen.findByRole('button', { name: 'More actions for CMDB' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete CMDB?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete endpoint' }));
    expect(await screen.findByText('endpoint "CMDB" is used by webhooks: To CMDB')).toBeInTheDocument();
  });

  it('sends a test event and shows the resulting delivery with a link to it', async () => {
    const user = userEvent.setup();
    setup();
    await user.click(await screen.findByRole('button', { name: 'Send a test event to CMDB' }));
    const modal = await screen.findByTestId('test-delivery');
    expect(await within(modal).findByText('Succeeded')).toBeInTheDocument();
    expect(modal).toHaveTextContent('last answer HTTP 204');
    expect(within(modal).getByRole('link', { name: 'Open this delivery in the history' })).toHaveAttribute(
      'href',
      '/accounts/acc1/deliveries?delivery=d9',
    );
  });

  it('shows a paused endpoint with its reason and resumes it now', async () => {
    const user = userEvent.setup();
    const paused = {
      ...endpoint('ep1', 'CMDB'),
      rateLimit: 5,
      health: {
        state: 'PAUSED',
        reason: '5 consecutive failed attempts (last: HTTP 503 Service Unavailable)',
        since: '2026-01-01T00:00:00Z',
        consecutiveFailures: 5,
        nextProbeAt: '2026-01-01T00:00:30Z',
      },
    };
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'ADMIN' } }),
      EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [] } }),
      Endpoints: () => ({ endpoints: [paused] }),
      ResumeEndpoint: () => ({ resumeEndpoint: { endpoint: endpoint('ep1', 'CMDB'), errors: [] } }),
    });
    renderRoute(<EndpointsPage />, { client: mock.client, path: '/accounts/:accountId/endpoints', url: '/accounts/acc1/endpoints' });
    expect(await screen.findByText('Paused')).toBeInTheDocument();
    expect(screen.getByText(/5 consecutive failed attempts/)).toBeInTheDocument();
    expect(screen.getByText('≤ 5/s')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Resume now' }));
    await waitFor(() => expect(mock.callsTo('ResumeEndpoint')).toHaveLength(1));
    expect(mock.callsTo('ResumeEndpoint')[0].variables).toEqual({ input: { id: 'ep1' } });
  });

  it('is read-only for viewers', async () => {
    setup('VIEWER');
    await screen.findByRole('table', { name: 'Endpoints' });
    expect(screen.queryByRole('button', { name: 'New endpoint' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Send a test event/ })).not.toBeInTheDocument();
  });
});

describe('system-scope endpoints', () => {
  function renderAt(url: string, isSystemAdmin: boolean) {
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'VIEWER' } }),
      EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [{ id: 'env1', name: 'production' }] } }),
      Endpoints: ({ scope }) => ({
        endpoints: (scope as { scope: string }).scope === 'SYSTEM' ? [{ ...endpoint('sys1', 'Global CMDB'), scope: 'SYSTEM', scopeId: '' }] : [],
      }),
      CreateEndpoint: ({ input }) => ({
        createEndpoint: { endpoint: endpoint('sys2', (input as { name: string }).name), signingKey: KEY, errors: [] },
      }),
    });
    renderRoute(<EndpointsPage />, {
      client: mock.client,
      path: '/accounts/:accountId/endpoints',
      url,
      session: makeSession({ ...testUser, isSystemAdmin }),
    });
    return mock;
  }

  it('lets system administrators manage system endpoints, whatever their account role', async () => {
    const user = userEvent.setup();
    const mock = renderAt('/accounts/acc1/endpoints?scope=system', true);
    const table = await screen.findByRole('table', { name: 'Endpoints' });
    expect(table).toHaveTextContent('Global CMDB');
    expect(mock.callsTo('Endpoints')[0].variables).toEqual({ scope: { scope: 'SYSTEM', id: null } });
    expect(screen.getByRole('radio', { name: 'System' })).toBeChecked();
    // System endpoints' deliveries are not filed under an account.
    expect(within(table).queryByRole('link', { name: 'Deliveries' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'New endpoint' }));
    const dialog = await screen.findByRole('dialog', { name: 'New endpoint' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Global ITSM');
    await user.type(within(dialog).getByRole('textbox', { name: /^URL/ }), 'https://itsm.example.test/in');
    await user.click(within(dialog).getByRole('button', { name: 'Create endpoint' }));
    await screen.findByRole('dialog', { name: 'Endpoint created' });
    expect(mock.callsTo('CreateEndpoint')[0].variables.input).toMatchObject({ scope: { scope: 'SYSTEM', id: null }, name: 'Global ITSM' });
  }, 20_000);

  it('ignores ?scope=system for everyone else', async () => {
    const mock = renderAt('/accounts/acc1/endpoints?scope=system', false);
    await screen.findByText('No endpoints at this scope');
    expect(mock.callsTo('Endpoints')[0].variables).toEqual({ scope: { scope: 'ACCOUNT', id: 'acc1' } });
    expect(screen.queryByRole('radio', { name: 'System' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New endpoint' })).not.toBeInTheDocument();
  });
});
