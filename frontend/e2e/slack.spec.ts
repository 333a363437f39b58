import { expect, test } from './fixtures';
import { OperationsPages } from './pages/operations';
import { resumeOperator, saveOperator } from './session';

// Issue 12 in the console, against the fake Slack Web API that scripts/e2e.sh starts
// (scripts/fakeslack; E2E_FAKESLACK_URL, E2E_SLACK_TOKEN): connect the workspace, give a
// component a channel, open an incident there, and see the posted message in the incident's
// Slack history (and in what the fake received). Leaves no open incident behind.
const fakeURL = process.env.E2E_FAKESLACK_URL;
const botToken = process.env.E2E_SLACK_TOKEN;
const channel = process.env.E2E_SLACK_CHANNEL ?? 'C0E2E0001';

test.describe.configure({ mode: 'serial' });

test('a connected workspace gets a message for an incident on a mapped component', async ({ page, context, shell, consoleErrors }) => {
  // scripts/e2e.sh always starts the fake Slack; without it this spec fails rather than skips.
  expect(fakeURL && botToken, 'the fake Slack is not running: start the suite with scripts/e2e.sh').toBeTruthy();
  test.setTimeout(120_000);
  const ops = new OperationsPages(page);
  const stamp = Date.now();
  const componentName = `Slack service ${stamp}`;
  const title = `Slack CPU high ${stamp}`;
  // The operator's shared session: sign-ins are rate limited per email (see e2e/session.ts).
  await resumeOperator(page, context);
  const accountId = shell.accountId();

  // Account → Slack: the manifest and URLs, then connect with the fake's bot token.
  await shell.open('Slack');
  await expect(page.getByTestId('slack-manifest')).toContainText('/integrations/slack/interactivity');
  await expect(page.getByTestId('slack-commands-url')).toContainText('/integrations/slack/commands');
  await page.getByLabel(/Bot User OAuth Token/).fill(botToken!);
  await page.getByLabel(/Signing secret/).fill('e2esigningsecret0123456789abcdef');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByTestId('slack-team')).toContainText('Acme Slack');
  await expect(page.getByLabel(/Bot User OAuth Token/)).toHaveValue('');

  // A component whose incidents go to the channel.
  await shell.open('Components');
  await page.getByRole('button', { name: 'New component' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New component' });
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(componentName);
  await dialog.getByRole('textbox', { name: 'Slack channel' }).fill(channel);
  await dialog.getByRole('button', { name: 'Create component' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('component-row').filter({ hasText: componentName })).toContainText(`Slack channel ${channel}`);

  // An incident there is posted; its page shows the message once it is in sync.
  await page.goto(`/accounts/${accountId}/incidents/new`);
  await ops.pick('Component', componentName);
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await page.getByRole('button', { name: 'Open incident' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const message = page.getByTestId('slack-message');
  await expect(message).toContainText(channel, { timeout: 30_000 });
  await expect(message.getByTestId('slack-message-ts')).toBeVisible({ timeout: 30_000 });
  await expect(message).toContainText('In sync', { timeout: 30_000 });
  const ts = (await message.getByTestId('slack-message-ts').textContent())?.trim();

  // The fake received that message, in that channel, naming the incident.
  const posted = (await (await fetch(`${fakeURL}/_fake/messages`)).json()) as { Channel: string; TS: string; Text: string }[];
  const ours = posted.find((m) => m.TS === ts);
  expect(ours, 'the message the console shows was posted to the fake').toBeTruthy();
  expect(ours!.Channel).toBe(channel);
  expect(JSON.stringify(ours)).toContain(title);

  // Leave no open incident behind.
  await page.getByRole('button', { name: 'Resolve' }).first().click();
  const confirm = page.getByRole('dialog');
  if (await confirm.isVisible().catch(() => false)) {
    await confirm.getByRole('button', { name: /Resolve/ }).last().click();
  }
  await expect(page.getByTestId('incident-status').first()).toHaveText('Resolved', { timeout: 15_000 });
  await saveOperator(context);
  expect(consoleErrors).toEqual([]);
});
