import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import IncidentDetailPage from './IncidentDetailPage';
import IncidentsPage from './IncidentsPage';
import { filterToParams, matchesFilter, parseFilter, toIncidentFilter } from './filters';
import { inc } from './test-data';

const page = (nodes: unknown[], hasNextPage = false) => ({
  account: {
    id: 'acc1',
    incidents: {
      edges: nodes.map((node, i) => ({ cursor: `c${i}`, node })),
      pageInfo: { hasNextPage, endCursor: hasNextPage ? 'next' : null },
    },
  },
});

function renderList(url = '/accounts/acc1/incidents', myRole: Role = 'MEMBER') {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    ComponentOptions: () => ({ account: { id: 'acc1', components: [{ id: 'c1', name: 'Checkout', group: '' }] } }),
    Incidents: ({ after }) =>
      after === 'next'
        ? page([inc('i1', 'Old disk alarm', { openedAt: '2025-12-01T00:00:00Z' })])
        : page([inc('i2', 'Database slow', { severity: 'CRITICAL' })], true),
  });
  const view = renderRoute(<IncidentsPage />, { client: mock.client, path: '/accounts/:accountId/incidents', url });
  return { ...view, mock };
}

const rows = () =>
  within(screen.getByRole('table', { name: 'Incidents' }))
    .getAllByRole('row')
    .slice(1);

describe('incident list', () => {
  it('inserts live incidents on top and updates status changes in place, without refetching', async () => {
    const user = userEvent.setup();
    const { mock } = renderList();
    await screen.findByRole('table', { name: 'Incidents' });
    expect(rows()).toHaveLength(1);
    expect(mock.callsTo('Incidents')[0].variables).toMatchObject({
      accountId: 'acc1',
      first: 25,
      filter: { statuses: ['TRIGGERED', 'ACKNOWLEDGED'] },
    });
    await waitFor(() => expect(mock.callsTo('IncidentChanged')).toHaveLength(1));
    const fetches = mock.callsTo('Incidents').length;

    act(() => mock.push('IncidentChanged', { incidentChanged: { kind: 'OPENED', incident: inc('i3', 'CPU above 90%') } }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveTextContent('CPU above 90%');
    expect(rows()[0]).toHaveTextContent('New');
    expect(rows()[0]).toHaveAttribute('data-live', 'true');

    // Acknowledged elsewhere: the row changes where it is.
    act(() =>
      mock.push('IncidentChanged', {
        incidentChanged: {
          kind: 'CHANGED',
          incident: inc('i2', 'Database slow', {
            severity: 'CRITICAL',
            status: 'ACKNOWLEDGED',
            acknowledgedAt: '2026-01-01T10:05:00Z',
            acknowledgedBy: 'Bob',
            updatedAt: '2026-01-01T10:05:00Z',
          }),
        },
      }),
    );
    await waitFor(() => expect(within(rows()[1]).getByTestId('incident-status')).toHaveTextContent('Acknowledged'));
    expect(rows()[1]).toHaveTextContent('Bob');

    // The live one resolves: it stays, resolved.
    act(() =>
      mock.push('IncidentChanged', {
        incidentChanged: {
          kind: 'RESOLVED',
          incident: inc('i3', 'CPU above 90%', { status: 'RESOLVED', resolvedAt: '2026-01-01T10:06:00Z', updatedAt: '2026-01-01T10:06:00Z' }),
        },
      }),
    );
    await waitFor(() => expect(within(rows()[0]).getByTestId('incident-status')).toHaveTextContent('Resolved'));
    expect(rows()).toHaveLength(2);
    expect(mock.callsTo('Incidents')).toHaveLength(fetches);

    // Older pages come with "Load more".
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows()[2]).toHaveTextContent('Old disk alarm');
  }, 60_000);

  it('does not insert live incidents the filters exclude', async () => {
    const { mock } = renderList('/accounts/acc1/incidents?severity=critical&q=database');
    await screen.findByRole('table', { name: 'Incidents' });
    expect(mock.callsTo('Incidents')[0].variables.filter).toEqual({
      statuses: ['TRIGGERED', 'ACKNOWLEDGED'],
      severities: ['CRITICAL'],
      search: 'database',
    });
    await waitFor(() => expect(mock.callsTo('IncidentChanged')).toHaveLength(1));
    act(() => mock.push('IncidentChanged', { incidentChanged: { kind: 'OPENED', incident: inc('i3', 'Database down') } }));
    act(() =>
      mock.push('IncidentChanged', {
        incidentChanged: { kind: 'OPENED', incident: inc('i4', 'Database down hard', { severity: 'CRITICAL' }) },
      }),
    );
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveTextContent('Database down hard');
    expect(screen.queryByText('Database down')).not.toBeInTheDocument();
  });

  it('offers "New incident" to members but not to viewers', async () => {
    renderList('/accounts/acc1/incidents', 'VIEWER');
    await screen.findByRole('table', { name: 'Incidents' });
    expect(screen.queryByRole('link', { name: 'New incident' })).not.toBeInTheDocument();
  });
});

const detail = (over: Record<string, unknown> = {}) => ({
  ...inc('i1', 'Checkout latency', { source: 'AWS_CLOUDWATCH' }),
  __typename: 'Incident',
  accountId: 'acc1',
  sourceKey: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:lat',
  component: { id: 'c1', name: 'Checkout', status: 'PARTIAL_OUTAGE' },
  integration: { id: 'int1', name: 'Prod alarms' },
  alarm: {
    name: 'lat',
    description: '',
    arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:lat',
    awsAccountId: '123456789012',
    region: 'us-east-1',
    regionName: 'US East (N. Virginia)',
    kind: 'metric',
    newState: 'ALARM',
    oldState: 'OK',
    reason: 'Threshold Crossed',
    stateChangeTime: '2026-01-01T10:00:00Z',
    metricNamespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    rule: null,
    condition: null,
    dimensions: [],
    consoleUrl: null,
  },
  timeline: [
    { id: 't1', kind: 'opened', actorLabel: 'AWS integration Prod alarms', body: 'Threshold Crossed', createdAt: '2026-01-01T10:00:00Z', actor: null },
  ],
  ...over,
});

function renderDetail(myRole: Role) {
  let current = detail();
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    Incident: () => ({ incident: current }),
    AcknowledgeIncident: () => {
      current = detail({ status: 'ACKNOWLEDGED', acknowledgedAt: '2026-01-01T10:01:00Z', acknowledgedBy: 'Ada' });
      return { acknowledgeIncident: { incident: current, errors: [] } };
    },
  });
  renderRoute(<IncidentDetailPage />, {
    client: mock.client,
    path: '/accounts/:accountId/incidents/:incidentId',
    url: '/accounts/acc1/incidents/i1',
  });
  return {
    mock,
    change: (over: Record<string, unknown>) => {
      current = detail(over);
    },
  };
}

describe('incident detail', () => {
  it('shows the alarm and the timeline read-only to viewers', async () => {
    renderDetail('VIEWER');
    expect(await screen.findByRole('heading', { level: 1, name: 'Checkout latency' })).toBeInTheDocument();
    const alarm = screen.getByTestId('alarm-details');
    expect(alarm).toHaveTextContent('arn:aws:cloudwatch:us-east-1:123456789012:alarm:lat');
    expect(alarm).toHaveTextContent('US East (N. Virginia) (us-east-1)');
    expect(alarm).toHaveTextContent('AWS/EC2 / CPUUtilization');
    expect(screen.getByTestId('incident-timeline')).toHaveTextContent('Threshold Crossed');
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Resolve' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add note' })).not.toBeInTheDocument();
    // Viewers too can follow what the incident caused.
    expect(screen.getByRole('link', { name: 'Events about this incident' })).toHaveAttribute('href', '/accounts/acc1/events?subject=i1');
  });

  it('lets members acknowledge, and follows changes made elsewhere live', async () => {
    const user = userEvent.setup();
    const { mock, change } = renderDetail('MEMBER');
    await user.click(await screen.findByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(mock.callsTo('AcknowledgeIncident')).toHaveLength(1));
    expect(mock.callsTo('AcknowledgeIncident')[0].variables).toEqual({ input: { id: 'i1' } });
    // The server publishes the change; the page reloads the incident.
    act(() => mock.push('IncidentDetailChanged', { incidentChanged: { kind: 'CHANGED', incident: { id: 'i1', updatedAt: '2026-01-01T10:01:00Z' } } }));
    await waitFor(() => expect(screen.getAllByTestId('incident-status')[0]).toHaveTextContent('Acknowledged'));
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).not.toBeInTheDocument();
    expect(screen.getByText('Acknowledged by')).toBeInTheDocument();
    expect(screen.getByText('Resolved by')).toBeInTheDocument();

    // Someone resolves it in another session: the page reloads the incident by itself.
    change({
      status: 'RESOLVED',
      resolvedAt: '2026-01-01T10:02:00Z',
      resolvedBy: 'Bob',
      timeline: [
        ...detail().timeline,
        { id: 't2', kind: 'resolved', actorLabel: 'Bob', body: 'Fixed the pool', createdAt: '2026-01-01T10:02:00Z', actor: null },
      ],
    });
    act(() => mock.push('IncidentDetailChanged', { incidentChanged: { kind: 'RESOLVED', incident: { id: 'i1', updatedAt: '2026-01-01T10:02:00Z' } } }));
    await waitFor(() => expect(screen.getAllByTestId('incident-status')[0]).toHaveTextContent('Resolved'));
    expect(screen.getByTestId('incident-timeline')).toHaveTextContent('Fixed the pool');
    expect(screen.queryByRole('button', { name: 'Resolve' })).not.toBeInTheDocument();
  }, 60_000);
});

describe('incident filters', () => {
  it('round-trips through the URL and matches incidents like the server', () => {
    const state = parseFilter(new URLSearchParams('status=all&severity=critical,high&source=aws_cloudwatch&component=c1&q=cpu'));
    expect(filterToParams(state).toString()).toBe('status=all&severity=critical%2Chigh&source=aws_cloudwatch&component=c1&q=cpu');
    const f = toIncidentFilter(state);
    expect(f).toEqual({ severities: ['CRITICAL', 'HIGH'], sources: ['AWS_CLOUDWATCH'], componentId: 'c1', search: 'cpu' });
    const base = { status: 'RESOLVED' as const, severity: 'HIGH' as const, source: 'AWS_CLOUDWATCH' as const, openedAt: '2026-01-01T00:00:00Z', title: 'High CPU', component: { id: 'c1' } };
    expect(matchesFilter(base, f)).toBe(true);
    expect(matchesFilter({ ...base, severity: 'LOW' }, f)).toBe(false);
    expect(matchesFilter({ ...base, title: 'Disk' }, f)).toBe(false);
    expect(matchesFilter(base, { openedAfter: '2026-02-01T00:00:00Z' })).toBe(false);
  });
});

describe('incident list filters and pages (ListPage, FilterBar, SearchFilter)', () => {
  it('searches titles after a pause, keeps other parameters, and clears every filter but the status', async () => {
    const user = userEvent.setup();
    const { mock, router } = renderList('/accounts/acc1/incidents?status=all&severity=critical&x=1');
    await screen.findByRole('table', { name: 'Incidents' });
    const bar = screen.getByRole('search', { name: 'Filter incidents' });
    await user.type(within(bar).getByRole('textbox', { name: 'Search titles' }), 'disk');
    await waitFor(() => expect(router.state.location.search).toContain('q=disk'));
    const params = new URLSearchParams(router.state.location.search);
    expect(params.get('x')).toBe('1');
    await waitFor(() => expect(mock.callsTo('Incidents').at(-1)?.variables.filter).toMatchObject({ search: 'disk', severities: ['CRITICAL'] }));

    await user.click(within(bar).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).get('q')).toBeNull());
    const cleared = new URLSearchParams(router.state.location.search);
    expect(cleared.get('status')).toBe('all');
    expect(cleared.get('severity')).toBeNull();
    expect(within(bar).getByRole('textbox', { name: 'Search titles' })).toHaveValue('');
    expect(within(bar).queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument();
  });

  it('loads older incidents with "Load more" and starts over when the filter changes', async () => {
    const user = userEvent.setup();
    const { mock } = renderList();
    await screen.findByRole('table', { name: 'Incidents' });
    expect(rows()).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[1]).toHaveTextContent('Old disk alarm');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(mock.callsTo('Incidents').at(-1)?.variables.after).toBe('next');

    await user.click(screen.getByRole('radio', { name: 'All' }));
    await waitFor(() => expect(mock.callsTo('Incidents').at(-1)?.variables.filter).toEqual({}));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByRole('button', { name: 'Load more' })).toBeInTheDocument();
  });
});
