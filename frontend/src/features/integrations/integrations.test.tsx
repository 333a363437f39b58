import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import IntegrationPage from './IntegrationPage';
import NewIntegrationPage, { POLL_MS } from './NewIntegrationPage';
import { awsCommands, rejectionFix, webhookUrlWarnings } from './aws';

const URL = 'https://sb.example.test/webhooks/aws/sbi_0123456789abcdefghijklmnopqrstuvwxyzABCD';

const integration = (over: Record<string, unknown> = {}) => ({
  id: 'i1',
  accountId: 'acc1',
  name: 'Prod alarms',
  state: 'PENDING_CONFIRMATION',
  defaultSeverity: 'HIGH',
  tokenPrefix: 'sbi_0123',
  expectedTopicArn: '',
  topicArn: '',
  subscriptionArn: '',
  confirmedAt: null,
  unsubscribedAt: null,
  lastRejectionReason: '',
  lastRejectionAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  component: { id: 'c1', name: 'Checkout' },
  stats: {
    opened: 0,
    resolved: 0,
    noChange: 0,
    outOfOrder: 0,
    ignored: 0,
    confirmations: 0,
    tests: 0,
    rejected: 0,
    lastMessageAt: null,
    lastOutcome: null,
  },
  routes: [],
  recentMessages: [],
  recentRejections: [],
  ...over,
});

function setupWizard(myRole: Role = 'ADMIN') {
  let state = 'PENDING_CONFIRMATION';
  let rejections: unknown[] = [];
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    ComponentOptions: () => ({ account: { id: 'acc1', components: [{ id: 'c1', name: 'Checkout', group: 'Edge' }] } }),
    CreateAwsIntegration: () => ({
      createAwsIntegration: {
        integration: { ...integration(), __typename: 'AwsIntegration' },
        webhookUrl: URL,
        errors: [],
      },
    }),
    AwsIntegration: () => ({
      awsIntegration: integration({
        state,
        topicArn: state === 'CONFIRMED' ? 'arn:aws:sns:us-east-1:123456789012:alarms' : '',
        recentRejections: rejections,
      }),
    }),
  });
  renderRoute(null, {
    client: mock.client,
    url: '/accounts/acc1/integrations/new',
    routes: [
      { path: '/accounts/:accountId/integrations/new', element: <NewIntegrationPage /> },
      { path: '/accounts/:accountId/integrations/:integrationId', element: <p>integration page</p> },
    ],
  });
  return {
    mock,
    confirm: () => (state = 'CONFIRMED'),
    reject: (r: unknown) => (rejections = [r]),
  };
}

describe('AWS integration wizard', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reveals the URL once with the SignatureVersion step, then waits for the confirmation', async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const { mock, confirm, reject } = setupWizard();

    await user.type(await screen.findByRole('textbox', { name: /^Name/ }), 'Prod alarms');
    await user.click(screen.getByRole('textbox', { name: /^Component/ }));
    await user.click(await screen.findByRole('option', { name: 'Checkout' }));
    await user.click(screen.getByRole('button', { name: 'Create and show the URL' }));

    // Step 2: the URL, once, and the AWS steps with SignatureVersion 2 before subscribing.
    expect(await screen.findByText('Copy this URL now. You will not see it again.')).toBeInTheDocument();
    expect(screen.getByTestId('webhook-url')).toHaveTextContent(URL);
    expect(mock.callsTo('CreateAwsIntegration')[0].variables).toEqual({
      input: { accountId: 'acc1', name: 'Prod alarms', componentId: 'c1', expectedTopicArn: null, defaultSeverity: 'HIGH' },
    });
    const topic = 'arn:aws:sns:eu-west-1:123456789012:alarms';
    await user.type(screen.getByRole('textbox', { name: 'Your SNS topic ARN' }), topic);
    expect(screen.getByTestId('cmd-signature-version')).toHaveTextContent(
      `aws sns set-topic-attributes --topic-arn ${topic} --attribute-name SignatureVersion --attribute-value 2 --region eu-west-1`,
    );
    expect(screen.getByTestId('cmd-subscribe')).toHaveTextContent(`--protocol https --notification-endpoint ${URL}`);
    expect(screen.getByText(/--alarm-actions .* --ok-actions/)).toBeInTheDocument();

    // Step 3: the URL is gone; the state is polled until SNS confirmed.
    await user.click(screen.getByRole('button', { name: 'I have subscribed the topic' }));
    const step = await screen.findByTestId('confirmation-step');
    expect(await within(step).findByText('Pending confirmation')).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(URL);

    // A SignatureVersion 1 refusal is explained while waiting.
    reject({
      id: 'r1',
      reasonCode: 'unsupported_signature_version',
      reason: 'SignatureVersion 1 (SHA1) is refused',
      messageType: 'SubscriptionConfirmation',
      topicArn: topic,
      receivedAt: '2026-01-01T00:00:00Z',
    });
    const before = mock.callsTo('AwsIntegration').length;
    await act(() => vi.advanceTimersByTimeAsync(POLL_MS));
    await waitFor(() => expect(mock.callsTo('AwsIntegration').length).toBeGreaterThan(before));
    expect(await within(step).findByText(/Set the topic attribute SignatureVersion to 2/)).toBeInTheDocument();

    confirm();
    await act(() => vi.advanceTimersByTimeAsync(POLL_MS));
    expect(await within(step).findByText('Confirmed')).toBeInTheDocument();
    expect(within(step).getByText(/Confirmed: alarms can come in/)).toBeInTheDocument();
    // Confirmed: polling stops.
    const calls = mock.callsTo('AwsIntegration').length;
    await act(() => vi.advanceTimersByTimeAsync(POLL_MS * 3));
    expect(mock.callsTo('AwsIntegration').length).toBe(calls);
  }, 60_000);

  it('is closed to members', async () => {
    setupWizard('MEMBER');
    expect(await screen.findByText('Admin access required')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create and show the URL' })).not.toBeInTheDocument();
  });
});

describe('integration page', () => {
  it('shows rejections with their reasons and stats, and hides admin actions from viewers', async () => {
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'VIEWER' } }),
      AwsIntegration: () => ({
        awsIntegration: integration({
          stats: { ...integration().stats, opened: 3, resolved: 2, rejected: 1 },
          recentRejections: [
            {
              id: 'r1',
              reasonCode: 'unsupported_signature_version',
              reason: 'SignatureVersion 1 (SHA1) is refused',
              messageType: 'SubscriptionConfirmation',
              topicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
              receivedAt: '2026-01-01T00:00:00Z',
            },
          ],
        }),
      }),
    });
    renderRoute(<IntegrationPage />, {
      client: mock.client,
      path: '/accounts/:accountId/integrations/:integrationId',
      url: '/accounts/acc1/integrations/i1',
    });
    const rejections = await screen.findByRole('table', { name: 'Recent rejections' });
    expect(within(rejections).getByText('SignatureVersion 1 (SHA1) is refused')).toBeInTheDocument();
    expect(within(rejections).getByText(/Fix: The topic signs with SignatureVersion 1/)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'aws sns set-topic-attributes --topic-arn arn:aws:sns:us-east-1:123456789012:alarms --attribute-name SignatureVersion --attribute-value 2',
    );
    expect(screen.queryByRole('button', { name: 'Rotate URL' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  });

  it('rotates the URL after a warning and reveals the new one once', async () => {
    const user = userEvent.setup();
    const NEW_URL = `${URL}-rotated`;
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'OWNER' } }),
      ComponentOptions: () => ({ account: { id: 'acc1', components: [] } }),
      AwsIntegration: () => ({ awsIntegration: integration({ state: 'CONFIRMED', topicArn: 'arn:aws:sns:us-east-1:123456789012:alarms' }) }),
      RotateAwsIntegrationUrl: () => ({
        rotateAwsIntegrationUrl: { integration: integration(), webhookUrl: NEW_URL, errors: [] },
      }),
    });
    renderRoute(<IntegrationPage />, {
      client: mock.client,
      path: '/accounts/:accountId/integrations/:integrationId',
      url: '/accounts/acc1/integrations/i1',
    });
    await user.click(await screen.findByRole('button', { name: 'Rotate URL' }));
    const confirmDialog = await screen.findByRole('dialog', { name: 'Rotate the webhook URL?' });
    expect(confirmDialog).toHaveTextContent('stops working at once');
    await user.click(within(confirmDialog).getByRole('button', { name: 'Rotate URL' }));
    const reveal = await screen.findByRole('dialog', { name: 'New webhook URL' });
    expect(within(reveal).getByTestId('webhook-url')).toHaveTextContent(NEW_URL);
    expect(within(reveal).getByTestId('cmd-subscribe')).toHaveTextContent(
      'aws sns subscribe --topic-arn arn:aws:sns:us-east-1:123456789012:alarms --protocol https',
    );
    await user.click(within(reveal).getByRole('button', { name: 'I have copied the URL' }));
    await waitFor(() => expect(document.body).not.toHaveTextContent(NEW_URL));
  }, 60_000);
});

describe('aws helpers', () => {
  it('fills the commands for a topic and explains fixable rejections', () => {
    const cmd = awsCommands('arn:aws:sns:us-east-1:123456789012:t', 'https://x/y');
    expect(cmd.alarm).toContain('--alarm-actions arn:aws:sns:us-east-1:123456789012:t --ok-actions arn:aws:sns:us-east-1:123456789012:t');
    expect(awsCommands('', 'https://x/y').signatureVersion).toContain('arn:aws:sns:REGION:ACCOUNT_ID:TOPIC_NAME');
    expect(rejectionFix('raw_delivery')).toMatch(/raw message delivery/i);
    expect(rejectionFix('bad_signature')).toBeNull();
  });

  it('subscribes with the protocol of the URL and warns about http and private hosts', () => {
    expect(awsCommands('', 'https://sb.example.com/webhooks/aws/t').subscribe).toContain('--protocol https --notification-endpoint https://');
    expect(awsCommands('', 'http://sb.example.com/webhooks/aws/t').subscribe).toContain('--protocol http --notification-endpoint http://');
    expect(webhookUrlWarnings('https://sb.example.com/webhooks/aws/t')).toEqual([]);
    const local = webhookUrlWarnings('http://localhost:8080/webhooks/aws/t');
    expect(local).toHaveLength(2);
    expect(local[0]).toMatch(/cleartext/);
    expect(local[1]).toMatch(/localhost is a local or private address/);
    expect(webhookUrlWarnings('https://10.1.2.3/webhooks/aws/t')).toHaveLength(1);
    expect(webhookUrlWarnings('https://172.20.0.1/x')).toHaveLength(1);
    expect(webhookUrlWarnings('https://172.40.0.1/x')).toEqual([]);
  });
});
