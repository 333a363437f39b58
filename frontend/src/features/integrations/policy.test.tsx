import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import IntegrationPage from './IntegrationPage';

const integration = {
  id: 'i1',
  accountId: 'acc1',
  name: 'Prod alarms',
  state: 'CONFIRMED',
  defaultSeverity: 'HIGH',
  tokenPrefix: 'sbi_0123',
  expectedTopicArn: '',
  topicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
  subscriptionArn: '',
  confirmedAt: '2026-01-01T00:00:00Z',
  unsubscribedAt: null,
  lastRejectionReason: '',
  lastRejectionAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  component: { id: 'c1', name: 'Checkout' },
  escalationPolicy: { id: 'p1', name: 'Platform' },
  stats: { opened: 0, resolved: 0, noChange: 0, outOfOrder: 0, ignored: 0, confirmations: 0, tests: 0, rejected: 0, lastMessageAt: null, lastOutcome: null },
  routes: [],
  recentMessages: [],
  recentRejections: [],
};

function setup(myRole: Role) {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    ComponentOptions: () => ({ account: { id: 'acc1', components: [] } }),
    AwsIntegration: () => ({ awsIntegration: integration }),
    PolicyOptions: () => ({
      account: { id: 'acc1', escalationPolicies: [{ id: 'p1', name: 'Platform' }, { id: 'p2', name: 'Databases' }] },
    }),
    SetEscalationPolicy: () => ({
      setEscalationPolicy: { component: null, integration: { id: 'i1', escalationPolicy: { id: 'p2', name: 'Databases' } }, errors: [] },
    }),
  });
  renderRoute(<IntegrationPage />, {
    client: mock.client,
    path: '/accounts/:accountId/integrations/:integrationId',
    url: '/accounts/acc1/integrations/i1',
  });
  return mock;
}

describe('integration escalation policy', () => {
  it('shows the policy to viewers', async () => {
    setup('VIEWER');
    const card = await screen.findByRole('region', { name: 'Escalation policy' });
    expect(within(card).getByRole('link', { name: 'Platform' })).toHaveAttribute('href', '/accounts/acc1/escalation-policies/p1');
    expect(card).toHaveTextContent('None here: the policy of Checkout applies.');
    expect(within(card).queryByRole('textbox')).not.toBeInTheDocument();
  }, 60_000);

  it('lets admins override the component’s policy', async () => {
    const user = userEvent.setup();
    const mock = setup('ADMIN');
    const card = await screen.findByRole('region', { name: 'Escalation policy' });
    await user.click(within(card).getByRole('textbox', { name: 'Escalation policy' }));
    await user.click(await screen.findByRole('option', { name: 'Databases' }));
    await waitFor(() => expect(mock.callsTo('SetEscalationPolicy')).toHaveLength(1));
    expect(mock.callsTo('SetEscalationPolicy')[0].variables).toEqual({ input: { targetId: 'i1', policyId: 'p2' } });
  }, 60_000);
});
