import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import IncidentDetailPage from './IncidentDetailPage';

const message = (over: Record<string, unknown> = {}) => ({
  id: 'sm1',
  channelId: 'C0E2E0001',
  ts: '1733560000.000100',
  desiredVersion: 2,
  syncedVersion: 2,
  lastSyncedAt: '2026-12-07T10:00:05Z',
  lastError: '',
  nextAttemptAt: null,
  createdAt: '2026-12-07T10:00:01Z',
  ...over,
});

const incident = (slackMessages: unknown[]) => ({
  __typename: 'Incident',
  id: 'i1',
  accountId: 'acc1',
  title: 'Orders DB CPU high',
  severity: 'CRITICAL',
  status: 'TRIGGERED',
  source: 'CONSOLE',
  sourceKey: '',
  openedAt: '2026-12-07T10:00:00Z',
  openedBy: 'Ada',
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  updatedAt: '2026-12-07T10:00:00Z',
  component: { id: 'c1', name: 'Orders DB', status: 'MAJOR_OUTAGE' },
  integration: null,
  alarm: null,
  timeline: [],
  slackMessages,
});

function setup(first: unknown[]) {
  let current = first;
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'VIEWER' } }),
    Incident: () => ({ incident: incident(current) }),
  });
  renderRoute(<IncidentDetailPage />, {
    client: mock.client,
    path: '/accounts/:accountId/incidents/:incidentId',
    url: '/accounts/acc1/incidents/i1',
  });
  return {
    mock,
    /** What the server answers from now on. */
    answer: (next: unknown[]) => {
      current = next;
    },
  };
}

describe("an incident's Slack messages", () => {
  it('shows the channel, ts, sync state and last error', async () => {
    setup([
      message(),
      message({ id: 'sm2', channelId: 'C0OTHER', ts: '', syncedVersion: 0, lastSyncedAt: null, lastError: 'channel_not_found' }),
    ]);
    const table = await screen.findByRole('table', { name: 'Slack messages' });
    const rows = within(table).getAllByTestId('slack-message');
    expect(rows[0]).toHaveTextContent('C0E2E0001');
    expect(rows[0]).toHaveTextContent('1733560000.000100');
    expect(rows[0]).toHaveTextContent('In sync');
    expect(rows[1]).toHaveTextContent('not posted yet');
    expect(rows[1]).toHaveTextContent('Stopped');
    expect(within(rows[1]).getByTestId('slack-message-error')).toHaveTextContent('channel_not_found');
    expect(rows[1]).toHaveTextContent('never');
  });

  it('says why there is none', async () => {
    setup([]);
    expect(await screen.findByText(/Not posted to Slack/)).toBeInTheDocument();
  });

  it('reloads them when the subscription says the incident changed', async () => {
    const { mock, answer } = setup([]);
    expect(await screen.findByText(/Not posted to Slack/)).toBeInTheDocument();
    answer([message()]);
    act(() =>
      mock.push('IncidentDetailChanged', {
        incidentChanged: { kind: 'UPDATED', incident: { id: 'i1', updatedAt: '2026-12-07T10:01:00Z' } },
      }),
    );
    expect(await screen.findByTestId('slack-message-ts')).toHaveTextContent('1733560000.000100');
  });

  it('asks again while a message is still being posted', async () => {
    const { mock, answer } = setup([message({ ts: '', syncedVersion: 0, desiredVersion: 1, lastSyncedAt: null })]);
    expect(await screen.findByText('Posting')).toBeInTheDocument();
    const before = mock.callsTo('Incident').length;
    answer([message()]);
    await waitFor(() => expect(screen.getByTestId('slack-message-ts')).toBeInTheDocument(), { timeout: 6000 });
    expect(mock.callsTo('Incident').length).toBeGreaterThan(before);
  }, 15_000);
});
