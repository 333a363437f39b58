import { existsSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, loginAs, operator } from './fixtures';
import { AppShell } from './pages/app-shell';

/**
 * The operator's session, handed from one spec to the next (the refresh cookie rotates: each
 * spec saves the newest). Sign-ins are rate limited per email (10 per 5 minutes) and the
 * earlier specs already sign the operator in eight times; the triage specs share one sign-in.
 */
const SESSION_FILE = 'test-results/.operator-session.json';

/** Resumes the operator's saved session on `/`, or signs in when there is none (or it ended). */
export async function resumeOperator(page: Page, context: BrowserContext): Promise<void> {
  if (existsSync(SESSION_FILE)) {
    const state = JSON.parse(readFileSync(SESSION_FILE, 'utf8')) as {
      cookies: Parameters<BrowserContext['addCookies']>[0];
      origins: { origin: string; localStorage: { name: string; value: string }[] }[];
    };
    await context.addCookies(state.cookies);
    // The console asks for a refresh only when its "has a session" hint is in localStorage.
    const items = state.origins.flatMap((o) => o.localStorage);
    await context.addInitScript((entries) => {
      for (const { name, value } of entries) {
        if (window.localStorage.getItem(name) === null) window.localStorage.setItem(name, value);
      }
    }, items);
    await page.goto('/');
    const landed = await Promise.race([
      page.waitForURL(/\/accounts\/[^/]+\/overview$/, { timeout: 15_000 }).then(() => 'console' as const),
      page.waitForURL(/\/login/, { timeout: 15_000 }).then(() => 'login' as const),
    ]).catch(() => 'login' as const);
    if (landed === 'console') {
      await new AppShell(page).waitForReady();
      await expect(page.getByTestId('user-menu')).toContainText(operator.name);
      return;
    }
  }
  await loginAs(page, operator);
}

/** Saves the session for the next spec (call at the end, after the last reload). */
export async function saveOperator(context: BrowserContext): Promise<void> {
  await context.storageState({ path: SESSION_FILE });
}
