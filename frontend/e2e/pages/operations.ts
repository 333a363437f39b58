import { expect, type Page } from '@playwright/test';

/** Components, incidents and integrations pages. */
export class OperationsPages {
  constructor(private readonly page: Page) {}

  async createComponent(name: string, group = '') {
    const p = this.page;
    await p.getByRole('button', { name: 'New component' }).first().click();
    const dialog = p.getByRole('dialog', { name: 'New component' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
    if (group) await dialog.getByRole('textbox', { name: 'Group', exact: true }).fill(group);
    await dialog.getByRole('button', { name: 'Create component' }).click();
    await expect(dialog).toBeHidden();
    await expect(p.getByTestId('component-row').filter({ hasText: name })).toBeVisible();
  }

  /**
   * Picks an option of a Mantine Select / MultiSelect by its accessible name. A select whose
   * options are still loading does not open: click again until the option shows.
   */
  async pick(label: string | RegExp, option: string, within = this.page.locator('body')) {
    const box = within.getByRole('textbox', { name: label });
    const opt = this.page.getByRole('option', { name: option, exact: true });
    await expect(async () => {
      if (!(await opt.isVisible())) await box.click();
      await expect(opt).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    await opt.click();
  }

  incidentsTable() {
    return this.page.getByRole('table', { name: 'Incidents' });
  }

  incidentRow(title: string) {
    return this.incidentsTable().locator('tbody tr').filter({ hasText: title });
  }

  async waitForLive() {
    await expect(this.page.getByTestId('live-status')).toHaveText('Live', { timeout: 15_000 });
  }

  /** Marks the document, to prove later that the page did not reload. */
  async markDocument() {
    await this.page.evaluate(() => ((window as unknown as { __e2eMark: number }).__e2eMark = 1));
  }

  async expectNotReloaded() {
    expect(await this.page.evaluate(() => (window as unknown as { __e2eMark?: number }).__e2eMark)).toBe(1);
  }
}
