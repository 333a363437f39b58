import { admin, expect, loginAsAdmin, operator, test } from './fixtures';
import { ActivityPage } from './pages/activity-page';
import { EnvironmentsPage } from './pages/environments-page';
import { ProfilePage } from './pages/profile-page';

// One fresh server, one story: the steps depend on each other (setup happens once).
test.describe.configure({ mode: 'serial' });

test('first-run setup creates the administrator and opens the console', async ({
  page,
  setupPage,
  shell,
  environments,
  consoleErrors,
}) => {
  await page.goto('/');
  await setupPage.expectShown();
  await setupPage.createAdministrator(admin);
  await shell.waitForReady();
  // A new account lands on its overview, with nothing set up yet.
  await expect(page).toHaveURL(/\/accounts\/[^/]+\/overview$/);
  await expect(page.getByTestId('account-switcher')).toContainText(admin.accountName);
  await expect(page.getByTestId('overview-checklist')).toContainText('0 of 4 done');
  // Setup creates a production environment.
  await shell.open('Environments');
  await expect(environments.row('production')).toBeVisible();

  // The administrator adds a second administrator (a new user), whom the later specs use.
  await shell.open('Members');
  await page.getByRole('button', { name: 'Add member' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add member' });
  await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(operator.email);
  await dialog.getByRole('textbox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'Admin', exact: true }).click();
  await dialog.getByRole('switch', { name: 'This person has no Switchboard user yet' }).check();
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(operator.name);
  await dialog.getByRole('textbox', { name: 'Initial password' }).fill(operator.password);
  await dialog.getByRole('button', { name: 'Add member' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('table').getByRole('row').filter({ hasText: operator.email })).toBeVisible();
  void consoleErrors;
});

test('sign out, setup is no longer offered, sign in again', async ({
  page,
  loginPage,
  shell,
  consoleErrors,
}) => {
  await loginAsAdmin(page);
  await shell.signOut();
  await loginPage.expectShown();

  await page.goto('/setup');
  await loginPage.expectShown();

  // A wrong password is refused with a message, not a crash.
  await loginPage.signIn(admin.email, 'not the password at all');
  await expect(page.getByRole('alert')).toContainText('Invalid email or password');

  await loginPage.signIn(admin.email, admin.password);
  await shell.waitForReady();
  await expect(page.getByTestId('user-menu')).toContainText(admin.name);

  // A reload keeps the session: the access token comes back through the refresh cookie.
  await page.reload();
  await shell.waitForReady();
  await expect(page.getByTestId('user-menu')).toContainText(admin.name);
  void consoleErrors;
});

test('create an environment', async ({ page, shell, environments, consoleErrors }) => {
  await loginAsAdmin(page);
  await shell.open('Environments');
  await environments.create('staging', 'Pre-production checks');
  await expect(environments.row('staging')).toContainText('Pre-production checks');
  void consoleErrors;
});

test('an API token secret is revealed once and never again', async ({
  page,
  shell,
  apiTokens,
  consoleErrors,
}) => {
  await loginAsAdmin(page);
  await shell.open('API tokens');
  await apiTokens.startCreate();
  const secret = await apiTokens.create('ci-deploy', 'Member');
  expect(secret).toMatch(/^sbt_[A-Za-z0-9_-]{43}$/);

  await apiTokens.acknowledge();
  await expect(apiTokens.row('ci-deploy')).toBeVisible();
  await expect(apiTokens.row('ci-deploy')).toContainText('Active');
  expect(await page.content()).not.toContain(secret);

  // Away and back: the form is empty again and the secret is nowhere on the page.
  await shell.open('Environments');
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(/\/api-tokens\/new$/);
  await expect(page.getByRole('heading', { level: 1, name: 'New API token' })).toBeVisible();
  await expect(page.getByTestId('token-secret')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  // The token works against the API: the server accepts it as a bearer token.
  const res = await page.request.post('/graphql', {
    headers: { Authorization: `Bearer ${secret}` },
    data: { query: '{ me { authMethod } }' },
  });
  expect(res.ok()).toBe(true);
  expect(await res.json()).toMatchObject({ data: { me: { authMethod: 'API_TOKEN' } } });
  void consoleErrors;
});

test('activity shows a change made in another tab live', async ({
  page,
  context,
  shell,
  activity,
  consoleErrors,
}) => {
  await loginAsAdmin(page);
  const accountId = shell.accountId();
  await activity.goto(accountId);
  await activity.waitForLive();
  // Past entries from the earlier steps are listed.
  await expect(activity.table()).toContainText('staging');
  // Marks this document: if the page reloaded, the mark would be gone.
  await page.evaluate(() => ((window as unknown as { __e2eMark: number }).__e2eMark = 1));

  // Another tab of the same browser session makes a change.
  const other = await context.newPage();
  await other.goto(`/accounts/${accountId}/environments`);
  await new EnvironmentsPage(other).create('live-check');
  await other.close();

  await expect(activity.liveRow('live-check')).toBeVisible({ timeout: 15_000 });
  const firstRow = new ActivityPage(page).table().locator('tbody tr').first();
  await expect(firstRow).toContainText('live-check');
  expect(await page.evaluate(() => (window as unknown as { __e2eMark?: number }).__e2eMark)).toBe(1);
  void consoleErrors;
});

test('profile: rename, change the password, and stay signed in', async ({
  page,
  shell,
  loginPage,
  consoleErrors,
}) => {
  const profile = new ProfilePage(page);
  await loginAsAdmin(page);
  await profile.goto();
  await profile.rename('Ada Lovelace');
  await expect(page.getByTestId('user-menu')).toContainText('Ada Lovelace');

  const newPassword = 'an even better passphrase';
  await profile.changePassword(admin.password, newPassword);
  await expect(page.getByText('Other sessions have been signed out.')).toBeVisible();
  // This browser's session survives a reload (its refresh cookie is still good).
  await page.reload();
  await shell.waitForReady();
  await expect(page.getByRole('heading', { level: 1, name: 'Your profile' })).toBeVisible();

  // The old password no longer works; the new one does.
  await shell.signOut();
  await loginPage.expectShown();
  await loginPage.signIn(admin.email, admin.password);
  await expect(page.getByRole('alert')).toContainText('Invalid email or password');
  await loginPage.signIn(admin.email, newPassword);
  await shell.waitForReady();
  void consoleErrors;
});
