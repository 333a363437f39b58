import { ActionIcon, Badge, Card, Group, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconMailForward, IconX } from '@tabler/icons-react';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { QueryError } from '@/components/QueryError';
import { RoleBadge } from '@/components/RoleBadge';
import { confirmDanger } from '@/components/confirm';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import {
  InvitationsQuery,
  ResendInvitationMutation,
  RevokeInvitationMutation,
  invitationsContext,
} from '../api';

/** Open invitations (admins): resend mails a new link and extends the expiry; revoke kills the links. */
export function PendingInvitations({ accountId }: { accountId: string }) {
  const [{ data, error }, refetch] = useQuery({
    query: InvitationsQuery,
    variables: { accountId },
    context: invitationsContext,
  });
  const [, resend] = useMutationWithErrors(ResendInvitationMutation, (d) => d.resendInvitation, {
    failTitle: 'Could not resend the invitation',
    context: invitationsContext,
  });
  const [, revoke] = useMutationWithErrors(RevokeInvitationMutation, (d) => d.revokeInvitation, {
    failTitle: 'Could not revoke the invitation',
    context: invitationsContext,
  });
  const invitations = data?.account?.invitations ?? [];

  async function onRevoke(id: string, email: string) {
    const ok = await confirmDanger({
      title: `Revoke the invitation of ${email}?`,
      message: 'The links already mailed stop working. You can invite them again later.',
      confirmLabel: 'Revoke invitation',
    });
    if (!ok) return;
    await revoke({ id }, { success: `Revoked the invitation of ${email}.`, notifyUserErrors: true });
  }

  if (error && !data) return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (invitations.length === 0) return null;
  return (
    <Card withBorder radius="md" mt="lg">
      <Title order={2} size="h5" mb="sm">
        Pending invitations
      </Title>
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="xs" aria-label="Pending invitations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th w={110}>Role</Table.Th>
              <Table.Th>Invited by</Table.Th>
              <Table.Th w={140}>Sent</Table.Th>
              <Table.Th w={140}>Expires</Table.Th>
              <Table.Th w={100}>Status</Table.Th>
              <Table.Th w={90}>
                <Text span size="sm" fw={700}>
                  Actions
                </Text>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invitations.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>
                  <Text size="sm">{i.email}</Text>
                </Table.Td>
                <Table.Td>
                  <RoleBadge role={i.role} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{i.invitedBy || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <DateTime value={i.sentAt} size="sm" />
                </Table.Td>
                <Table.Td>
                  <DateTime value={i.expiresAt} size="sm" />
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" radius="sm" color={i.status === 'EXPIRED' ? 'gray' : 'blue'}>
                    {i.status === 'EXPIRED' ? 'Expired' : 'Pending'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Tooltip label="Resend (new link, new expiry)">
                      <ActionIcon
                        variant="subtle"
                        aria-label={`Resend the invitation of ${i.email}`}
                        onClick={() => resend({ id: i.id }, { success: `Sent a new invitation to ${i.email}.`, notifyUserErrors: true })}
                      >
                        <IconMailForward size={18} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label="Revoke">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Revoke the invitation of ${i.email}`}
                        onClick={() => onRevoke(i.id, i.email)}
                      >
                        <IconX size={18} />
                      </ActionIcon>
                    </Tooltip>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
