import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import ApprovalDetailPage from './ApprovalDetailPage';
import ApprovalsPage from './ApprovalsPage';
import { approvalFilterToParams, parseApprovalFilter, toApprovalFilter } from './filters';

const req = (id: string, over: Record<string, unknown> = {}) => ({
  __typename: 'ApprovalRequest',
  id,
  operation: 'farm.approval.launch',
  status: 'APPROVED',
  message: 'approved by CAB',
  requestedBy: 'Otto Operator',
  decidedBy: 'endpoint CAB approver (callback)',
  createdAt: '2026-01-01T10:00:00Z',
  expiresAt: '2026-01-01T11:00:00Z',
  decidedAt: '2026-01-01T10:05:00Z',
  farm: { __typename: 'Farm', id: 'f1', name: 'payments-prod', status: 'RUNNING' },
  endpoint: { __typename: 'Endpoint', id: 'ep1', name: 'CAB approver', url: 'https://cab.example.test/approve' },
  ...over,
});

const page = (nodes: unknown[], hasNextPage = false) => ({
  account: {
    id: 'acc1',
    myRole: 'ADMIN',
    approvalRequests: {
      edges: nodes.map((node, i) => ({ cursor: `c${i}`, node })),
      pageInfo: { hasNextPage, endCursor: hasNextPage ? 'next' : null },
    },
  },
});

function renderList(url = '/accounts/acc1/approvals') {
  const mock = createMockClient({
    FarmOptions: () => ({
      account: { id: 'acc1', farms: [{ id: 'f1', name: 'payments-prod', environment: { id: 'env1', name: 'production' } }] },
    }),
    ApprovalRequests: ({ after }) =>
      after === 'next'
        ? page([req('a0', { operation: 'farm.approval.terminate', status: 'EXPIRED', message: 'no decision arrived before the request expired', decidedBy: 'system' })])
        : page(
            [
              req('a2', { status: 'PENDING', message: '', decidedBy: '', decidedAt: null }),
              req('a1', { status: 'DENIED', message: 'change freeze', decidedBy: 'endpoint CAB approver' }),
            ],
            true,
          ),
  });
  const view = renderRoute(null, {
    client: mock.client,
    routes: [
      { path: '/accounts/:accountId/approvals', element: <ApprovalsPage /> },
      { path: '/accounts/:accountId/approvals/:approvalId', element: <div>detail page</div> },
    ],
    url,
  });
  return { ...view, mock };
}

const rows = () =>
  within(screen.getByRole('table', { name: 'Approval requests' }))
    .getAllByRole('row')
    .slice(1);

describe('approvals history', () => {
  it('lists requests with operation, farm, status, endpoint, message and who; pages on; follows farm changes', async () => {
    const user = userEvent.setup();
    const { mock } = renderList();
    await screen.findByRole('table', { name: 'Approval requests' });
    expect(rows()).toHaveLength(2);
    expect(rows()[0]).toHaveAttribute('data-status', 'PENDING');
    expect(rows()[0]).toHaveTextContent('Launch');
    expect(rows()[0]).toHaveTextContent('expires');
    expect(rows()[1]).toHaveTextContent('payments-prod');
    expect(within(rows()[1]).getByTestId('approval-status')).toHaveTextContent('Denied');
    expect(within(rows()[1]).getByTestId('approval-message')).toHaveTextContent('change freeze');
    expect(rows()[1]).toHaveTextContent('CAB approver');
    expect(rows()[1]).toHaveTextContent('by Otto Operator');
    expect(rows()[1]).toHaveTextContent('by endpoint CAB approver');
    expect(mock.callsTo('ApprovalRequests')[0].variables).toEqual({ accountId: 'acc1', filter: {}, first: 25 });

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows()[2]).toHaveTextContent('Terminate');
    expect(within(rows()[2]).getByTestId('approval-status')).toHaveTextContent('Expired');

    // A decision (a farm change) reloads the list.
    await waitFor(() => expect(mock.callsTo('ApprovalFarmChanged')).toHaveLength(1));
    const before = mock.callsTo('ApprovalRequests').length;
    act(() => mock.push('ApprovalFarmChanged', { farmChanged: { id: 'f1', status: 'RUNNING', updatedAt: '2026-01-01T10:06:00Z', pendingApproval: null } }));
    await waitFor(() => expect(mock.callsTo('ApprovalRequests').length).toBeGreaterThan(before));

    await user.click(within(rows()[1]).getByRole('link', { name: 'Open the launch request of payments-prod' }));
    expect(await screen.findByText('detail page')).toBeInTheDocument();
  }, 60_000);

  it('filters by farm and status through the URL', async () => {
    const { mock } = renderList('/accounts/acc1/approvals?farm=f1&status=denied,pending');
    await screen.findByRole('table', { name: 'Approval requests' });
    expect(mock.callsTo('ApprovalRequests')[0].variables.filter).toEqual({ farmId: 'f1', statuses: ['DENIED', 'PENDING'] });
    const s = parseApprovalFilter(new URLSearchParams('farm=f1&status=denied,bogus'));
    expect(s).toEqual({ farmId: 'f1', statuses: ['DENIED'] });
    expect(approvalFilterToParams(s).toString()).toBe('farm=f1&status=denied');
    expect(toApprovalFilter({ farmId: null, statuses: [] })).toEqual({});
  });

  it('writes the filter bar to the URL, keeps other parameters, and clears from the bar or the empty state', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      FarmOptions: () => ({
        account: { id: 'acc1', farms: [{ id: 'f1', name: 'payments-prod', environment: { id: 'env1', name: 'production' } }] },
      }),
      ApprovalRequests: ({ filter }) => page((filter as { statuses?: string[] }).statuses ? [] : [req('a1')]),
    });
    const { router } = renderRoute(<ApprovalsPage />, {
      client: mock.client,
      path: '/accounts/:accountId/approvals',
      url: '/accounts/acc1/approvals?x=1',
    });
    await screen.findByRole('table', { name: 'Approval requests' });
    const bar = screen.getByRole('search', { name: 'Filter approval requests' });
    expect(within(bar).queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument();

    await user.click(within(bar).getByRole('textbox', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Expired' }));
    await waitFor(() => expect(router.state.location.search).toBe('?x=1&status=expired'));
    expect(mock.callsTo('ApprovalRequests').at(-1)?.variables.filter).toEqual({ statuses: ['EXPIRED'] });
    // Nothing matches: the empty state says so and offers to clear.
    expect(await screen.findByText('No approval requests match')).toBeInTheDocument();
    const clears = screen.getAllByRole('button', { name: 'Clear filters' });
    expect(clears).toHaveLength(2);
    await user.click(clears[1]);
    await waitFor(() => expect(router.state.location.search).toBe('?x=1'));
    expect(await screen.findByRole('table', { name: 'Approval requests' })).toBeInTheDocument();
    expect(within(bar).queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument();
  });
});

const detail = (over: Record<string, unknown> = {}) => ({
  ...req('a1'),
  callbackBody: '{"approval_status":"approved","message":"approved by CAB"}',
  delivery: {
    id: 'd1',
    status: 'SUCCEEDED',
    attempts: 1,
    maxAttempts: 3,
    lastStatusCode: 202,
    lastError: '',
    payload: '{"eventName":"BeforeFarmLaunch","requestId":"a1","operation":"farm.approval.launch"}',
    createdAt: '2026-01-01T10:00:00Z',
    completedAt: '2026-01-01T10:00:01Z',
    nextAttemptAt: null,
    attemptDetails: [
      {
        id: 'at1',
        number: 1,
        startedAt: '2026-01-01T10:00:00Z',
        finishedAt: '2026-01-01T10:00:01Z',
        durationMs: 12,
        url: 'https://cab.example.test/approve',
        remoteAddr: '203.0.113.7:443',
        requestHeaders: [
          { key: 'Date', value: 'Thu 01 Jan 2026 10:00:00 UTC' },
          { key: 'X-Signature', value: 'abc123' },
        ],
        statusCode: 202,
        responseHeaders: [{ key: 'Content-Type', value: 'application/json' }],
        responseBody: '{"approval_status":"pending","message":"CAB ticket opened"}',
        errorClass: '',
        errorMessage: '',
      },
    ],
  },
  ...over,
});

function renderDetail(myRole: 'VIEWER' | 'MEMBER' | 'ADMIN', data: unknown) {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    ApprovalRequest: () => ({ approvalRequest: data }),
    CancelApprovalRequest: () => ({ cancelApprovalRequest: { approvalRequest: { ...req('a1'), status: 'CANCELLED' }, errors: [] } }),
  });
  renderRoute(<ApprovalDetailPage />, {
    client: mock.client,
    path: '/accounts/:accountId/approvals/:approvalId',
    url: '/accounts/acc1/approvals/a1',
  });
  return mock;
}

describe('approval request detail', () => {
  it('shows the request as sent, each response of the endpoint, and the callback that decided it', async () => {
    renderDetail('ADMIN', detail());
    expect(await screen.findByRole('heading', { level: 1, name: 'Launch of payments-prod' })).toBeInTheDocument();
    const d = screen.getByTestId('approval-detail');
    expect(within(d).getByTestId('approval-payload')).toHaveTextContent('"requestId": "a1"');
    const attempt = within(d).getByTestId('attempt-1');
    expect(within(attempt).getByTestId('status-code')).toHaveTextContent('202');
    expect(within(attempt).getByRole('table', { name: 'Request headers of attempt 1' })).toHaveTextContent('X-Signatureabc123');
    expect(within(attempt).getByRole('table', { name: 'Response headers of attempt 1' })).toHaveTextContent('Content-Type');
    expect(within(attempt).getByTestId('response-body')).toHaveTextContent('CAB ticket opened');
    expect(within(d).getByTestId('approval-callback')).toHaveTextContent('"approval_status": "approved"');
    expect(screen.getByText('Callback that decided it')).toBeInTheDocument();
    expect(within(d).getByTestId('approval-detail-message')).toHaveTextContent('approved by CAB');
    expect(screen.queryByRole('button', { name: 'Cancel request' })).not.toBeInTheDocument();
  });

  it('lets members cancel a pending request; tells them the request body is for admins', async () => {
    const user = userEvent.setup();
    const mock = renderDetail('MEMBER', detail({ status: 'PENDING', message: '', decidedBy: '', decidedAt: null, callbackBody: '', delivery: null }));
    await user.click(await screen.findByRole('button', { name: 'Cancel request' }));
    expect(screen.getByText(/shown to admins/)).toBeInTheDocument();
    const confirm = await screen.findByRole('dialog', { name: 'Cancel the approval request?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel request' }));
    await waitFor(() => expect(mock.callsTo('CancelApprovalRequest')).toHaveLength(1));
    expect(mock.callsTo('CancelApprovalRequest')[0].variables).toEqual({ input: { id: 'a1' } });
  });

  it('does not let viewers cancel', async () => {
    const mock = renderDetail('VIEWER', detail({ status: 'PENDING', decidedAt: null, callbackBody: '', delivery: null }));
    await screen.findByRole('heading', { level: 1, name: 'Launch of payments-prod' });
    await waitFor(() => expect(mock.callsTo('AccountRole').length).toBeGreaterThan(0));
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(screen.queryByRole('button', { name: 'Cancel request' })).not.toBeInTheDocument();
  });
});
