import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconChartBar, IconComponents, IconPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { ComponentStatusBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { ListPage, queryListState } from '@/components/ListPage';
import { RowActions, RowActionsHeader } from '@/components/RowActions';
import { confirmDanger } from '@/components/confirm';
import type { ComponentFieldsFragment } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { roleAtLeast } from '@/lib/roles';
import { ComponentsQuery, DeleteComponentMutation, componentsContext } from './api';
import { ComponentFormModal } from './components/ComponentFormModal';
import { ComponentStatusDrawer } from './components/ComponentStatusDrawer';
import { groupComponents } from './group';

export default function ComponentsPage() {
  const { accountId = '' } = useParams();
  const query = useQuery({
    query: ComponentsQuery,
    variables: { accountId },
    context: componentsContext,
  });
  const [{ data }, refetch] = query;
  const [, remove] = useMutationWithErrors(DeleteComponentMutation, (d) => d.deleteComponent, {
    failTitle: 'Could not delete the component',
    context: componentsContext,
  });
  const [modal, setModal] = useState<{ open: boolean; component: ComponentFieldsFragment | null }>({
    open: false,
    component: null,
  });
  const [drawer, setDrawer] = useState<{ id: string; name: string } | null>(null);
  const account = data?.account;
  const canManage = roleAtLeast(account?.myRole, 'ADMIN');
  const components = useMemo(() => account?.components ?? [], [account]);
  const grouped = useMemo(() => groupComponents(components), [components]);
  const groupNames = useMemo(() => grouped.map((g) => g.group).filter(Boolean), [grouped]);

  async function onDelete(c: ComponentFieldsFragment) {
    const ok = await confirmDanger({
      title: `Delete ${c.name}?`,
      message: 'The component is deleted. Switchboard refuses while an incident on it is open or an AWS integration maps to it.',
      confirmLabel: 'Delete component',
    });
    if (!ok) return;
    await remove({ input: { id: c.id } }, { success: `Deleted ${c.name}.`, notifyUserErrors: true });
  }

  const newButton = canManage && (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ open: true, component: null })}>
      New component
    </Button>
  );

  return (
    <>
      <ListPage
        title="Components"
        description="The services incidents open on. Status follows the worst open incident unless set by hand."
        actions={components.length > 0 ? newButton : null}
        state={queryListState(query, components, !account && 'Account not found')}
        what="components"
        empty={{
          icon: <IconComponents size={24} />,
          title: 'No components yet',
          body: 'Components are the services incidents open on: an API, a database, a queue. Create one before connecting CloudWatch alarms.',
          action: newButton,
        }}
        bare
      >
        <Stack gap="lg">
          {grouped.map(({ group, components: list }) => (
            <Card withBorder padding="md" radius="md" key={group || '(none)'}>
              <Title order={2} size="h5" mb="xs">
                {group || 'Ungrouped'}
              </Title>
              <Table.ScrollContainer minWidth={640}>
                <Table verticalSpacing="sm" highlightOnHover aria-label={`Components: ${group || 'Ungrouped'}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th w={280}>Status</Table.Th>
                      <Table.Th w={140}>Open incidents</Table.Th>
                      <Table.Th w={140}>Updated</Table.Th>
                      <RowActionsHeader w={canManage ? 120 : 50} />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {list.map((c) => (
                      <Table.Tr key={c.id} data-testid="component-row">
                        <Table.Td>
                          <Text fw={500} size="sm">
                            {c.name}
                          </Text>
                          {c.description && (
                            <Text size="xs" c="dimmed" lineClamp={2}>
                              {c.description}
                            </Text>
                          )}
                          {c.escalationPolicy && (
                            <Text size="xs" c="dimmed">
                              Pages via{' '}
                              <Anchor component={Link} size="xs" to={`/accounts/${accountId}/escalation-policies/${c.escalationPolicy.id}`}>
                                {c.escalationPolicy.name}
                              </Anchor>
                            </Text>
                          )}
                          {c.slackChannel && (
                            <Text size="xs" c="dimmed" data-testid="component-slack-channel">
                              Slack channel {c.slackChannel}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <ComponentStatusBadge value={c.status} />
                            {c.statusOverride && (
                              <Tooltip label="Set by hand; open incidents do not change it">
                                <Badge size="xs" variant="outline" color="gray">
                                  Manual
                                </Badge>
                              </Tooltip>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          {c.openIncidentCount > 0 ? (
                            <Anchor
                              component={Link}
                              size="sm"
                              to={`/accounts/${accountId}/incidents?status=open&component=${c.id}`}
                            >
                              {c.openIncidentCount} open
                            </Anchor>
                          ) : (
                            <Text size="sm" c="dimmed">
                              None
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <DateTime value={c.updatedAt} size="sm" />
                        </Table.Td>
                        <Table.Td>
                          <RowActions
                            name={c.name}
                            actions={[
                              {
                                label: 'Uptime and auto-publish',
                                name: `Status page settings of ${c.name}`,
                                icon: IconChartBar,
                                onClick: () => setDrawer({ id: c.id, name: c.name }),
                              },
                            ]}
                            onEdit={canManage ? () => setModal({ open: true, component: c }) : undefined}
                            onDelete={canManage ? () => onDelete(c) : undefined}
                          />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          ))}
        </Stack>
      </ListPage>
      <ComponentStatusDrawer
        componentId={drawer?.id ?? null}
        name={drawer?.name ?? ''}
        canManage={canManage}
        onClose={() => setDrawer(null)}
      />
      {canManage && (
        <ComponentFormModal
          accountId={accountId}
          component={modal.component}
          groups={groupNames}
          opened={modal.open}
          onClose={() => setModal((m) => ({ ...m, open: false }))}
          onChannelSet={() => refetch({ requestPolicy: 'network-only' })}
        />
      )}
    </>
  );
}
