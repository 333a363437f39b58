import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient, type Handler } from '@/testing/mock-client';
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
  revealed: true,
  headers: [] as { name: string; value: string }[],
  keyRotation: {
    inProgress: false,
    rotatedAt: null as string | null,
    overlapUntil: null as string | null,
    signatureSwitchAt: null as string | null,
    scalrUsesNewKey: true,
  },
  rateLimit: null,
  health: { state: 'ACTIVE', reason: '', since: null, consecutiveFailures: 0, nextProbeAt: null },
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  webhooks,
});

function setup(myRole: Role = 'ADMIN', overrides: Record<string, Handler> = {}) {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [{ id: 'env1', name: 'production' }] } }),
    Endpoints: () => ({ endpoints: [endpoint('ep1', 'CMDB', [{ id: 'w1', name: 'To CMDB' }])] }),
    CreateEndpoint: ({ input }) => ({
      createEndpoint: { endpoint: endpoint('ep2', (input as { name: string }).name), signingKey: KEY, warnings: [], errors: [] },
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
      delivery: { id: 'd9', accountId: 'acc1', status: 'SUCCEEDED', attempts: 1, maxAttempts: 3, lastStatusCode: 204, lastError: '', nextAttemptAt: null, completedAt: '2026-01-01T00:00:01Z' },
    }),
    ...overrides,
  });
  renderRoute(<EndpointsPage />, { client: mock.client, path: '/accounts/:accountId/endpoints', url: '/accounts/acc1/endpoints' });
  return mock;
}

describe('endpoints', () => {
  it('says under the scope picker what the scope means and who can change what', async () => {
    const user = userEvent.setup();
    setup();
    const help = await screen.findByTestId('scope-help');
    expect(help).toHaveTextContent('This account: endpoints here serve all its environments');
    expect(help).toHaveTextContent('admins and owners change them');
    await user.click(screen.getByRole('radio', { name: 'Environment' }));
    await waitFor(() => expect(screen.getByTestId('scope-help')).toHaveTextContent('One environment: endpoints here serve only its farms and events'));
  });

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
        headers: [],
        rateLimit: 0,
      },
    });
    await user.click(within(reveal).getByRole('button', { name: 'I have copied the key' }));
    await waitFor(() => expect(document.body).not.toHaveTextContent(KEY));
  }, 60_000);

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

  it('follows a test event to a system endpoint to its end and links to the system history', async () => {
    const user = userEvent.setup();
    setup('ADMIN', {
      TestDelivery: () => ({
        delivery: { id: 'd10', accountId: null, status: 'SUCCEEDED', attempts: 1, maxAttempts: 1, lastStatusCode: 200, lastError: '', nextAttemptAt: null, completedAt: '2026-01-01T00:00:01Z' },
      }),
    });
    await user.click(await screen.findByRole('button', { name: 'Send a test event to CMDB' }));
    const modal = await screen.findByTestId('test-delivery');
    expect(await within(modal).findByText('Succeeded')).toBeInTheDocument();
    expect(within(modal).getByRole('link', { name: 'Open this delivery in the history' })).toHaveAttribute(
      'href',
      '/accounts/acc1/deliveries?scope=system&delivery=d10',
    );
  });

  it('does not leave the test dialog waiting when the delivery cannot be read', async () => {
    const user = userEvent.setup();
    const mock = setup('ADMIN', { TestDelivery: () => ({ delivery: null }) });
    await user.click(await screen.findByRole('button', { name: 'Send a test event to CMDB' }));
    const modal = await screen.findByTestId('test-delivery');
    expect(await within(modal).findByText(/The test delivery cannot be shown/)).toBeInTheDocument();
    expect(within(modal).queryByLabelText('Loading the test delivery')).not.toBeInTheDocument();
    // It stops asking.
    const asked = mock.callsTo('TestDelivery').length;
    await new Promise((r) => setTimeout(r, 1700));
    expect(mock.callsTo('TestDelivery')).toHaveLength(asked);
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
        createEndpoint: { endpoint: endpoint('sys2', (input as { name: string }).name), signingKey: KEY, warnings: [], errors: [] },
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
  }, 60_000);

  it('ignores ?scope=system for everyone else', async () => {
    const mock = renderAt('/accounts/acc1/endpoints?scope=system', false);
    await screen.findByText('No endpoints at this scope');
    expect(mock.callsTo('Endpoints')[0].variables).toEqual({ scope: { scope: 'ACCOUNT', id: 'acc1' } });
    expect(screen.queryByRole('radio', { name: 'System' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New endpoint' })).not.toBeInTheDocument();
  });
});

describe('key rotation, custom headers and save warnings', () => {
  const rotatingAt = '2026-01-03T00:00:00Z';
  function setupWith(handlers: Parameters<typeof createMockClient>[0], eps = [endpoint('ep1', 'CMDB')]) {
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'ADMIN' } }),
      EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [] } }),
      Endpoints: () => ({ endpoints: eps }),
      ...handlers,
    });
    renderRoute(<EndpointsPage />, { client: mock.client, path: '/accounts/:accountId/endpoints', url: '/accounts/acc1/endpoints' });
    return mock;
  }

  it('rotates with an overlap and a switch time, then explains the key bytes of each signature', async () => {
    const user = userEvent.setup();
    const mock = setupWith({
      RotateEndpointKey: () => ({
        rotateEndpointKey: {
          endpoint: {
            ...endpoint('ep1', 'CMDB'),
            keyRotation: { inProgress: true, rotatedAt: null, overlapUntil: rotatingAt, signatureSwitchAt: '2026-01-01T12:00:00Z', scalrUsesNewKey: false },
          },
          signingKey: KEY,
          errors: [],
        },
      }),
    });
    await user.click(await screen.findByRole('button', { name: 'More actions for CMDB' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Rotate signing key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rotate the signing key of CMDB' });
    const overlap = within(dialog).getByRole('textbox', { name: /^Overlap/ });
    await user.clear(overlap);
    await user.type(overlap, '48');
    const sw = within(dialog).getByRole('textbox', { name: /^Switch X-Signature/ });
    await user.clear(sw);
    await user.type(sw, '12');
    expect(dialog).toHaveTextContent('X-Signature uses the old key for 12 h');
    const before = Date.now();
    await user.click(within(dialog).getByRole('button', { name: 'Rotate key' }));

    const reveal = await screen.findByRole('dialog', { name: 'New signing key' });
    const vars = mock.callsTo('RotateEndpointKey')[0].variables.input as { id: string; overlapSeconds: number; signatureSwitchAt: string };
    expect(vars.id).toBe('ep1');
    expect(vars.overlapSeconds).toBe(48 * 3600);
    const at = Date.parse(vars.signatureSwitchAt) - before;
    expect(at).toBeGreaterThanOrEqual(12 * 3600_000 - 1000);
    expect(at).toBeLessThan(12 * 3600_000 + 60_000);
    expect(within(reveal).getByTestId('signing-key')).toHaveTextContent(KEY);
    expect(within(reveal).getByTestId('rotation-timeline')).toHaveTextContent('the old key still signs webhook-signature beside this one');
    expect(reveal).toHaveTextContent('keyed with the 64 characters above as ASCII bytes');
    expect(reveal).toHaveTextContent('keyed with the 48 bytes the key decodes to as standard base64');
  }, 60_000);

  it('offers to finish a rotation in progress instead of rotating again', async () => {
    const user = userEvent.setup();
    const rotatingEp = {
      ...endpoint('ep1', 'CMDB'),
      keyRotation: { inProgress: true, rotatedAt: null, overlapUntil: rotatingAt, signatureSwitchAt: rotatingAt, scalrUsesNewKey: false },
    };
    const mock = setupWith(
      {
        FinishEndpointKeyRotation: () => ({ finishEndpointKeyRotation: { endpoint: endpoint('ep1', 'CMDB'), errors: [] } }),
      },
      [rotatingEp, endpoint('ep2', 'ITSM')],
    );
    expect(await screen.findByText('Key rotation')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'More actions for CMDB' }));
    expect(screen.queryByRole('menuitem', { name: 'Rotate signing key' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('menuitem', { name: 'Finish key rotation now' }));
    const confirm = await screen.findByRole('dialog', { name: 'Finish the key rotation of CMDB now?' });
    await user.click(within(confirm).getByRole('button', { name: 'Finish rotation' }));
    await waitFor(() => expect(mock.callsTo('FinishEndpointKeyRotation')).toHaveLength(1));
    expect(mock.callsTo('FinishEndpointKeyRotation')[0].variables).toEqual({ input: { id: 'ep1' } });
  }, 60_000);

  it('sends custom headers, puts server errors on the header row, and shows save warnings', async () => {
    const user = userEvent.setup();
    let n = 0;
    const mock = setupWith({
      UpdateEndpoint: () => {
        n++;
        if (n === 1) {
          return { updateEndpoint: { endpoint: null, warnings: [], errors: [{ code: 'INVALID', field: 'headers.0.value', message: 'header 1 (X-Api-Key): too long' }] } };
        }
        return {
          updateEndpoint: {
            endpoint: endpoint('ep1', 'CMDB'),
            warnings: ['cmdb.example.test currently resolves to an address deliveries may not connect to (carrier-grade NAT)'],
            errors: [],
          },
        };
      },
    });
    await user.click(await screen.findByRole('button', { name: 'More actions for CMDB' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit CMDB' });
    await user.click(within(dialog).getByRole('button', { name: 'Add header' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Header 1 name' }), 'X-Signature');
    await user.type(within(dialog).getByRole('textbox', { name: 'Header 1 value' }), 'secret');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('X-Signature is set by Switchboard')).toBeInTheDocument();
    expect(mock.callsTo('UpdateEndpoint')).toHaveLength(0);

    await user.clear(within(dialog).getByRole('textbox', { name: 'Header 1 name' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Header 1 name' }), 'X-Api-Key');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('header 1 (X-Api-Key): too long')).toBeInTheDocument();
    expect(mock.callsTo('UpdateEndpoint')[0].variables.input).toEqual({
      id: 'ep1',
      name: 'CMDB',
      format: 'SCALR',
      shared: false,
      active: true,
      headers: [{ name: 'X-Api-Key', value: 'secret' }],
      rateLimit: 0,
    });

    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByTestId('save-warnings')).toHaveTextContent('carrier-grade NAT');
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeInTheDocument();
  }, 60_000);

  it('never saves redacted header values back', async () => {
    const user = userEvent.setup();
    const mock = setupWith(
      { UpdateEndpoint: () => ({ updateEndpoint: { endpoint: endpoint('ep1', 'CMDB'), warnings: [], errors: [] } }) },
      [{ ...endpoint('ep1', 'CMDB'), revealed: false, url: 'https://cmdb.example.test/…', headers: [{ name: 'X-Api-Key', value: '••••' }] }],
    );
    await user.click(await screen.findByRole('button', { name: 'More actions for CMDB' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit CMDB' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mock.callsTo('UpdateEndpoint')).toHaveLength(1));
    const input = mock.callsTo('UpdateEndpoint')[0].variables.input as Record<string, unknown>;
    expect(input).not.toHaveProperty('headers');
    expect(input).not.toHaveProperty('url');
  }, 60_000);
});
