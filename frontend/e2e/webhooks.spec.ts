import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, loginAs, operator, test } from './fixtures';
import { OperationsPages } from './pages/operations';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny webhook receiver on loopback that answers 200 and remembers what it got. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Receiver': 'e2e' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks/switchboard`, received };
}

test.describe.configure({ mode: 'serial' });

test('an incident opened in the console is delivered to an endpoint, with every attempt recorded', async ({
  page,
  shell,
  consoleErrors,
}) => {
  const receiver = await startReceiver();
  try {
    const ops = new OperationsPages(page);
    await loginAs(page, operator);

    // An endpoint to the receiver; its signing key is shown once.
    await shell.open('Endpoints');
    await page.getByRole('button', { name: 'New endpoint' }).first().click();
    const form = page.getByRole('dialog', { name: 'New endpoint' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('E2E receiver');
    await form.getByRole('textbox', { name: 'URL', exact: true }).fill(receiver.url);
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    await expect(page.getByText('Copy the signing key now. You will not see it again.')).toBeVisible();
    const key = (await page.getByTestId('signing-key').textContent())?.trim() ?? '';
    expect(key).toMatch(/^[A-Za-z0-9+/]{64}$/);
    await page.getByRole('button', { name: 'I have copied the key' }).click();
    await expect(page.getByRole('table', { name: 'Endpoints' })).toContainText('E2E receiver');
    expect(await page.content()).not.toContain(key);

    // A webhook on IncidentOpened, picked by its description.
    await shell.open('Webhooks');
    await page.getByRole('link', { name: 'New webhook' }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'New webhook' })).toBeVisible();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Incidents to receiver');
    await page.getByRole('textbox', { name: 'Filter events' }).fill('incident was opened');
    const picker = page.getByTestId('event-picker');
    await expect(picker.getByRole('checkbox')).toHaveCount(1);
    await picker.getByRole('checkbox', { name: 'IncidentOpened' }).check();
    await ops.pick('Endpoints', 'E2E receiver');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await expect(page.getByRole('table', { name: 'Webhooks' })).toContainText('Incidents to receiver');

    // The delivery history, live, before anything happens.
    await shell.open('Deliveries');
    await ops.waitForLive();

    // Open an incident by hand (on a new component) in another tab of the session.
    const other = await page.context().newPage();
    const otherOps = new OperationsPages(other);
    await other.goto(page.url().replace(/\/deliveries.*$/, '/components'));
    await otherOps.createComponent('Payments');
    await other.goto(page.url().replace(/\/deliveries.*$/, '/incidents/new'));
    await otherOps.pick('Component', 'Payments');
    await other.getByRole('textbox', { name: 'Title', exact: true }).fill('Card payments failing');
    await other.getByRole('button', { name: 'Open incident' }).click();
    await expect(other.getByRole('heading', { level: 1, name: 'Card payments failing' })).toBeVisible();
    await other.close();

    // It shows up in the history without a reload and succeeds.
    const row = page.getByRole('table', { name: 'Deliveries' }).locator('tbody tr').filter({ hasText: 'IncidentOpened' });
    await expect(row).toHaveCount(1, { timeout: 20_000 });
    await expect(row.getByTestId('delivery-status')).toHaveText('Succeeded', { timeout: 20_000 });
    await expect(row).toContainText('E2E receiver');
    await expect(row).toContainText('Incidents to receiver');
    await page.screenshot({ path: 'test-results/screens/deliveries.png', fullPage: true });

    // The detail: the exact payload and attempt 1 with status, address and request headers.
    await row.getByRole('button', { name: /Open delivery of IncidentOpened/ }).click();
    const detail = page.getByTestId('delivery-detail');
    await expect(detail).toBeVisible();
    await expect(detail.getByTestId('delivery-payload')).toContainText('"eventName": "IncidentOpened"');
    await expect(detail.getByTestId('delivery-payload')).toContainText('Card payments failing');
    const attempt = detail.getByTestId('attempt-1');
    await expect(attempt.getByTestId('status-code')).toHaveText('200');
    await expect(attempt.getByTestId('remote-addr')).toContainText('127.0.0.1');
    const requestHeaders = attempt.getByRole('table', { name: 'Request headers of attempt 1' });
    await expect(requestHeaders).toContainText('X-Signature');
    await expect(requestHeaders).toContainText('X-Scalr-Webhook-Id');
    await expect(attempt.getByRole('table', { name: 'Response headers of attempt 1' })).toContainText('X-Receiver');
    await page.screenshot({ path: 'test-results/screens/delivery-detail.png', fullPage: true });

    // And the receiver got exactly that, signed with the key revealed above.
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0];
    const expected = createHmac('sha1', key).update(got.body + String(got.headers.date)).digest('hex');
    expect(got.headers['x-signature']).toBe(expected);
    expect(JSON.parse(got.body)).toMatchObject({ eventName: 'IncidentOpened' });
  } finally {
    receiver.server.close();
  }
  void consoleErrors;
});
