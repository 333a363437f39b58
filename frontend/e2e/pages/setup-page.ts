import { expect, type Page } from '@playwright/test';

export class SetupPage {
  constructor(private readonly page: Page) {}

  async expectShown() {
    await expect(this.page).toHaveURL(/\/setup$/);
    await expect(
      this.page.getByRole('heading', { name: 'Create the first administrator' }),
    ).toBeVisible();
  }

  async createAdministrator(v: { name: string; email: string; password: string; accountName: string }) {
    const p = this.page;
    const field = (name: string) => p.getByRole('textbox', { name, exact: true });
    await field('Your name').fill(v.name);
    await field('Email').fill(v.email);
    await field('Password').fill(v.password);
    await field('Confirm password').fill(v.password);
    await field('Account name').fill(v.accountName);
    await p.getByRole('button', { name: 'Create administrator' }).click();
  }
}
