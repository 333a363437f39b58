import { expect, type Page } from '@playwright/test';

export class EnvironmentsPage {
  constructor(private readonly page: Page) {}

  table() {
    return this.page.getByRole('table', { name: 'Environments' });
  }

  row(name: string) {
    return this.table().getByRole('row').filter({ hasText: name });
  }

  async create(name: string, description = '') {
    await this.page.getByRole('button', { name: 'New environment' }).first().click();
    const dialog = this.page.getByRole('dialog', { name: 'New environment' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
    if (description) {
      await dialog.getByRole('textbox', { name: 'Description', exact: true }).fill(description);
    }
    await dialog.getByRole('button', { name: 'Create environment' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.row(name)).toBeVisible();
  }
}
