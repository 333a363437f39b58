import { expect, loginAs, operator, test } from './fixtures';
import { ApprovalsPages } from './pages/approvals-pages';
import { OperationsPages } from './pages/operations';
import { postCallback, scalrDate, scalrSignature, startApprover } from './scalr';

// Runs after console.spec.ts (the setup project adds the operator).
test.describe.configure({ mode: 'serial' });

test('a first launch waits for the approval endpoint and runs when its signed callback approves, live', async ({
  page,
  shell,
  baseURL,
  consoleErrors,
}) => {
  const approver = await startApprover();
  try {
    const ui = new ApprovalsPages(page);
    const ops = new OperationsPages(page);
    await loginAs(page, operator);

    // The approver as a shared account endpoint; its signing key is revealed once: keep it.
    const key = await ui.createSharedEndpoint('CAB approver', approver.url);
    expect(key).toMatch(/^[A-Za-z0-9+/]{64}$/);

    // production asks CAB approver before a farm's first launch.
    await ui.requireFirstLaunchApproval('production', 'CAB approver');

    // A new farm; Launch puts it in PENDING LAUNCH and asks the approver.
    await ui.createFarm('payments-prod', 'production', 'owner@example.test');
    await ui.openFarm('payments-prod');
    await expect(ui.farmStatus()).toHaveText('Not launched'); // a new farm has never run (its Scalr status is TERMINATED)
    await ops.waitForLive();
    await ui.launch();
    await expect(ui.banner()).toBeVisible();
    await expect(ui.banner()).toContainText('PENDING LAUNCH — waiting for approval from CAB approver');
    await expect(ui.banner()).toContainText(new RegExp(`Requested by (${operator.name}|${operator.email})`));
    await expect(ui.banner().getByTestId('approval-countdown')).toContainText(/expires in (59|60):\d\d|expires in 1 h/);
    await expect(ui.farmStatus()).toHaveText('Pending launch');
    await expect(page.getByRole('button', { name: 'Cancel request' })).toBeVisible();

    // The approver got the signed request with its requestId, and answered 202 pending.
    await expect.poll(() => approver.received.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const request = approver.received[0];
    const sent = JSON.parse(request.body) as { requestId: string; operation: string; eventName: string; data: Record<string, string> };
    expect(sent.operation).toBe('farm.approval.launch');
    expect(sent.eventName).toBe('BeforeFarmLaunch');
    expect(sent.data.SCALR_FARM_NAME).toBe('payments-prod');
    expect(request.headers['x-signature']).toBe(scalrSignature(key, request.body, String(request.headers.date)));
    const requestId = sent.requestId;
    expect(requestId).toBeTruthy();
    await page.screenshot({ path: 'test-results/screens/farm-pending-approval.png', fullPage: true });

    // From here on the page must not reload.
    await ops.markDocument();

    // A mis-signed callback is refused and changes nothing.
    const forged = await postCallback(baseURL!, requestId, key, { approval_status: 'approved', message: 'forged' }, {
      signature: scalrSignature('not the key', '{}', scalrDate()),
    });
    expect(forged.status).toBe(403);
    await expect(ui.farmStatus()).toHaveText('Pending launch');

    // The CAB approves with a signed callback: the farm page flips to Running by itself.
    const res = await postCallback(baseURL!, requestId, key, { approval_status: 'approved', message: 'approved by CAB' });
    expect(res.status, await res.clone().text()).toBe(200);
    await expect(ui.farmStatus()).toHaveText('Running', { timeout: 15_000 });
    await expect(ui.banner()).toHaveCount(0);
    await expect(page.getByTestId('approval-last-decision')).toContainText('Launch approved');
    await expect(page.getByTestId('approval-last-message')).toHaveText('approved by CAB');
    await ops.expectNotReloaded();
    await page.screenshot({ path: 'test-results/screens/farm-approved.png', fullPage: true });

    // A second, identical callback is refused: already decided.
    const again = await postCallback(baseURL!, requestId, key, { approval_status: 'approved', message: 'approved by CAB' });
    expect(again.status).toBe(409);

    // The approvals history: APPROVED with the message.
    await shell.open('Approvals');
    const row = ui.approvalRow('payments-prod');
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute('data-status', 'APPROVED');
    await expect(row.getByTestId('approval-status')).toHaveText('Approved');
    await expect(row.getByTestId('approval-message')).toHaveText('approved by CAB');
    await expect(row).toContainText('CAB approver');
    await expect(row).toContainText('Launch');
    await page.screenshot({ path: 'test-results/screens/approvals.png', fullPage: true });

    // The detail: the request as sent, the endpoint's 202 answer and the callback that decided it.
    await row.getByRole('link', { name: /Open the launch request of payments-prod/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Launch of payments-prod' })).toBeVisible();
    const detail = page.getByTestId('approval-detail');
    await expect(detail.getByTestId('approval-payload')).toContainText(`"requestId": "${requestId}"`);
    await expect(detail.getByTestId('approval-payload')).toContainText('"operation": "farm.approval.launch"');
    const attempt = detail.getByTestId('attempt-1');
    await expect(attempt.getByTestId('status-code')).toHaveText('202');
    await expect(attempt.getByRole('table', { name: 'Request headers of attempt 1' })).toContainText('X-Signature');
    await expect(attempt.getByRole('table', { name: 'Response headers of attempt 1' })).toContainText('X-Approver');
    await expect(attempt.getByTestId('response-body')).toContainText('CAB ticket opened');
    await expect(detail.getByTestId('approval-callback')).toContainText('"approval_status": "approved"');
    await expect(detail.getByTestId('approval-detail-message')).toContainText('approved by CAB');
    await page.screenshot({ path: 'test-results/screens/approval-detail.png', fullPage: true });
  } finally {
    approver.server.close();
  }
  void consoleErrors;
});

test('members edit a farm and fire an event about it with parameters', async ({ page, shell, consoleErrors }) => {
  const ui = new ApprovalsPages(page);
  await loginAs(page, operator);
  await shell.open('Farms');
  await ui.showFarmsOf('All environments');
  await ui.openFarm('payments-prod');
  await expect(ui.farmStatus()).toHaveText('Running');

  // Edit: the description shows under the title.
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = page.getByRole('dialog', { name: 'Edit payments-prod' });
  await edit.getByRole('textbox', { name: 'Description', exact: true }).fill('Card payments, EU');
  await edit.getByRole('button', { name: 'Save farm' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole('main')).toContainText('Environment production · Card payments, EU');

  // Fire FarmLaunched with a parameter; the event it recorded carries SCALR_DISK_SIZE.
  await page.getByRole('button', { name: 'Fire event', exact: true }).click();
  const fire = page.getByRole('dialog', { name: 'Fire an event' });
  await new OperationsPages(page).pick('Event', 'FarmLaunched', fire);
  await fire.getByRole('textbox', { name: 'Parameter 1 name' }).fill('diskSize');
  await fire.getByRole('textbox', { name: 'Parameter 1 value' }).fill('100');
  await expect(fire).toContainText('SCALR_DISK_SIZE');
  await fire.getByRole('button', { name: 'Fire event' }).click();
  await expect(fire.getByTestId('fired-event')).toContainText('Fired FarmLaunched');
  await page.screenshot({ path: 'test-results/screens/fire-event.png', fullPage: true });
  await fire.getByRole('link', { name: 'Open the event' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'FarmLaunched' })).toBeVisible();
  const vars = page.getByRole('table', { name: 'Variables' });
  await expect(vars.getByRole('row').filter({ hasText: 'SCALR_DISK_SIZE' })).toContainText('100');
  await expect(vars.getByRole('row').filter({ hasText: 'SCALR_FARM_NAME' })).toContainText('payments-prod');
  void consoleErrors;
});
