import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import ComponentsPage from './ComponentsPage';
import { groupComponents } from './group';

const comp = (id: string, name: string, group: string, over: Record<string, unknown> = {}) => ({
  id,
  accountId: 'acc1',
  name,
  description: '',
  group,
  status: 'OPERATIONAL',
  statusOverride: null,
  openIncidentCount: 0,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

function setup(myRole: Role = 'ADMIN') {
  const mock = createMockClient({
    Components: () => ({
      account: {
        id: 'acc1',
        myRole,
        components: [
          comp('c1', 'Postgres', 'Databases', { status: 'MAJOR_OUTAGE', openIncidentCount: 2 }),
          comp('c2', 'CDN', 'Edge', { status: 'UNDER_MAINTENANCE', statusOverride: 'UNDER_MAINTENANCE' }),
          comp('c3', 'Billing', ''),
        ],
      },
    }),
    UpdateComponent: ({ input }) => ({ updateComponent: { component: comp('c2', 'CDN', 'Edge'), errors: [], input } }),
    DeleteComponent: () => ({
      deleteComponent: { deletedId: null, errors: [{ code: 'CONFLICT', field: null, message: 'component "Postgres" has 2 open incidents' }] },
    }),
  });
  renderRoute(<ComponentsPage />, { client: mock.client, path: '/accounts/:accountId/components', url: '/accounts/acc1/components' });
  return mock;
}

describe('components', () => {
  it('lists components by group with status badges and open incident counts', async () => {
    setup('VIEWER');
    const databases = await screen.findByRole('table', { name: 'Components: Databases' });
    expect(within(databases).getByTestId('component-status')).toHaveTextContent('Major outage');
    expect(within(databases).getByRole('link', { name: '2 open' })).toHaveAttribute(
      'href',
      '/accounts/acc1/incidents?status=open&component=c1',
    );
    const edge = screen.getByRole('table', { name: 'Components: Edge' });
    expect(within(edge).getByTestId('component-status')).toHaveAttribute('data-value', 'UNDER_MAINTENANCE');
    expect(within(edge).getByText('Manual')).toBeInTheDocument();
    const tables = screen.getAllByRole('table').map((t) => t.getAttribute('aria-label'));
    expect(tables).toEqual(['Components: Databases', 'Components: Edge', 'Components: Ungrouped']);
    expect(screen.queryByRole('button', { name: 'New component' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Edit / })).not.toBeInTheDocument();
  });

  it('clears a manual status override', async () => {
    const user = userEvent.setup();
    const mock = setup();
    await user.click(await screen.findByRole('button', { name: 'Edit CDN' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit CDN' });
    await user.click(within(dialog).getByRole('button', { name: 'Clear override' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mock.callsTo('UpdateComponent')).toHaveLength(1));
    expect(mock.callsTo('UpdateComponent')[0].variables).toEqual({
      input: { id: 'c2', name: 'CDN', description: '', group: 'Edge', clearStatusOverride: true },
    });
  }, 60_000);

  it("shows the server's conflict message when a component cannot be deleted", async () => {
    const user = userEvent.setup();
    setup();
    await user.click(await screen.findByRole('button', { name: 'Delete Postgres' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete Postgres?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete component' }));
    expect(await screen.findByText('component "Postgres" has 2 open incidents')).toBeInTheDocument();
  });

  it('groups named groups first, alphabetically', () => {
    const out = groupComponents([comp('a', 'b', ''), comp('b', 'z', 'Edge'), comp('c', 'a', 'Databases')]);
    expect(out.map((g) => g.group)).toEqual(['Databases', 'Edge', '']);
  });
});
