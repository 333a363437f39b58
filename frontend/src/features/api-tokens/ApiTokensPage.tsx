import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Code,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconKey, IconPlus, IconBan } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { RequireRole } from '@/components/RequireRole';
import { RoleBadge } from '@/components/RoleBadge';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import type { ApiTokenStatus } from '@/gql/graphql';
import { useAccountRole } from '@/lib/account-role';
import { notifyError, notifySuccess } from '@/lib/notify';
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

function TokensTable({ accountId }: { accountId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ApiTokensQuery,
    variables: { accountId },
    context: apiTokensContext,
  });
  const [, revoke] = useMutation(RevokeApiTokenMutation);
  const tokens = data?.account?.apiTokens ?? [];
  const newPath = `/accounts/${accountId}/api-tokens/new`;

  async function onRevoke(id: string, name: string) {
    const ok = await confirmDanger({
      title: `Revoke ${name}?`,
      message: 'Requests with this token will be refused immediately. This cannot be undone.',
      confirmLabel: 'Revoke token',
    });
    if (!ok) return;
    const result = await revoke({ input: { id } }, apiTokensContext);
    if (result.error) {
      notifyError(result.error, 'Could not revoke the token');
      return;
    }
    const errors = result.data?.revokeApiToken.errors ?? [];
    if (errors.length > 0) {
      notifyError(errors.map((e) => e.message).join('\n'), 'Could not revoke the token');
      return;
    }
    notifySuccess(`Revoked ${name}.`);
  }

  if (error && !data) {
    return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  }
  if (fetching && !data) return <TableSkeleton label="Loading API tokens" />;
  if (tokens.length === 0) {
    return (
      <EmptyState
        icon={<IconKey size={24} />}
        title="No API tokens yet"
        action={
          <Button component={Link} to={newPath} leftSection={<IconPlus size={16} />}>
            New token
          </Button>
        }
      >
        Create a token for each script or service that calls the API, so you can revoke one
        without breaking the others.
      </EmptyState>
    );
  }
  return (
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
            <Table.Th w={50}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
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
                  <Tooltip label="Revoke">
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Revoke ${t.name}`}
                      onClick={() => onRevoke(t.id, t.name)}
                    >
                      <IconBan size={18} />
                    </ActionIcon>
                  </Tooltip>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
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
        actions={
          roleAtLeast(role, 'ADMIN') && (
            <Button
              component={Link}
              to={`/accounts/${accountId}/api-tokens/new`}
              leftSection={<IconPlus size={16} />}
            >
              New token
            </Button>
          )
        }
      />
      <RequireRole accountId={accountId} role="ADMIN">
        <Card withBorder padding={0} radius="md">
          <Card.Section p="md">
            <TokensTable accountId={accountId} />
          </Card.Section>
        </Card>
      </RequireRole>
    </>
  );
}
