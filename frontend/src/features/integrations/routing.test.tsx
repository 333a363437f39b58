import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient, type Handler } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import IntegrationPage from './IntegrationPage';
import { describeConditions, splitRouteErrors } from './routes';

const route = {
  id: 'r1',
  position: 0,
  name: 'Orders DB',
  conditions: [{ field: 'ALARM_NAME', dimension: null, op: 'GLOB', value: 'orders-db-*' }],
  component: { id: 'c2', name: 'Orders DB' },
  severity: 'CRITICAL',
  escalationPolicyId: 'p1',
};

const integration = (over: Record<string, unknown> = {}) => ({
  __typename: 'AwsIntegration',
  id: 'i1',
  accountId: 'acc1',
  name: 'Prod alarms',
  state: 'CONFIRMED',
  defaultSeverity: 'HIGH',
  tokenPrefix: 'sbi_0123',
  expectedTopicArn: '',
  topicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
  subscriptionArn: '',
  confirmedAt: null,
  unsubscribedAt: null,
  lastRejectionReason: '',
  lastRejectionAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  component: { id: 'c1', name: 'Checkout API' },
  escalationPolicy: null,
  stats: { opened: 2, resolved: 1, noChange: 0, outOfOrder: 0, ignored: 0, confirmations: 1, tests: 1, rejected: 0, lastMessageAt: null, lastOutcome: null },
  routes: [route],
  recentMessages: [
    {
      messageId: 'm1',
      type: 'Notification',
      outcome: 'opened',
      detail: '',
      receivedAt: '2026-01-01T00:00:00Z',
      alarmName: 'orders-db-cpu-high',
      incident: { id: 'inc1', title: 'orders-db-cpu-high', isTest: false },
      route: { id: 'r1', name: 'Orders DB' },
    },
  ],
  recentRejections: [],
  ...over,
});

function setup(myRole: Role, handlers: Record<string, Handler> = {}) {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    AwsIntegration: () => ({ awsIntegration: integration() }),
    PolicyOptions: () => ({ account: { id: 'acc1', escalationPolicies: [{ id: 'p1', name: 'DB on-call' }] } }),
    ComponentOptions: () => ({
      account: { id: 'acc1', components: [{ id: 'c1', name: 'Checkout API', group: '' }, { id: 'c2', name: 'Orders DB', group: '' }, { id: 'c3', name: 'Search', group: '' }] },
    }),
    ...handlers,
  });
  renderRoute(<IntegrationPage />, {
    client: mock.client,
    path: '/accounts/:accountId/integrations/:integrationId',
    url: '/accounts/acc1/integrations/i1',
  });
  return mock;
}

describe('routing rules', () => {
  it('lists the rules in words, the fallback, and which rule each recent message matched', async () => {
    setup('VIEWER');
    const table = await screen.findByRole('table', { name: 'Routing rules' });
    const row = within(table).getAllByRole('row')[1];
    expect(row).toHaveTextContent('Orders DB');
    expect(row).toHaveTextContent('alarm name matches orders-db-*');
    await waitFor(() => expect(row).toHaveTextContent('DB on-call'));
    expect(screen.getByTestId('routes-fallback')).toHaveTextContent('open on Checkout API');
    expect(screen.queryByRole('button', { name: 'Edit rules' })).not.toBeInTheDocument();
    const messages = screen.getByRole('table', { name: 'Recent messages' });
    expect(within(messages).getByText('orders-db-cpu-high', { selector: 'p' })).toBeInTheDocument();
    expect(within(messages).getByRole('link', { name: 'orders-db-cpu-high' })).toHaveAttribute('href', '/accounts/acc1/incidents/inc1');
    expect(within(messages).getAllByRole('row')[1]).toHaveTextContent('Orders DB');
    expect(screen.getByLabelText('Message counts')).toHaveTextContent('Tests1');
  });

  it('edits, tries and saves the rules; a condition error lands on its input', async () => {
    const user = userEvent.setup();
    let saves = 0;
    const mock = setup('ADMIN', {
      TryIntegrationRoutes: () => ({
        tryIntegrationRoutes: {
          trials: [
            {
              message: { messageId: 'm2', receivedAt: '2026-01-01T00:01:00Z', alarmName: 'search-latency' },
              facts: { alarmName: 'search-latency' },
              matchedIndex: 1,
              component: { id: 'c3', name: 'Search' },
            },
            {
              message: { messageId: 'm1', receivedAt: '2026-01-01T00:00:00Z', alarmName: 'disk-full' },
              facts: { alarmName: 'disk-full' },
              matchedIndex: null,
              component: { id: 'c1', name: 'Checkout API' },
            },
          ],
          errors: [],
        },
      }),
      SetIntegrationRoutes: () => {
        saves += 1;
        if (saves === 1) {
          return { setIntegrationRoutes: { integration: null, errors: [{ code: 'INVALID', field: 'routes.1.conditions.0.value', message: 'invalid regular expression' }] } };
        }
        return { setIntegrationRoutes: { integration: integration(), errors: [] } };
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit rules' }));
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    const rule2 = screen.getByRole('group', { name: 'Rule 2' });
    await user.type(within(rule2).getByRole('textbox', { name: /^Rule 2 name/ }), 'Search');
    await user.click(within(rule2).getByRole('textbox', { name: 'Rule 2 condition 1: operator' }));
    await user.click(await screen.findByRole('option', { name: 'matches regex' }));
    await user.type(within(rule2).getByRole('textbox', { name: 'Rule 2 condition 1: value' }), '^search-');
    await user.click(within(rule2).getByRole('button', { name: 'Add condition' }));
    await user.click(within(rule2).getByRole('textbox', { name: 'Rule 2 condition 2: field' }));
    await user.click(await screen.findByRole('option', { name: 'dimension' }));
    await user.type(within(rule2).getByRole('textbox', { name: 'Rule 2 condition 2: dimension name' }), 'Env');
    await user.type(within(rule2).getByRole('textbox', { name: 'Rule 2 condition 2: value' }), 'prod');
    await user.click(within(rule2).getByRole('textbox', { name: /^Rule 2 component/ }));
    await user.click(await screen.findByRole('option', { name: 'Search' }));

    const expected = {
      integrationId: 'i1',
      routes: [
        {
          id: 'r1',
          name: 'Orders DB',
          conditions: [{ field: 'ALARM_NAME', op: 'GLOB', value: 'orders-db-*' }],
          componentId: 'c2',
          severity: 'CRITICAL',
          escalationPolicyId: 'p1',
        },
        {
          name: 'Search',
          conditions: [
            { field: 'ALARM_NAME', op: 'REGEX', value: '^search-' },
            { field: 'DIMENSION', dimension: 'Env', op: 'EQUALS', value: 'prod' },
          ],
          componentId: 'c3',
          severity: null,
          escalationPolicyId: null,
        },
      ],
    };
    // A dimension condition starts as "matches"; make it "equals".
    await user.click(within(rule2).getByRole('textbox', { name: 'Rule 2 condition 2: operator' }));
    await user.click(await screen.findByRole('option', { name: 'equals' }));

    await user.click(screen.getByRole('button', { name: 'Try on recent messages' }));
    const trial = await screen.findByRole('table', { name: 'Trial on recent messages' });
    expect(mock.callsTo('TryIntegrationRoutes')[0].variables).toEqual({ input: expected, first: 20 });
    const rows = within(trial).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('search-latency');
    expect(rows[1]).toHaveTextContent('2. Search');
    expect(rows[2]).toHaveTextContent('disk-full');
    expect(rows[2]).toHaveTextContent('no rule: Checkout API');
    expect(mock.callsTo('SetIntegrationRoutes')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Save rules' }));
    const value = within(rule2).getByRole('textbox', { name: 'Rule 2 condition 1: value' });
    await waitFor(() => expect(value).toHaveAttribute('aria-invalid', 'true'));
    expect(within(rule2).getByText('invalid regular expression')).toBeInTheDocument();
    expect(within(rule2).getByRole('textbox', { name: 'Rule 2 condition 2: value' })).not.toHaveAttribute('aria-invalid', 'true');
    expect(mock.callsTo('SetIntegrationRoutes')[0].variables).toEqual({ input: expected });

    // Reorder: the new rule first.
    await user.click(screen.getByRole('button', { name: 'Move Rule 2 up' }));
    await user.click(screen.getByRole('button', { name: 'Save rules' }));
    await waitFor(() => expect(mock.callsTo('SetIntegrationRoutes')).toHaveLength(2));
    expect(mock.callsTo('SetIntegrationRoutes')[1].variables).toEqual({ input: { ...expected, routes: [expected.routes[1], expected.routes[0]] } });
    await waitFor(() => expect(screen.queryByTestId('routes-editor')).not.toBeInTheDocument());
  }, 60_000);

  it('describes conditions and splits field errors', () => {
    expect(describeConditions([])).toBe('every alarm');
    expect(
      describeConditions([
        { field: 'ALARM_NAME', op: 'GLOB', value: 'orders-db-*' },
        { field: 'DIMENSION', dimension: 'DBInstanceIdentifier', op: 'EQUALS', value: 'orders' },
      ]),
    ).toBe('alarm name matches orders-db-* and dimension DBInstanceIdentifier equals orders');
    expect(splitRouteErrors([{ field: 'input.routes.0.name', message: 'a' }, { field: 'routes', message: 'b' }])).toEqual({
      fields: { 'routes.0.name': 'a' },
      general: ['b'],
    });
  });
});

describe('test alarm and setup steps', () => {
  it('sends a test alarm to the ticked endpoints only and links the test incident', async () => {
    const user = userEvent.setup();
    const mock = setup('ADMIN', {
      AccountEndpointOptions: () => ({
        endpoints: [
          { id: 'e1', name: 'Ops hook', url: 'https://ops.example.test/…', active: true },
          { id: 'e2', name: 'Audit', url: 'https://audit.example.test/…', active: true },
        ],
      }),
      SendTestAlarm: () => ({
        sendTestAlarm: {
          incident: {
            id: 'inc9',
            title: '[TEST] Prod alarms',
            status: 'RESOLVED',
            isTest: true,
            openedAt: '2026-01-01T00:00:00Z',
            resolvedAt: '2026-01-01T00:00:01Z',
            component: { id: 'c1', name: 'Checkout API' },
          },
          errors: [],
        },
      }),
    });
    await user.click(await screen.findByRole('button', { name: 'Send a test alarm' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send a test alarm' });
    const boxes = await within(dialog).findAllByRole('checkbox');
    expect(boxes).toHaveLength(2);
    boxes.forEach((b) => expect(b).not.toBeChecked());
    await user.click(within(dialog).getByRole('checkbox', { name: /Audit/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Send test alarm' }));
    await waitFor(() => expect(mock.callsTo('SendTestAlarm')).toHaveLength(1));
    expect(mock.callsTo('SendTestAlarm')[0].variables).toEqual({ input: { integrationId: 'i1', endpointIds: ['e2'] } });
    const result = await screen.findByTestId('test-alarm-result');
    expect(result).toHaveTextContent('opened on Checkout API and resolved');
    expect(screen.getByRole('link', { name: '[TEST] Prod alarms' })).toHaveAttribute('href', '/accounts/acc1/incidents/inc9');
  }, 30_000);

  it('shows the AWS steps with a placeholder URL, and no test alarm to viewers', async () => {
    const user = userEvent.setup();
    setup('VIEWER');
    expect(screen.queryByRole('button', { name: 'Send a test alarm' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Show AWS setup steps' }));
    const dialog = await screen.findByRole('dialog', { name: 'AWS setup steps' });
    expect(dialog).toHaveTextContent('shown once, when the integration was created');
    expect(within(dialog).getByTestId('cmd-subscribe')).toHaveTextContent('--notification-endpoint <webhook URL>');
  });
});
