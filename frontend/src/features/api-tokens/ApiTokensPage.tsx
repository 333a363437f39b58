import { Badge, Button, Code, Stack, Table, Text } from '@mantine/core';
import { IconBan, IconKey, IconPlus } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { ListPage, queryListState } from '@/components/ListPage';
import { PageHeader } from '@/components/PageHeader';
import { RequireRole } from '@/components/RequireRole';
import { RoleBadge } from '@/components/RoleBadge';
import { RowActions, RowActionsHeader } from '@/components/RowActions';
import { confirmDanger } from '@/components/confirm';
import type { ApiTokenStatus } from '@/gql/graphql';
import { useAccountRole } from '@/lib/account-role';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { roleAtLeast } from '@/lib/roles';
import { ApiTokensQuery, RevokeApiTokenMutation, apiTokensContext } from './api';
const statusColor: Record<ApiTokenStatus, string> = {
  ACTIVE: 'teal',
  EXPIRED: 'orange',
  REVOKED: 'gray',
};

const statusLabel: Record<ApiTokenStatus, string> = {
  ACTIVE: 'Active',
  EXPIRED: 'Expired',
  REVOKED: 'Revoked',
};

function TokensList({ accountId }: { accountId: string }) {
  const query = useQuery({
    query: ApiTokensQuery,
    variables: { accountId },
    context: apiTokensContext,
  });
  const [{ data }] = query;
  const [, revoke] = useMutationWithErrors(RevokeApiTokenMutation, (d) => d.revokeApiToken, {
    failTitle: 'Could not revoke the token',
    context: apiTokensContext,
  });
  const tokens = data?.account?.apiTokens ?? [];

  async function onRevoke(id: string, name: string) {
    const ok = await confirmDanger({
      title: `Revoke ${name}?`,
      message: 'Requests with this token will be refused immediately. This cannot be undone.',
      confirmLabel: 'Revoke token',
    });
    if (!ok) return;
    await revoke({ input: { id } }, { success: `Revoked ${name}.`, notifyUserErrors: true });
  }

  return (
    <ListPage
      state={queryListState(query, tokens)}
      what="API tokens"
      empty={{
        icon: <IconKey size={24} />,
        title: 'No API tokens yet',
        body: 'Create a token for each script or service that calls the API, so you can revoke one without breaking the others.',
        action: <NewTokenButton accountId={accountId} />,
      }}
    >
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="API tokens">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Token</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
              <RowActionsHeader w={50} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.map((t) => (
              <Table.Tr key={t.id} data-status={t.status} opacity={t.status === 'ACTIVE' ? 1 : 0.7}>
                <Table.Td>
                  <Text fw={500} size="sm">
                    {t.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Code>{t.prefix}…</Code>
                </Table.Td>
                <Table.Td>
                  <RoleBadge role={t.role} />
                </Table.Td>
                <Table.Td>
                  <Badge color={statusColor[t.status]} variant="dot">
                    {statusLabel[t.status]}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Stack gap={0}>
                    <DateTime value={t.createdAt} size="sm" />
                    {t.createdBy && (
                      <Text size="xs" c="dimmed">
                        by {t.createdBy.name || t.createdBy.email}
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <DateTime value={t.expiresAt} empty="Never" size="sm" />
                </Table.Td>
                <Table.Td>
                  <DateTime value={t.lastUsedAt} empty="Never" size="sm" />
                </Table.Td>
                <Table.Td>
                  {t.status === 'ACTIVE' && (
                    <RowActions
                      name={t.name}
                      actions={[{ label: 'Revoke', name: `Revoke ${t.name}`, icon: IconBan, danger: true, onClick: () => onRevoke(t.id, t.name) }]}
                    />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </ListPage>
  );
}

function NewTokenButton({ accountId }: { accountId: string }) {
  return (
    <Button component={Link} to={`/accounts/${accountId}/api-tokens/new`} leftSection={<IconPlus size={16} />}>
      New token
    </Button>
  );
}

export default function ApiTokensPage() {
  const { accountId = '' } = useParams();
  const { role } = useAccountRole(accountId);
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Credentials for scripts and services. Each token acts with its role in this account."
        actions={roleAtLeast(role, 'ADMIN') && <NewTokenButton accountId={accountId} />}
      />
      <RequireRole accountId={accountId} role="ADMIN">
        <TokensList accountId={accountId} />
      </RequireRole>
    </>
  );
}
