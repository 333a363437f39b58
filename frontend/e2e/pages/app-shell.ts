import { expect, type Page } from '@playwright/test';

export type Section =
  | 'Overview'
  | 'Environments'
  | 'Members'
  | 'API tokens'
  | 'Activity'
  | 'Incidents'
  | 'Components'
  | 'Integrations'
  | 'Farms'
  | 'Approvals'
  | 'Variables'
  | 'Endpoints'
  | 'Webhooks'
  | 'Events'
  | 'Deliveries'
  | 'Outgoing mail'
  | 'Slack'
  | 'Schedules'
  | 'Escalation policies'
  | 'My on-call'
  | 'Status pages'
  | 'Maintenance';

/** The header and navigation around every signed-in page. */
export class AppShell {
  constructor(private readonly page: Page) {}

  async waitForReady() {
    await expect(this.page.getByRole('navigation', { name: 'Main navigation' })).toBeVisible();
    await expect(this.page.getByTestId('account-switcher')).not.toContainText('Loading');
  }

  /** The account id from the current URL. */
  accountId(): string {
    const m = /\/accounts\/([^/]+)/.exec(new URL(this.page.url()).pathname);
    if (!m) throw new Error(`not on an account page: ${this.page.url()}`);
    return m[1];
  }

  async open(section: Section) {
    await this.page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: section, exact: true })
      .click();
    await expect(this.page.getByRole('heading', { level: 1, name: section })).toBeVisible();
  }

  async signOut() {
    await this.page.getByTestId('user-menu').click();
    await this.page.getByRole('menuitem', { name: 'Sign out' }).click();
  }
}
