import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import type { Section } from './pages/app-shell';
import { resumeOperator, saveOperator } from './session';

// Issue 9: an axe-core scan of the console's main pages reports no serious or critical
// violation, in the light and the dark scheme. Named to run last (the "features" project runs
// its files in name order), so the pages hold what the other specs created rather than only
// their empty states.
test.describe.configure({ mode: 'serial' });

const pages: Section[] = [
  'Overview',
  'Incidents',
  'Components',
  'Integrations',
  'Schedules',
  'Escalation policies',
  'My on-call',
  'Status pages',
  'Maintenance',
  'Farms',
  'Approvals',
  'Endpoints',
  'Webhooks',
  'Events',
  'Deliveries',
  'Environments',
  'Members',
  'API tokens',
  'Activity',
];

for (const scheme of ['light', 'dark'] as const) {
  test(`the main console pages have no serious accessibility violation (${scheme})`, async ({ page, context, shell, consoleErrors }) => {
    test.setTimeout(300_000);
    await page.emulateMedia({ colorScheme: scheme });
    await resumeOperator(page, context);
    await expect
      .poll(() => page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme')))
      .toBe(scheme);
    for (const section of pages) {
      await shell.open(section);
      // Lists and cards have loaded: no skeleton left.
      await expect(page.locator('.mantine-Skeleton-root')).toHaveCount(0, { timeout: 15_000 });
      await expectAccessible(page, `${section} (${scheme})`);
    }
    await saveOperator(context);
    void consoleErrors;
  });
}
