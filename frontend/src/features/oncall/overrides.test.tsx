import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import SchedulePage from './SchedulePage';

const ana = { id: 'u-ana', name: 'Ana Lima', email: 'ana@example.test' };
const ben = { id: 'u-ben', name: 'Ben', email: 'ben@example.test' };

function setup() {
  const mock = createMockClient({
    Schedule: () => ({
      account: {
        id: 'acc1',
        myRole: 'MEMBER',
        members: [ana, ben].map((user, i) => ({ id: `m${i}`, user })),
        schedule: {
          id: 's1',
          accountId: 'acc1',
          name: 'Platform primary',
          description: '',
          timeZone: 'UTC',
          updatedAt: '2026-12-01T00:00:00Z',
          layers: [],
          overrides: [{ id: 'o1', startsAt: '2026-12-24T18:00:00Z', endsAt: '2026-12-26T08:00:00Z', createdBy: 'Ada', user: ben }],
          finalSchedule: [],
          policies: [],
        },
        calendarFeeds: [
          { id: 'f0', tokenPrefix: 'old0', createdAt: '2026-11-01T00:00:00Z', lastUsedAt: null, revokedAt: '2026-11-02T00:00:00Z', schedule: { id: 's1' }, user: null },
        ],
      },
    }),
    CreateScheduleOverride: () => ({
      createScheduleOverride: { override: null, errors: [{ code: 'INVALID', field: 'input.endsAt', message: 'The override ends before it starts' }] },
    }),
    DeleteScheduleOverride: () => ({ deleteScheduleOverride: { deletedId: 'o1', errors: [] } }),
    CreateCalendarFeed: () => ({
      createCalendarFeed: {
        url: 'https://sb.example.test/calendar/sbcal_secret123.ics',
        feed: { id: 'f1', tokenPrefix: 'sbcal_se', createdAt: '2026-12-07T00:00:00Z', lastUsedAt: null, revokedAt: null },
        errors: [],
      },
    }),
  });
  renderRoute(null, {
    client: mock.client,
    routes: [{ path: '/accounts/:accountId/schedules/:scheduleId', element: <SchedulePage /> }],
    url: '/accounts/acc1/schedules/s1',
  });
  return mock;
}

describe('overrides and calendar feed', () => {
  it("creates an override (the API's error lands on the end), deletes one", async () => {
    const user = userEvent.setup();
    const mock = setup();
    const overrides = await screen.findByRole('region', { name: 'Overrides' });
    expect(overrides).toHaveTextContent('Ben');
    await user.click(within(overrides).getByRole('button', { name: 'Add override' }));
    const dialog = await screen.findByRole('dialog', { name: 'New override' });
    await user.click(within(dialog).getByRole('textbox', { name: 'Person' }));
    await user.click(await screen.findByRole('option', { name: 'Ana Lima' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add override' }));
    expect(await within(dialog).findByText('The override ends before it starts')).toBeInTheDocument();
    const vars = mock.callsTo('CreateScheduleOverride')[0].variables.input as Record<string, string>;
    expect(vars.scheduleId).toBe('s1');
    expect(vars.userId).toBe('u-ana');
    expect(Date.parse(vars.endsAt) - Date.parse(vars.startsAt)).toBe(8 * 3_600_000);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await user.click(within(overrides).getByRole('button', { name: 'Delete the override of Ben' }));
    await waitFor(() => expect(mock.callsTo('DeleteScheduleOverride')).toHaveLength(1));
    expect(mock.callsTo('DeleteScheduleOverride')[0].variables).toEqual({ id: 'o1' });
  }, 60_000);

  it('shows a new feed URL once', async () => {
    const user = userEvent.setup();
    const mock = setup();
    const feed = await screen.findByRole('region', { name: 'Calendar feed' });
    // The revoked feed is not listed.
    expect(feed).toHaveTextContent('No feed yet');
    await user.click(within(feed).getByRole('button', { name: 'New calendar feed' }));
    const dialog = await screen.findByRole('dialog', { name: 'Calendar feed' });
    expect(within(dialog).getByTestId('feed-url')).toHaveTextContent('https://sb.example.test/calendar/sbcal_secret123.ics');
    expect(mock.callsTo('CreateCalendarFeed')[0].variables).toEqual({ input: { accountId: 'acc1', scheduleId: 's1' } });
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByTestId('feed-url')).not.toBeInTheDocument());
  }, 60_000);
});
