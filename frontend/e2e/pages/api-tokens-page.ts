import { expect, type Page } from '@playwright/test';

export class ApiTokensPage {
  constructor(private readonly page: Page) {}

  table() {
    return this.page.getByRole('table', { name: 'API tokens' });
  }

  row(name: string) {
    return this.table().getByRole('row').filter({ hasText: name });
  }

  async startCreate() {
    await this.page.getByRole('link', { name: 'New token' }).first().click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'New API token' })).toBeVisible();
  }

  /** Fills the form and submits it; returns the revealed secret. */
  async create(name: string, role: 'Admin' | 'Member' | 'Viewer' = 'Member'): Promise<string> {
    await this.page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
    await this.page.getByRole('textbox', { name: 'Role' }).click();
    await this.page.getByRole('option', { name: role, exact: true }).click();
    await this.page.getByRole('button', { name: 'Create token' }).click();
    await expect(this.page.getByText('You will not see it again')).toBeVisible();
    const secret = (await this.page.getByTestId('token-secret').textContent())?.trim() ?? '';
    return secret;
  }

  async acknowledge() {
    await this.page.getByRole('button', { name: 'I have copied the token' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();
  }
}
