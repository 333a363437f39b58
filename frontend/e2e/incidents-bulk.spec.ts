import { expect, test } from './fixtures';
import { AppShell } from './pages/app-shell';
import { OperationsPages } from './pages/operations';
import { resumeOperator, saveOperator } from './session';

test.describe.configure({ mode: 'serial' });

const TAG = 'bulk-e2e';

test('select incidents and acknowledge them in bulk; a phone gets cards', async ({ page, context, consoleErrors }) => {
  // It opens incidents through the form: slow on a loaded machine.
  test.setTimeout(120_000);
  const shell = new AppShell(page);
  const ops = new OperationsPages(page);
  await resumeOperator(page, context);
  const accountId = shell.accountId();

  await shell.open('Components');
  await ops.createComponent('Bulk API');

  for (const n of ['one', 'two', 'three']) {
    await page.goto(`/accounts/${accountId}/incidents/new`);
    await ops.pick('Component', 'Bulk API');
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill(`${TAG} ${n}`);
    await ops.pick('Severity', 'Low');
    await page.getByRole('button', { name: 'Open incident' }).click();
    // Opened: the console moves on to the incident's page.
    await expect(page).toHaveURL(/\/incidents\/(?!new$)[^/]+$/);
  }

  await page.goto(`/accounts/${accountId}/incidents?q=${TAG}`);
  await expect(ops.incidentsTable().locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('incident-stats')).toContainText('Incidents3');

  await page.getByRole('checkbox', { name: `Select ${TAG} one` }).check();
  await page.getByRole('checkbox', { name: `Select ${TAG} three` }).check();
  const bar = page.getByRole('region', { name: 'Selected incidents' });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Acknowledge selected' }).click();
  await expect(page.getByText('2 acknowledged', { exact: true })).toBeVisible();
  await expect(ops.incidentRow(`${TAG} one`).getByTestId('incident-status')).toHaveText('Acknowledged');
  await expect(ops.incidentRow(`${TAG} three`).getByTestId('incident-status')).toHaveText('Acknowledged');
  await expect(ops.incidentRow(`${TAG} two`).getByTestId('incident-status')).toHaveText('Triggered');
  await expect(ops.incidentRow(`${TAG} one`)).toContainText('Acknowledged by');
  await page.screenshot({ path: 'test-results/screens/incidents-bulk.png', fullPage: true });

  // 390 px: cards instead of a clipped table, the filters behind a button.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId('incident-cards')).toBeVisible();
  await expect(ops.incidentsTable()).toHaveCount(0);
  await expect(page.getByTestId('incident-card')).toHaveCount(3);
  const filters = page.getByRole('button', { name: /^Filters/ });
  await expect(filters).toHaveAttribute('aria-expanded', 'false');
  await filters.click();
  await expect(page.getByRole('search', { name: 'Filter incidents' })).toBeVisible();
  const hasHorizontalScroll = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(hasHorizontalScroll, 'the page scrolls sideways at 390 px').toBe(false);
  await page.screenshot({ path: 'test-results/screens/incidents-390.png', fullPage: true });

  // Leave nothing open for the later specs: resolve all three at once.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('checkbox', { name: 'Select all' }).check();
  await page.getByRole('region', { name: 'Selected incidents' }).getByRole('button', { name: 'Resolve selected' }).click();
  await expect(page.getByText('3 resolved', { exact: true })).toBeVisible();
  await expect(page.getByText('No open incidents')).toBeVisible();

  await saveOperator(context);
  void consoleErrors;
});
