import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { toLocalInput } from '@/lib/format';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import MaintenancePage from './MaintenancePage';
import { validateWindow } from './components/MaintenanceFormModal';

const hour = 3_600_000;
const win = (id: string, title: string, status: string, over: Record<string, unknown> = {}) => ({
  __typename: 'MaintenanceWindow',
  id,
  accountId: 'acc1',
  title,
  message: '',
  startsAt: new Date(Date.now() + hour).toISOString(),
  endsAt: new Date(Date.now() + 2 * hour).toISOString(),
  status,
  notifySubscribers: true,
  startedAt: null,
  completedAt: null,
  components: [{ id: 'c1', name: 'Orders DB' }],
  ...over,
});

function setup(extra: Record<string, (v: Record<string, unknown>) => unknown> = {}) {
  const mock = createMockClient({
    MaintenanceWindows: ({ includePast }) => ({
      account: {
        id: 'acc1',
        myRole: 'MEMBER',
        maintenanceWindows: [
          win('m1', 'DB upgrade', 'SCHEDULED'),
          win('m2', 'Network swap', 'IN_PROGRESS'),
          ...(includePast ? [win('m3', 'Old work', 'COMPLETED', { completedAt: '2026-11-01T00:00:00Z' })] : []),
        ],
      },
    }),
    ComponentOptions: () => ({ account: { id: 'acc1', components: [{ id: 'c1', name: 'Orders DB', group: '' }, { id: 'c2', name: 'CDN', group: 'Edge' }] } }),
    ...extra,
  });
  renderRoute(<MaintenancePage />, { client: mock.client, path: '/accounts/:accountId/maintenance', url: '/accounts/acc1/maintenance' });
  return mock;
}

describe('maintenance', () => {
  it('lists scheduled and in-progress windows, and past ones on demand', async () => {
    const user = userEvent.setup();
    const mock = setup();
    const rows = await screen.findAllByTestId('maintenance-row');
    expect(rows.map((r) => within(r).getByTestId('maintenance-status').textContent)).toEqual(['Scheduled', 'In progress']);
    expect(within(rows[0]).getByRole('button', { name: 'Cancel DB upgrade' })).toBeInTheDocument();
    expect(within(rows[1]).getByRole('button', { name: 'End Network swap now' })).toBeInTheDocument();
    await user.click(screen.getByRole('switch', { name: 'Include past windows' }));
    expect(await screen.findByText('Old work')).toBeInTheDocument();
    expect(mock.callsTo('MaintenanceWindows').at(-1)?.variables).toEqual({ accountId: 'acc1', includePast: true });
    const old = screen.getAllByTestId('maintenance-row')[2];
    expect(within(old).getByTestId('maintenance-status')).toHaveTextContent('Completed');
    expect(within(old).queryByRole('button')).not.toBeInTheDocument();
  });

  it('refuses an end before the start without asking the server, then shows the server’s field error', async () => {
    const user = userEvent.setup();
    const mock = setup({
      CreateMaintenance: () => ({
        createMaintenance: { maintenance: null, errors: [{ code: 'INVALID', field: 'endsAt', message: 'the end must be in the future' }] },
      }),
    });
    await user.click(await screen.findByRole('button', { name: 'Schedule maintenance' }));
    const dialog = await screen.findByRole('dialog', { name: 'Schedule maintenance' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Title' }), 'DB upgrade');
    await user.click(within(dialog).getByRole('textbox', { name: 'Components' }));
    await user.click(await screen.findByRole('option', { name: 'Orders DB' }));
    const starts = within(dialog).getByLabelText(/Starts/);
    const ends = within(dialog).getByLabelText(/Ends/);
    const start = new Date(Date.now() + 3 * hour).toISOString();
    await user.clear(ends);
    await user.type(ends, toLocalInput(new Date(Date.now() + 2 * hour).toISOString()));
    await user.clear(starts);
    await user.type(starts, toLocalInput(start));
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    expect(await within(dialog).findByText('The end must be after the start')).toBeInTheDocument();
    expect(mock.callsTo('CreateMaintenance')).toHaveLength(0);

    await user.clear(ends);
    await user.type(ends, toLocalInput(new Date(Date.now() + 5 * hour).toISOString()));
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    expect(await within(dialog).findByText('the end must be in the future')).toBeInTheDocument();
    const call = mock.callsTo('CreateMaintenance')[0].variables.input as Record<string, unknown>;
    expect(call).toMatchObject({ accountId: 'acc1', title: 'DB upgrade', componentIds: ['c1'], notifySubscribers: true });
    expect(ends).toHaveAttribute('aria-invalid', 'true');
  }, 60_000);

  it('cancels a scheduled window and ends one in progress', async () => {
    const user = userEvent.setup();
    const mock = setup({
      EndMaintenance: ({ id }) => ({ endMaintenance: { maintenance: win(String(id), 'x', 'CANCELLED'), errors: [] } }),
    });
    await user.click(await screen.findByRole('button', { name: 'Cancel DB upgrade' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel window' }));
    await waitFor(() => expect(mock.callsTo('EndMaintenance')[0]?.variables).toEqual({ id: 'm1' }));
    await user.click(screen.getByRole('button', { name: 'End Network swap now' }));
    await user.click(await screen.findByRole('button', { name: 'End now' }));
    await waitFor(() => expect(mock.callsTo('EndMaintenance')[1]?.variables).toEqual({ id: 'm2' }));
  }, 30_000);

  it('edits a window in progress without moving its start', async () => {
    const user = userEvent.setup();
    const mock = setup({
      UpdateMaintenance: () => ({ updateMaintenance: { maintenance: win('m2', 'Network swap', 'IN_PROGRESS'), errors: [] } }),
    });
    await user.click(await screen.findByRole('button', { name: 'Edit Network swap' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Network swap' });
    expect(within(dialog).getByLabelText(/Starts/)).toBeDisabled();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mock.callsTo('UpdateMaintenance')).toHaveLength(1));
    const input = mock.callsTo('UpdateMaintenance')[0].variables.input as Record<string, unknown>;
    expect(input.id).toBe('m2');
    expect(input).not.toHaveProperty('startsAt');
    expect(input.componentIds).toEqual(['c1']);
  }, 30_000);

  it('validates the times', () => {
    expect(validateWindow('', '')).toEqual({ startsAt: 'Pick the start', endsAt: 'Pick the end' });
    expect(validateWindow('2020-01-01T10:00', '2020-01-01T09:00').endsAt).toBe('The end must be after the start');
    expect(validateWindow('2020-01-01T10:00', '2020-01-01T11:00').endsAt).toBe('The end must be in the future');
  });
});
