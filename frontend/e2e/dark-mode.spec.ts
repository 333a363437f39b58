import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { resumeOperator, saveOperator } from './session';

test.describe.configure({ mode: 'serial' });

const scheme = (page: Page) =>
  page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme'));

test('dark mode: chosen in the user menu, kept across a reload; System follows the OS', async ({ page, context, consoleErrors }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await resumeOperator(page, context);
  await expect.poll(() => scheme(page)).toBe('light');

  await page.getByTestId('user-menu').click();
  const theme = page.getByRole('radiogroup', { name: 'Theme' });
  await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
  await theme.getByText('Dark', { exact: true }).click();
  await expect.poll(() => scheme(page)).toBe('dark');
  await page.screenshot({ path: 'test-results/screens/overview-dark.png', fullPage: true });

  await page.reload();
  await expect(page.getByTestId('user-menu')).toBeVisible();
  await expect.poll(() => scheme(page)).toBe('dark');

  // System: the OS decides, and a change of the OS setting follows.
  await page.getByTestId('user-menu').click();
  await page.getByRole('radiogroup', { name: 'Theme' }).getByText('System', { exact: true }).click();
  await expect.poll(() => scheme(page)).toBe('light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => scheme(page)).toBe('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => scheme(page)).toBe('light');

  await saveOperator(context);
  void consoleErrors;
});
