import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute, testUser } from '@/testing/render';
import MembersPage from './MembersPage';

const invitation = (id: string, email: string, status = 'PENDING') => ({
  __typename: 'Invitation',
  id,
  email,
  role: 'MEMBER',
  invitedBy: 'Ada Admin',
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-08T00:00:00Z',
  sentAt: '2026-01-01T00:00:00Z',
  status,
});

function setup(myRole: Role, handlers: Parameters<typeof createMockClient>[0] = {}) {
  const mock = createMockClient({
    Members: () => ({
      account: {
        id: 'acc1',
        name: 'Acme',
        myRole,
        members: [{ id: 'm1', role: myRole, createdAt: '2026-01-01T00:00:00Z', user: { id: testUser.id, email: testUser.email, name: 'Ada' } }],
      },
    }),
    Invitations: () => ({ account: { id: 'acc1', invitations: [invitation('inv1', 'ivy@example.test'), invitation('inv2', 'old@example.test', 'EXPIRED')] } }),
    ...handlers,
  });
  renderRoute(<MembersPage />, { client: mock.client, path: '/accounts/:accountId/members', url: '/accounts/acc1/members' });
  return mock;
}

describe('invitations', () => {
  it('invites by email with a role; only owners are offered Owner; a field error lands on its input', async () => {
    const user = userEvent.setup();
    let attempt = 0;
    const mock = setup('ADMIN', {
      InviteMember: () => {
        attempt += 1;
        if (attempt === 1) {
          return { inviteMember: { invitation: null, errors: [{ code: 'INVALID', field: 'input.email', message: 'already a member' }] } };
        }
        return { inviteMember: { invitation: invitation('inv3', 'new@example.test'), errors: [] } };
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Invite by email' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invite by email' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Email/ }), 'new@example.test');
    await user.click(within(dialog).getByRole('textbox', { name: /^Role/ }));
    expect(screen.queryByRole('option', { name: 'Owner' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('option', { name: 'Viewer' }));
    await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
    await waitFor(() => expect(within(dialog).getByText('already a member')).toBeInTheDocument());
    expect(within(dialog).getByRole('textbox', { name: /^Email/ })).toHaveAttribute('aria-invalid', 'true');
    await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
    await waitFor(() => expect(mock.callsTo('InviteMember')).toHaveLength(2));
    expect(mock.callsTo('InviteMember')[1].variables).toEqual({ input: { accountId: 'acc1', email: 'new@example.test', role: 'VIEWER' } });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Invite by email' })).not.toBeInTheDocument());
  });

  it('offers Owner to owners', async () => {
    const user = userEvent.setup();
    setup('OWNER');
    await user.click(await screen.findByRole('button', { name: 'Invite by email' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invite by email' });
    await user.click(within(dialog).getByRole('textbox', { name: /^Role/ }));
    expect(await screen.findByRole('option', { name: 'Owner' })).toBeInTheDocument();
  });

  it('lists pending invitations with resend and revoke (confirmed)', async () => {
    const user = userEvent.setup();
    const mock = setup('ADMIN', {
      ResendInvitation: ({ id }) => ({ resendInvitation: { invitation: invitation(id as string, 'ivy@example.test'), errors: [] } }),
      RevokeInvitation: ({ id }) => ({ revokeInvitation: { invitation: { id }, errors: [] } }),
    });
    const table = await screen.findByRole('table', { name: 'Pending invitations' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('ivy@example.test');
    expect(rows[1]).toHaveTextContent('Ada Admin');
    expect(rows[1]).toHaveTextContent('Pending');
    expect(rows[2]).toHaveTextContent('Expired');

    await user.click(within(table).getByRole('button', { name: 'Resend the invitation of ivy@example.test' }));
    await waitFor(() => expect(mock.callsTo('ResendInvitation')).toHaveLength(1));
    expect(mock.callsTo('ResendInvitation')[0].variables).toEqual({ id: 'inv1' });

    await user.click(within(table).getByRole('button', { name: 'Revoke the invitation of old@example.test' }));
    const confirm = await screen.findByRole('dialog', { name: 'Revoke the invitation of old@example.test?' });
    expect(mock.callsTo('RevokeInvitation')).toHaveLength(0);
    await user.click(within(confirm).getByRole('button', { name: 'Revoke invitation' }));
    await waitFor(() => expect(mock.callsTo('RevokeInvitation')).toHaveLength(1));
    expect(mock.callsTo('RevokeInvitation')[0].variables).toEqual({ id: 'inv2' });
  });

  it('shows no invitations to viewers', async () => {
    const mock = setup('VIEWER');
    await screen.findByRole('table', { name: 'Members' });
    expect(screen.queryByRole('button', { name: 'Invite by email' })).not.toBeInTheDocument();
    expect(mock.callsTo('Invitations')).toHaveLength(0);
  });
});
