import { expect, type Page } from '@playwright/test';

export class ActivityPage {
  constructor(private readonly page: Page) {}

  async goto(accountId: string) {
    await this.page.goto(`/accounts/${accountId}/activity`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  }

  /** Waits until the subscription socket is up, so later changes arrive live. */
  async waitForLive() {
    await expect(this.page.getByTestId('live-status')).toHaveText('Live', { timeout: 15_000 });
  }

  table() {
    return this.page.getByRole('table', { name: 'Activity' });
  }

  liveRow(text: string) {
    return this.table().locator('tr[data-live]').filter({ hasText: text });
  }
}
