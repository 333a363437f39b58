import type { Browser, BrowserContextOptions, Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { OperationsPages } from './pages/operations';
import { PublicStatusPage, StatusPagesConsole } from './pages/status-pages';
import { resumeOperator, saveOperator } from './session';

// Issue 11 through the console, read by a stranger: components, a public status page in two
// groups, an incident with a published update and a scheduled maintenance window; then the
// server-rendered page in fresh browser contexts without a session (desktop, 390 px, dark,
// JavaScript off), its history and the incident's permalink, an axe scan, and a 404 for an
// unknown slug. Runs after console.spec.ts (the operator). Leaves no open incident and no
// scheduled window behind.
test.describe.configure({ mode: 'serial' });

const stamp = Date.now();
const slug = `acme-${stamp}`;
const api = `API ${stamp}`;
const db = `Database ${stamp}`;
const cdn = `CDN ${stamp}`;
const incidentTitle = `Checkout errors ${stamp}`;
const updateText = `We are investigating elevated error rates on checkout ${stamp}.`;
const maintTitle = `Database upgrade ${stamp}`;
const maintText = `The database is upgraded to a new major version ${stamp}.`;
let pageUrl = '';
let incidentUrl = '';
let editorUrl = '';

/** A stranger's browser: a new context, no cookies, no console session. */
async function stranger(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const ctx = await browser.newContext(options);
  return ctx.newPage();
}

test('the console publishes a status page, an incident update and a maintenance window', async ({ page, context, shell, consoleErrors }) => {
  test.setTimeout(240_000);
  void consoleErrors;
  const ops = new OperationsPages(page);
  const sp = new StatusPagesConsole(page);
  await resumeOperator(page, context);
  const accountId = shell.accountId();

  await shell.open('Components');
  for (const c of [api, db, cdn]) await ops.createComponent(c);

  // A public page in two groups; the preview follows the form.
  await shell.open('Status pages');
  await page.getByRole('link', { name: 'New status page' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'New status page' })).toBeVisible();
  const form = sp.form();
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(`Acme ${stamp}`);
  await expect(form.getByRole('textbox', { name: 'Slug', exact: true })).toHaveValue(slug);
  await sp.fillGroup(1, 'Core', [api, db]);
  await form.getByRole('button', { name: 'Add group' }).click();
  await sp.fillGroup(2, 'Edge', [cdn]);
  await expect(sp.preview()).toContainText('Preview');
  await expect(sp.preview().getByTestId('preview-banner')).toHaveText(/All Systems Operational/);
  await expect(sp.preview().getByTestId('preview-group')).toHaveCount(2);
  await expect(sp.preview().getByTestId('preview-component')).toHaveText([
    new RegExp(`${api}.*Operational`),
    new RegExp(`${db}.*Operational`),
    new RegExp(`${cdn}.*Operational`),
  ]);
  await form.getByRole('button', { name: 'Create status page' }).click();
  await expect(page).toHaveURL(/\/status-pages\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: `Acme ${stamp}` })).toBeVisible();
  pageUrl = (await page.getByTestId('public-link').first().getAttribute('href')) ?? '';
  expect(pageUrl).toMatch(new RegExp(`/status/${slug}$`));
  editorUrl = page.url();

  // A second page cannot take the slug: the error is on the field.
  await page.goto(`/accounts/${accountId}/status-pages/new`);
  await sp.form().getByRole('textbox', { name: 'Name', exact: true }).fill(`Acme ${stamp}`);
  await sp.form().getByRole('button', { name: 'Create status page' }).click();
  const slugBox = sp.form().getByRole('textbox', { name: 'Slug', exact: true });
  await expect(slugBox).toHaveAttribute('aria-invalid', 'true');
  await expect(sp.form()).toContainText('is taken');

  // The list shows the page with its link.
  await shell.open('Status pages');
  const row = page.getByTestId('status-page-row').filter({ hasText: `Acme ${stamp}` });
  await expect(row).toContainText(slug);
  await expect(row).toContainText('Public');

  // An incident on the API, and its first public update.
  await page.goto(`/accounts/${accountId}/incidents/new`);
  await ops.pick('Component', api);
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(incidentTitle);
  await page.getByRole('button', { name: 'Open incident' }).click();
  await expect(page.getByRole('heading', { level: 1, name: incidentTitle })).toBeVisible();
  incidentUrl = page.url();
  const panel = page.getByTestId('public-incident-panel');
  await expect(panel).toContainText('Nothing published yet');
  await ops.pick(`Public status of ${api}`, '◐ Partial outage', panel);
  await panel.getByRole('textbox', { name: 'Message', exact: true }).fill(updateText);
  await panel.getByRole('button', { name: 'Publish update' }).click();
  await expect(panel.getByTestId('public-update')).toContainText(updateText);
  await expect(panel.getByTestId('public-incident-status')).toHaveText('Investigating');
  await expect(panel).toContainText(`Acme ${stamp}`);

  // A maintenance window on the CDN, an hour from now.
  await shell.open('Maintenance');
  await sp.scheduleMaintenance(maintTitle, maintText, [cdn]);
  await saveOperator(context);
});

test('a stranger reads the page, its history and the incident', async ({ browser }) => {
  test.setTimeout(120_000);
  expect(pageUrl, 'the first test published a page').not.toBe('');
  const page = await stranger(browser);
  const pub = new PublicStatusPage(page);
  const res = await page.goto(pageUrl);
  expect(res?.status()).toBe(200);
  await expect(page).toHaveTitle(new RegExp(`Acme ${stamp}`));
  await expect(pub.banner()).toHaveText(/Partial System Outage/);
  for (const [group, comps] of [
    ['Core', [api, db]],
    ['Edge', [cdn]],
  ] as const) {
    const g = pub.group(group);
    await expect(g.getByRole('heading', { name: group, exact: true })).toBeVisible();
    for (const c of comps) await expect(g.getByRole('heading', { name: c, exact: true })).toBeVisible();
  }
  await expect(pub.group('Core')).toContainText('Partial outage');
  for (const c of [api, db, cdn]) await expect(pub.bars(c)).toHaveCount(90);

  const active = page.getByRole('region', { name: 'Active incidents' });
  await expect(active.getByRole('heading', { name: incidentTitle })).toBeVisible();
  await expect(active).toContainText(updateText);
  const planned = page.getByRole('region', { name: 'Scheduled maintenance' });
  await expect(planned.getByRole('heading', { name: maintTitle })).toBeVisible();
  await expect(planned).toContainText(maintText);
  await expectAccessible(page);

  // History lists the incident and the window of this month.
  await page.getByRole('navigation', { name: 'Status page' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Incident history/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Incidents' })).toContainText(incidentTitle);
  await expect(page.getByRole('region', { name: 'Maintenance' })).toContainText(maintTitle);

  // The incident's permalink.
  await page.getByRole('link', { name: incidentTitle }).first().click();
  await expect(page).toHaveURL(new RegExp(`/status/${slug}/incidents/[0-9a-f-]{36}$`));
  await expect(page.getByRole('heading', { level: 1, name: incidentTitle })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Updates' })).toContainText(updateText);
  await expectAccessible(page);
  await page.context().close();
});

test('the page reads at 390 px, in dark mode and without JavaScript; an unknown slug is a 404', async ({ browser }) => {
  test.setTimeout(120_000);
  // Phone width: nothing scrolls sideways.
  const phone = await stranger(browser, { viewport: { width: 390, height: 844 } });
  const pub = new PublicStatusPage(phone);
  await phone.goto(pageUrl);
  await expect(pub.banner()).toHaveText(/Partial System Outage/);
  await expect(pub.group('Core').getByRole('heading', { name: api, exact: true })).toBeVisible();
  await pub.expectNoHorizontalScroll(390);
  await phone.goto(`${pageUrl}/history`);
  await pub.expectNoHorizontalScroll(390);
  await phone.context().close();

  // Dark mode: the dark palette passes axe too.
  const dark = await stranger(browser, { colorScheme: 'dark' });
  await dark.goto(pageUrl);
  await expect(new PublicStatusPage(dark).banner()).toHaveText(/Partial System Outage/);
  await expectAccessible(dark);
  await dark.context().close();

  // No JavaScript: the server-rendered page says everything.
  const nojs = await stranger(browser, { javaScriptEnabled: false });
  const plain = new PublicStatusPage(nojs);
  await nojs.goto(pageUrl);
  await expect(plain.banner()).toHaveText(/Partial System Outage/);
  await expect(plain.group('Edge').getByRole('heading', { name: cdn, exact: true })).toBeVisible();
  await expect(plain.bars(api)).toHaveCount(90);
  await expect(nojs.getByRole('region', { name: 'Active incidents' })).toContainText(updateText);
  await expect(nojs.getByRole('region', { name: 'Scheduled maintenance' })).toContainText(maintTitle);

  // An unknown slug: a real 404 page, not the console.
  const missing = await nojs.goto(`/status/no-such-page-${stamp}`);
  expect(missing?.status()).toBe(404);
  await expect(nojs.locator('body')).toContainText(/not found/i);
  await nojs.context().close();
});

test('cleanup: the incident is resolved in public and inside, the window is cancelled', async ({ page, context, shell, consoleErrors }) => {
  test.setTimeout(120_000);
  void consoleErrors;
  const ops = new OperationsPages(page);
  await resumeOperator(page, context);
  await page.goto(incidentUrl);
  const panel = page.getByTestId('public-incident-panel');
  await ops.pick(/^Status$/, 'Resolved', panel);
  await ops.pick(`Public status of ${api}`, '✓ Operational', panel);
  await panel.getByRole('textbox', { name: 'Message', exact: true }).fill('Fixed.');
  await panel.getByRole('button', { name: 'Post update' }).click();
  await expect(panel.getByTestId('public-incident-status')).toHaveText('Resolved');
  await expect(panel.getByRole('form', { name: 'Postmortem' })).toBeVisible();
  await page.getByRole('button', { name: 'Resolve', exact: true }).click();
  await page.getByRole('dialog', { name: 'Resolve incident' }).getByRole('button', { name: 'Resolve incident' }).click();
  await expect(page.getByTestId('incident-status').first()).toHaveText('Resolved');

  await shell.open('Maintenance');
  await page.getByRole('button', { name: `Cancel ${maintTitle}` }).click();
  await page.getByRole('dialog', { name: `Cancel ${maintTitle}?` }).getByRole('button', { name: 'Cancel window' }).click();
  await expect(page.getByTestId('maintenance-row').filter({ hasText: maintTitle })).toHaveCount(0);
  await saveOperator(context);
});

test('subscribers are listed and exported; a private page opens from the console and with a viewer link only', async ({
  page,
  context,
  browser,
  shell,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  void consoleErrors;
  const sp = new StatusPagesConsole(page);

  // Someone subscribes on the public page (a form post, as the page's form sends it).
  const reader = await stranger(browser);
  const signup = await reader.request.post(`${pageUrl}/subscribe`, {
    form: { kind: 'email', address: `reader-${stamp}@example.test` },
  });
  expect(signup.status()).toBe(202);
  await reader.context().close();

  // The console lists them (pending) and exports the CSV with the session's token.
  await resumeOperator(page, context);
  await page.goto(editorUrl);
  const subs = page.getByRole('table', { name: 'Subscribers' });
  await expect(subs.getByTestId('subscriber-row')).toHaveCount(1);
  await expect(subs.getByTestId('subscriber-row')).toContainText('Pending');
  await expect(subs.getByTestId('subscriber-row')).toContainText('Email');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('subscribers.csv');
  const csv = await streamText(await download.createReadStream());
  expect(csv.split('\n')[0].trim()).toBe('kind,address,components,topics,created_at,confirmed_at');
  expect(csv).toContain(`reader-${stamp}@example.test`);

  // A private page with the API.
  const accountId = shell.accountId();
  await page.goto(`/accounts/${accountId}/status-pages/new`);
  const form = sp.form();
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(`Partners ${stamp}`);
  await form.getByText('Private', { exact: true }).click();
  await sp.fillGroup(1, '', [api]);
  await form.getByRole('button', { name: 'Create status page' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Partners ${stamp}` })).toBeVisible();
  const privateUrl = (await page.getByTestId('public-link').first().getAttribute('href')) ?? '';
  expect(privateUrl).toMatch(new RegExp(`/status/partners-${stamp}$`));

  // A stranger is refused, and nothing of the page shows.
  const outsider = await stranger(browser);
  const refused = await outsider.goto(privateUrl);
  expect(refused?.status()).toBe(401);
  await expect(outsider.getByRole('heading', { level: 1 })).toHaveText('This status page is private');
  await expect(outsider.locator('body')).not.toContainText(`Partners ${stamp}`);

  // A viewer link, shown once, opens it in another browser.
  await page.getByRole('textbox', { name: 'Who the link is for' }).fill('Globex');
  await page.getByRole('button', { name: 'Create link' }).click();
  const link = (await page.getByTestId('viewer-link-url').textContent())?.trim() ?? '';
  expect(link).toContain('viewer=');
  await outsider.goto(link);
  await expect(new PublicStatusPage(outsider).banner()).toHaveText(/All Systems Operational/);
  await expect(outsider.getByRole('heading', { name: api, exact: true })).toBeVisible();
  await outsider.context().close();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('table', { name: 'Viewer links' })).toContainText('Globex');

  // Revoked: the link opens nothing any more.
  await page.getByRole('button', { name: 'Revoke the link for Globex' }).click();
  await page.getByRole('dialog', { name: 'Revoke the link for Globex?' }).getByRole('button', { name: 'Revoke link' }).click();
  await expect(page.getByRole('table', { name: 'Viewer links' })).toContainText('Revoked');
  const late = await stranger(browser);
  await expect(async () => {
    const res = await late.goto(link);
    expect(res?.status()).toBe(401);
  }).toPass({ timeout: 15_000 });
  await late.context().close();

  // "Open page" in the console: a cookie link opens it in a new tab of this browser.
  const [tab] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Open page' }).click()]);
  await expect(tab).toHaveURL(new RegExp(`/status/partners-${stamp}/?$`));
  await expect(new PublicStatusPage(tab).banner()).toHaveText(/All Systems Operational/);
  await tab.close();
  await saveOperator(context);
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
