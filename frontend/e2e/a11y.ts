import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** axe-core on the current document: no serious or critical violation (and axe did run). */
export async function expectAccessible(page: Page, what = 'the page') {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.passes.length, `axe ran its rules on ${what}`).toBeGreaterThan(10);
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `serious or critical axe violations on ${what}`).toEqual([]);
}
