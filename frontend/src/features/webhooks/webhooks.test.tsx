import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { makeSession, renderRoute, testUser } from '@/testing/render';
import WebhookFormPage from './WebhookFormPage';
import WebhooksPage from './WebhooksPage';
import { groupCatalog } from './catalog';
import { EventPicker } from './components/EventPicker';

const CATALOG = [
  { name: 'HostUp', description: 'A server is up and in service.', category: 'server', custom: null },
  { name: 'HostDown', description: 'A server was terminated or went down.', category: 'server', custom: null },
  { name: 'FarmLaunched', description: 'A farm was launched.', category: 'farm', custom: null },
  { name: 'IncidentOpened', description: 'An incident was opened on a component.', category: 'incident', custom: null },
  { name: 'IncidentResolved', description: 'An incident was resolved.', category: 'incident', custom: null },
  { name: 'EndpointPaused', description: 'An endpoint kept failing: its deliveries wait while it is probed.', category: 'endpoint', custom: null },
  { name: 'BackupDone', description: 'Nightly backup finished.', category: 'custom', custom: { id: 'ce1', scope: 'ACCOUNT' } },
];

function Picker() {
  const [value, setValue] = useState<string[]>([]);
  return (
    <>
      <EventPicker catalog={CATALOG} value={value} onChange={setValue} />
      <output data-testid="picked">{value.join(',')}</output>
    </>
  );
}

describe('event picker', () => {
  it('groups events by category with their descriptions, and filters by description', async () => {
    const user = userEvent.setup();
    const { client } = createMockClient({});
    renderRoute(<Picker />, { client });

    const groups = within(screen.getByTestId('event-picker')).getAllByRole('group');
    expect(groups.map((g) => g.getAttribute('aria-label'))).toEqual([
      'Incident events',
      'Farm events',
      'Server events',
      'Endpoint health',
      'Custom events',
    ]);
    const server = screen.getByRole('group', { name: 'Server events' });
    expect(within(server).getByRole('checkbox', { name: 'HostUp' })).toHaveAccessibleDescription('A server is up and in service.');

    // "went down" only appears in a description.
    await user.type(screen.getByRole('textbox', { name: 'Filter events' }), 'went down');
    expect(screen.getAllByRole('checkbox')).toHaveLength(1);
    await user.click(screen.getByRole('checkbox', { name: 'HostDown' }));
    expect(screen.getByTestId('picked')).toHaveTextContent('HostDown');

    await user.clear(screen.getByRole('textbox', { name: 'Filter events' }));
    await user.click(within(screen.getByRole('group', { name: 'Incident events' })).getByRole('button', { name: 'Select all' }));
    expect(screen.getByTestId('picked')).toHaveTextContent('HostDown,IncidentOpened,IncidentResolved');
    expect(screen.getByText('3 selected')).toBeInTheDocument();
  }, 60_000);

  it('groupCatalog keeps unknown categories after the known ones', () => {
    const out = groupCatalog([...CATALOG, { name: 'X', description: 'x', category: 'other' }], '');
    expect(out.map((g) => g.category)).toEqual(['incident', 'farm', 'server', 'endpoint', 'custom', 'other']);
    expect(groupCatalog(CATALOG, 'launched').map((g) => g.events.map((e) => e.name))).toEqual([['FarmLaunched']]);
  });
});

describe('webhook form', () => {
  it('creates a webhook at the chosen scope with events, endpoints and advanced settings', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'ADMIN' } }),
      EventCatalog: () => ({ account: { id: 'acc1', eventCatalog: CATALOG } }),
      UsableEndpoints: () => ({
        usableEndpoints: [
          { id: 'ep1', name: 'CMDB', url: 'https://cmdb', scope: 'ACCOUNT', format: 'SCALR', active: true, shared: false },
        ],
      }),
      FarmOptions: () => ({ account: { id: 'acc1', farms: [] } }),
      CreateWebhook: ({ input }) => ({ createWebhook: { webhook: { id: 'w1', ...(input as object) }, errors: [] } }),
      Webhooks: () => ({ webhooks: [] }),
      EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [] } }),
    });
    const { router } = renderRoute(null, {
      client: mock.client,
      url: '/accounts/acc1/webhooks/new',
      routes: [
        { path: '/accounts/:accountId/webhooks/new', element: <WebhookFormPage /> },
        { path: '/accounts/:accountId/webhooks', element: <WebhooksPage /> },
      ],
    });
    await user.type(await screen.findByRole('textbox', { name: /^Name/ }), 'To CMDB');
    await user.click(await screen.findByRole('checkbox', { name: 'IncidentOpened' }));

    // Nothing is sent without an endpoint.
    await user.click(screen.getByRole('button', { name: 'Create webhook' }));
    expect(await screen.findByText('Pick at least one endpoint')).toBeInTheDocument();
    expect(mock.callsTo('CreateWebhook')).toHaveLength(0);

    await user.click(screen.getByRole('textbox', { name: /^Endpoints/ }));
    await user.click(await screen.findByRole('option', { name: 'CMDB' }));
    await user.click(screen.getByRole('button', { name: 'Advanced settings' }));
    const timeout = await screen.findByRole('textbox', { name: /Timeout/ });
    await user.clear(timeout);
    await user.type(timeout, '10');
    // The planned schedule of a new webhook: 5 attempts on the default waits.
    expect(screen.getByTestId('retry-plan')).toHaveTextContent(
      'Attempt 1 now, 2 after 30 s, 3 after 5 min, 4 after 30 min, 5 after 2 h; last attempt ≈2 h 35 min after the event.',
    );
    const schedule = screen.getByRole('textbox', { name: /Retry schedule/ });
    await user.type(schedule, '1h, 5m');
    expect(screen.queryByTestId('retry-plan')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create webhook' }));
    expect(await screen.findByText(/shorter than the wait before it/)).toBeInTheDocument();
    expect(mock.callsTo('CreateWebhook')).toHaveLength(0);
    await user.clear(schedule);
    await user.type(schedule, '10s, 1m');
    expect(screen.getByTestId('retry-plan')).toHaveTextContent(
      'Attempt 1 now, 2 after 10 s, 3 after 1 min, 4 after 1 min, 5 after 1 min; last attempt ≈3 min 10 s after the event.',
    );
    await user.click(screen.getByRole('switch', { name: /Skip private variables/ }));
    await user.type(screen.getByRole('textbox', { name: /User data/ }), 'farm={{SCALR_FARM_NAME}');
    await user.click(screen.getByRole('button', { name: 'Create webhook' }));

    await waitFor(() => expect(mock.callsTo('CreateWebhook')).toHaveLength(1));
    expect(mock.callsTo('CreateWebhook')[0].variables).toEqual({
      input: {
        scope: { scope: 'ACCOUNT', id: 'acc1' },
        name: 'To CMDB',
        events: ['IncidentOpened'],
        endpointIds: ['ep1'],
        farmIds: [],
        timeoutSeconds: 10,
        maxAttempts: 5,
        retrySchedule: [10, 60],
        skipPrivateVariables: true,
        userData: 'farm={SCALR_FARM_NAME}',
        active: true,
      },
    });
    await waitFor(() => expect(router.state.location.pathname).toBe('/accounts/acc1/webhooks'));
  }, 60_000);
});

describe('system-scope webhooks', () => {
  it('creates a system webhook (system administrators) on system endpoints, with no farm filter', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'MEMBER' } }),
      EventCatalog: () => ({ account: { id: 'acc1', eventCatalog: CATALOG } }),
      UsableEndpoints: () => ({
        usableEndpoints: [{ id: 'sys1', name: 'Global CMDB', url: 'https://g', scope: 'SYSTEM', format: 'SCALR', active: true, shared: true }],
      }),
      FarmOptions: () => ({ account: { id: 'acc1', farms: [] } }),
      CreateWebhook: ({ input }) => ({ createWebhook: { webhook: { id: 'w9', ...(input as object) }, errors: [] } }),
      Webhooks: () => ({ webhooks: [] }),
      EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [] } }),
    });
    const { router } = renderRoute(null, {
      client: mock.client,
      url: '/accounts/acc1/webhooks?scope=system',
      session: makeSession({ ...testUser, isSystemAdmin: true }),
      routes: [
        { path: '/accounts/:accountId/webhooks/new', element: <WebhookFormPage /> },
        { path: '/accounts/:accountId/webhooks', element: <WebhooksPage /> },
      ],
    });
    await screen.findByText('No webhooks at this scope');
    expect(mock.callsTo('Webhooks')[0].variables).toEqual({ scope: { scope: 'SYSTEM', id: null } });
    await user.click(await screen.findByRole('link', { name: 'New webhook' }));
    await user.type(await screen.findByRole('textbox', { name: /^Name/ }), 'Everything to CMDB');
    expect(mock.callsTo('UsableEndpoints').at(-1)?.variables).toEqual({ scope: { scope: 'SYSTEM', id: null } });
    expect(screen.queryByRole('textbox', { name: /^Farms/ })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('checkbox', { name: 'FarmLaunched' }));
    await user.click(screen.getByRole('textbox', { name: /^Endpoints/ }));
    await user.click(await screen.findByRole('option', { name: /Global CMDB/ }));
    await user.click(screen.getByRole('button', { name: 'Create webhook' }));
    await waitFor(() => expect(mock.callsTo('CreateWebhook')).toHaveLength(1));
    expect(mock.callsTo('CreateWebhook')[0].variables.input).toMatchObject({
      scope: { scope: 'SYSTEM', id: null },
      events: ['FarmLaunched'],
      endpointIds: ['sys1'],
    });
    await waitFor(() => expect(router.state.location.search).toBe('?scope=system'));
  }, 60_000);
});
