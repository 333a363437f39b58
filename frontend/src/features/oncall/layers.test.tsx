import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient, type Handler } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import SchedulePage from './SchedulePage';

const ana = { id: 'u-ana', name: 'Ana Lima', email: 'ana@example.test' };
const ben = { id: 'u-ben', name: 'Ben', email: 'ben@example.test' };
const cleo = { id: 'u-cleo', name: 'Cleo', email: 'cleo@example.test' };

const existing = {
  id: 'l1',
  name: 'Primary',
  position: 0,
  rotation: 'WEEKLY',
  length: 1,
  handOff: '09:00',
  handOffDay: 1,
  startsAt: '2026-11-02T08:00:00.000Z',
  endsAt: null,
  participants: [ana],
  restrictions: [],
};

function setup(update: Handler, role = 'ADMIN', layers: (typeof existing)[] = [existing]) {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: role } }),
    Schedule: () => ({
      account: {
        id: 'acc1',
        myRole: role,
        members: [ana, ben, cleo].map((user, i) => ({ id: `m${i}`, user })),
        schedule: {
          id: 's1',
          accountId: 'acc1',
          name: 'Platform primary',
          description: '',
          timeZone: 'UTC',
          updatedAt: '2026-12-01T00:00:00Z',
          layers,
          overrides: [],
          finalSchedule: [],
          policies: [],
        },
        calendarFeeds: [],
      },
    }),
    UpdateSchedule: update,
  });
  renderRoute(null, {
    client: mock.client,
    routes: [{ path: '/accounts/:accountId/schedules/:scheduleId', element: <SchedulePage /> }],
    url: '/accounts/acc1/schedules/s1',
  });
  return mock;
}

describe('layer editor', () => {
  it('adds a layer with ordered participants and a restriction, sending every layer (lowest first)', async () => {
    const user = userEvent.setup();
    const mock = setup(() => ({ updateSchedule: { schedule: null, errors: [] } }));
    await user.click(await screen.findByRole('button', { name: 'Add layer' }));
    const dialog = await screen.findByRole('dialog', { name: 'New layer' });

    // No participant: refused before sending, the person picker is marked.
    await user.click(within(dialog).getByRole('button', { name: 'Add layer' }));
    expect(await within(dialog).findByText('Add at least one person')).toBeInTheDocument();
    expect(mock.callsTo('UpdateSchedule')).toHaveLength(0);

    const handOff = within(dialog).getByRole('textbox', { name: /Hand-off time/ });
    await user.clear(handOff);
    await user.type(handOff, '25:00');
    for (const name of ['Ben', 'Cleo']) {
      await user.click(within(dialog).getByRole('textbox', { name: 'Add a person' }));
      await user.click(await screen.findByRole('option', { name }));
      await user.click(within(dialog).getByRole('button', { name: /^Add$/ }));
    }
    await user.click(within(dialog).getByRole('button', { name: 'Add layer' }));
    expect(await within(dialog).findByText('Use HH:MM, e.g. 09:00')).toBeInTheDocument();
    await waitFor(() => expect(handOff).toHaveFocus());
    await user.clear(handOff);
    await user.type(handOff, '08:30');

    await user.click(within(dialog).getByRole('button', { name: 'Move Cleo up' }));
    const order = within(within(dialog).getByRole('list', { name: 'Participants' })).getAllByRole('listitem');
    expect(order.map((li) => li.textContent)).toEqual(['Cleo', 'Ben']);

    await user.click(within(dialog).getByRole('button', { name: 'Add restriction' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add layer' }));

    await waitFor(() => expect(mock.callsTo('UpdateSchedule')).toHaveLength(1));
    const input = mock.callsTo('UpdateSchedule')[0].variables.input as { id: string; layers: Record<string, unknown>[] };
    expect(input.id).toBe('s1');
    expect(input.layers).toHaveLength(2);
    expect(input.layers[0]).toMatchObject({ id: 'l1', participantIds: ['u-ana'], handOff: '09:00' });
    expect(input.layers[1]).toMatchObject({
      name: 'Layer 2',
      rotation: 'WEEKLY',
      length: 1,
      handOff: '08:30',
      handOffDay: 1,
      participantIds: ['u-cleo', 'u-ben'],
      endsAt: null,
      restrictions: [{ days: [], from: '09:00', to: '17:00' }],
    });
    expect(input.layers[1].id).toBeUndefined();
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New layer' })).not.toBeInTheDocument());
  }, 120_000);

  it("shows the API's error on the field it names and keeps the dialog open", async () => {
    const user = userEvent.setup();
    setup(() => ({
      updateSchedule: {
        schedule: null,
        errors: [{ code: 'INVALID', field: 'input.layers.0.participantIds', message: 'Ana Lima is not a member any more' }],
      },
    }));
    await user.click(await screen.findByRole('button', { name: 'Edit Primary' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Primary' });
    await user.click(within(dialog).getByRole('button', { name: 'Save layer' }));
    expect(await within(dialog).findByText('Ana Lima is not a member any more')).toBeInTheDocument();
  }, 60_000);

  it('reorders layers from the row actions: the top one cannot go up, the lowest not down', async () => {
    const user = userEvent.setup();
    const secondary = { ...existing, id: 'l2', name: 'Secondary', position: 1, participants: [ben] };
    const mock = setup(
      () => ({ updateSchedule: { schedule: null, errors: [] } }),
      'ADMIN',
      [secondary, existing],
    );
    expect(await screen.findByRole('button', { name: 'Raise Secondary' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Lower Primary' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Lower Secondary' })).toBeEnabled();
    await user.click(screen.getByRole('button', { name: 'Raise Primary' }));
    await waitFor(() => expect(mock.callsTo('UpdateSchedule')).toHaveLength(1));
    const input = mock.callsTo('UpdateSchedule')[0].variables.input as { id: string; layers: { id: string }[] };
    expect(input.id).toBe('s1');
    expect(input.layers.map((l) => l.id)).toEqual(['l2', 'l1']);
  }, 60_000);

  it('hides layer editing from members', async () => {
    setup(() => ({}), 'MEMBER');
    expect(await screen.findByRole('heading', { name: 'Platform primary' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add layer' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit Primary' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add override' })).toBeInTheDocument();
  }, 60_000);
});
