import { expect, loginAs, operator, test } from './fixtures';
import { OperationsPages } from './pages/operations';

// Runs after console.spec.ts (the first-run setup adds the operator). Leaves no open incident
// behind: incidents.spec.ts expects none.
test.describe.configure({ mode: 'serial' });

test('the incident link of an event (SCALR_INCIDENT_URL) opens the incident, and old links still lead there', async ({
  page,
  shell,
  consoleErrors,
}) => {
  const ops = new OperationsPages(page);
  await loginAs(page, operator);
  const accountId = shell.accountId();

  await shell.open('Components');
  await ops.createComponent('Link checker');
  const title = `Links lead to the incident ${Date.now()}`;
  await page.goto(`/accounts/${accountId}/incidents/new`);
  await ops.pick('Component', 'Link checker');
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await page.getByRole('button', { name: 'Open incident' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const incidentId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
  expect(incidentId).toMatch(/^[0-9a-f-]{36}$/);

  // The IncidentOpened event carries the variables every webhook payload's data is built from.
  await shell.open('Events');
  await page.getByRole('table', { name: 'Events' }).getByRole('link', { name: 'IncidentOpened' }).first().click();
  const vars = page.getByRole('table', { name: 'Variables' });
  const value = (name: string) => vars.locator('tbody tr').filter({ hasText: name }).locator('td').nth(1);
  await expect(value('SCALR_INCIDENT_TITLE')).toHaveText(title);
  const link = ((await value('SCALR_INCIDENT_URL').textContent()) ?? '').trim();
  const base = new URL(page.url()).origin;
  expect(link).toBe(`${base}/accounts/${accountId}/incidents/${incidentId}`);

  // The link, opened as a person would: the incident's page, not "Page not found".
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByText('Page not found')).toHaveCount(0);

  // Links sent before they named the account (…/incidents/<id>) move to the same page.
  await page.goto(`${base}/incidents/${incidentId}`);
  await expect(page).toHaveURL(`${base}/accounts/${accountId}/incidents/${incidentId}`);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  // An old link to an incident that does not exist says so.
  await page.goto(`${base}/incidents/00000000-0000-4000-8000-000000000000`);
  await expect(page.getByText('Incident not found')).toBeVisible();
  await expect(page.getByText('Page not found')).toHaveCount(0);

  // Leave no open incident behind.
  await page.goto(link);
  await page.getByRole('button', { name: 'Resolve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Resolve incident' });
  await dialog.getByRole('button', { name: 'Resolve incident' }).click();
  await expect(page.getByTestId('incident-status').first()).toHaveText('Resolved');
  void consoleErrors;
});
