import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Group,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconGavel, IconPencil, IconPlus, IconStack2, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import { useCurrentEnvironmentId } from '@/lib/current-context';
import { notifyError, notifySuccess } from '@/lib/notify';
import { roleAtLeast } from '@/lib/roles';
import { DeleteEnvironmentMutation, EnvironmentsQuery, environmentsContext } from './api';
import { ApprovalSettingsModal, approvalSummary } from './components/ApprovalSettingsModal';
import { EnvironmentFormModal, type EditableEnvironment } from './components/EnvironmentFormModal';

export default function EnvironmentsPage() {
  const { accountId = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: EnvironmentsQuery,
    variables: { accountId },
    context: environmentsContext,
  });
  const [, deleteEnvironment] = useMutation(DeleteEnvironmentMutation);
  const [currentEnvId, setCurrentEnvId] = useCurrentEnvironmentId(accountId);
  const [modal, setModal] = useState<{ open: boolean; env: EditableEnvironment | null }>({
    open: false,
    env: null,
  });

  const [approvalsFor, setApprovalsFor] = useState<string | null>(null);
  const account = data?.account;
  const canManage = roleAtLeast(account?.myRole, 'ADMIN');
  const environments = account?.environments ?? [];

  async function remove(env: EditableEnvironment) {
    const ok = await confirmDanger({
      title: `Delete ${env.name}?`,
      message: (
        <>
          The environment <b>{env.name}</b> and everything configured in it will be deleted. This
          cannot be undone.
        </>
      ),
      confirmLabel: 'Delete environment',
    });
    if (!ok) return;
    const result = await deleteEnvironment({ input: { id: env.id } }, environmentsContext);
    if (result.error) {
      notifyError(result.error, 'Could not delete the environment');
      return;
    }
    const errors = result.data?.deleteEnvironment.errors ?? [];
    if (errors.length > 0) {
      notifyError(errors.map((e) => e.message).join('\n'), 'Could not delete the environment');
      return;
    }
    if (currentEnvId === env.id) setCurrentEnvId(null);
    notifySuccess(`Deleted ${env.name}.`);
  }

  const newButton = canManage && (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ open: true, env: null })}>
      New environment
    </Button>
  );

  let body;
  if (error && !data) {
    body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  } else if (fetching && !data) {
    body = <TableSkeleton label="Loading environments" />;
  } else if (!account) {
    body = <EmptyState title="Account not found" />;
  } else if (environments.length === 0) {
    body = (
      <EmptyState icon={<IconStack2 size={24} />} title="No environments yet" action={newButton}>
        Environments keep separate configurations apart, such as staging and production.
      </EmptyState>
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Environments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th>Approvals</Table.Th>
              <Table.Th>Created</Table.Th>
              {canManage && (
                <Table.Th w={130}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {environments.map((env) => (
              <Table.Tr key={env.id}>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Text fw={500}>{env.name}</Text>
                    {env.id === currentEnvId && (
                      <Badge size="sm" variant="light" style={{ flexShrink: 0 }}>
                        Current
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  {env.description ? (
                    <Text size="sm" lineClamp={2}>
                      {env.description}
                    </Text>
                  ) : (
                    <Text size="sm" c="dimmed">
                      No description
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {(() => {
                    const summary = approvalSummary(env.approvalSettings);
                    return (
                      <Text size="sm" c={summary === 'Off' ? 'dimmed' : undefined} data-testid="approval-summary">
                        {summary}
                      </Text>
                    );
                  })()}
                </Table.Td>
                <Table.Td>
                  <DateTime value={env.createdAt} size="sm" />
                </Table.Td>
                {canManage && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Tooltip label="Approval settings">
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          aria-label={`Approval settings of ${env.name}`}
                          onClick={() => setApprovalsFor(env.id)}
                        >
                          <IconGavel size={18} />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Edit">
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          aria-label={`Edit ${env.name}`}
                          onClick={() => setModal({ open: true, env })}
                        >
                          <IconPencil size={18} />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Delete">
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={`Delete ${env.name}`}
                          onClick={() => remove(env)}
                        >
                          <IconTrash size={18} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <>
      <PageHeader
        title="Environments"
        description="Separate configurations within this account, such as staging and production."
        actions={environments.length > 0 ? newButton : null}
      />
      <Card withBorder padding={0} radius="md">
        <Card.Section p="md">{body}</Card.Section>
      </Card>
      {canManage && (
        <EnvironmentFormModal
          accountId={accountId}
          environment={modal.env}
          opened={modal.open}
          onClose={() => setModal((m) => ({ ...m, open: false }))}
        />
      )}
      {canManage &&
        (() => {
          const env = environments.find((e) => e.id === approvalsFor);
          return env ? <ApprovalSettingsModal key={env.id} environment={env} onClose={() => setApprovalsFor(null)} /> : null;
        })()}
    </>
  );
}
