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
    // Tomorrow 10:00–12:00, not the form's default (the next whole hour): a run that crosses
    // the hour would otherwise see the window start before the specs that expect it scheduled.
    const start = new Date();
    start.setDate(start.getDate() + 1);
    start.setHours(10, 0, 0, 0);
    const end = new Date(start.getTime() + 2 * 3_600_000);
    await dialog.getByLabel('Starts').fill(localInput(start));
    await dialog.getByLabel('Ends').fill(localInput(end));
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

/** A datetime-local input's value for d in the browser's (this machine's) zone. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
