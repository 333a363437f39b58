import { expect, loginAs, operator, test } from './fixtures';
import { OperationsPages } from './pages/operations';
import { readMail } from './pages/mail';

// Issue 10's flow, end to end on the embedded server (no SMTP: mail is kept and shown under
// Outgoing mail): a schedule with the operator on call, a policy that pages it, attached to a
// component; an incident opened there pages the operator; the mailed Acknowledge link (a page
// with a button, because mail scanners fetch links) acknowledges it, and the incident page that
// is open in another tab shows it without reloading. Runs after console.spec.ts (the operator).
// Leaves no open incident behind.
test.describe.configure({ mode: 'serial' });

test('a schedule and a policy page the on-call person, who acknowledges from the mail', async ({
  page,
  context,
  shell,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  const ops = new OperationsPages(page);
  const stamp = Date.now();
  const scheduleName = `Primary ${stamp}`;
  const policyName = `Platform ${stamp}`;
  const componentName = `Paged service ${stamp}`;
  const title = `Orders DB CPU high ${stamp}`;
  await loginAs(page, operator);
  const accountId = shell.accountId();

  // A schedule in UTC with one daily layer: the operator, from the start of this hour.
  await shell.open('Schedules');
  await page.getByRole('button', { name: 'New schedule' }).click();
  const newSchedule = page.getByRole('dialog', { name: 'New schedule' });
  await newSchedule.getByRole('textbox', { name: 'Name', exact: true }).fill(scheduleName);
  await ops.pick('Time zone', 'UTC', newSchedule);
  await newSchedule.getByRole('button', { name: 'Create schedule' }).click();
  await expect(page.getByRole('heading', { level: 1, name: scheduleName })).toBeVisible();
  await page.getByRole('button', { name: 'Add layer' }).click();
  const layer = page.getByRole('dialog', { name: 'New layer' });
  await ops.pick('Rotation', 'Daily', layer);
  await ops.pick('Add a person', operator.name, layer);
  await layer.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(layer.getByRole('list', { name: 'Participants' })).toContainText(operator.name);
  await layer.getByRole('button', { name: 'Add layer' }).click();
  await expect(layer).toBeHidden();
  await expect(page.getByRole('list', { name: 'Final schedule' }).getByRole('listitem').first()).toContainText(operator.name);

  // The list says who is on call now.
  await shell.open('Schedules');
  await expect(page.getByRole('table', { name: 'Schedules' }).locator('tbody tr').filter({ hasText: scheduleName })).toContainText(
    operator.name,
  );

  // A one-level policy that pages the schedule.
  await shell.open('Escalation policies');
  await page.getByRole('link', { name: 'New policy' }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(policyName);
  const level1 = page.getByRole('group', { name: 'Level 1' });
  await ops.pick('Page', scheduleName, level1);
  await level1.getByRole('textbox', { name: 'Then escalate after (minutes)' }).fill('5');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await expect(page.getByRole('heading', { level: 1, name: policyName })).toBeVisible();

  // A component that uses it.
  await shell.open('Components');
  await page.getByRole('button', { name: 'New component' }).first().click();
  const newComponent = page.getByRole('dialog', { name: 'New component' });
  await newComponent.getByRole('textbox', { name: 'Name', exact: true }).fill(componentName);
  await ops.pick('Escalation policy', policyName, newComponent);
  await newComponent.getByRole('button', { name: 'Create component' }).click();
  await expect(newComponent).toBeHidden();
  await expect(page.getByTestId('component-row').filter({ hasText: componentName })).toBeVisible();
  await shell.open('Escalation policies');
  await expect(page.getByRole('table', { name: 'Escalation policies' }).locator('tbody tr').filter({ hasText: policyName })).toContainText(
    componentName,
  );

  // An incident on it pages level 1: the operator.
  await page.goto(`/accounts/${accountId}/incidents/new`);
  await ops.pick('Component', componentName);
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await page.getByRole('button', { name: 'Open incident' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const incidentUrl = page.url();
  const panel = page.getByTestId('escalation-panel');
  await expect(panel).toContainText(policyName);
  await expect(panel).toContainText('1 of 1', { timeout: 20_000 });
  await expect(panel).toContainText(operator.name);

  // The page mail is kept (no SMTP) and shown under Outgoing mail, with its action links.
  const body = await readMail(page, new RegExp(title));
  const ackLine = body.split('\n').find((l) => /acknowledge/i.test(l) && /\/links\//.test(l));
  const url = /(https?:\/\/\S+\/links\/[A-Za-z0-9._~-]+)/.exec(ackLine ?? body)?.[1];
  expect(url, 'an Acknowledge link in the page mail').toBeTruthy();

  // The incident stays open in a second tab, following changes live.
  const watcher = await context.newPage();
  await watcher.goto(incidentUrl);
  await expect(watcher.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(watcher.getByTestId('live-status')).toHaveText('Live', { timeout: 15_000 });
  await expect(watcher.getByTestId('incident-status').first()).toHaveText('Triggered');

  // The link's GET only shows a button (scanners fetch links); the POST acknowledges, once.
  const linkPage = await context.newPage();
  await linkPage.goto(url!);
  await expect(watcher.getByTestId('incident-status').first()).toHaveText('Triggered');
  await linkPage.getByRole('button', { name: /acknowledge/i }).click();
  await expect(linkPage.getByText(/acknowledged/i).first()).toBeVisible();

  // Live in the watching tab: acknowledged, escalation stopped.
  await expect(watcher.getByTestId('incident-status').first()).toHaveText('Acknowledged', { timeout: 20_000 });
  await expect(watcher.getByTestId('escalation-panel')).toContainText('Acknowledged');

  // A second use of the link acts no more.
  await linkPage.goto(url!);
  await expect(linkPage.getByRole('button', { name: /acknowledge/i })).toHaveCount(0);
  await linkPage.close();
  await watcher.close();

  // Leave no open incident behind.
  await page.goto(incidentUrl);
  await page.getByRole('button', { name: 'Resolve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Resolve incident' });
  await dialog.getByRole('button', { name: 'Resolve incident' }).click();
  await expect(page.getByTestId('incident-status').first()).toHaveText('Resolved');
  void consoleErrors;
});
