import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import OverviewPage from './OverviewPage';

const checklist = (over: Record<string, boolean> = {}) => ({
  hasComponent: true,
  hasIntegration: false,
  hasEndpoint: false,
  hasWebhook: false,
  done: false,
  ...over,
});

const overview = (over: Record<string, unknown> = {}) => ({
  account: {
    id: 'acc1',
    name: 'Acme',
    overview: {
      openIncidents: [
        { severity: 'CRITICAL', count: 2 },
        { severity: 'HIGH', count: 1 },
        { severity: 'MEDIUM', count: 0 },
        { severity: 'LOW', count: 0 },
      ],
      degradedComponents: [{ id: 'c1', name: 'Orders DB', status: 'MAJOR_OUTAGE' }],
      failingEndpoints: [
        { id: 'e1', name: 'Slack', scope: 'ENVIRONMENT', scopeId: 'env1', health: { state: 'PAUSED', reason: 'HTTP 503 five times in a row' } },
      ],
      failedDeliveries24h: 7,
      checklist: checklist(),
      ...over,
    },
  },
});

function renderOverview(data: () => unknown, myRole: Role = 'ADMIN') {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole } }),
    AccountOverview: data,
    OnCallNow: () => ({ account: { id: 'acc1', onCallNow: [] } }),
  });
  const view = renderRoute(<OverviewPage />, { client: mock.client, path: '/accounts/:accountId/overview', url: '/accounts/acc1/overview' });
  return { ...view, mock };
}

describe('account overview', () => {
  it('shows open incidents by severity, what is broken, failed deliveries and who is on call, each linking to its list', async () => {
    renderOverview(() => overview());
    const incidents = await screen.findByTestId('overview-incidents');
    expect(within(incidents).getByTestId('open-incidents-total')).toHaveTextContent('3');
    expect(within(incidents).getByRole('link', { name: '2 open critical incidents' })).toHaveAttribute(
      'href',
      '/accounts/acc1/incidents?severity=critical',
    );
    expect(within(incidents).getByRole('link', { name: '1 open high incidents' })).toHaveAttribute('href', '/accounts/acc1/incidents?severity=high');

    const components = screen.getByTestId('overview-components');
    expect(components).toHaveTextContent('Orders DB');
    expect(components).toHaveTextContent('Major outage');
    expect(within(components).getByRole('link', { name: 'All components' })).toHaveAttribute('href', '/accounts/acc1/components');

    const endpoints = screen.getByTestId('overview-endpoints');
    expect(within(endpoints).getByRole('link', { name: 'Slack' })).toHaveAttribute('href', '/accounts/acc1/endpoints?scope=environment&env=env1');
    expect(endpoints).toHaveTextContent('Paused');
    expect(endpoints).toHaveTextContent('HTTP 503 five times in a row');

    const deliveries = within(screen.getByTestId('overview-deliveries')).getByRole('link', { name: '7 deliveries failed in the last 24 hours' });
    expect(deliveries.getAttribute('href')).toMatch(/^\/accounts\/acc1\/deliveries\?status=failed&range=24h&at=\d+$/);

    expect(screen.getByRole('heading', { name: 'On call now' })).toBeInTheDocument();
  });

  it('walks through getting started: done steps ticked, each step links to where it is done', async () => {
    renderOverview(() => overview());
    const card = await screen.findByTestId('overview-checklist');
    expect(card).toHaveTextContent('1 of 4 done');
    const items = within(card).getAllByRole('listitem');
    expect(items.map((li) => li.textContent?.split(' — ')[0])).toEqual([
      'Add a component',
      'Connect an integration',
      'Add an endpoint',
      'Create a webhook',
    ]);
    expect(items[0]).toHaveAttribute('data-done', 'true');
    expect(items[0]).toHaveTextContent('(done)');
    expect(items[1]).not.toHaveAttribute('data-done');
    expect(within(card).getByRole('link', { name: 'Add a component' })).toHaveAttribute('href', '/accounts/acc1/components');
    expect(within(card).getByRole('link', { name: 'Connect an integration' })).toHaveAttribute('href', '/accounts/acc1/integrations/new');
    expect(within(card).getByRole('link', { name: 'Add an endpoint' })).toHaveAttribute('href', '/accounts/acc1/endpoints');
    expect(within(card).getByRole('link', { name: 'Create a webhook' })).toHaveAttribute('href', '/accounts/acc1/webhooks/new');
  });

  it('hides the checklist once done, and does not link deliveries for members who cannot see them', async () => {
    renderOverview(
      () =>
        overview({
          checklist: checklist({ hasIntegration: true, hasEndpoint: true, hasWebhook: true, done: true }),
          degradedComponents: [],
          failingEndpoints: [],
          failedDeliveries24h: 0,
        }),
      'MEMBER',
    );
    await screen.findByTestId('overview-incidents');
    expect(screen.queryByTestId('overview-checklist')).not.toBeInTheDocument();
    expect(screen.getByTestId('overview-components')).toHaveTextContent('Every component is operational.');
    expect(screen.getByTestId('overview-endpoints')).toHaveTextContent('No endpoint is failing.');
    expect(screen.getByTestId('failed-deliveries').tagName).not.toBe('A');
  });

  it('reloads when an incident opens or changes', async () => {
    let critical = 2;
    const { mock } = renderOverview(() => {
      const o = overview();
      o.account.overview.openIncidents[0] = { severity: 'CRITICAL', count: critical };
      return o;
    });
    await screen.findByTestId('overview-incidents');
    await waitFor(() => expect(mock.callsTo('OverviewIncidentChanged')).toHaveLength(1));
    critical = 3;
    act(() => mock.push('OverviewIncidentChanged', { incidentChanged: { kind: 'OPENED', incident: { id: 'i9', updatedAt: '2026-01-01T10:00:00Z' } } }));
    await waitFor(() => expect(screen.getByTestId('open-incidents-total')).toHaveTextContent('4'));
  });
});
