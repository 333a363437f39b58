import { Avatar, Badge, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { IconMail, IconUserMinus, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { ListPage, queryListState } from '@/components/ListPage';
import { RoleBadge } from '@/components/RoleBadge';
import { RowActions, RowActionsHeader } from '@/components/RowActions';
import { confirmDanger } from '@/components/confirm';
import type { Role } from '@/gql/graphql';
import { useAuth } from '@/lib/auth/auth-context';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { ROLE_LABELS, assignableRoles, roleAtLeast } from '@/lib/roles';
import {
  MembersQuery,
  RemoveMemberMutation,
  UpdateMemberRoleMutation,
  membersContext,
} from './api';
import { AddMemberModal } from './components/AddMemberModal';
import { InviteMemberModal } from './components/InviteMemberModal';
import { PendingInvitations } from './components/PendingInvitations';

function initials(name: string, email: string) {
  const source = name.trim() || email;
  return source
    .split(/\s+/)
    .slice(0, 2)
    .map((p) => p[0]?.toUpperCase() ?? '')
    .join('');
}

export default function MembersPage() {
  const { accountId = '' } = useParams();
  const navigate = useNavigate();
  const { user: me } = useAuth();
  const query = useQuery({
    query: MembersQuery,
    variables: { accountId },
    context: membersContext,
  });
  const [{ data }, refetch] = query;
  const [, updateRole] = useMutationWithErrors(UpdateMemberRoleMutation, (d) => d.updateMemberRole, {
    failTitle: 'Could not change the role',
    context: membersContext,
  });
  const [, removeMember] = useMutationWithErrors(RemoveMemberMutation, (d) => d.removeMember, {
    failTitle: 'Could not remove the member',
    context: membersContext,
  });
  const [adding, setAdding] = useState(false);
  const [inviting, setInviting] = useState(false);
  const [pendingId, setPendingId] = useState<string | null>(null);

  const account = data?.account;
  const myRole = account?.myRole;
  const canManage = roleAtLeast(myRole, 'ADMIN');
  const assignable = assignableRoles(myRole);
  const members = account?.members ?? [];

  async function changeRole(membershipId: string, role: Role) {
    setPendingId(membershipId);
    const outcome = await updateRole(
      { input: { membershipId, role } },
      { success: `Role changed to ${ROLE_LABELS[role].toLowerCase()}.`, notifyUserErrors: true },
    );
    setPendingId(null);
    // Refused: the select shows the role the server has.
    if (!outcome.ok && outcome.payload) refetch({ requestPolicy: 'network-only' });
  }

  async function remove(membershipId: string, name: string, isMe: boolean) {
    const ok = await confirmDanger({
      title: isMe ? 'Leave this account?' : `Remove ${name}?`,
      message: isMe
        ? 'You will lose access to this account until someone adds you again.'
        : `${name} will lose access to ${account?.name ?? 'this account'}. Their user stays; you can add them again later.`,
      confirmLabel: isMe ? 'Leave account' : 'Remove member',
    });
    if (!ok) return;
    const outcome = await removeMember({ input: { membershipId } }, { success: isMe ? undefined : `Removed ${name}.`, notifyUserErrors: true });
    if (outcome.ok && isMe) navigate('/', { replace: true });
  }

  return (
    <>
      <ListPage
        title="Members"
        description={
          canManage
            ? 'People with access to this account, and what they may do.'
            : 'People with access to this account. Only admins and owners can change members.'
        }
        actions={
          canManage && (
            <Group gap="sm">
              <Button variant="default" leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)}>
                Add member
              </Button>
              <Button leftSection={<IconMail size={16} />} onClick={() => setInviting(true)}>
                Invite by email
              </Button>
            </Group>
          )
        }
        state={queryListState(query, members, !account && 'Account not found')}
        what="members"
        empty={{ icon: <IconUsers size={24} />, title: 'No members' }}
      >
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" highlightOnHover aria-label="Members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Member</Table.Th>
                <Table.Th w={180}>Role</Table.Th>
                <Table.Th>Joined</Table.Th>
                {canManage && <RowActionsHeader w={60} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.map((m) => {
                const isMe = m.user.id === me?.id;
                const label = m.user.name || m.user.email;
                // Nobody hands out or takes away more than their own role.
                const editable = canManage && roleAtLeast(myRole, m.role);
                return (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <Avatar radius="xl" size="md" color="indigo" aria-hidden>
                          {initials(m.user.name, m.user.email)}
                        </Avatar>
                        <Stack gap={0}>
                          <Group gap={6}>
                            <Text fw={500} size="sm">
                              {m.user.name || '—'}
                            </Text>
                            {isMe && (
                              <Badge size="xs" variant="outline" color="gray">
                                You
                              </Badge>
                            )}
                          </Group>
                          <Text size="xs" c="dimmed">
                            {m.user.email}
                          </Text>
                        </Stack>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {editable ? (
                        <Select
                          aria-label={`Role of ${label}`}
                          size="xs"
                          allowDeselect={false}
                          data={assignable.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
                          value={m.role}
                          disabled={pendingId === m.id}
                          onChange={(v) => v && v !== m.role && changeRole(m.id, v as Role)}
                          comboboxProps={{ withinPortal: true }}
                        />
                      ) : (
                        <RoleBadge role={m.role} />
                      )}
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={m.createdAt} size="sm" />
                    </Table.Td>
                    {canManage && (
                      <Table.Td>
                        {(editable || isMe) && (
                          <RowActions
                            name={label}
                            actions={[
                              {
                                label: isMe ? 'Leave account' : 'Remove',
                                name: isMe ? 'Leave account' : `Remove ${label}`,
                                icon: IconUserMinus,
                                danger: true,
                                onClick: () => remove(m.id, label, isMe),
                              },
                            ]}
                          />
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListPage>
      {canManage && <PendingInvitations accountId={accountId} />}
      {canManage && myRole && (
        <InviteMemberModal accountId={accountId} myRole={myRole} opened={inviting} onClose={() => setInviting(false)} />
      )}
      {canManage && myRole && (
        <AddMemberModal
          accountId={accountId}
          myRole={myRole}
          opened={adding}
          onClose={() => setAdding(false)}
        />
      )}
    </>
  );
}
