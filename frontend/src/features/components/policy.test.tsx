import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import ComponentsPage from './ComponentsPage';

const comp = {
  id: 'c1',
  accountId: 'acc1',
  name: 'Orders DB',
  description: '',
  group: '',
  status: 'OPERATIONAL',
  statusOverride: null,
  openIncidentCount: 0,
  escalationPolicy: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('component escalation policy', () => {
  it('attaches a policy from the component form', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      Components: () => ({ account: { id: 'acc1', myRole: 'ADMIN', components: [comp] } }),
      PolicyOptions: () => ({ account: { id: 'acc1', escalationPolicies: [{ id: 'p1', name: 'Platform' }] } }),
      UpdateComponent: () => ({ updateComponent: { component: comp, errors: [] } }),
      SetEscalationPolicy: () => ({
        setEscalationPolicy: { component: { id: 'c1', escalationPolicy: { id: 'p1', name: 'Platform' } }, integration: null, errors: [] },
      }),
    });
    renderRoute(<ComponentsPage />, { client: mock.client, path: '/accounts/:accountId/components', url: '/accounts/acc1/components' });
    await user.click(await screen.findByRole('button', { name: 'Edit Orders DB' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Orders DB' });
    await user.click(within(dialog).getByRole('textbox', { name: 'Escalation policy' }));
    await user.click(await screen.findByRole('option', { name: 'Platform' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mock.callsTo('SetEscalationPolicy')).toHaveLength(1));
    expect(mock.callsTo('SetEscalationPolicy')[0].variables).toEqual({ input: { targetId: 'c1', policyId: 'p1' } });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit Orders DB' })).not.toBeInTheDocument());
    expect(await screen.findByText('Saved Orders DB.')).toBeInTheDocument();
  }, 60_000);
});
