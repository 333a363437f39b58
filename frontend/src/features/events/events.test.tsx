import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import EventDetailPage from './EventDetailPage';
import EventsPage from './EventsPage';
import { parseEventFilter, toEventFilter, writeEventFilter } from './filters';

type Subject = { kind: string; id: string; name: string | null };

const event = (id: string, name: string, subject: Subject, over: Record<string, unknown> = {}) => ({
  id,
  name,
  source: 'system',
  environmentId: 'env1',
  farmId: null,
  serverId: null,
  incidentId: null,
  subject,
  createdAt: '2026-01-01T10:00:00Z',
  deliveryCounts: { succeeded: 1, pending: 0, failed: 0 },
  ...over,
});

const EVENTS = [
  event('e1', 'IncidentAcknowledged', { kind: 'INCIDENT', id: 'inc1', name: 'CPU high on orders-db' }, { incidentId: 'inc1', source: 'Ada Admin' }),
  event('e2', 'HostUp', { kind: 'SERVER', id: 'srv1', name: 'web-1' }, { farmId: 'farm1', serverId: 'srv1', source: 'api token deploy-bot' }),
  event('e3', 'BeforeHostTerminate', { kind: 'FARM', id: 'farm2', name: 'Checkout' }, { farmId: 'farm2' }),
  event('e4', 'IncidentResolved', { kind: 'INCIDENT', id: 'inc9', name: null }, { incidentId: 'inc9' }),
];

function setup(url = '/accounts/acc1/events', events: ReturnType<typeof event>[] = EVENTS) {
  const mock = createMockClient({
    Events: () => ({
      account: {
        id: 'acc1',
        myRole: 'MEMBER',
        events: { edges: events.map((node) => ({ cursor: `c-${node.id}`, node })), pageInfo: { hasNextPage: false, endCursor: null } },
      },
    }),
    EventNames: () => ({ account: { id: 'acc1', eventCatalog: [{ name: 'IncidentAcknowledged' }, { name: 'HostUp' }, { name: 'HostDown' }] } }),
  });
  const view = renderRoute(<EventsPage />, { client: mock.client, path: '/accounts/:accountId/events', url });
  return { ...view, mock };
}

const filterOf = (mock: ReturnType<typeof setup>['mock']) => mock.callsTo('Events').at(-1)?.variables.filter;
const search = (router: ReturnType<typeof setup>['router']) => new URLSearchParams(router.state.location.search);

describe('EventsPage', () => {
  it('names each event’s subject, linked to its page, and who caused it', async () => {
    setup();
    const table = await screen.findByRole('table', { name: 'Events' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(within(table).getByRole('columnheader', { name: 'Subject' })).toBeInTheDocument();
    expect(within(table).getByRole('columnheader', { name: 'By' })).toBeInTheDocument();

    expect(within(rows[0]).getByTestId('event-subject')).toHaveTextContent('Incident');
    expect(within(rows[0]).getByRole('link', { name: 'CPU high on orders-db' })).toHaveAttribute('href', '/accounts/acc1/incidents/inc1');
    expect(rows[0]).toHaveTextContent('Ada Admin');
    expect(rows[0]).not.toHaveTextContent('system');

    // A server has no page of its own: it links to its farm, where its servers are listed.
    expect(within(rows[1]).getByRole('link', { name: 'web-1' })).toHaveAttribute('href', '/accounts/acc1/farms/farm1');
    expect(rows[1]).toHaveTextContent('api token deploy-bot');
    expect(within(rows[2]).getByRole('link', { name: 'Checkout' })).toHaveAttribute('href', '/accounts/acc1/farms/farm2');
    // A deleted subject is named so, without a link to a missing page.
    expect(within(rows[3]).getByTestId('event-subject')).toHaveTextContent('(deleted)');
    expect(within(rows[3]).queryByRole('link', { name: '(deleted)' })).not.toBeInTheDocument();
  });

  it('reads its filters from the URL into the query, and shows a removable "About" chip', async () => {
    const user = userEvent.setup();
    const at = Date.parse('2026-01-02T00:00:00Z');
    const { mock, router } = setup(`/accounts/acc1/events?names=IncidentAcknowledged&kind=incident&subject=inc1&range=24h&at=${at}`);
    await screen.findByRole('table', { name: 'Events' });
    expect(filterOf(mock)).toEqual({
      names: ['IncidentAcknowledged'],
      subjects: ['INCIDENT'],
      subjectId: 'inc1',
      since: '2026-01-01T00:00:00.000Z',
    });
    expect(screen.getByTestId('subject-chip')).toHaveTextContent('About CPU high on orders-db');

    await user.click(screen.getByRole('button', { name: 'Show events about everything' }));
    await waitFor(() => expect(search(router).get('subject')).toBeNull());
    expect(search(router).get('names')).toBe('IncidentAcknowledged');
    await waitFor(() => expect(filterOf(mock)).not.toHaveProperty('subjectId'));
    expect(screen.queryByTestId('subject-chip')).not.toBeInTheDocument();
  });

  it('writes the filter bar’s choices to the URL and the query', async () => {
    const user = userEvent.setup();
    const { mock, router } = setup();
    await screen.findByRole('table', { name: 'Events' });
    expect(filterOf(mock)).toEqual({});

    await user.click(screen.getByRole('textbox', { name: 'Subject' }));
    await user.click(await screen.findByRole('option', { name: 'Farm' }));
    await waitFor(() => expect(search(router).get('kind')).toBe('farm'));
    await user.click(screen.getByRole('textbox', { name: 'Event' }));
    await user.click(await screen.findByRole('option', { name: 'HostDown' }));
    await waitFor(() => expect(search(router).get('names')).toBe('HostDown'));
    await waitFor(() => expect(filterOf(mock)).toEqual({ names: ['HostDown'], subjects: ['FARM'] }));

    await user.click(screen.getByRole('textbox', { name: 'Time range' }));
    await user.click(await screen.findByRole('option', { name: 'Last 7 days' }));
    await waitFor(() => expect(search(router).get('range')).toBe('7d'));
    await waitFor(() => expect(filterOf(mock)).toHaveProperty('since'));

    // "Only events about this" narrows to one subject.
    await user.click(screen.getAllByRole('button', { name: 'Only events about web-1' })[0]);
    await waitFor(() => expect(search(router).get('subject')).toBe('srv1'));
    await waitFor(() => expect(filterOf(mock)).toMatchObject({ subjectId: 'srv1' }));
    expect(screen.getByTestId('subject-chip')).toHaveTextContent('About web-1');
  }, 30_000);

  it('says when no event matches the filters and clears them', async () => {
    const user = userEvent.setup();
    const { mock, router } = setup('/accounts/acc1/events?kind=server&range=1h', []);
    expect(await screen.findByText('No events match these filters')).toBeInTheDocument();
    const empty = screen.getByTestId('empty-state');
    await user.click(within(empty).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    await waitFor(() => expect(filterOf(mock)).toEqual({}));
    expect(await screen.findByText('No events yet')).toBeInTheDocument();
  });
});

describe('EventDetailPage', () => {
  it('shows the subject and who caused the event', async () => {
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'MEMBER' } }),
      Event: () => ({ event: { ...EVENTS[1], accountId: 'acc1', variables: [] } }),
    });
    renderRoute(<EventDetailPage />, { client: mock.client, path: '/accounts/:accountId/events/:eventId', url: '/accounts/acc1/events/e2' });
    expect(await screen.findByRole('heading', { name: 'HostUp' })).toBeInTheDocument();
    expect(screen.getByTestId('event-subject')).toHaveTextContent('Server');
    expect(screen.getByRole('link', { name: 'web-1' })).toHaveAttribute('href', '/accounts/acc1/farms/farm1');
    expect(screen.getAllByText(/api token deploy-bot/).length).toBeGreaterThan(0);
    expect(screen.getByRole('link', { name: 'Events about this server' })).toHaveAttribute('href', '/accounts/acc1/events?subject=srv1');
  });
});

describe('event filters', () => {
  it('round-trip through the URL, keeping other parameters and dropping unknown kinds', () => {
    const state = parseEventFilter(new URLSearchParams('names=HostUp,HostDown&kind=server,bogus,FARM&subject=f1&range=custom&from=2026-01-01T10:00&x=1'));
    expect(state).toMatchObject({ names: ['HostUp', 'HostDown'], kinds: ['SERVER', 'FARM'], subjectId: 'f1', range: 'custom', from: '2026-01-01T10:00' });
    const out = writeEventFilter(new URLSearchParams('x=1&range=7d&at=5'), state);
    expect(out.toString()).toBe('x=1&names=HostUp%2CHostDown&kind=server%2Cfarm&subject=f1&range=custom&from=2026-01-01T10%3A00');
    expect(toEventFilter(state)).toEqual({
      names: ['HostUp', 'HostDown'],
      subjects: ['SERVER', 'FARM'],
      subjectId: 'f1',
      since: new Date('2026-01-01T10:00').toISOString(),
    });
    expect(toEventFilter(parseEventFilter(new URLSearchParams('range=bogus')))).toEqual({});
  });
});
