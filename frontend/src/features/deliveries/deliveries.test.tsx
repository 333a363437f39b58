import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { makeSession, renderRoute, testUser } from '@/testing/render';
import DeliveriesPage from './DeliveriesPage';
import { chartAxis, chartRows } from './components/DeliveryChart';
import { RetentionControl } from './components/RetentionControl';
import { deliveryMatches, parseDeliveryFilter, prettyJson, responseClassOf, toDeliveryFilter, webhookGone, writeDeliveryFilter } from './filters';

// recharts cannot measure anything in jsdom; the chart's numbers are checked through its table.
vi.mock('@mantine/charts', () => ({ BarChart: () => <div data-testid="bar-chart" /> }));

const PAYLOAD = '{"eventName":"IncidentOpened","eventId":"e1","data":{"SCALR_INCIDENT_TITLE":"CPU"},"userData":""}';

const delivery = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  accountId: 'acc1',
  eventName: 'IncidentOpened',
  status: 'SUCCEEDED',
  attempts: 1,
  maxAttempts: 3,
  nextAttemptAt: null,
  lastStatusCode: 200,
  lastError: '',
  createdAt: '2026-01-01T10:00:00Z',
  completedAt: '2026-01-01T10:00:01Z',
  event: { id: 'e1', accountId: 'acc1' },
  webhook: { id: 'w1', name: 'To CMDB' },
  endpoint: { id: 'ep1', name: 'CMDB', url: 'https://cmdb.example.test/hook' },
  ...over,
});

const attempt = (n: number, over: Record<string, unknown> = {}) => ({
  id: `a${n}`,
  number: n,
  startedAt: '2026-01-01T10:00:00Z',
  finishedAt: '2026-01-01T10:00:00.120Z',
  durationMs: 120,
  url: 'https://cmdb.example.test/hook',
  remoteAddr: '10.0.0.7:443',
  requestHeaders: [
    { key: 'Content-Type', value: 'application/json' },
    { key: 'X-Signature', value: 'a9f4cb6a02754dc2c0b97ded2c2a05fab92dcca5' },
  ],
  statusCode: 200,
  responseHeaders: [{ key: 'Server', value: 'cmdb/1.0' }],
  responseBody: '{"accepted":true}',
  errorClass: '',
  errorMessage: '',
  ...over,
});

function setup(
  myRole: Role = 'ADMIN',
  url = '/accounts/acc1/deliveries',
  systemAdmin = false,
  attempts?: ReturnType<typeof attempt>[],
) {
  const mock = createMockClient({
    EnvironmentOptions: () => ({ account: { id: 'acc1', environments: [{ id: 'env1', name: 'production' }] } }),
    SystemDeliveries: () => ({
      systemDeliveries: {
        edges: [
          {
            cursor: 's1',
            node: delivery('s1', { accountId: null, eventName: 'HostUp', event: { id: 'e7', accountId: 'acc2' }, webhook: { id: 'sw1', name: 'Ops CMDB' }, lastStatusCode: 503, status: 'FAILED' }),
          },
        ],
        pageInfo: { hasNextPage: false, endCursor: null },
      },
    }),
    SystemDeliveryFilterOptions: () => ({
      account: { id: 'acc1', eventCatalog: [{ name: 'HostUp' }, { name: 'HostDown' }] },
      systemWebhooks: [{ id: 'sw1', name: 'Ops CMDB' }],
      systemEndpoints: [{ id: 'sep1', name: 'Ops' }],
    }),
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    DeliveryRetention: () => ({ deliveryRetentionDays: 30 }),
    Deliveries: () => ({
      account: {
        id: 'acc1',
        deliveries: {
          edges: [{ cursor: 'c1', node: delivery('d1', { status: 'RETRYING', attempts: 2, lastStatusCode: 503, nextAttemptAt: '2026-01-01T10:05:00Z' }) }],
          pageInfo: { hasNextPage: false, endCursor: null },
        },
      },
    }),
    DeliveryStats: () => ({
      account: {
        id: 'acc1',
        deliveryStats: [
          { start: '2026-01-01T09:00:00Z', succeeded: 4, failed: 1, pending: 0 },
          { start: '2026-01-01T10:00:00Z', succeeded: 2, failed: 0, pending: 1 },
        ],
      },
    }),
    DeliveryFilterOptions: () => ({
      account: { id: 'acc1', eventCatalog: [{ name: 'IncidentOpened' }, { name: 'HostUp' }] },
      accountWebhooks: [{ id: 'w1', name: 'To CMDB' }],
      accountEndpoints: [{ id: 'ep1', name: 'CMDB' }],
    }),
    Delivery: () => ({
      delivery: {
        ...delivery('d1', { status: 'FAILED', attempts: 2, lastStatusCode: 503, lastError: 'HTTP 503' }),
        payload: PAYLOAD,
        attemptDetails: attempts ?? [
          attempt(1, { statusCode: null, remoteAddr: '', responseHeaders: [], responseBody: '', errorClass: 'timeout', errorMessage: 'no response headers within 3s' }),
          attempt(2, { statusCode: 503, responseBody: 'upstream unavailable', errorMessage: 'HTTP 503 Service Unavailable' }),
        ],
      },
    }),
  });
  const session = makeSession({ ...testUser, isSystemAdmin: systemAdmin });
  const view = renderRoute(<DeliveriesPage />, { client: mock.client, path: '/accounts/:accountId/deliveries', url, session });
  return { ...view, mock };
}

const rows = () => within(screen.getByRole('table', { name: 'Deliveries' })).getAllByRole('row').slice(1);

describe('delivery history', () => {
  it('shows the exact payload and every attempt in the detail pane', async () => {
    const user = userEvent.setup();
    const { router } = setup();
    await user.click(await screen.findByRole('button', { name: /Open delivery of IncidentOpened to CMDB/ }));
    expect(router.state.location.search).toBe('?delivery=d1');
    const detail = await screen.findByTestId('delivery-detail');
    expect(within(detail).getByTestId('delivery-payload')).toHaveTextContent('"eventName": "IncidentOpened"');
    expect(within(detail).getByRole('button', { name: 'Copy payload' })).toBeInTheDocument();

    // Attempt 2 (the last) is open: status, address, headers both ways, body.
    const second = within(detail).getByTestId('attempt-2');
    expect(within(second).getByTestId('status-code')).toHaveTextContent('503');
    expect(within(second).getByTestId('remote-addr')).toHaveTextContent('10.0.0.7:443');
    expect(within(second).getByRole('table', { name: 'Request headers of attempt 2' })).toHaveTextContent('X-Signature');
    expect(within(second).getByRole('table', { name: 'Response headers of attempt 2' })).toHaveTextContent('cmdb/1.0');
    expect(second).toHaveTextContent('upstream unavailable');
    expect(second).toHaveTextContent('120 ms');
    expect(second).toHaveTextContent('https://cmdb.example.test/hook');
    // An error without a class is its message alone, not ": HTTP 503 …".
    expect(second).toHaveTextContent('HTTP 503 Service Unavailable');
    expect(second).not.toHaveTextContent(': HTTP 503');

    // Attempt 1 timed out: its error class and message.
    await user.click(within(detail).getByRole('button', { name: /Attempt 1/ }));
    const first = await within(detail).findByTestId('attempt-1');
    expect(first).toHaveTextContent('timeout: no response headers within 3s');

    // Finished deliveries can be sent again.
    expect(within(detail).getByRole('button', { name: 'Resend' })).toBeInTheDocument();
  }, 60_000);

  it('says when the response is withheld (the endpoint URL is not the reader’s to see)', async () => {
    const user = userEvent.setup();
    setup('ADMIN', '/accounts/acc1/deliveries', false, [
      attempt(1, { url: 'https://hooks.example.test/…', responseHeaders: [], responseBody: '', responseHidden: true }),
    ]);
    await user.click(await screen.findByRole('button', { name: /Open delivery of IncidentOpened to CMDB/ }));
    const only = await within(await screen.findByTestId('delivery-detail')).findByTestId('attempt-1');
    expect(within(only).getByTestId('status-code')).toHaveTextContent('200');
    expect(within(only).getByTestId('response-hidden')).toHaveTextContent("Shown only to admins of the endpoint's scope");
    expect(within(only).queryByRole('table', { name: 'Response headers of attempt 1' })).not.toBeInTheDocument();
    expect(within(only).queryByTestId('response-body')).not.toBeInTheDocument();
    expect(within(only).queryByText('None recorded')).not.toBeInTheDocument();
  }, 60_000);

  it('adds new deliveries on top and updates statuses live', async () => {
    const { mock } = setup();
    await screen.findByRole('table', { name: 'Deliveries' });
    await waitFor(() => expect(mock.callsTo('DeliveryChanged')).toHaveLength(1));
    act(() => mock.push('DeliveryChanged', { deliveryChanged: delivery('d2', { status: 'PENDING', attempts: 0, lastStatusCode: null, createdAt: '2026-01-01T10:10:00Z' }) }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveAttribute('data-delivery-id', 'd2');
    expect(within(rows()[0]).getByTestId('delivery-status')).toHaveTextContent('Pending');
    act(() => mock.push('DeliveryChanged', { deliveryChanged: delivery('d1', { status: 'SUCCEEDED', attempts: 3 }) }));
    await waitFor(() => expect(within(rows()[1]).getByTestId('delivery-status')).toHaveTextContent('Succeeded'));
    expect(rows()[1]).toHaveTextContent('3/3');
  });

  it('applies URL filters and does not insert live deliveries they exclude', async () => {
    const { mock } = setup('ADMIN', '/accounts/acc1/deliveries?status=failed&endpoint=ep1');
    await screen.findByRole('table', { name: 'Deliveries' });
    expect(mock.callsTo('Deliveries')[0].variables.filter).toEqual({ statuses: ['FAILED'], endpointId: 'ep1' });
    await waitFor(() => expect(mock.callsTo('DeliveryChanged')).toHaveLength(1));
    act(() => mock.push('DeliveryChanged', { deliveryChanged: delivery('d3', { status: 'SUCCEEDED' }) }));
    act(() => mock.push('DeliveryChanged', { deliveryChanged: delivery('d4', { status: 'FAILED' }) }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveAttribute('data-delivery-id', 'd4');
  });

  it('charts the deliveries the table shows: the chart gets the same filter and says it is filtered', async () => {
    const { mock } = setup('ADMIN', '/accounts/acc1/deliveries?status=failed&events=HostUp');
    await screen.findByRole('table', { name: 'Deliveries' });
    const want = { statuses: ['FAILED'], eventNames: ['HostUp'] };
    expect(mock.callsTo('Deliveries')[0].variables.filter).toEqual(want);
    await waitFor(() => expect(mock.callsTo('DeliveryStats').at(-1)?.variables).toEqual({ accountId: 'acc1', hours: 24, filter: want }));
    expect(screen.getByRole('heading', { name: 'Delivery outcomes per hour (filtered)' })).toBeInTheDocument();
  });

  it('filters by event name and response class, and keeps live deliveries of other classes out', async () => {
    const { mock } = setup('ADMIN', '/accounts/acc1/deliveries?events=IncidentOpened&response=5xx,none');
    await screen.findByRole('table', { name: 'Deliveries' });
    expect(mock.callsTo('Deliveries')[0].variables.filter).toEqual({ eventNames: ['IncidentOpened'], responseClasses: ['HTTP_5XX', 'NO_RESPONSE'] });
    await waitFor(() => expect(mock.callsTo('DeliveryChanged')).toHaveLength(1));
    act(() => mock.push('DeliveryChanged', { deliveryChanged: delivery('d5', { lastStatusCode: 200 }) }));
    act(() => mock.push('DeliveryChanged', { deliveryChanged: delivery('d6', { eventName: 'HostUp', lastStatusCode: 500 }) }));
    act(() => mock.push('DeliveryChanged', { deliveryChanged: delivery('d7', { status: 'FAILED', lastStatusCode: null }) }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveAttribute('data-delivery-id', 'd7');
  });

  it('offers the event and response filters in the filter bar, and waits for three characters to search', async () => {
    const user = userEvent.setup();
    const { mock, router } = setup();
    await screen.findByRole('table', { name: 'Deliveries' });
    await user.click(screen.getByRole('textbox', { name: 'Response' }));
    await user.click(await screen.findByRole('option', { name: '4xx' }));
    await waitFor(() => expect(router.state.location.search).toBe('?response=4xx'));
    await user.click(screen.getByRole('textbox', { name: 'Event' }));
    await user.click(await screen.findByRole('option', { name: 'HostUp' }));
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).get('events')).toBe('HostUp'));
    await waitFor(() =>
      expect(mock.callsTo('Deliveries').at(-1)?.variables.filter).toEqual({ eventNames: ['HostUp'], responseClasses: ['HTTP_4XX'] }),
    );
    const search = screen.getByRole('textbox', { name: 'Search payloads' });
    await user.type(search, 'a-b');
    expect(await screen.findByText('At least 3 letters or digits in a row')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 400));
    await user.clear(search);
    await user.type(search, 'ab');
    expect(await screen.findByText('At least 3 characters')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 400));
    expect(mock.callsTo('Deliveries').some((c) => (c.variables.filter as { search?: string }).search)).toBe(false);
    await user.type(search, 'c');
    await waitFor(() => expect((mock.callsTo('Deliveries').at(-1)?.variables.filter as { search?: string }).search).toBe('abc'));
  }, 60_000);

  it('shows system administrators the system scope: its history, live updates and filters', async () => {
    const user = userEvent.setup();
    const { mock, router } = setup('ADMIN', '/accounts/acc1/deliveries', true);
    await screen.findByRole('table', { name: 'Deliveries' });
    await user.click(screen.getByRole('radio', { name: 'System' }));
    await waitFor(() => expect(router.state.location.search).toBe('?scope=system'));
    await waitFor(() => expect(rows()[0]).toHaveAttribute('data-delivery-id', 's1'));
    expect(rows()[0]).toHaveTextContent('Ops CMDB');
    expect(screen.queryByTestId('delivery-chart')).not.toBeInTheDocument();
    expect(screen.queryByRole('radio', { name: 'Environment' })).not.toBeInTheDocument();
    await waitFor(() => expect(mock.callsTo('SystemDeliveryChanged')).toHaveLength(1));
    act(() => mock.push('SystemDeliveryChanged', { systemDeliveryChanged: delivery('s2', { accountId: null, createdAt: '2026-01-01T11:00:00Z' }) }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveAttribute('data-delivery-id', 's2');

    // The system history's webhooks are offered in the filter, and retry goes to the system scope.
    await user.click(screen.getByRole('textbox', { name: 'Webhook' }));
    expect(await screen.findByRole('option', { name: 'Ops CMDB' })).toBeInTheDocument();
  }, 60_000);

  it('does not offer the system scope to other admins', async () => {
    setup('ADMIN', '/accounts/acc1/deliveries?scope=system');
    await screen.findByRole('table', { name: 'Deliveries' });
    expect(screen.queryByRole('radio', { name: 'System' })).not.toBeInTheDocument();
    expect(rows()[0]).toHaveAttribute('data-delivery-id', 'd1');
  });

  it('charts delivery outcomes per hour', async () => {
    const { mock } = setup();
    const chart = await screen.findByTestId('delivery-chart');
    expect(await within(chart).findByText(/8 deliveries: 6 succeeded, 1 failed, 1 pending \(75% success\)/)).toBeInTheDocument();
    expect(within(chart).getByRole('heading', { name: 'Delivery outcomes per hour' })).toBeInTheDocument();
    expect(mock.callsTo('DeliveryStats')[0].variables).toEqual({ accountId: 'acc1', hours: 24, filter: {} });
    const table = within(chart).getByRole('table', { name: 'Delivery outcomes per hour' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
  });

  it('is for admins', async () => {
    setup('MEMBER');
    expect(await screen.findByText('Admin access required')).toBeInTheDocument();
  });
});

describe('delivery helpers', () => {
  it('round-trips filters through the URL, keeping other params', () => {
    const state = parseDeliveryFilter(new URLSearchParams('status=failed,retrying&webhook=w1&q=cpu'));
    expect(toDeliveryFilter(state)).toEqual({ statuses: ['FAILED', 'RETRYING'], webhookId: 'w1', search: 'cpu' });
    const out = writeDeliveryFilter(new URLSearchParams('delivery=d1'), { ...state, webhookId: null });
    expect(out.get('delivery')).toBe('d1');
    expect(out.get('webhook')).toBeNull();
    expect(deliveryMatches({ status: 'FAILED', createdAt: '2026-01-01T00:00:00Z' }, { search: 'x' })).toBe(false);
    const classes = parseDeliveryFilter(new URLSearchParams('events=HostUp,HostDown&response=2XX,none,bogus&q=ab'));
    expect(toDeliveryFilter(classes)).toEqual({ eventNames: ['HostUp', 'HostDown'], responseClasses: ['HTTP_2XX', 'NO_RESPONSE'] });
    expect(writeDeliveryFilter(new URLSearchParams(), classes).toString()).toBe('events=HostUp%2CHostDown&response=2xx%2Cnone&q=ab');
    expect([200, 302, 404, 503, null, 99].map(responseClassOf)).toEqual(['HTTP_2XX', 'HTTP_3XX', 'HTTP_4XX', 'HTTP_5XX', 'NO_RESPONSE', null]);
  });

  it('formats payloads', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('not json')).toBe('not json');
  });
});

describe('delivery chart axis', () => {
  /** `hours` hourly buckets ending at 2026-03-09 13:00 UTC, shuffled as a server might send them. */
  const buckets = (hours: number) => {
    const end = Date.parse('2026-03-09T13:00:00Z');
    const out = Array.from({ length: hours }, (_, i) => ({
      start: new Date(end - (hours - 1 - i) * 3600_000).toISOString(),
      succeeded: i,
      failed: 0,
      pending: 0,
    }));
    return [...out.filter((_, i) => i % 2 === 1), ...out.filter((_, i) => i % 2 === 0)];
  };

  it.each([
    { hours: 24, view: '24 hours', minTicks: 0 },
    { hours: 72, view: '3 days', minTicks: 3 },
    { hours: 168, view: '7 days', minTicks: 7 },
  ])('labels the $view view in order, each label once', ({ hours, minTicks }) => {
    const rows = chartRows(buckets(hours));
    expect(rows).toHaveLength(hours);
    const times = rows.map((r) => Date.parse(r.slot));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(rows.map((r) => r.slot)).size).toBe(hours);
    expect(new Set(rows.map((r) => r.label)).size).toBe(hours);
    expect(rows[0]).toMatchObject({ Succeeded: 0 });
    expect(rows.at(-1)).toMatchObject({ Succeeded: hours - 1 });

    const axis = chartAxis(rows, hours);
    if (hours <= 24) {
      expect(axis.ticks).toBeUndefined();
      const labels = rows.map((r) => axis.format(r.slot));
      expect(new Set(labels).size).toBe(hours);
      return;
    }
    const ticks = axis.ticks ?? [];
    expect(ticks.length).toBeGreaterThanOrEqual(minTicks);
    expect(ticks.length).toBeLessThanOrEqual(minTicks + 1);
    const tickTimes = ticks.map((t) => Date.parse(t));
    expect(tickTimes).toEqual([...tickTimes].sort((a, b) => a - b));
    for (let i = 1; i < tickTimes.length; i++) expect(tickTimes[i] - tickTimes[i - 1]).toBeGreaterThanOrEqual(23 * 3600_000);
    const labels = ticks.map(axis.format);
    expect(new Set(labels).size).toBe(labels.length);
    // Each tick names the day it stands at, so day numbers follow the calendar.
    expect(labels).toEqual(ticks.map((t) => axis.format(new Date(Date.parse(t) + 3600_000).toISOString())));
  });
});

describe('delivery retention', () => {
  function renderControl(canChange: boolean, answer: (days: number) => unknown) {
    const mock = createMockClient({
      DeliveryRetention: () => ({ deliveryRetentionDays: 30 }),
      SetDeliveryRetention: ({ input }) => answer((input as { days: number }).days),
    });
    renderRoute(<RetentionControl canChange={canChange} />, { client: mock.client });
    return mock;
  }

  it('is read-only for other admins', async () => {
    renderControl(false, () => null);
    expect(await screen.findByTestId('retention')).toHaveTextContent('Kept 30 days');
    expect(screen.queryByRole('button', { name: /Kept/ })).not.toBeInTheDocument();
  });

  it('lets system administrators change it, with errors next to the field', async () => {
    const user = userEvent.setup();
    const mock = renderControl(true, (days) =>
      days > 365
        ? { setDeliveryRetention: { days: null, errors: [{ code: 'INVALID', field: 'days', message: 'retention must be at most a year here' }] } }
        : { setDeliveryRetention: { days, errors: [] } },
    );
    await user.click(await screen.findByRole('button', { name: 'Kept 30 days' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delivery retention' });
    const field = within(dialog).getByRole('textbox', { name: /Keep events and deliveries/ });
    await user.clear(field);
    await user.type(field, '0');
    await user.click(within(dialog).getByRole('button', { name: 'Save retention' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription('Between 1 and 3650 days'));
    expect(mock.callsTo('SetDeliveryRetention')).toHaveLength(0);
    await user.clear(field);
    await user.type(field, '400');
    await user.click(within(dialog).getByRole('button', { name: 'Save retention' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription('retention must be at most a year here'));
    await user.clear(field);
    await user.type(field, '90');
    await user.click(within(dialog).getByRole('button', { name: 'Save retention' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delivery retention' })).not.toBeInTheDocument());
    expect(mock.callsTo('SetDeliveryRetention').map((c) => c.variables)).toEqual([{ input: { days: 400 } }, { input: { days: 90 } }]);
  }, 60_000);
});

describe('a delivery without a webhook', () => {
  it('is a test delivery for TestEvent, and one of a deleted webhook otherwise', () => {
    expect(webhookGone('TestEvent')).toBe('Test delivery');
    expect(webhookGone('HostUp')).toBe('Deleted webhook');
  });
});
