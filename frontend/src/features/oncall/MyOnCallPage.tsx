import { ActionIcon, Anchor, Badge, Button, Card, Grid, Group, Menu, Stack, Table, Text, Title } from '@mantine/core';
import { IconDots, IconPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { IncidentStatusBadge, SeverityBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { ListPage } from '@/components/ListPage';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import type { ContactMethodFieldsFragment } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { useCursorList } from '@/lib/pagination';
import {
  DeleteContactMethodMutation,
  MyNotificationsQuery,
  MyOnCallQuery,
  ResendVerificationMutation,
  SendTestNotificationMutation,
  UpdateContactMethodMutation,
  contactContext,
} from './api';
import { CalendarFeeds } from './components/CalendarFeeds';
import { CONTACT_KINDS, ContactMethodModal } from './components/ContactMethodModal';
import { NotificationRulesEditor } from './components/NotificationRulesEditor';
import { NotificationStatus } from '@/components/NotificationStatus';
import { browserZone, formatRange } from './time';

function ContactActions({ m }: { m: ContactMethodFieldsFragment }) {
  const opts = (failTitle: string) => ({ failTitle, context: contactContext });
  const [, test] = useMutationWithErrors(SendTestNotificationMutation, (d) => d.sendTestNotification, opts('Could not send the test'));
  const [, update] = useMutationWithErrors(UpdateContactMethodMutation, (d) => d.updateContactMethod, opts('Could not change the method'));
  const [, resend] = useMutationWithErrors(ResendVerificationMutation, (d) => d.resendContactVerification, opts('Could not resend the link'));
  const [, remove] = useMutationWithErrors(DeleteContactMethodMutation, (d) => d.deleteContactMethod, opts('Could not delete the method'));
  const name = m.label || m.address;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={`Actions for ${name}`}>
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item
          disabled={m.disabled || (m.kind === 'EMAIL' && !m.verified)}
          onClick={() => test({ contactMethodId: m.id }, { success: `Test notification sent to ${name}.`, notifyUserErrors: true })}
        >
          Send test notification
        </Menu.Item>
        {m.kind === 'EMAIL' && !m.verified && (
          <Menu.Item onClick={() => resend({ id: m.id }, { success: 'Verification link sent again.', notifyUserErrors: true })}>
            Resend verification
          </Menu.Item>
        )}
        {!m.isPrimary && (
          <Menu.Item
            onClick={() =>
              update(
                { input: { id: m.id, disabled: !m.disabled } },
                { success: m.disabled ? `${name} enabled.` : `${name} disabled.`, notifyUserErrors: true },
              )
            }
          >
            {m.disabled ? 'Enable' : 'Disable'}
          </Menu.Item>
        )}
        {!m.isPrimary && (
          <Menu.Item
            color="red"
            onClick={async () => {
              const ok = await confirmDanger({
                title: `Delete ${name}?`,
                message: 'Pages stop going there, and rules that use it are removed.',
                confirmLabel: 'Delete',
              });
              if (ok) await remove({ id: m.id }, { success: `Deleted ${name}.`, notifyUserErrors: true });
            }}
          >
            Delete
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

const notificationsContext = { additionalTypenames: ['Notification'] };

function MyNotifications({ accountId }: { accountId: string }) {
  const variables = useMemo(() => ({ accountId, first: 25 }), [accountId]);
  const list = useCursorList({
    query: MyNotificationsQuery,
    variables,
    select: (d) => d.account?.myNotifications,
    context: notificationsContext,
  });
  return (
    <ListPage
      state={{ loaded: list.loaded, error: list.error, refetch: list.refetch, empty: list.nodes.length === 0 }}
      pager={list}
      what="notifications"
      empty={{ title: 'No notifications yet', body: 'Pages and test notifications sent to you appear here.' }}
    >
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" aria-label="My notifications">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>About</Table.Th>
              <Table.Th w={200}>To</Table.Th>
              <Table.Th w={140}>Status</Table.Th>
              <Table.Th w={140}>When</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.nodes.map((n) => {
              return (
                <Table.Tr key={n.id}>
                  <Table.Td>
                    {n.incident ? (
                      <Anchor component={Link} to={`/accounts/${accountId}/incidents/${n.incident.id}`} size="sm">
                        {n.incident.title}
                      </Anchor>
                    ) : (
                      <Text size="sm">{n.reason === 'test' ? 'Test notification' : n.reason}</Text>
                    )}
                    {n.level ? (
                      <Text size="xs" c="dimmed">
                        level {n.level}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{CONTACT_KINDS[n.channel].split(' ')[0]}</Text>
                    <Text size="xs" c="dimmed" truncate maw={190}>
                      {n.recipient}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <NotificationStatus status={n.status} attempts={n.attempts} lastError={n.lastError} size="md" />
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={n.createdAt} size="sm" />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </ListPage>
  );
}

export default function MyOnCallPage() {
  const { accountId = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({ query: MyOnCallQuery, variables: { accountId }, context: contactContext });
  const [adding, setAdding] = useState(false);
  const zone = browserZone();
  const header = <PageHeader title="My on-call" description="Your next shifts, your open pages, and how Switchboard reaches you." />;
  if (error && !data) return <>{header}<QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /></>;
  if (fetching && !data) return <>{header}<TableSkeleton label="Loading your on-call" /></>;
  const me = data?.me.user;
  const account = data?.account;
  const methods = me?.contactMethods ?? [];
  const shifts = account?.myShifts ?? [];
  const pages = account?.myOpenPages ?? [];
  const myFeeds = (account?.calendarFeeds ?? []).filter((f) => !f.schedule && (!f.user || f.user.id === me?.id));

  return (
    <>
      {header}
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card withBorder radius="md" padding="md" component="section" aria-labelledby="my-shifts">
            <Title order={2} size="h5" mb="sm" id="my-shifts">
              My next shifts (14 days)
            </Title>
            {shifts.length === 0 ? (
              <Text size="sm" c="dimmed">
                You are not on call in the next 14 days.
              </Text>
            ) : (
              <Stack gap={6} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                {shifts.map((s, i) => (
                  <Group component="li" key={`${s.startsAt}-${i}`} justify="space-between" wrap="nowrap">
                    <Text size="sm">{formatRange(s.startsAt, s.endsAt, zone)}</Text>
                    <Text size="xs" c="dimmed">
                      {s.override ? 'override' : (s.layer?.name ?? '')}
                    </Text>
                  </Group>
                ))}
              </Stack>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card withBorder radius="md" padding="md" component="section" aria-labelledby="my-pages">
            <Title order={2} size="h5" mb="sm" id="my-pages">
              My open pages
            </Title>
            {pages.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing open is paging you.
              </Text>
            ) : (
              <Stack gap={6} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                {pages.map((p) => (
                  <Group component="li" key={p.id} gap="xs" wrap="nowrap">
                    <SeverityBadge value={p.severity} size="sm" />
                    <IncidentStatusBadge value={p.status} size="sm" />
                    <Anchor component={Link} to={`/accounts/${accountId}/incidents/${p.id}`} size="sm">
                      {p.title}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {p.component.name}
                    </Text>
                  </Group>
                ))}
              </Stack>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder radius="md" padding="md" component="section" aria-labelledby="my-methods">
            <Group justify="space-between" mb="sm">
              <Title order={2} size="h5" id="my-methods">
                My contact methods
              </Title>
              <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)}>
                Add contact method
              </Button>
            </Group>
            <Table verticalSpacing="xs" aria-label="My contact methods">
              <Table.Tbody>
                {methods.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {m.label || CONTACT_KINDS[m.kind]}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {CONTACT_KINDS[m.kind]} · {m.endpoint?.name ?? m.address}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {m.isPrimary && <Badge variant="light">Primary</Badge>}
                        {m.kind === 'EMAIL' && !m.isPrimary && !m.verified && (
                          <Badge color="yellow" variant="light">
                            Not verified
                          </Badge>
                        )}
                        {m.disabled && (
                          <Badge color="gray" variant="light">
                            Disabled
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td w={40}>
                      <ContactActions m={m} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="lg">
            <Card withBorder radius="md" padding="md" component="section" aria-labelledby="my-rules">
              <Title order={2} size="h5" mb="sm" id="my-rules">
                My notification rules
              </Title>
              <NotificationRulesEditor methods={methods} rules={me?.notificationRules ?? []} />
            </Card>
            <Card withBorder radius="md" padding="md" component="section" aria-labelledby="my-feed">
              <Title order={2} size="h5" mb="sm" id="my-feed">
                My calendar feed
              </Title>
              <CalendarFeeds accountId={accountId} feeds={myFeeds} />
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={12}>
          <Title order={2} size="h5" mb="sm">
            My notifications
          </Title>
          <MyNotifications accountId={accountId} />
        </Grid.Col>
      </Grid>
      <ContactMethodModal accountId={accountId} opened={adding} onClose={() => setAdding(false)} />
    </>
  );
}
