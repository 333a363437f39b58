import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import ActivityPage from './ActivityPage';
import { mergeEntries } from './use-activity-feed';

const entry = (id: string, summary: string) => ({
  id,
  action: 'environment.created',
  actorLabel: 'Ada',
  targetType: 'environment',
  targetId: `env-${id}`,
  summary,
  createdAt: '2026-01-01T00:00:00Z',
  actor: { id: 'u1', name: 'Ada', email: 'ada@example.test' },
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

    await user.click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(rows()[3]).toContain('Ada set up Switchboard');
    expect(screen.queryByRole('button', { name: 'Load older entries' })).not.toBeInTheDocument();
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

describe('mergeEntries', () => {
  it('keeps the first occurrence of an id', () => {
    const merged = mergeEntries([entry('b', 'live b')], [entry('b', 'page b'), entry('a', 'page a')]);
    expect(merged.map((e) => e.summary)).toEqual(['live b', 'page a']);
  });
});
