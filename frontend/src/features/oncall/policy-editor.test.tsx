import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient, type Handler } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import PolicyPage from './PolicyPage';

const ana = { id: 'u-ana', name: 'Ana Lima', email: 'ana@example.test' };

function setup(create: Handler, role = 'ADMIN') {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: role } }),
    PolicyTargetOptions: () => ({
      account: {
        id: 'acc1',
        schedules: [{ id: 's1', name: 'Platform primary' }],
        members: [{ id: 'm1', user: ana }],
      },
    }),
    CreateEscalationPolicy: create,
    EscalationPolicy: () => ({ account: { id: 'acc1', myRole: role, escalationPolicy: null } }),
  });
  const view = renderRoute(null, {
    client: mock.client,
    routes: [{ path: '/accounts/:accountId/escalation-policies/:policyId', element: <PolicyPage /> }],
    url: '/accounts/acc1/escalation-policies/new',
  });
  return { mock, ...view };
}

const level = (n: number) => screen.getByRole('group', { name: `Level ${n}` });

async function pick(user: ReturnType<typeof userEvent.setup>, group: HTMLElement, option: string) {
  await user.click(within(group).getByRole('textbox', { name: 'Page' }));
  await user.click(await screen.findByRole('option', { name: option }));
}

describe('escalation policy editor', () => {
  it('validates levels and timeouts, then sends the levels in order with their targets', async () => {
    const user = userEvent.setup();
    const { mock, router } = setup(({ input }) => ({
      createEscalationPolicy: {
        policy: {
          id: 'p1',
          accountId: 'acc1',
          name: (input as { name: string }).name,
          description: '',
          repeat: 2,
          updatedAt: '2026-12-07T00:00:00Z',
          levels: [],
          components: [],
        },
        errors: [],
      },
    }));
    const form = await screen.findByRole('form', { name: 'Escalation policy' });
    await user.click(within(form).getByRole('button', { name: 'Create policy' }));
    expect(await screen.findByText('Name is required')).toBeInTheDocument();
    expect(screen.getByText('Page at least one schedule or person')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Name' })).toHaveFocus());

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Platform');
    await pick(user, level(1), 'Platform primary');
    const timeout1 = within(level(1)).getByRole('textbox', { name: 'Then escalate after (minutes)' });
    await user.clear(timeout1);
    await user.type(timeout1, '20000');
    await user.click(within(form).getByRole('button', { name: 'Create policy' }));
    expect(await screen.findByText('From 1 to 10,080 minutes')).toBeInTheDocument();
    await waitFor(() => expect(timeout1).toHaveFocus());
    expect(mock.callsTo('CreateEscalationPolicy')).toHaveLength(0);
    await user.clear(timeout1);
    await user.type(timeout1, '10');

    await user.click(screen.getByRole('button', { name: 'Add level' }));
    await pick(user, level(2), 'Ana Lima');
    const timeout2 = within(level(2)).getByRole('textbox', { name: 'Then escalate after (minutes)' });
    await user.clear(timeout2);
    await user.type(timeout2, '30');
    // Swap them, then back: reordering keeps each level's targets.
    await user.click(screen.getByRole('button', { name: 'Move level 2 up' }));
    expect(within(level(1)).getAllByText('Ana Lima').length).toBeGreaterThan(0);
    await user.click(screen.getByRole('button', { name: 'Move level 1 down' }));

    const repeat = screen.getByRole('textbox', { name: /Repeat the whole policy/ });
    await user.clear(repeat);
    await user.type(repeat, '2');
    await user.click(within(form).getByRole('button', { name: 'Create policy' }));

    await waitFor(() => expect(mock.callsTo('CreateEscalationPolicy')).toHaveLength(1));
    expect(mock.callsTo('CreateEscalationPolicy')[0].variables).toEqual({
      input: {
        accountId: 'acc1',
        name: 'Platform',
        description: '',
        repeat: 2,
        levels: [
          { timeoutMinutes: 10, targets: [{ scheduleId: 's1' }] },
          { timeoutMinutes: 30, targets: [{ userId: 'u-ana' }] },
        ],
      },
    });
    await waitFor(() => expect(router.state.location.pathname).toBe('/accounts/acc1/escalation-policies/p1'));
  }, 120_000);

  it("puts the API's error on the level it names", async () => {
    const user = userEvent.setup();
    setup(() => ({
      createEscalationPolicy: {
        policy: null,
        errors: [{ code: 'INVALID', field: 'input.levels.0.targets', message: 'schedule "Old" was deleted' }],
      },
    }));
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Platform');
    await pick(user, level(1), 'Platform primary');
    await user.click(screen.getByRole('button', { name: 'Create policy' }));
    expect(await within(level(1)).findByText('schedule "Old" was deleted')).toBeInTheDocument();
  }, 60_000);

  it('is read-only for viewers', async () => {
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'VIEWER' } }),
      PolicyTargetOptions: () => ({ account: { id: 'acc1', schedules: [], members: [] } }),
      EscalationPolicy: () => ({
        account: {
          id: 'acc1',
          myRole: 'VIEWER',
          escalationPolicy: {
            id: 'p1',
            accountId: 'acc1',
            name: 'Platform',
            description: '',
            repeat: 0,
            updatedAt: '2026-12-07T00:00:00Z',
            levels: [{ id: 'lv1', position: 0, timeoutMinutes: 5, targets: [{ id: 't1', schedule: null, user: ana }] }],
            components: [{ id: 'c1', name: 'Checkout API' }],
          },
        },
      }),
    });
    renderRoute(null, {
      client: mock.client,
      routes: [{ path: '/accounts/:accountId/escalation-policies/:policyId', element: <PolicyPage /> }],
      url: '/accounts/acc1/escalation-policies/p1',
    });
    expect(await screen.findByRole('heading', { name: 'Platform' })).toBeInTheDocument();
    expect(screen.getByText('Checkout API')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save policy' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  }, 60_000);
});
