import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import IncidentRedirectPage from './IncidentRedirectPage';

const table = [
  { path: '/incidents/:incidentId', element: <IncidentRedirectPage /> },
  { path: '/accounts/:accountId/incidents/:incidentId', element: <p>incident page</p> },
];

describe('old incident links (/incidents/:id)', () => {
  it("move to the incident's page in its account", async () => {
    const mock = createMockClient({
      IncidentAccount: ({ id }) => ({ incident: { id, accountId: 'acc9' } }),
    });
    const { router } = renderRoute(null, { client: mock.client, routes: table, url: '/incidents/inc1' });
    expect(await screen.findByText('incident page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/accounts/acc9/incidents/inc1');
    expect(mock.callsTo('IncidentAccount')[0].variables).toEqual({ id: 'inc1' });
  });

  it('say clearly when the incident does not exist or is not visible', async () => {
    const mock = createMockClient({ IncidentAccount: () => ({ incident: null }) });
    const { router } = renderRoute(null, { client: mock.client, routes: table, url: '/incidents/gone' });
    expect(await screen.findByText('Incident not found')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the console' })).toHaveAttribute('href', '/');
    expect(router.state.location.pathname).toBe('/incidents/gone');
  });
});
