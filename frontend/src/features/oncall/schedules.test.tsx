import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import SchedulesPage from './SchedulesPage';

const ana = { id: 'u-ana', name: 'Ana Lima', email: 'ana@example.test' };

function setup(role: string) {
  const mock = createMockClient({
    Schedules: () => ({
      account: {
        id: 'acc1',
        myRole: role,
        schedules: [
          {
            id: 's1',
            name: 'Platform primary',
            description: 'Weekly',
            timeZone: 'Europe/Berlin',
            onCallAt: { startsAt: '2026-12-07T08:00:00Z', endsAt: '2026-12-14T08:00:00Z', user: ana, layer: { id: 'l1', name: 'Primary', position: 0 }, override: null },
          },
          { id: 's2', name: 'Databases', description: '', timeZone: 'UTC', onCallAt: null },
        ],
      },
    }),
    OnCallNow: () => ({
      account: {
        id: 'acc1',
        onCallNow: [
          {
            user: ana,
            schedule: { id: 's1', name: 'Platform primary' },
            shift: { startsAt: '2026-12-07T08:00:00Z', endsAt: '2026-12-14T08:00:00Z', override: null },
          },
        ],
      },
    }),
    CreateSchedule: ({ input }) => ({
      createSchedule: {
        schedule: { id: 's9', accountId: 'acc1', description: '', updatedAt: '2026-12-07T00:00:00Z', layers: [], ...(input as object) },
        errors: [],
      },
    }),
  });
  const view = renderRoute(null, {
    client: mock.client,
    routes: [
      { path: '/accounts/:accountId/schedules', element: <SchedulesPage /> },
      { path: '/accounts/:accountId/schedules/:scheduleId', element: <p>schedule page</p> },
    ],
    url: '/accounts/acc1/schedules',
  });
  return { mock, ...view };
}

describe('schedules list', () => {
  it('lists schedules with who is on call now, and the on-call-now card', async () => {
    setup('VIEWER');
    const table = await screen.findByRole('table', { name: 'Schedules' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('Platform primary');
    expect(rows[0]).toHaveTextContent('Europe/Berlin');
    expect(rows[0]).toHaveTextContent('Ana Lima');
    expect(rows[1]).toHaveTextContent('Nobody (gap)');
    const card = screen.getByRole('region', { name: 'On call now' });
    expect(await within(card).findByText('Ana Lima')).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: 'Platform primary' })).toHaveAttribute('href', '/accounts/acc1/schedules/s1');
    expect(screen.queryByRole('button', { name: 'New schedule' })).not.toBeInTheDocument();
  }, 60_000);

  it('lets admins create a schedule in a zone, then opens it', async () => {
    const user = userEvent.setup();
    const { mock, router } = setup('ADMIN');
    await user.click(await screen.findByRole('button', { name: 'New schedule' }));
    const dialog = await screen.findByRole('dialog', { name: 'New schedule' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Night shift');
    const zone = within(dialog).getByRole('textbox', { name: 'Time zone' });
    await user.clear(zone);
    await user.type(zone, 'America/New_Y');
    await user.click(await screen.findByRole('option', { name: 'America/New_York' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create schedule' }));
    await waitFor(() => expect(mock.callsTo('CreateSchedule')).toHaveLength(1));
    expect(mock.callsTo('CreateSchedule')[0].variables).toEqual({
      input: { accountId: 'acc1', name: 'Night shift', description: '', timeZone: 'America/New_York' },
    });
    await waitFor(() => expect(router.state.location.pathname).toBe('/accounts/acc1/schedules/s9'));
  }, 60_000);
});
