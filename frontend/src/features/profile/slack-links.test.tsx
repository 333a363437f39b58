import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute, testUser } from '@/testing/render';
import ProfilePage from './ProfilePage';

describe('Profile: Slack links', () => {
  it('lists your Slack links and unlinks one after confirming', async () => {
    const user = userEvent.setup();
    const mock = createMockClient({
      Profile: () => ({
        me: {
          authMethod: 'SESSION',
          user: {
            ...testUser,
            createdAt: '2026-01-01T00:00:00Z',
            memberships: [{ id: 'm1', role: 'ADMIN', account: { id: 'acc1', name: 'Acme' } }],
            slackLinks: [
              { id: 'l1', accountId: 'acc1', teamId: 'T0E2E', slackUserId: 'U0E2E0001', createdAt: '2026-12-07T10:00:00Z' },
            ],
          },
        },
      }),
      UnlinkSlackUser: () => ({ unlinkSlackUser: { deletedId: 'l1', errors: [] } }),
    });
    renderRoute(<ProfilePage />, { client: mock.client });
    const table = await screen.findByRole('table', { name: 'Slack links' });
    expect(table).toHaveTextContent('Acme');
    expect(table).toHaveTextContent('T0E2E');
    expect(table).toHaveTextContent('U0E2E0001');
    await user.click(within(table).getByRole('button', { name: 'Unlink U0E2E0001' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unlink U0E2E0001?' });
    await user.click(within(dialog).getByRole('button', { name: 'Unlink' }));
    await waitFor(() => expect(mock.callsTo('UnlinkSlackUser')).toHaveLength(1));
    expect(mock.callsTo('UnlinkSlackUser')[0].variables).toEqual({ input: { id: 'l1' } });
  });
});
