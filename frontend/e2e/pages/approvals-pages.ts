import { expect, type Page } from '@playwright/test';
import { AppShell } from './app-shell';
import { OperationsPages } from './operations';

/** Endpoints, environment approval settings, farms and the approvals history. */
export class ApprovalsPages {
  private readonly shell: AppShell;
  private readonly ops: OperationsPages;

  constructor(private readonly page: Page) {
    this.shell = new AppShell(page);
    this.ops = new OperationsPages(page);
  }

  /** Creates an account endpoint (shared, so environments may use it); returns the revealed key. */
  async createSharedEndpoint(name: string, url: string): Promise<string> {
    const p = this.page;
    await this.shell.open('Endpoints');
    await p.getByRole('button', { name: 'New endpoint' }).first().click();
    const form = p.getByRole('dialog', { name: 'New endpoint' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
    await form.getByRole('textbox', { name: 'URL', exact: true }).fill(url);
    await form.getByRole('switch', { name: /Shared/ }).check();
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    await expect(p.getByText('Copy the signing key now. You will not see it again.')).toBeVisible();
    const key = (await p.getByTestId('signing-key').textContent())?.trim() ?? '';
    await p.getByRole('button', { name: 'I have copied the key' }).click();
    await expect(p.getByRole('table', { name: 'Endpoints' })).toContainText(name);
    return key;
  }

  /** Sets an environment's approvals: the account's shared `endpoint` must approve first launches. */
  async requireFirstLaunchApproval(environment: string, endpoint: string) {
    const p = this.page;
    await this.shell.open('Environments');
    await p.getByRole('button', { name: `Approval settings of ${environment}` }).click();
    const dialog = p.getByRole('dialog', { name: `Approvals in ${environment}` });
    await this.ops.pick('Approval endpoint', `${endpoint} (account, shared)`, dialog);
    await dialog.getByRole('switch', { name: "Require approval for a farm's first launch" }).check();
    await p.screenshot({ path: 'test-results/screens/approval-settings.png', fullPage: true });
    await dialog.getByRole('button', { name: 'Save approval settings' }).click();
    await expect(dialog).toBeHidden();
    await expect(
      p
        .getByRole('table', { name: 'Environments' })
        .getByRole('row')
        .filter({ has: p.getByText(environment, { exact: true }) })
        .getByTestId('approval-summary'),
    ).toHaveText(`First launch, via ${endpoint} (60 min)`);
  }

  async createFarm(name: string, environment: string, ownerEmail: string) {
    const p = this.page;
    await this.shell.open('Farms');
    await p.getByRole('button', { name: 'New farm' }).click();
    const dialog = p.getByRole('dialog', { name: 'New farm' });
    await this.ops.pick('Environment', environment, dialog);
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
    await dialog.getByRole('textbox', { name: 'Owner email', exact: true }).fill(ownerEmail);
    await dialog.getByRole('button', { name: 'Create farm' }).click();
    await expect(dialog).toBeHidden();
    // The list shows the header's environment: show the farm's.
    await this.showFarmsOf(environment);
    await expect(p.getByRole('table', { name: 'Farms' })).toContainText(name);
  }

  /** The farms list's environment filter. */
  async showFarmsOf(environment: string) {
    await this.ops.pick('Environment', environment, this.page.getByRole('main'));
  }

  async openFarm(name: string) {
    await this.page.getByRole('table', { name: 'Farms' }).getByRole('link', { name, exact: true }).click();
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
  }

  farmStatus() {
    return this.page.getByRole('main').getByTestId('farm-status').first();
  }

  banner() {
    return this.page.getByTestId('approval-banner');
  }

  async launch() {
    const p = this.page;
    await p.getByRole('button', { name: 'Launch', exact: true }).click();
    const confirm = p.getByRole('dialog', { name: /^Launch / });
    await confirm.getByRole('button', { name: 'Launch farm' }).click();
    await expect(confirm).toBeHidden();
  }

  approvalRow(farm: string) {
    return this.page.getByRole('table', { name: 'Approval requests' }).locator('tbody tr').filter({ hasText: farm });
  }
}
