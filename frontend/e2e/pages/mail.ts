import { expect, type Page } from '@playwright/test';
import { AppShell } from './app-shell';

/**
 * Opens Outgoing mail (no SMTP in e2e: mail is kept), waits for the newest mail whose subject
 * matches, opens it and answers its text body.
 */
export async function readMail(page: Page, subjectPattern: RegExp): Promise<string> {
  await new AppShell(page).open('Outgoing mail');
  const mails = page.getByRole('table', { name: 'Outgoing mail' });
  const subject = mails.getByRole('button', { name: subjectPattern }).first();
  await expect(async () => {
    if (!(await subject.isVisible())) await page.reload();
    await expect(subject).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await subject.click();
  return (await page.getByTestId('mail-text').first().textContent()) ?? '';
}
