import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '@/gql/graphql';
import { formatDuration } from '@/lib/format';
import { matchMediaStub } from '@/testing/media';
import { createMockClient, type Handler } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import IncidentsPage, { NARROW_QUERY } from './IncidentsPage';
import { bulkSummary } from './bulk';
import { matchesFilter, parseFilter, toIncidentFilter } from './filters';
import { inc } from './test-data';

const page = (nodes: unknown[]) => ({
  account: {
    id: 'acc1',
    incidents: { edges: nodes.map((node, i) => ({ cursor: `c${i}`, node })), pageInfo: { hasNextPage: false, endCursor: null } },
  },
});

const stats = { count: 3, acknowledged: 2, resolved: 1, mttaSeconds: 250, mttrSeconds: 7500 };

function renderList(handlers: Record<string, Handler> = {}, myRole: Role = 'MEMBER', url = '/accounts/acc1/incidents') {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    ComponentOptions: () => ({ account: { id: 'acc1', components: [{ id: 'c1', name: 'Checkout', group: '' }] } }),
    IncidentStats: () => ({ account: { id: 'acc1', incidentStats: stats } }),
    Incidents: () =>
      page([
        inc('i1', 'Database slow', { severity: 'CRITICAL' }),
        inc('i2', 'Queue backlog', { isTest: true }),
        inc('i3', 'Disk full', {
          status: 'ACKNOWLEDGED',
          acknowledgedAt: '2026-01-01T10:04:10Z',
          acknowledgedBy: 'Bob',
        }),
        inc('i4', 'Old outage', {
          status: 'RESOLVED',
          acknowledgedAt: '2026-01-01T10:01:00Z',
          acknowledgedBy: 'Bob',
          resolvedAt: '2026-01-01T12:05:00Z',
          resolvedBy: 'Cy',
        }),
      ]),
    ...handlers,
  });
  const view = renderRoute(<IncidentsPage />, { client: mock.client, path: '/accounts/:accountId/incidents', url });
  return { ...view, mock };
}

const row = (title: string) => screen.getByRole('link', { name: title }).closest('tr')!;

describe('durations', () => {
  it('reads like "4 m 10 s" and "2 h 5 m"', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(60)).toBe('1 m');
    expect(formatDuration(250)).toBe('4 m 10 s');
    expect(formatDuration(7500)).toBe('2 h 5 m');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatDuration(3 * 86400 + 4 * 3600 + 59)).toBe('3 d 4 h');
    expect(formatDuration(-5)).toBe('0 s');
  });
});

describe('incident triage', () => {
  it('shows MTTA, MTTR and the count for the filters, and duration and time-to-acknowledge per incident', async () => {
    const { mock } = renderList({}, 'MEMBER', '/accounts/acc1/incidents?status=all&severity=critical&tests=hide');
    const figures = await screen.findByTestId('incident-stats');
    expect(figures).toHaveTextContent('Incidents3');
    expect(figures).toHaveTextContent('MTTA4 m 10 s');
    expect(figures).toHaveTextContent('MTTR2 h 5 m');
    // The figures are for the same filter as the list.
    const filter = mock.callsTo('Incidents')[0].variables.filter;
    expect(filter).toEqual({ severities: ['CRITICAL'], tests: false });
    expect(mock.callsTo('IncidentStats')[0].variables).toEqual({ accountId: 'acc1', filter });

    await screen.findByRole('table', { name: 'Incidents' });
    expect(within(row('Disk full')).getByTestId('incident-tta')).toHaveTextContent('4 m 10 s');
    expect(within(row('Old outage')).getByTestId('incident-duration')).toHaveTextContent('2 h 5 m');
    expect(within(row('Old outage')).getByTestId('incident-tta')).toHaveTextContent('1 m');
    expect(within(row('Database slow')).getByTestId('incident-tta')).toHaveTextContent('—');
    expect(row('Old outage')).toHaveTextContent('Acknowledged by Bob');
    expect(row('Old outage')).toHaveTextContent('Resolved by Cy');
    expect(within(row('Queue backlog')).getByTestId('test-badge')).toHaveTextContent('Test');
    expect(within(row('Database slow')).queryByTestId('test-badge')).not.toBeInTheDocument();
  });

  it('hides test incidents on request, in the URL and in the live feed', async () => {
    const user = userEvent.setup();
    const { router, mock } = renderList();
    await screen.findByRole('table', { name: 'Incidents' });
    await user.click(screen.getByRole('switch', { name: 'Hide test incidents' }));
    await waitFor(() => expect(router.state.location.search).toBe('?tests=hide'));
    await waitFor(() => expect(mock.callsTo('Incidents').at(-1)!.variables.filter).toMatchObject({ tests: false }));
    const f = toIncidentFilter(parseFilter(new URLSearchParams('tests=hide')));
    expect(matchesFilter(inc('x', 'T', { isTest: true }) as never, f)).toBe(false);
    expect(matchesFilter(inc('x', 'T') as never, f)).toBe(true);
  });

  it('acknowledges the selected incidents in bulk and says which could not be', async () => {
    const user = userEvent.setup();
    const { mock } = renderList({
      AcknowledgeIncidents: ({ ids }) => ({
        acknowledgeIncidents: {
          errors: [],
          results: (ids as string[]).map((id) =>
            id === 'i3'
              ? { id, incident: null, error: { code: 'CONFLICT', field: null, message: 'already acknowledged' } }
              : { id, incident: inc(id, id === 'i1' ? 'Database slow' : 'Queue backlog', { status: 'ACKNOWLEDGED' }), error: null },
          ),
        },
      }),
    });
    await screen.findByRole('table', { name: 'Incidents' });
    // Resolved incidents cannot be selected.
    expect(screen.getByRole('checkbox', { name: 'Select Old outage' })).toBeDisabled();
    await user.click(screen.getByRole('checkbox', { name: 'Select Database slow' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select Disk full' }));
    const bar = screen.getByRole('region', { name: 'Selected incidents' });
    expect(bar).toHaveTextContent('2 selected');
    await user.click(within(bar).getByRole('button', { name: 'Acknowledge selected' }));

    await waitFor(() => expect(mock.callsTo('AcknowledgeIncidents')).toHaveLength(1));
    expect(mock.callsTo('AcknowledgeIncidents')[0].variables).toEqual({ ids: ['i1', 'i3'] });
    expect(await screen.findByText('1 acknowledged, 1 could not be: Disk full: already acknowledged')).toBeInTheDocument();
    // What changed leaves the selection; what could not stays selected.
    await waitFor(() => expect(screen.getByRole('region', { name: 'Selected incidents' })).toHaveTextContent('1 selected'));
    expect(screen.getByRole('checkbox', { name: 'Select Disk full' })).toBeChecked();
  });

  it('selects every open incident at once and resolves one from its row', async () => {
    const user = userEvent.setup();
    const { mock } = renderList({
      ResolveIncidents: ({ ids }) => ({
        resolveIncidents: {
          errors: [],
          results: (ids as string[]).map((id) => ({ id, incident: inc(id, 'Queue backlog', { status: 'RESOLVED' }), error: null })),
        },
      }),
    });
    await screen.findByRole('table', { name: 'Incidents' });
    await user.click(screen.getByRole('checkbox', { name: 'Select all' }));
    expect(screen.getByRole('region', { name: 'Selected incidents' })).toHaveTextContent('3 selected');
    await user.click(screen.getByRole('checkbox', { name: 'Select all' }));
    expect(screen.queryByRole('region', { name: 'Selected incidents' })).not.toBeInTheDocument();

    expect(within(row('Disk full')).queryByRole('button', { name: 'Acknowledge Disk full' })).not.toBeInTheDocument();
    await user.click(within(row('Queue backlog')).getByRole('button', { name: 'Resolve Queue backlog' }));
    await waitFor(() => expect(mock.callsTo('ResolveIncidents')).toHaveLength(1));
    expect(mock.callsTo('ResolveIncidents')[0].variables).toEqual({ ids: ['i2'] });
    expect(await screen.findByText('1 resolved')).toBeInTheDocument();
  });

  it('offers no selection or actions to viewers', async () => {
    renderList({}, 'VIEWER');
    await screen.findByRole('table', { name: 'Incidents' });
    await screen.findByTestId('incident-stats');
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^(Acknowledge|Resolve) / })).not.toBeInTheDocument();
  });

  it('writes the summary from per-incident results', () => {
    const titles: Record<string, string> = { a: 'A', b: 'B' };
    expect(bulkSummary('acknowledge', [{ id: 'a' }, { id: 'b' }, { id: 'c' }], (id) => titles[id]).message).toBe('3 acknowledged');
    expect(
      bulkSummary('resolve', [{ id: 'a' }, { id: 'b', error: { message: 'not found' } }, { id: 'z', error: { message: 'gone' } }], (id) => titles[id])
        .message,
    ).toBe('1 resolved, 2 could not be: B: not found; gone');
  });
});

describe('incident list on a phone (390 px)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows cards instead of the table, with the filters folded behind "Filters"', async () => {
    const user = userEvent.setup();
    vi.spyOn(window, 'matchMedia').mockImplementation(matchMediaStub((q) => q === NARROW_QUERY));
    renderList({}, 'MEMBER', '/accounts/acc1/incidents?severity=critical');
    const list = await screen.findByTestId('incident-cards');
    expect(screen.queryByRole('table', { name: 'Incidents' })).not.toBeInTheDocument();
    const cards = within(list).getAllByTestId('incident-card');
    expect(cards).toHaveLength(4);
    expect(cards[2]).toHaveTextContent('acknowledged after 4 m 10 s');
    expect(within(cards[0]).getByRole('checkbox', { name: 'Select Database slow' })).toBeInTheDocument();
    expect(within(cards[0]).getByRole('button', { name: 'Acknowledge Database slow' })).toBeInTheDocument();

    const toggle = screen.getByRole('button', { name: 'Filters (1)' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('search', { name: 'Filter incidents' })).not.toBeInTheDocument();
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(await screen.findByRole('search', { name: 'Filter incidents' })).toBeVisible();
  });
});
