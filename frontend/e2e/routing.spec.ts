import { expect, loginAs, operator, test } from './fixtures';
import { OperationsPages } from './pages/operations';
import { postToSns, signedNotification, topicArn } from './sns';

// Issue 9.1: one integration, many components. A routing rule made in the console sends the
// orders-db alarm to "Orders DB"; another alarm of the same integration stays on its component.
test.describe.configure({ mode: 'serial' });

test('two alarms of one integration open on two components through a rule made in the console', async ({
  page,
  shell,
  consoleErrors,
}) => {
  const ops = new OperationsPages(page);
  await loginAs(page, operator);

  await shell.open('Components');
  await ops.createComponent('Storefront', 'Edge');
  await ops.createComponent('Orders DB', 'Databases');

  await shell.open('Integrations');
  await page.getByRole('link', { name: 'New AWS integration' }).first().click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Routed alarms');
  await ops.pick('Component', 'Storefront');
  await page.getByRole('button', { name: 'Create and show the URL' }).click();
  await expect(page.getByText('Copy this URL now. You will not see it again.')).toBeVisible();
  const url = (await page.getByTestId('webhook-url').textContent())?.trim() ?? '';
  expect(url).toMatch(/\/webhooks\/aws\//);
  await page.getByRole('button', { name: 'I have subscribed the topic' }).click();

  await shell.open('Integrations');
  await page.getByRole('link', { name: 'Routed alarms' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Routed alarms' })).toBeVisible();

  // The rule, made in the console.
  const card = page.getByTestId('routing-rules');
  await card.getByRole('button', { name: 'Edit rules' }).click();
  await card.getByRole('button', { name: 'Add rule' }).click();
  const rule = card.getByRole('group', { name: 'Rule 1', exact: true });
  await rule.getByRole('textbox', { name: 'Rule 1 name' }).fill('Orders database');
  await rule.getByRole('textbox', { name: 'Rule 1 condition 1: value' }).fill('orders-db-*');
  await ops.pick('Rule 1 component', 'Orders DB', rule);
  await card.getByRole('button', { name: 'Save rules' }).click();
  await expect(card.getByRole('table', { name: 'Routing rules' })).toContainText('alarm name matches orders-db-*');
  await expect(card.getByTestId('routes-fallback')).toContainText('Storefront');

  const topic = topicArn('routed-alarms');
  const at = new Date(Date.now() - 60_000);
  for (const alarmName of ['orders-db-cpu-high', 'storefront-5xx']) {
    const res = await postToSns(
      url,
      signedNotification({ topicArn: topic, alarmName, newState: 'ALARM', oldState: 'OK', reason: 'Threshold Crossed', changedAt: at }),
    );
    expect(res.status, await res.text()).toBe(200);
  }

  // The integration page names the rule each message matched and links its incident.
  const messages = page.getByRole('table', { name: 'Recent messages' });
  await expect(async () => {
    await page.reload();
    await expect(messages.locator('tbody tr')).toHaveCount(2, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const ordersRow = messages.locator('tbody tr').filter({ hasText: 'orders-db-cpu-high' });
  await expect(ordersRow).toContainText('Orders database');
  const storefrontRow = messages.locator('tbody tr').filter({ hasText: 'storefront-5xx' });
  await expect(storefrontRow).toContainText('none');
  await page.screenshot({ path: 'test-results/screens/routing-rules.png', fullPage: true });

  // Each links its incident, and each incident opened on its own component.
  await expect(ordersRow.getByRole('link', { name: 'orders-db-cpu-high' })).toHaveAttribute('href', /\/accounts\/[^/]+\/incidents\/[^/]+$/);
  await expect(storefrontRow.getByRole('link', { name: 'storefront-5xx' })).toHaveAttribute('href', /\/accounts\/[^/]+\/incidents\/[^/]+$/);
  await shell.open('Incidents');
  await expect(ops.incidentRow('orders-db-cpu-high')).toContainText('Orders DB');
  await expect(ops.incidentRow('storefront-5xx')).toContainText('Storefront');
  void consoleErrors;
});
