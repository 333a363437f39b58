import { expect, type Page } from '@playwright/test';

export class ProfilePage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/profile');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Your profile' })).toBeVisible();
  }

  async rename(name: string) {
    const field = this.page.getByRole('textbox', { name: 'Name', exact: true });
    await field.fill(name);
    await this.page.getByRole('button', { name: 'Save profile' }).click();
    await expect(this.page.getByText('Your profile was saved.')).toBeVisible();
  }

  async changePassword(current: string, next: string) {
    const p = this.page;
    await p.getByRole('textbox', { name: 'Current password', exact: true }).fill(current);
    await p.getByRole('textbox', { name: 'New password', exact: true }).fill(next);
    await p.getByRole('textbox', { name: 'Confirm new password', exact: true }).fill(next);
    await p.getByRole('button', { name: 'Change password' }).click();
    await expect(p.getByText(/Your password was changed/)).toBeVisible();
  }
}
