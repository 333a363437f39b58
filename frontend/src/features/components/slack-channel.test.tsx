import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import ComponentsPage from './ComponentsPage';

const comp = (over: Record<string, unknown> = {}) => ({
  id: 'c1',
  accountId: 'acc1',
  name: 'Checkout API',
  description: '',
  group: '',
  status: 'OPERATIONAL',
  statusOverride: null,
  openIncidentCount: 0,
  escalationPolicy: null,
  slackChannel: '',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

function setup(channelErrors: unknown[] = [], current = '') {
  const mock = createMockClient({
    Components: () => ({ account: { id: 'acc1', myRole: 'ADMIN', components: [comp({ slackChannel: current })] } }),
    PolicyOptions: () => ({ account: { id: 'acc1', escalationPolicies: [] } }),
    UpdateComponent: () => ({ updateComponent: { component: comp({ slackChannel: current }), errors: [] } }),
    SetComponentSlackChannel: ({ input }) => ({
      setComponentSlackChannel: {
        component: channelErrors.length ? null : comp({ slackChannel: (input as { channel: string }).channel }),
        errors: channelErrors,
      },
    }),
  });
  renderRoute(<ComponentsPage />, { client: mock.client, path: '/accounts/:accountId/components', url: '/accounts/acc1/components' });
  return mock;
}

async function openEdit(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'Edit Checkout API' }));
  return screen.findByRole('dialog', { name: 'Edit Checkout API' });
}

describe('component Slack channel', () => {
  it("states that the component's channel wins and sets it after saving", async () => {
    const user = userEvent.setup();
    const mock = setup();
    const dialog = await openEdit(user);
    const field = within(dialog).getByRole('textbox', { name: 'Slack channel' });
    expect(dialog).toHaveTextContent("The component's channel wins");
    await user.type(field, ' C0E2E0001 ');
    const loads = mock.callsTo('Components').length;
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mock.callsTo('SetComponentSlackChannel')).toHaveLength(1));
    expect(mock.callsTo('SetComponentSlackChannel')[0].variables).toEqual({ input: { componentId: 'c1', channel: 'C0E2E0001' } });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit Checkout API' })).not.toBeInTheDocument());
    // The list reloads after the channel is set (not only after the update before it).
    await waitFor(() => expect(mock.callsTo('Components').length).toBeGreaterThan(loads));
  }, 30_000);

  it('refuses a channel name before sending and leaves an unchanged channel alone', async () => {
    const user = userEvent.setup();
    const mock = setup([], 'C0OLD');
    const dialog = await openEdit(user);
    const field = within(dialog).getByRole('textbox', { name: 'Slack channel' });
    expect(field).toHaveValue('C0OLD');
    await user.clear(field);
    await user.type(field, '#incidents');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText(/not its name/)).toBeInTheDocument();
    expect(mock.callsTo('UpdateComponent')).toHaveLength(0);

    await user.clear(field);
    await user.type(field, 'C0OLD');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mock.callsTo('UpdateComponent')).toHaveLength(1));
    expect(mock.callsTo('SetComponentSlackChannel')).toHaveLength(0);
  }, 30_000);

  it("puts the server's refusal on the channel field", async () => {
    const user = userEvent.setup();
    setup([{ code: 'INVALID', field: 'input.channel', message: "enter the channel's id (C…), not its name" }]);
    const dialog = await openEdit(user);
    const field = within(dialog).getByRole('textbox', { name: 'Slack channel' });
    await user.type(field, 'C0NOPE');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText("enter the channel's id (C…), not its name")).toBeInTheDocument();
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
  }, 30_000);

  it('shows the channel in the list', async () => {
    setup([], 'C0E2E0001');
    expect(await screen.findByTestId('component-slack-channel')).toHaveTextContent('Slack channel C0E2E0001');
  });
});
