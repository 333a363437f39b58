import { test as base, expect, type Page } from '@playwright/test';
import { ActivityPage } from './pages/activity-page';
import { ApiTokensPage } from './pages/api-tokens-page';
import { AppShell } from './pages/app-shell';
import { EnvironmentsPage } from './pages/environments-page';
import { LoginPage } from './pages/login-page';
import { SetupPage } from './pages/setup-page';

/** The administrator created by the first-run setup; every later step signs in as them. */
export const admin = {
  name: 'Ada Admin',
  email: 'ada@example.test',
  password: 'correct horse battery staple',
  accountName: 'Acme Operations',
};

/**
 * A second administrator the first-run step adds. The later specs sign in as them, so they do
 * not spend the setup administrator's login rate limit (10 per 5 minutes per email).
 */
export const operator = {
  name: 'Otto Operator',
  email: 'otto@example.test',
  password: 'operator passphrase 42',
};

/** Console errors fail the test: a real product console should not log any. */
function watchConsole(page: Page, errors: string[]) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // Expected: the very first refresh without a cookie answers 401, which Chromium logs.
    if (/Failed to load resource: the server responded with a status of 401/.test(text)) return;
    errors.push(text);
  });
  page.on('pageerror', (err) => errors.push(err.message));
}

interface Fixtures {
  consoleErrors: string[];
  setupPage: SetupPage;
  loginPage: LoginPage;
  shell: AppShell;
  environments: EnvironmentsPage;
  apiTokens: ApiTokensPage;
  activity: ActivityPage;
}

export const test = base.extend<Fixtures>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    watchConsole(page, errors);
    await use(errors);
    expect(errors, 'errors in the browser console').toEqual([]);
  },
  setupPage: async ({ page }, use) => use(new SetupPage(page)),
  loginPage: async ({ page }, use) => use(new LoginPage(page)),
  shell: async ({ page }, use) => use(new AppShell(page)),
  environments: async ({ page }, use) => use(new EnvironmentsPage(page)),
  apiTokens: async ({ page }, use) => use(new ApiTokensPage(page)),
  activity: async ({ page }, use) => use(new ActivityPage(page)),
});

export { expect };

/** The shared login step: signs in as the setup administrator and waits for the console. */
export async function loginAsAdmin(page: Page): Promise<void> {
  await loginAs(page, admin);
}

/** Signs in as `user` and waits for the console. */
export async function loginAs(page: Page, user: { email: string; password: string }): Promise<void> {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(user.email, user.password);
  // Signing in lands on the last used account's overview.
  await expect(page).toHaveURL(/\/accounts\/[^/]+\/overview$/);
  await new AppShell(page).waitForReady();
}
