import { expect, loginAs, operator, test } from './fixtures';
import { readMail } from './pages/mail';

// Issue 9.9: an admin invites by email; the mail is kept (no SMTP in e2e) and shown under
// Outgoing mail; its /invite link, opened by someone else, sets their password and signs them in.
test.describe.configure({ mode: 'serial' });

const invitee = { name: 'Ivy Invited', email: 'ivy@example.test', password: 'invited passphrase 77' };

test('an admin invites by email; the person sets a password from the mailed link and is a member', async ({
  page,
  browser,
  shell,
  consoleErrors,
}) => {
  await loginAs(page, operator);
  await shell.open('Members');
  await page.getByRole('button', { name: 'Invite by email' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite by email' });
  await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(invitee.email);
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog).toBeHidden();
  const pending = page.getByRole('table', { name: 'Pending invitations' });
  await expect(pending).toContainText(invitee.email);
  await expect(pending).toContainText('Pending');

  // The mail, under Outgoing mail.
  const body = await readMail(page, /invited you to/);
  const link = /(https?:\/\/\S+\/invite\/\S+)/.exec(body)?.[1];
  expect(link, 'an /invite link in the mail').toBeTruthy();

  // Someone else's browser: no session.
  const context = await browser.newContext();
  const guest = await context.newPage();
  await guest.goto(link!);
  await expect(guest.getByText(/invited you to join/)).toContainText('as Member');
  const field = (name: string) => guest.getByRole('textbox', { name, exact: true });
  await field('Your name').fill(invitee.name);
  await field('Password').fill(invitee.password);
  await field('Confirm password').fill(invitee.password);
  await guest.getByRole('button', { name: 'Set password and join' }).click();
  await expect(guest).toHaveURL(/\/accounts\/[^/]+\//, { timeout: 15_000 });
  await expect(guest.getByRole('navigation', { name: 'Main navigation' })).toBeVisible();
  await guest.screenshot({ path: 'test-results/screens/invited-signed-in.png', fullPage: true });

  // The link works once.
  await guest.goto(link!);
  await expect(guest.getByText('Ask your administrator for a new invitation.')).toBeVisible();
  await context.close();

  // A member now; the invitation is no longer pending.
  await page.reload();
  await shell.open('Members');
  await expect(page.getByRole('table', { name: 'Members' })).toContainText(invitee.email);
  await expect(page.getByRole('table', { name: 'Pending invitations' })).toHaveCount(0);
  void consoleErrors;
});
