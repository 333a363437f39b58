import { defineConfig } from '@playwright/test';

// End-to-end tests run against a real Switchboard server (see scripts/e2e.sh, which starts one
// with an empty data directory). They use Debian's Chromium: Playwright's own browser downloads
// are not available here.
const baseURL = process.env.SWITCHBOARD_E2E_URL;
if (!baseURL) {
  throw new Error(
    'Set SWITCHBOARD_E2E_URL to a fresh Switchboard server (or run scripts/e2e.sh, which starts one).',
  );
}

export default defineConfig({
  testDir: './e2e',
  // One server, one first-run setup: the flow is ordered.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  outputDir: 'test-results',
  // console.spec.ts is the first run (setup, the operator the other specs sign in as): the
  // other specs depend on it and run after it, in file order.
  projects: [
    { name: 'setup', testMatch: /console\.spec\.ts$/ },
    { name: 'features', testIgnore: /console\.spec\.ts$/, dependencies: ['setup'] },
  ],
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
