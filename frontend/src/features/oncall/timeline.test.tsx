import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import { ScheduleTimeline } from './components/ScheduleTimeline';
import SchedulePage from './SchedulePage';
import { dayStarts, place } from './time';

const ana = { id: 'u-ana', name: 'Ana Lima', email: 'ana@example.test' };
const ben = { id: 'u-ben', name: '', email: 'ben@example.test' };
const cleo = { id: 'u-cleo', name: 'Cleo', email: 'cleo@example.test' };

const FROM = Date.parse('2026-12-07T00:00:00Z');
const TO = FROM + 14 * 86_400_000;

const primary = { id: 'l1', name: 'Primary', position: 0 };
const daytime = { id: 'l2', name: 'Daytime', position: 1 };

const shift = (user: typeof ana, startsAt: string, endsAt: string, layer: typeof primary | null, override: { id: string } | null = null) => ({
  __typename: 'ScheduleShift' as const,
  user,
  startsAt,
  endsAt,
  layer: layer ? { ...layer } : null,
  override,
});

const shifts = [
  // Starts before the window: clipped to its start.
  shift(ana, '2026-12-06T09:00:00Z', '2026-12-14T00:00:00Z', primary),
  shift(cleo, '2026-12-08T09:00:00Z', '2026-12-08T17:00:00Z', daytime),
  shift(ben, '2026-12-14T00:00:00Z', '2026-12-21T00:00:00Z', null, { id: 'o1' }),
];

describe('schedule timeline', () => {
  it('places shifts by time on their rows and names each person in text', () => {
    const mock = createMockClient({});
    renderRoute(
      <ScheduleTimeline
        layers={[primary, daytime]}
        shifts={shifts}
        overrides={[{ id: 'o1', startsAt: '2026-12-14T00:00:00Z', endsAt: '2026-12-21T00:00:00Z', user: ben }]}
        from={FROM}
        to={TO}
        now={FROM + 86_400_000}
        zone="UTC"
      />,
      { client: mock.client },
    );
    // Rows, highest layer first, then overrides, then the final schedule.
    const rows = screen.getAllByRole('list').map((l) => l.getAttribute('aria-label'));
    expect(rows).toEqual(['Daytime', 'Primary', 'Overrides', 'Final schedule']);

    const final = within(screen.getByRole('list', { name: 'Final schedule' })).getAllByRole('listitem');
    expect(final.map((s) => s.textContent)).toEqual(['Ana Lima', 'Cleo', 'ben@example.test']);
    // Ana: clipped at the window's start, 7 of 14 days.
    expect(final[0].style.left).toBe('0%');
    expect(final[0].style.width).toBe('50%');
    // Ben's override covers the second week exactly.
    expect(final[2].style.left).toBe('50%');
    expect(final[2].style.width).toBe('50%');
    // The accessible name says who and when, in the schedule's zone.
    expect(final[1]).toHaveAttribute('aria-label', expect.stringMatching(/^Cleo, .*09:00 – .*17:00$/));

    expect(within(screen.getByRole('list', { name: 'Daytime' })).getAllByRole('listitem')).toHaveLength(1);
    expect(within(screen.getByRole('list', { name: 'Primary' })).getByRole('listitem')).toHaveTextContent('Ana Lima');
    // The override is not attributed to a layer.
    expect(within(screen.getByRole('list', { name: 'Overrides' })).getByRole('listitem')).toHaveTextContent('ben@example.test');

    const marker = screen.getByTestId('now-marker');
    expect(marker.style.left).toContain('0.0714');
  });

  it('says so when nobody is on call', () => {
    const mock = createMockClient({});
    renderRoute(<ScheduleTimeline layers={[]} shifts={[]} overrides={[]} from={FROM} to={TO} now={TO + 1} zone="UTC" />, {
      client: mock.client,
    });
    expect(screen.getByText('Nobody is on call in this range')).toBeInTheDocument();
    expect(screen.queryByTestId('now-marker')).not.toBeInTheDocument();
  });

  it('ticks local midnights across a DST change', () => {
    // Europe/Berlin leaves DST on 2026-10-25: that day has 25 hours.
    const from = Date.parse('2026-10-24T12:00:00Z');
    const ticks = dayStarts(from, from + 3 * 86_400_000, 'Europe/Berlin');
    expect(ticks.map((t) => new Date(t).toISOString())).toEqual([
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
      '2026-10-26T23:00:00.000Z',
    ]);
    expect(place([{ startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-10-02T00:00:00Z' }], from, from + 1000)).toEqual([]);
  });
});

describe('schedule page', () => {
  it('shows the final schedule of the next 14 days from the API, with layers and overrides', async () => {
    const layer = (l: typeof primary, participants: (typeof ana)[]) => ({
      ...l,
      rotation: 'WEEKLY',
      length: 1,
      handOff: '09:00',
      handOffDay: 1,
      startsAt: '2026-11-02T08:00:00Z',
      endsAt: null,
      participants,
      restrictions: l.id === 'l2' ? [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }] : [],
    });
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'ADMIN' } }),
      PolicyTargetOptions: () => ({ account: { id: 'acc1', schedules: [], members: [] } }),
      Schedule: () => ({
        account: {
          id: 'acc1',
          myRole: 'ADMIN',
          members: [ana, ben, cleo].map((user, i) => ({ id: `m${i}`, user })),
          schedule: {
            id: 's1',
            accountId: 'acc1',
            name: 'Platform primary',
            description: '',
            timeZone: 'Europe/Berlin',
            updatedAt: '2026-12-01T00:00:00Z',
            layers: [layer(primary, [ana, ben]), layer(daytime, [cleo])],
            overrides: [{ id: 'o1', startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString(), createdBy: 'Ada', user: ben }],
            finalSchedule: [shift(ana, new Date(Date.now() - 3_600_000).toISOString(), new Date(Date.now() + 3 * 86_400_000).toISOString(), primary)],
            policies: [{ id: 'p1', name: 'Platform' }],
          },
          calendarFeeds: [],
        },
      }),
    });
    renderRoute(null, {
      client: mock.client,
      routes: [{ path: '/accounts/:accountId/schedules/:scheduleId', element: <SchedulePage /> }],
      url: '/accounts/acc1/schedules/s1',
    });
    expect(await screen.findByRole('heading', { name: 'Platform primary' })).toBeInTheDocument();
    const call = mock.callsTo('Schedule')[0].variables;
    expect(Date.parse(call.to as string) - Date.parse(call.from as string)).toBe(14 * 86_400_000);
    expect(within(screen.getByRole('list', { name: 'Final schedule' })).getByRole('listitem')).toHaveTextContent('Ana Lima');
    expect(screen.getAllByTestId('layer')[0]).toHaveTextContent('Daytime');
    expect(screen.getAllByTestId('layer')[1]).toHaveTextContent('Ana Lima → ben@example.test');
    expect(screen.getByTestId('now-marker')).toBeInTheDocument();
    expect(screen.getByText('Platform')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add layer' })).toBeInTheDocument();
  }, 60_000);
});
