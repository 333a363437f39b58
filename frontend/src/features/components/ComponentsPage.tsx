import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconChartBar, IconComponents, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ComponentStatusBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import type { ComponentFieldsFragment } from '@/gql/graphql';
import { payloadOrNotify } from '@/lib/graphql/mutation';
import { notifySuccess } from '@/lib/notify';
import { roleAtLeast } from '@/lib/roles';
import { ComponentsQuery, DeleteComponentMutation, componentsContext } from './api';
import { ComponentFormModal } from './components/ComponentFormModal';
import { ComponentStatusDrawer } from './components/ComponentStatusDrawer';
import { groupComponents } from './group';

export default function ComponentsPage() {
  const { accountId = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ComponentsQuery,
    variables: { accountId },
    context: componentsContext,
  });
  const [, remove] = useMutation(DeleteComponentMutation);
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
    const result = await remove({ input: { id: c.id } }, componentsContext);
    if (payloadOrNotify(result, (d) => d.deleteComponent, `Could not delete ${c.name}`)) {
      notifySuccess(`Deleted ${c.name}.`);
    }
  }

  const newButton = canManage && (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ open: true, component: null })}>
      New component
    </Button>
  );

  let body;
  if (error && !data) {
    body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  } else if (fetching && !data) {
    body = <TableSkeleton label="Loading components" />;
  } else if (!account) {
    body = <EmptyState title="Account not found" />;
  } else if (components.length === 0) {
    body = (
      <Card withBorder>
        <EmptyState icon={<IconComponents size={24} />} title="No components yet" action={newButton}>
          Components are the services incidents open on: an API, a database, a queue. Create one
          before connecting CloudWatch alarms.
        </EmptyState>
      </Card>
    );
  } else {
    body = (
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
                    <Table.Th w={canManage ? 120 : 50}>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
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
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Tooltip label="Uptime and auto-publish">
                            <ActionIcon
                              variant="subtle"
                              color="gray"
                              aria-label={`Status page settings of ${c.name}`}
                              onClick={() => setDrawer({ id: c.id, name: c.name })}
                            >
                              <IconChartBar size={18} />
                            </ActionIcon>
                          </Tooltip>
                          {canManage && (
                            <>
                              <Tooltip label="Edit">
                                <ActionIcon
                                  variant="subtle"
                                  color="gray"
                                  aria-label={`Edit ${c.name}`}
                                  onClick={() => setModal({ open: true, component: c })}
                                >
                                  <IconPencil size={18} />
                                </ActionIcon>
                              </Tooltip>
                              <Tooltip label="Delete">
                                <ActionIcon
                                  variant="subtle"
                                  color="red"
                                  aria-label={`Delete ${c.name}`}
                                  onClick={() => onDelete(c)}
                                >
                                  <IconTrash size={18} />
                                </ActionIcon>
                              </Tooltip>
                            </>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        ))}
      </Stack>
    );
  }

  return (
    <>
      <PageHeader
        title="Components"
        description="The services incidents open on. Status follows the worst open incident unless set by hand."
        actions={components.length > 0 ? newButton : null}
      />
      {body}
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
