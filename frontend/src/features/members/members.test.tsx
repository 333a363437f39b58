import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/gql/graphql';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute, testUser } from '@/testing/render';
import MembersPage from './MembersPage';

const member = (id: string, role: Role, name: string, userId = `u-${id}`) => ({
  id,
  role,
  createdAt: '2026-01-01T00:00:00Z',
  user: { id: userId, email: `${name.toLowerCase()}@example.test`, name },
});

function setup(myRole: Role, handlers: Parameters<typeof createMockClient>[0] = {}) {
  const members = [
    member('m1', myRole, 'Ada', testUser.id),
    member('m2', 'OWNER', 'Olga'),
    member('m3', 'VIEWER', 'Vic'),
  ];
  const mock = createMockClient({
    Members: () => ({ account: { id: 'acc1', name: 'Acme', myRole, members } }),
    Invitations: () => ({ account: { id: 'acc1', invitations: [] } }),
    ...handlers,
  });
  renderRoute(<MembersPage />, {
    client: mock.client,
    path: '/accounts/:accountId/members',
    url: '/accounts/acc1/members',
  });
  return mock;
}

describe('MembersPage', () => {
  it('gives a viewer a read-only list', async () => {
    setup('VIEWER');
    const table = await screen.findByRole('table', { name: 'Members' });
    expect(within(table).getByText('Olga')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add member' })).not.toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: /^Role of/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Remove / })).not.toBeInTheDocument();
  });

  it('lets an admin manage members up to their own role, but not owners', async () => {
    setup('ADMIN');
    await screen.findByRole('table', { name: 'Members' });
    expect(screen.getByRole('button', { name: 'Add member' })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Role of Vic' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Remove Vic' })).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Role of Olga' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Remove Olga' })).not.toBeInTheDocument();
  });

  it('changes a role', async () => {
    const user = userEvent.setup();
    const mock = setup('OWNER', {
      UpdateMemberRole: ({ input }) => ({
        updateMemberRole: {
          membership: { id: (input as { membershipId: string }).membershipId, role: 'ADMIN' },
          errors: [],
        },
      }),
    });
    await user.click(await screen.findByRole('textbox', { name: 'Role of Vic' }));
    await user.click(await screen.findByRole('option', { name: 'Admin' }));
    await waitFor(() =>
      expect(mock.callsTo('UpdateMemberRole')[0]?.variables).toEqual({
        input: { membershipId: 'm3', role: 'ADMIN' },
      }),
    );
  });

  it('asks for a name and password when the email is new, showing the error by the email', async () => {
    const user = userEvent.setup();
    const mock = setup('ADMIN', {
      AddMember: ({ input }) =>
        (input as { name?: string }).name
          ? { addMember: { membership: member('m9', 'MEMBER', 'Grace'), errors: [] } }
          : {
              addMember: {
                membership: null,
                errors: [
                  {
                    code: 'INVALID',
                    field: 'email',
                    message: 'no user has this email yet: give a name and an initial password to create one',
                  },
                ],
              },
            },
    });
    await user.click(await screen.findByRole('button', { name: 'Add member' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add member' });
    const email = within(dialog).getByRole('textbox', { name: /^Email/ });
    await user.type(email, 'grace@example.test');
    await user.click(within(dialog).getByRole('button', { name: 'Add member' }));

    await waitFor(() => expect(email).toHaveAccessibleDescription(/no user has this email yet/));
    const name = within(dialog).getByRole('textbox', { name: /^Name/ });
    await user.type(name, 'Grace');
    await user.type(within(dialog).getByLabelText(/^Initial password/), 'a long password');
    await user.click(within(dialog).getByRole('button', { name: 'Add member' }));
    await waitFor(() => expect(mock.callsTo('AddMember')).toHaveLength(2));
    expect(mock.callsTo('AddMember')[1].variables).toEqual({
      input: {
        accountId: 'acc1',
        email: 'grace@example.test',
        role: 'MEMBER',
        name: 'Grace',
        password: 'a long password',
      },
    });
  });
});
