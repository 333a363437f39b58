import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import { readSlackLinkToken } from './link-token';
import SlackLinkPage from './SlackLinkPage';
import SlackPage from './SlackPage';

const manifest = JSON.stringify({ display_information: { name: 'Switchboard' }, settings: { interactivity: { is_enabled: true } } });

const workspace = (connected: boolean) => ({
  connected,
  teamId: connected ? 'T0E2E' : null,
  teamName: connected ? 'Acme Ops' : null,
  botUserId: connected ? 'U0BOT' : null,
  connectedBy: connected ? 'ada@example.test' : null,
  connectedAt: connected ? '2026-12-07T10:00:00Z' : null,
  manifest,
  interactivityUrl: 'https://sb.example.test/integrations/slack/interactivity',
  commandsUrl: 'https://sb.example.test/integrations/slack/commands',
});

function setupPage(opts: { role?: Role; connected?: boolean; connectErrors?: unknown[] } = {}) {
  let connected = opts.connected ?? false;
  const mock = createMockClient({
    SlackWorkspace: () => ({ account: { id: 'acc1', myRole: opts.role ?? 'ADMIN', slackWorkspace: workspace(connected) } }),
    ConnectSlackWorkspace: () => {
      if (opts.connectErrors) return { connectSlackWorkspace: { slack: null, errors: opts.connectErrors } };
      connected = true;
      return { connectSlackWorkspace: { slack: { __typename: 'SlackConnection', ...workspace(true) }, errors: [] } };
    },
    DisconnectSlackWorkspace: () => {
      connected = false;
      return { disconnectSlackWorkspace: { slack: { __typename: 'SlackConnection', ...workspace(false) }, errors: [] } };
    },
  });
  renderRoute(<SlackPage />, { client: mock.client, path: '/accounts/:accountId/slack', url: '/accounts/acc1/slack' });
  return mock;
}

describe('Slack page', () => {
  it('shows the manifest with a copy button and the two URLs', async () => {
    setupPage({ role: 'VIEWER' });
    const shown = await screen.findByTestId('slack-manifest');
    expect(JSON.parse(shown.textContent ?? '')).toEqual(JSON.parse(manifest));
    expect(shown.textContent).toContain('\n  "display_information"');
    expect(screen.getByRole('button', { name: 'Copy manifest' })).toBeInTheDocument();
    expect(screen.getByTestId('slack-interactivity-url')).toHaveTextContent('https://sb.example.test/integrations/slack/interactivity');
    expect(screen.getByTestId('slack-commands-url')).toHaveTextContent('https://sb.example.test/integrations/slack/commands');
    // Viewers read; they get no form.
    expect(screen.getByText('Not connected')).toBeInTheDocument();
    expect(screen.queryByLabelText(/Bot User OAuth Token/)).not.toBeInTheDocument();
    expect(screen.getByText('Only administrators connect or disconnect the workspace.')).toBeInTheDocument();
  });

  it('connects with the token and secret as password inputs, then clears them', async () => {
    const user = userEvent.setup();
    const mock = setupPage();
    const token = await screen.findByLabelText(/Bot User OAuth Token/);
    const secret = screen.getByLabelText(/Signing secret/);
    expect(token).toHaveAttribute('type', 'password');
    expect(secret).toHaveAttribute('type', 'password');
    await user.type(token, ' xoxb-e2e-token ');
    await user.type(secret, '8f742231b10e8888abcd99yyyzzz85a5');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await waitFor(() => expect(mock.callsTo('ConnectSlackWorkspace')).toHaveLength(1));
    expect(mock.callsTo('ConnectSlackWorkspace')[0].variables).toEqual({
      input: { accountId: 'acc1', botToken: 'xoxb-e2e-token', signingSecret: '8f742231b10e8888abcd99yyyzzz85a5' },
    });
    expect(await screen.findByTestId('slack-team')).toHaveTextContent('Acme Ops (T0E2E)');
    expect(screen.getByText('Connected')).toBeInTheDocument();
    expect(screen.getByLabelText(/Bot User OAuth Token/)).toHaveValue('');
    expect(screen.getByLabelText(/Signing secret/)).toHaveValue('');
  });

  it('sends nothing with an empty field', async () => {
    const user = userEvent.setup();
    const mock = setupPage();
    await user.type(await screen.findByLabelText(/Bot User OAuth Token/), 'xoxb-1');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('Required')).toBeInTheDocument();
    expect(mock.callsTo('ConnectSlackWorkspace')).toHaveLength(0);
  });

  it("puts auth.test's refusal on the token field", async () => {
    const user = userEvent.setup();
    setupPage({
      connectErrors: [
        { code: 'INVALID', field: 'input.botToken', message: 'Slack refused the token: invalid_auth' },
        { code: 'INVALID', field: 'input.signingSecret', message: 'the signing secret is the hex string' },
      ],
    });
    await user.type(await screen.findByLabelText(/Bot User OAuth Token/), 'xoxb-bad');
    await user.type(screen.getByLabelText(/Signing secret/), 'nothex');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    const token = screen.getByLabelText(/Bot User OAuth Token/);
    await waitFor(() => expect(token).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText('Slack refused the token: invalid_auth')).toBeInTheDocument();
    expect(screen.getByText('the signing secret is the hex string')).toBeInTheDocument();
    await waitFor(() => expect(token).toHaveFocus());
    expect(screen.queryByTestId('slack-team')).not.toBeInTheDocument();
  });

  it('disconnects only after the confirmation', async () => {
    const user = userEvent.setup();
    const mock = setupPage({ connected: true });
    await user.click(await screen.findByRole('button', { name: 'Disconnect' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disconnect Slack?' });
    expect(dialog).toHaveTextContent('Acme Ops');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(mock.callsTo('DisconnectSlackWorkspace')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Disconnect' }));
    const again = await screen.findByRole('dialog', { name: 'Disconnect Slack?' });
    await user.click(within(again).getByRole('button', { name: 'Disconnect' }));
    await waitFor(() => expect(mock.callsTo('DisconnectSlackWorkspace')).toHaveLength(1));
    expect(mock.callsTo('DisconnectSlackWorkspace')[0].variables).toEqual({ input: { accountId: 'acc1' } });
    expect(await screen.findByText('Not connected')).toBeInTheDocument();
  });
});

const b64url = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const linkToken = b64url(JSON.stringify({ p: 'slack.link', s: 'acc1:T0E2E:U0E2E0001', n: 'abc', e: 1_900_000_000 })) + '.c2ln';

describe('Slack link page', () => {
  function setupLink(token: string, linkErrors: unknown[] = []) {
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'MEMBER' } }),
      LinkSlackUser: () => ({
        linkSlackUser: {
          link: linkErrors.length
            ? null
            : { id: 'l1', accountId: 'acc1', teamId: 'T0E2E', slackUserId: 'U0E2E0001', createdAt: '2026-12-07T10:00:00Z' },
          errors: linkErrors,
        },
      }),
    });
    renderRoute(<SlackLinkPage />, { client: mock.client, path: '/slack/link', url: `/slack/link?token=${encodeURIComponent(token)}` });
    return mock;
  }

  it('reads the token for display', () => {
    expect(readSlackLinkToken(linkToken)).toEqual({
      accountId: 'acc1',
      teamId: 'T0E2E',
      slackUserId: 'U0E2E0001',
      expiresAt: new Date(1_900_000_000_000),
    });
    expect(readSlackLinkToken('garbage')).toBeNull();
    expect(readSlackLinkToken(b64url(JSON.stringify({ p: 'contact.verify', s: 'a:b:c' })) + '.x')).toBeNull();
  });

  it('says who will act as you and links only on the click', async () => {
    const user = userEvent.setup();
    const mock = setupLink(linkToken);
    const summary = await screen.findByTestId('slack-link-summary');
    expect(summary).toHaveTextContent('Slack user U0E2E0001 in workspace T0E2E');
    expect(summary).toHaveTextContent('will act as you, Ada Admin');
    await waitFor(() => expect(summary).toHaveTextContent('(account Acme)'));
    expect(mock.callsTo('LinkSlackUser')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Link' }));
    await waitFor(() => expect(mock.callsTo('LinkSlackUser')).toHaveLength(1));
    expect(mock.callsTo('LinkSlackUser')[0].variables).toEqual({ input: { token: linkToken } });
    expect(await screen.findByText('Linked')).toBeInTheDocument();
  });

  it("shows the server's refusal (a used or expired link)", async () => {
    const user = userEvent.setup();
    setupLink(linkToken, [{ code: 'INVALID', field: 'input.token', message: 'the link is invalid, used or expired' }]);
    await user.click(await screen.findByRole('button', { name: 'Link' }));
    expect(await screen.findByText('the link is invalid, used or expired')).toBeInTheDocument();
    expect(screen.queryByText('Linked')).not.toBeInTheDocument();
  });

  it('still asks for the click when the token cannot be read', async () => {
    const mock = setupLink('not-a-token');
    expect(await screen.findByTestId('slack-link-summary')).toHaveTextContent('The Slack user this link was made for');
    expect(mock.callsTo('LinkSlackUser')).toHaveLength(0);
  });
});
