import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { IconGavel, IconPlus, IconStack2 } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { ListPage, queryListState } from '@/components/ListPage';
import { RowActions, RowActionsHeader } from '@/components/RowActions';
import { confirmDanger } from '@/components/confirm';
import { useCurrentEnvironmentId } from '@/lib/current-context';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { roleAtLeast } from '@/lib/roles';
import { DeleteEnvironmentMutation, EnvironmentsQuery, environmentsContext } from './api';
import { ApprovalSettingsModal, approvalSummary } from './components/ApprovalSettingsModal';
import { EnvironmentFormModal, type EditableEnvironment } from './components/EnvironmentFormModal';

export default function EnvironmentsPage() {
  const { accountId = '' } = useParams();
  const query = useQuery({
    query: EnvironmentsQuery,
    variables: { accountId },
    context: environmentsContext,
  });
  const [{ data }] = query;
  const [, deleteEnvironment] = useMutationWithErrors(DeleteEnvironmentMutation, (d) => d.deleteEnvironment, {
    failTitle: 'Could not delete the environment',
    context: environmentsContext,
  });
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
    const outcome = await deleteEnvironment({ input: { id: env.id } }, { success: `Deleted ${env.name}.`, notifyUserErrors: true });
    if (outcome.ok && currentEnvId === env.id) setCurrentEnvId(null);
  }

  const newButton = canManage && (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ open: true, env: null })}>
      New environment
    </Button>
  );

  return (
    <>
      <ListPage
        title="Environments"
        description="Separate configurations within this account, such as staging and production."
        actions={environments.length > 0 ? newButton : null}
        state={queryListState(query, environments, !account && 'Account not found')}
        what="environments"
        empty={{
          icon: <IconStack2 size={24} />,
          title: 'No environments yet',
          body: 'Environments keep separate configurations apart, such as staging and production.',
          action: newButton,
        }}
      >
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" highlightOnHover aria-label="Environments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>Approvals</Table.Th>
                <Table.Th>Created</Table.Th>
                {canManage && <RowActionsHeader w={130} />}
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
                      <RowActions
                        name={env.name}
                        actions={[
                          {
                            label: 'Approval settings',
                            name: `Approval settings of ${env.name}`,
                            icon: IconGavel,
                            onClick: () => setApprovalsFor(env.id),
                          },
                        ]}
                        onEdit={() => setModal({ open: true, env })}
                        onDelete={() => remove(env)}
                      />
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListPage>
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
