import { expect, test } from './fixtures';
import { AppShell } from './pages/app-shell';
import { OperationsPages } from './pages/operations';
import { resumeOperator, saveOperator } from './session';

test.describe.configure({ mode: 'serial' });

// The fresh account's checklist ("0 of 4 done") is checked by console.spec.ts right after setup,
// where the account is new; here the account already has what the earlier specs created.
test('the overview counts open incidents and lists components that are not operational', async ({ page, context, consoleErrors }) => {
  // It opens incidents through the form: slow on a loaded machine.
  test.setTimeout(120_000);
  const shell = new AppShell(page);
  const ops = new OperationsPages(page);
  await resumeOperator(page, context);
  const accountId = shell.accountId();

  // Signing in lands here.
  await expect(page).toHaveURL(new RegExp(`/accounts/${accountId}/overview$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const critical = page.getByTestId('overview-incidents').getByRole('link', { name: /open critical incidents$/ });
  const before = Number(await critical.textContent());
  // The checklist (until everything is set up) ticks what exists: the earlier specs made components.
  const checklist = page.getByTestId('overview-checklist');
  if (await checklist.isVisible()) {
    await expect(checklist.getByRole('listitem').filter({ hasText: 'Add a component' })).toHaveAttribute('data-done', 'true');
  }

  await shell.open('Components');
  await ops.createComponent('Ledger DB');
  await page.goto(`/accounts/${accountId}/incidents/new`);
  await ops.pick('Component', 'Ledger DB');
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Ledger DB replication stopped');
  await ops.pick('Severity', 'Critical');
  await page.getByRole('button', { name: 'Open incident' }).click();
  // Opened: the console moves on to the incident's page.
  await expect(page).toHaveURL(/\/incidents\/(?!new$)[^/]+$/);

  await shell.open('Overview');
  await expect(critical).toHaveText(String(before + 1));
  await expect(page.getByTestId('overview-components')).toContainText('Ledger DB');
  await expect(page.getByRole('heading', { name: 'On call now' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/overview.png', fullPage: true });

  // The severity count links to the incident list filtered by it.
  await critical.click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${accountId}/incidents\\?severity=critical$`));
  const row = ops.incidentRow('Ledger DB replication stopped');
  await expect(row).toBeVisible();

  // Leave nothing open for the later specs (resolved from its row).
  await row.getByRole('button', { name: 'Resolve Ledger DB replication stopped' }).click();
  await expect(page.getByText('1 resolved', { exact: true })).toBeVisible();
  await expect(row).toHaveCount(0);

  await saveOperator(context);
  void consoleErrors;
});
