import { expect, type Locator, type Page } from '@playwright/test';
import { OperationsPages } from './operations';

/** The console's status page editor and maintenance scheduler. */
export class StatusPagesConsole {
  private readonly ops: OperationsPages;
  constructor(private readonly page: Page) {
    this.ops = new OperationsPages(page);
  }

  form(): Locator {
    return this.page.getByRole('form', { name: 'Status page' });
  }

  /** Fills group `n` (from 1): its name and its components, in order. */
  async fillGroup(n: number, name: string, components: string[]) {
    const form = this.form();
    await form.getByRole('textbox', { name: `Group ${n} name` }).fill(name);
    for (const c of components) await this.ops.pick(`Add a component to group ${n}`, c, form);
  }

  preview(): Locator {
    return this.page.getByRole('region', { name: 'Preview' });
  }

  /** Schedules a window from now+1 h to now+2 h (the dialog's defaults) on `components`. */
  async scheduleMaintenance(title: string, message: string, components: string[]) {
    const p = this.page;
    await p.getByRole('button', { name: 'Schedule maintenance' }).first().click();
    const dialog = p.getByRole('dialog', { name: 'Schedule maintenance' });
    await dialog.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
    await dialog.getByRole('textbox', { name: 'Message', exact: true }).fill(message);
    for (const c of components) {
      await this.ops.pick('Components', c, dialog);
      await dialog.getByRole('textbox', { name: 'Title', exact: true }).click();
    }
    await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(p.getByTestId('maintenance-row').filter({ hasText: title })).toContainText('Scheduled');
  }
}

/** The server-rendered public page, read without the console. */
export class PublicStatusPage {
  constructor(private readonly page: Page) {}

  banner(): Locator {
    return this.page.locator('p.banner');
  }

  group(name: string): Locator {
    return this.page.getByRole('region', { name });
  }

  /** The uptime bars of a component, by its list's accessible name. */
  bars(component: string): Locator {
    return this.page.getByRole('list', { name: `Uptime of ${component}, last 90 days, oldest first` }).getByRole('listitem');
  }

  async expectNoHorizontalScroll(width: number) {
    const scrollWidth = await this.page.evaluate(() => document.scrollingElement!.scrollWidth);
    expect(scrollWidth, 'document width at phone size').toBeLessThanOrEqual(width);
  }
}
