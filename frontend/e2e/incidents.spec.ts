import { expect, loginAs, operator, test } from './fixtures';
import { OperationsPages } from './pages/operations';
import { postToSns, signedNotification, topicArn } from './sns';

// Runs after console.spec.ts (the first-run setup adds the operator).
test.describe.configure({ mode: 'serial' });

test('a signed CloudWatch alarm from SNS opens an incident live, and OK resolves it', async ({
  page,
  shell,
  consoleErrors,
}) => {
  const ops = new OperationsPages(page);
  await loginAs(page, operator);

  await shell.open('Components');
  await ops.createComponent('Checkout API', 'Edge');

  // The wizard: details, then the one-time reveal of the URL with the AWS steps.
  await shell.open('Integrations');
  await page.getByRole('link', { name: 'New AWS integration' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'New AWS integration' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Production alarms');
  await ops.pick('Component', 'Checkout API');
  await ops.pick('Default severity', 'Critical');
  await page.getByRole('button', { name: 'Create and show the URL' }).click();

  await expect(page.getByText('Copy this URL now. You will not see it again.')).toBeVisible();
  const url = (await page.getByTestId('webhook-url').textContent())?.trim() ?? '';
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/aws\/[A-Za-z0-9_-]{32,}$/);
  const topic = topicArn('checkout-alarms');
  await page.getByRole('textbox', { name: 'Your SNS topic ARN' }).fill(topic);
  await expect(page.getByTestId('cmd-signature-version')).toHaveText(
    `aws sns set-topic-attributes --topic-arn ${topic} --attribute-name SignatureVersion --attribute-value 2 --region us-east-1`,
  );
  await expect(page.getByTestId('cmd-subscribe')).toContainText(`--protocol http --notification-endpoint ${url}`);
  await page.screenshot({ path: 'test-results/screens/wizard-reveal.png', fullPage: true });

  // Step 3 waits for SNS's confirmation; the URL is gone from the page.
  await page.getByRole('button', { name: 'I have subscribed the topic' }).click();
  await expect(page.getByTestId('confirmation-step')).toContainText('Pending confirmation');
  expect(await page.content()).not.toContain(url);

  // The open incidents page, live.
  await shell.open('Incidents');
  await ops.waitForLive();
  await ops.markDocument();
  await expect(page.getByText('No open incidents')).toBeVisible();

  const alarmName = 'checkout-p99-latency';
  const raisedAt = new Date(Date.now() - 60_000);
  const alarm = await postToSns(
    url,
    signedNotification({
      topicArn: topic,
      alarmName,
      newState: 'ALARM',
      oldState: 'OK',
      reason: 'Threshold Crossed: 1 datapoint [2450.0] was greater than the threshold (2000.0).',
      changedAt: raisedAt,
    }),
  );
  expect(alarm.status, await alarm.text()).toBe(200);

  const row = ops.incidentRow(alarmName);
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row).toHaveAttribute('data-live', 'true');
  await expect(row.getByTestId('incident-status')).toHaveText('Triggered');
  await expect(row.getByTestId('severity-badge')).toHaveText('Critical');
  await expect(row.getByTestId('incident-source')).toHaveText('CloudWatch');
  await ops.expectNotReloaded();
  await page.screenshot({ path: 'test-results/screens/incidents-live.png', fullPage: true });

  const ok = await postToSns(
    url,
    signedNotification({
      topicArn: topic,
      alarmName,
      newState: 'OK',
      oldState: 'ALARM',
      reason: 'Threshold Crossed: 1 datapoint [812.0] was not greater than the threshold (2000.0).',
      changedAt: new Date(raisedAt.getTime() + 30_000),
    }),
  );
  expect(ok.status, await ok.text()).toBe(200);
  await expect(row.getByTestId('incident-status')).toHaveText('Resolved', { timeout: 15_000 });
  await ops.expectNotReloaded();

  // The detail page: the alarm and the timeline.
  await row.getByRole('link', { name: alarmName }).click();
  await expect(page.getByRole('heading', { level: 1, name: alarmName })).toBeVisible();
  const details = page.getByTestId('alarm-details');
  await expect(details).toContainText('arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-p99-latency');
  await expect(details).toContainText('US East (N. Virginia)');
  await expect(details).toContainText('AWS/ApiGateway / Latency');
  const timeline = page.getByTestId('incident-timeline');
  await expect(timeline.locator('[data-kind="opened"]')).toBeVisible();
  await expect(timeline.locator('[data-kind="resolved"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/incident-detail.png', fullPage: true });

  // The integration counts what happened.
  await shell.open('Integrations');
  await page.getByRole('link', { name: 'Production alarms' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Production alarms' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Recent messages' })).toContainText('opened');
  await expect(page.getByRole('table', { name: 'Recent messages' })).toContainText('resolved');
  void consoleErrors;
});

test('members act on incidents by hand: open, acknowledge, note, resolve, live on the detail page', async ({
  page,
  context,
  shell,
  consoleErrors,
}) => {
  await loginAs(page, operator);
  await shell.open('Incidents');
  await page.getByRole('link', { name: 'New incident' }).click();
  const ops = new OperationsPages(page);
  await ops.pick('Component', 'Checkout API');
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Payments timing out');
  await ops.pick('Severity', 'Medium');
  await page.getByRole('textbox', { name: 'Description', exact: true }).fill('Customers report failed payments.');
  await page.getByRole('button', { name: 'Open incident' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Payments timing out' })).toBeVisible();
  await expect(page.getByTestId('incident-status').first()).toHaveText('Triggered');
  await ops.waitForLive();
  await ops.markDocument();

  // Another tab acknowledges: this page follows without reloading.
  const other = await context.newPage();
  await other.goto(page.url());
  await other.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(other.getByTestId('incident-status').first()).toHaveText('Acknowledged');
  await other.close();
  await expect(page.getByTestId('incident-status').first()).toHaveText('Acknowledged', { timeout: 15_000 });
  await ops.expectNotReloaded();

  await page.getByRole('textbox', { name: 'Add a note' }).fill('Rolled back the payment gateway config.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByTestId('incident-timeline').locator('[data-kind="note"]')).toContainText('Rolled back');

  await page.getByRole('button', { name: 'Resolve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Resolve incident' });
  await dialog.getByRole('textbox', { name: 'Resolution note' }).fill('Gateway healthy again.');
  await dialog.getByRole('button', { name: 'Resolve incident' }).click();
  await expect(page.getByTestId('incident-status').first()).toHaveText('Resolved');
  await expect(page.getByTestId('incident-timeline').locator('[data-kind="resolved"]')).toContainText('Gateway healthy again.');
  await expect(page.getByRole('button', { name: 'Resolve' })).toHaveCount(0);
  void consoleErrors;
});
