import { Anchor, Breadcrumbs, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EVENT_SUBJECT } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { EventsAboutButton } from '@/components/EventsAboutButton';
import { DetailList } from '@/components/DetailList';
import { EmptyState } from '@/components/EmptyState';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { useAccountRole } from '@/lib/account-role';
import { roleAtLeast } from '@/lib/roles';
import { EventQuery } from './api';
import { DeliveryCountBadges, EventSubjectCell, isMasked } from './components';

export default function EventDetailPage() {
  const { accountId = '', eventId = '' } = useParams();
  const { role } = useAccountRole(accountId);
  const [{ data, fetching, error }, refetch] = useQuery({ query: EventQuery, variables: { id: eventId } });
  const ev = data?.event;
  const base = `/accounts/${accountId}`;
  const crumbs = (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to={`${base}/events`}>
        Events
      </Anchor>
      <span>{ev?.name ?? 'Event'}</span>
    </Breadcrumbs>
  );
  if (error && !data) return <>{crumbs}<QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /></>;
  if (fetching && !data) return <>{crumbs}<TableSkeleton label="Loading the event" /></>;
  if (!ev || ev.accountId !== accountId) return <>{crumbs}<EmptyState title="Event not found">It may have been removed by the retention policy.</EmptyState></>;

  const vars = [...ev.variables].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <>
      {crumbs}
      <Group justify="space-between" align="flex-end" mb="lg">
        <Stack gap={4}>
          <Title order={1} size="h2" ff="monospace">
            {ev.name}
          </Title>
          <Text size="sm" c="dimmed">
            By {ev.source} · <DateTime value={ev.createdAt} size="sm" />
          </Text>
        </Stack>
        <Group gap="sm">
          {ev.subject.kind !== 'ACCOUNT' && (
            <EventsAboutButton accountId={accountId} subjectId={ev.subject.id} what={EVENT_SUBJECT[ev.subject.kind].label.toLowerCase()} />
          )}
          {roleAtLeast(role, 'ADMIN') && (
            <Button component={Link} to={`${base}/deliveries?event=${ev.id}`} variant="light">
              Show its deliveries
            </Button>
          )}
        </Group>
      </Group>
      <Stack gap="lg">
        <Card withBorder radius="md">
          <DetailList
            cols={4}
            items={[
              { label: 'Event id', value: <Text span size="xs" ff="monospace">{ev.id}</Text> },
              { label: 'Subject', value: <EventSubjectCell subject={ev.subject} farmId={ev.farmId} base={base} /> },
              { label: 'By', value: <Text span size="sm">{ev.source}</Text> },
              { label: 'Deliveries', value: <DeliveryCountBadges counts={ev.deliveryCounts} /> },
              {
                label: 'Incident',
                value: ev.incidentId ? <Anchor component={Link} to={`${base}/incidents/${ev.incidentId}`} size="sm">Open the incident</Anchor> : '—',
                hidden: !ev.incidentId || ev.subject.kind === 'INCIDENT',
              },
              {
                label: 'Farm',
                value: ev.farmId ? <Anchor component={Link} to={`${base}/farms/${ev.farmId}`} size="sm">Open the farm</Anchor> : '—',
                hidden: !ev.farmId,
              },
              { label: 'Server id', value: <Text span size="xs" ff="monospace">{ev.serverId}</Text>, hidden: !ev.serverId },
            ]}
          />
        </Card>
        <Card withBorder radius="md">
          <Title order={2} size="h5" mb="sm">
            Variables ({vars.length})
          </Title>
          {vars.length === 0 ? (
            <Text size="sm" c="dimmed">
              This event carried no variables.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={600}>
              <Table verticalSpacing={4} striped aria-label="Variables">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w="40%">Name</Table.Th>
                    <Table.Th>Value</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {vars.map((v) => (
                    <Table.Tr key={v.key}>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {v.key}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {isMasked(v.value) ? (
                          <Text size="xs" c="dimmed" ff="monospace" title="Hidden variable">
                            •••••••• (hidden)
                          </Text>
                        ) : (
                          <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                            {v.value || <Text span c="dimmed" size="xs">(empty)</Text>}
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
      </Stack>
    </>
  );
}
