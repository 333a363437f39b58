import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import NewIncidentPage from './NewIncidentPage';

describe('new incident', () => {
  it('focuses the first invalid field, and sends an optional escalation policy', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'MEMBER' } }),
      ComponentOptions: () => ({ account: { id: 'acc1', components: [{ id: 'c1', name: 'Orders DB', group: '' }] } }),
      PolicyOptions: () => ({ account: { id: 'acc1', escalationPolicies: [{ id: 'p2', name: 'Databases' }] } }),
      CreateIncident: () => ({ createIncident: { incident: { id: 'i9', title: 'x', status: 'TRIGGERED' }, errors: [] } }),
    });
    renderRoute(null, {
      client: mock.client,
      routes: [
        { path: '/accounts/:accountId/incidents/new', element: <NewIncidentPage /> },
        { path: '/accounts/:accountId/incidents/:incidentId', element: <p>incident</p> },
      ],
      url: '/accounts/acc1/incidents/new',
    });
    await user.click(await screen.findByRole('button', { name: 'Open incident' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Component' })).toHaveFocus());

    await user.click(screen.getByRole('textbox', { name: 'Component' }));
    await user.click(await screen.findByRole('option', { name: 'Orders DB' }));
    await user.type(screen.getByRole('textbox', { name: 'Title' }), 'Replica lag');
    await user.click(screen.getByRole('textbox', { name: 'Escalation policy' }));
    await user.click(await screen.findByRole('option', { name: 'Databases' }));
    await user.click(screen.getByRole('button', { name: 'Open incident' }));
    await waitFor(() => expect(mock.callsTo('CreateIncident')).toHaveLength(1));
    expect(mock.callsTo('CreateIncident')[0].variables).toEqual({
      input: { componentId: 'c1', title: 'Replica lag', severity: 'HIGH', description: null, escalationPolicyId: 'p2' },
    });
  }, 60_000);
});
