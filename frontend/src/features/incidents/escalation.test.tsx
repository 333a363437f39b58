import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import IncidentDetailPage from './IncidentDetailPage';

const ana = { id: 'u-ana', name: 'Ana Lima', email: 'ana@example.test' };
const ben = { id: 'u-ben', name: 'Ben', email: 'ben@example.test' };

const incident = (over: Record<string, unknown> = {}) => ({
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
  unreachedAt: null,
  assignee: null,
  escalation: {
    policy: { id: 'p1', name: 'Platform' },
    policySource: 'COMPONENT',
    state: 'ACTIVE',
    level: 1,
    levelCount: 2,
    repeatsLeft: 1,
    nextStepAt: new Date(Date.now() + 4 * 60_000 + 30_000).toISOString(),
    snoozedUntil: null,
    paged: [ana],
  },
  notifications: [
    {
      id: 'n1',
      reason: 'page',
      channel: 'EMAIL',
      recipient: 'ana@example.test',
      level: 1,
      status: 'KEPT',
      attempts: 1,
      lastError: '',
      createdAt: '2026-12-07T10:00:01Z',
      sentAt: null,
      user: ana,
    },
    {
      id: 'n2',
      reason: 'page',
      channel: 'NTFY',
      recipient: 'https://ntfy.example/ana',
      level: 1,
      status: 'RETRYING',
      attempts: 3,
      lastError: 'HTTP 503 from ntfy',
      createdAt: '2026-12-07T10:00:01Z',
      sentAt: null,
      user: ana,
    },
  ],
  ...over,
});

function setup(role: Role, over: Record<string, unknown> = {}) {
  const current = incident(over);
  const payload = { incident: current, errors: [] };
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: role } }),
    Incident: () => ({ incident: current }),
    MemberOptions: () => ({
      account: { id: 'acc1', members: [ana, ben].map((user, i) => ({ id: `m${i}`, role: 'MEMBER', user })) },
    }),
    PolicyOptions: () => ({ account: { id: 'acc1', escalationPolicies: [{ id: 'p1', name: 'Platform' }, { id: 'p2', name: 'Databases' }] } }),
    UnacknowledgeIncident: () => ({ unacknowledgeIncident: payload }),
    ReassignIncident: () => ({ reassignIncident: payload }),
    SnoozeIncident: () => ({ snoozeIncident: payload }),
    SetIncidentPolicy: () => ({ setIncidentPolicy: payload }),
    EscalateIncident: () => ({ escalateIncident: payload }),
  });
  renderRoute(<IncidentDetailPage />, {
    client: mock.client,
    path: '/accounts/:accountId/incidents/:incidentId',
    url: '/accounts/acc1/incidents/i1',
  });
  return mock;
}

describe('incident escalation panel', () => {
  it('shows where paging stands to viewers, without actions', async () => {
    setup('VIEWER');
    const panel = await screen.findByTestId('escalation-panel');
    expect(panel).toHaveTextContent('Escalating');
    expect(panel).toHaveTextContent('Platform (from the component)');
    expect(panel).toHaveTextContent('1 of 2');
    expect(panel).toHaveTextContent('Repeats left1');
    expect(within(panel).getByTestId('next-step')).toHaveTextContent(/^in 4:\d\d$/);
    const notes = within(panel).getByRole('table', { name: 'Notifications' });
    const rows = within(notes).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('Kept, not sent');
    expect(rows[1]).toHaveTextContent('Retrying');
    expect(rows[1]).toHaveTextContent('3 attempts');
    expect(rows[1]).toHaveTextContent('HTTP 503 from ntfy');
    expect(within(panel).queryByRole('button')).not.toBeInTheDocument();
  }, 60_000);

  it('lets members snooze, reassign, change the policy and escalate now', async () => {
    const user = userEvent.setup();
    const mock = setup('MEMBER');
    const panel = await screen.findByTestId('escalation-panel');

    await user.click(within(panel).getByRole('button', { name: 'Paging' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Snooze…' }));
    const snooze = await screen.findByRole('dialog', { name: 'Snooze incident' });
    const minutes = within(snooze).getByRole('textbox', { name: 'Minutes' });
    await user.clear(minutes);
    await user.type(minutes, '2000');
    await user.click(within(snooze).getByRole('button', { name: 'Snooze' }));
    expect(await within(snooze).findByText('From 1 to 1,440 minutes')).toBeInTheDocument();
    await user.clear(minutes);
    await user.type(minutes, '45');
    await user.click(within(snooze).getByRole('button', { name: 'Snooze' }));
    await waitFor(() => expect(mock.callsTo('SnoozeIncident')).toHaveLength(1));
    expect(mock.callsTo('SnoozeIncident')[0].variables).toEqual({ input: { id: 'i1', minutes: 45 } });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Snooze incident' })).not.toBeInTheDocument());

    await user.click(within(panel).getByRole('button', { name: 'Paging' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Reassign…' }));
    const reassign = await screen.findByRole('dialog', { name: 'Reassign incident' });
    await user.click(within(reassign).getByRole('textbox', { name: 'Hand it to' }));
    await user.click(await screen.findByRole('option', { name: 'Ben (ben@example.test)' }));
    await user.click(within(reassign).getByRole('button', { name: 'Reassign and page' }));
    await waitFor(() => expect(mock.callsTo('ReassignIncident')).toHaveLength(1));
    expect(mock.callsTo('ReassignIncident')[0].variables).toEqual({ input: { id: 'i1', userId: 'u-ben' } });

    await user.click(within(panel).getByRole('button', { name: 'Paging' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Change policy…' }));
    const policy = await screen.findByRole('dialog', { name: 'Change escalation policy' });
    await user.click(within(policy).getByRole('textbox', { name: 'Policy for this incident' }));
    await user.click(await screen.findByRole('option', { name: 'Databases' }));
    await user.click(within(policy).getByRole('button', { name: 'Change policy' }));
    await waitFor(() => expect(mock.callsTo('SetIncidentPolicy')).toHaveLength(1));
    expect(mock.callsTo('SetIncidentPolicy')[0].variables).toEqual({ input: { id: 'i1', policyId: 'p2' } });

    await user.click(within(panel).getByRole('button', { name: 'Paging' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Escalate now' }));
    await waitFor(() => expect(mock.callsTo('EscalateIncident')).toHaveLength(1));
  }, 120_000);

  it('offers un-acknowledge on an acknowledged incident and shows a page that reached nobody', async () => {
    const user = userEvent.setup();
    const mock = setup('MEMBER', {
      status: 'ACKNOWLEDGED',
      unreachedAt: '2026-12-07T10:00:05Z',
      assignee: ben,
      escalation: { ...incident().escalation, state: 'ACKNOWLEDGED', nextStepAt: null },
    });
    const panel = await screen.findByTestId('escalation-panel');
    expect(panel).toHaveTextContent('A page reached nobody');
    expect(panel).toHaveTextContent('AssigneeBen');
    await user.click(within(panel).getByRole('button', { name: 'Un-acknowledge' }));
    await waitFor(() => expect(mock.callsTo('UnacknowledgeIncident')).toHaveLength(1));
    expect(mock.callsTo('UnacknowledgeIncident')[0].variables).toEqual({ input: { id: 'i1' } });
  }, 60_000);
});
