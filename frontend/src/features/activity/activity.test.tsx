import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import ActivityPage from './ActivityPage';
import { auditMatches, auditSearchProblem, parseActivityFilter, toAuditFilter, writeActivityFilter } from './filters';
import { mergeEntries } from './use-activity-feed';

const entry = (id: string, summary: string, over: Record<string, unknown> = {}) => ({
  id,
  action: 'environment.created',
  actorLabel: 'Ada',
  targetType: 'environment',
  targetId: `env-${id}`,
  summary,
  createdAt: '2026-01-01T00:00:00Z',
  actor: { id: 'u1', name: 'Ada', email: 'ada@example.test' },
  ...over,
});

const page = (entries: ReturnType<typeof entry>[], endCursor: string | null, hasNextPage: boolean) => ({
  account: {
    id: 'acc1',
    auditLog: {
      edges: entries.map((node) => ({ cursor: `c-${node.id}`, node })),
      pageInfo: { hasNextPage, endCursor },
    },
  },
});

function rows() {
  const table = screen.getByRole('table', { name: 'Activity' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((r) => r.textContent ?? '');
}

describe('ActivityPage', () => {
  it('puts entries from the live feed on top without reloading, and pages older ones', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'ADMIN' } }),
      Activity: ({ after }) =>
        after === 'cursor-1'
          ? page([entry('a1', 'Ada set up Switchboard')], null, false)
          : page([entry('a3', 'Ada created environment "staging"'), entry('a2', 'Ada added Bob')], 'cursor-1', true),
    });
    renderRoute(<ActivityPage />, {
      client: mock.client,
      path: '/accounts/:accountId/activity',
      url: '/accounts/acc1/activity',
    });

    await screen.findByRole('table', { name: 'Activity' });
    expect(rows()).toHaveLength(2);
    await waitFor(() => expect(mock.callsTo('AccountActivity')).toHaveLength(1));
    expect(mock.callsTo('AccountActivity')[0].variables).toEqual({ accountId: 'acc1' });

    act(() => mock.push('AccountActivity', { accountActivity: entry('a4', 'Ada created environment "live"') }));
    await waitFor(() => expect(rows()[0]).toContain('Ada created environment "live"'));
    expect(rows()[0]).toContain('New');
    expect(rows()).toHaveLength(3);

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(rows()[3]).toContain('Ada set up Switchboard');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('shows an empty state when nothing happened yet', async () => {
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'OWNER' } }),
      Activity: () => page([], null, false),
    });
    renderRoute(<ActivityPage />, {
      client: mock.client,
      path: '/accounts/:accountId/activity',
      url: '/accounts/acc1/activity',
    });
    expect(await screen.findByText('No activity yet')).toBeInTheDocument();
  });
});

describe('ActivityPage filters', () => {
  const ack = entry('i1', 'Ada acknowledged incident "CPU high"', {
    action: 'incident.acknowledged',
    targetType: 'incident',
    targetId: 'inc1',
    createdAt: '2026-01-01T12:00:00Z',
  });

  function setup(url: string, entries = [ack]) {
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'ADMIN' } }),
      Activity: () => page(entries, null, false),
    });
    const view = renderRoute(<ActivityPage />, { client: mock.client, path: '/accounts/:accountId/activity', url });
    return { ...view, mock };
  }
  const filterOf = (mock: ReturnType<typeof setup>['mock']) => mock.callsTo('Activity').at(-1)?.variables.filter;

  it('reads categories, search and time from the URL, links incident entries, and keeps live entries that do not match out', async () => {
    const at = Date.parse('2026-01-02T00:00:00Z');
    const { mock } = setup(`/accounts/acc1/activity?cat=incident,user&q=ada&range=24h&at=${at}`);
    await screen.findByRole('table', { name: 'Activity' });
    expect(filterOf(mock)).toEqual({ categories: ['incident', 'user'], search: 'ada', since: '2026-01-01T00:00:00.000Z' });
    expect(screen.getByRole('link', { name: 'Ada acknowledged incident "CPU high"' })).toHaveAttribute('href', '/accounts/acc1/incidents/inc1');
    expect(rows()[0]).toContain('Ada');

    await waitFor(() => expect(mock.callsTo('AccountActivity')).toHaveLength(1));
    const now = '2026-01-01T13:00:00Z';
    // Another category, a summary and actor without "ada", before the range: none belong here.
    act(() => mock.push('AccountActivity', { accountActivity: entry('x1', 'Ada created environment "qa"', { createdAt: now }) }));
    act(() => mock.push('AccountActivity', { accountActivity: entry('x2', 'Bob resolved incident "Disk"', { action: 'incident.resolved', actorLabel: 'Bob', createdAt: now }) }));
    act(() => mock.push('AccountActivity', { accountActivity: entry('x3', 'Ada resolved incident "Old"', { action: 'incident.resolved', createdAt: '2025-12-31T23:00:00Z' }) }));
    act(() => mock.push('AccountActivity', { accountActivity: entry('m1', 'Ada signed in', { action: 'user.signed_in', targetType: 'user', createdAt: now }) }));
    await waitFor(() => expect(rows()[0]).toContain('Ada signed in'));
    expect(rows()).toHaveLength(2);
    expect(rows()[0]).toContain('New');
  });

  it('writes the filter bar to the URL and waits for two characters to search', async () => {
    const user = userEvent.setup();
    const { mock, router } = setup('/accounts/acc1/activity');
    await screen.findByRole('table', { name: 'Activity' });
    expect(filterOf(mock)).toEqual({});

    await user.click(screen.getByRole('textbox', { name: 'Category' }));
    await user.click(await screen.findByRole('option', { name: 'Sign-ins' }));
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).get('cat')).toBe('user'));
    await user.click(await screen.findByRole('option', { name: 'Incidents' }));
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).get('cat')).toBe('user,incident'));
    await waitFor(() => expect(filterOf(mock)).toEqual({ categories: ['user', 'incident'] }));

    const search = screen.getByRole('textbox', { name: 'Search activity' });
    await user.type(search, 'b');
    expect(await screen.findByText('At least 2 characters')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 400));
    expect(mock.callsTo('Activity').some((c) => (c.variables.filter as { search?: string }).search)).toBe(false);
    await user.type(search, 'o');
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).get('q')).toBe('bo'));
    await waitFor(() => expect(filterOf(mock)).toEqual({ categories: ['user', 'incident'], search: 'bo' }));
    expect(screen.queryByText('At least 2 characters')).not.toBeInTheDocument();
  }, 30_000);

  it('says when nothing matches and clears the filters, search box included', async () => {
    const user = userEvent.setup();
    const { mock, router } = setup('/accounts/acc1/activity?cat=member&q=zed', []);
    expect(await screen.findByText('No activity matches these filters')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Search activity' })).toHaveValue('zed');
    await user.click(within(screen.getByTestId('empty-state')).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    await waitFor(() => expect(filterOf(mock)).toEqual({}));
    expect(screen.getByRole('textbox', { name: 'Search activity' })).toHaveValue('');
    expect(await screen.findByText('No activity yet')).toBeInTheDocument();
  });

  it('round-trips through the URL and matches entries as the server does', () => {
    const state = parseActivityFilter(new URLSearchParams('cat=incident,Bad-One,user&q=x&range=7d&at=60000&keep=1'));
    expect(state).toMatchObject({ categories: ['incident', 'user'], search: 'x', range: '7d', anchor: 60000 });
    expect(toAuditFilter(state)).toEqual({ categories: ['incident', 'user'], since: new Date(60000 - 7 * 86_400_000).toISOString() });
    expect(writeActivityFilter(new URLSearchParams('keep=1'), state).toString()).toBe('keep=1&cat=incident%2Cuser&q=x&range=7d&at=60000');
    expect(auditSearchProblem('')).toBeNull();
    expect(auditSearchProblem(' a ')).toBe('At least 2 characters');
    expect(auditSearchProblem('x'.repeat(101))).toBe('At most 100 characters');
    const e = { action: 'incident.note_added', summary: 'Ada added a note', actorLabel: 'Ada', createdAt: '2026-01-01T00:00:00Z' };
    expect(auditMatches(e, { categories: ['incident'] })).toBe(true);
    expect(auditMatches(e, { categories: ['inc'] })).toBe(false);
    expect(auditMatches(e, { search: 'NOTE' })).toBe(true);
    expect(auditMatches(e, { search: 'bob' })).toBe(false);
    expect(auditMatches(e, { until: '2026-01-01T00:00:00Z' })).toBe(false);
  });
});

describe('mergeEntries', () => {
  it('keeps the first occurrence of an id', () => {
    const merged = mergeEntries([entry('b', 'live b')], [entry('b', 'page b'), entry('a', 'page a')]);
    expect(merged.map((e) => e.summary)).toEqual(['live b', 'page a']);
  });
});
