import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import { ContactMethodModal } from './components/ContactMethodModal';
import PolicyPage from './PolicyPage';

const policy = (slackChannel: string) => ({
  id: 'p1',
  accountId: 'acc1',
  name: 'Platform',
  description: '',
  repeat: 0,
  slackChannel,
  updatedAt: '2026-12-07T00:00:00Z',
  levels: [],
  components: [],
});

function setupPolicy(role: string, channel: string, errors: unknown[] = []) {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: role } }),
    PolicyTargetOptions: () => ({ account: { id: 'acc1', schedules: [], members: [] } }),
    EscalationPolicy: () => ({ account: { id: 'acc1', myRole: role, escalationPolicy: policy(channel) } }),
    SetEscalationPolicySlackChannel: ({ input }) => ({
      setEscalationPolicySlackChannel: {
        policy: errors.length ? null : policy((input as { channel: string }).channel),
        errors,
      },
    }),
  });
  renderRoute(null, {
    client: mock.client,
    routes: [{ path: '/accounts/:accountId/escalation-policies/:policyId', element: <PolicyPage /> }],
    url: '/accounts/acc1/escalation-policies/p1',
  });
  return mock;
}

describe('escalation policy Slack channel', () => {
  it("sets the channel and states that the component's wins", async () => {
    const user = userEvent.setup();
    const mock = setupPolicy('ADMIN', '');
    const form = await screen.findByRole('form', { name: 'Policy Slack channel' });
    expect(screen.getByRole('region', { name: 'Slack channel' })).toHaveTextContent("The component's channel wins");
    await user.type(within(form).getByRole('textbox', { name: 'Channel id' }), 'C0E2E0001');
    await user.click(within(form).getByRole('button', { name: 'Save channel' }));
    await waitFor(() => expect(mock.callsTo('SetEscalationPolicySlackChannel')).toHaveLength(1));
    expect(mock.callsTo('SetEscalationPolicySlackChannel')[0].variables).toEqual({
      input: { policyId: 'p1', channel: 'C0E2E0001' },
    });
  }, 30_000);

  it('refuses a name before sending and shows the server refusal on the field', async () => {
    const user = userEvent.setup();
    const mock = setupPolicy('ADMIN', '', [{ code: 'INVALID', field: 'input.channel', message: 'channel_not_found' }]);
    const form = await screen.findByRole('form', { name: 'Policy Slack channel' });
    const field = within(form).getByRole('textbox', { name: 'Channel id' });
    await user.type(field, 'incidents');
    await user.click(within(form).getByRole('button', { name: 'Save channel' }));
    expect(await within(form).findByText(/not its name/)).toBeInTheDocument();
    expect(mock.callsTo('SetEscalationPolicySlackChannel')).toHaveLength(0);
    await user.clear(field);
    await user.type(field, 'C0NOPE');
    await user.click(within(form).getByRole('button', { name: 'Save channel' }));
    expect(await within(form).findByText('channel_not_found')).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
  }, 30_000);

  it('is read-only for viewers', async () => {
    setupPolicy('VIEWER', 'C0E2E0001');
    const region = await screen.findByRole('region', { name: 'Slack channel' });
    expect(region).toHaveTextContent('C0E2E0001');
    expect(screen.queryByRole('form', { name: 'Policy Slack channel' })).not.toBeInTheDocument();
  });
});

describe('Slack DM contact method', () => {
  function setupContact(mySlackUserId: string | null, connected = true) {
    const mock = createMockClient({
      MySlackUserId: () => ({
        account: { id: 'acc1', mySlackUserId, slackWorkspace: { connected, teamName: connected ? 'Acme Ops' : null } },
      }),
      CreateContactMethod: () => ({ createContactMethod: { contactMethod: null, errors: [] } }),
    });
    renderRoute(<ContactMethodModal accountId="acc1" opened onClose={() => {}} />, {
      client: mock.client,
      path: '/accounts/:accountId/my-on-call',
      url: '/accounts/acc1/my-on-call',
    });
    return mock;
  }

  async function chooseSlack(user: ReturnType<typeof userEvent.setup>) {
    const dialog = await screen.findByRole('dialog', { name: 'New contact method' });
    await user.click(within(dialog).getByRole('textbox', { name: 'Kind' }));
    await user.click(await screen.findByRole('option', { name: 'Slack direct message' }));
    return dialog;
  }

  it('prefills the Slack user id found by email', async () => {
    const user = userEvent.setup();
    const mock = setupContact('U0E2E0001');
    const dialog = await chooseSlack(user);
    const field = within(dialog).getByRole('textbox', { name: 'Slack user id' });
    await waitFor(() => expect(field).toHaveValue('U0E2E0001'));
    expect(within(dialog).getByTestId('slack-lookup')).toHaveTextContent('Found by your email in Acme Ops: U0E2E0001');
    expect(mock.callsTo('MySlackUserId')[0].variables).toEqual({ accountId: 'acc1' });
  }, 30_000);

  it('says no Slack member has your email when the lookup finds none', async () => {
    const user = userEvent.setup();
    setupContact(null);
    const dialog = await chooseSlack(user);
    expect(await within(dialog).findByTestId('slack-lookup')).toHaveTextContent('No Slack member with your email');
    expect(within(dialog).getByRole('textbox', { name: 'Slack user id' })).toHaveValue('');
  }, 30_000);

  it('says when no workspace is connected', async () => {
    const user = userEvent.setup();
    setupContact(null, false);
    const dialog = await chooseSlack(user);
    expect(await within(dialog).findByTestId('slack-lookup')).toHaveTextContent('No Slack workspace is connected');
  }, 30_000);
});
