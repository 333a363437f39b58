import { Anchor, Stack, Table, Text } from '@mantine/core';
import { IconBolt } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { PagedCard } from '@/components/PagedCard';
import { useCursorList } from '@/lib/pagination';
import { EventsQuery } from './api';
import { DeliveryCountBadges } from './components';

const PAGE_SIZE = 50;
const context = { additionalTypenames: ['Event'] };

export default function EventsPage() {
  const { accountId = '' } = useParams();
  const variables = useMemo(() => ({ accountId, first: PAGE_SIZE }), [accountId]);
  const list = useCursorList({ query: EventsQuery, variables, select: (d) => d.account?.events, context });
  const base = `/accounts/${accountId}/events`;

  let body;
  if (list.error && !list.loaded) body = <QueryError error={list.error} onRetry={list.refetch} />;
  else if (!list.loaded) body = <TableSkeleton label="Loading events" rows={6} />;
  else if (list.nodes.length === 0) {
    body = (
      <EmptyState icon={<IconBolt size={24} />} title="No events yet">
        Incidents opening and resolving, farms launching and custom events fired through the API are
        recorded here, with the deliveries they caused.
      </EmptyState>
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Events">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Event</Table.Th>
              <Table.Th>Source</Table.Th>
              <Table.Th w={150}>When</Table.Th>
              <Table.Th w={260}>Deliveries</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.nodes.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Anchor component={Link} to={`${base}/${e.id}`} ff="monospace" size="sm" fw={500}>
                    {e.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.source}</Text>
                </Table.Td>
                <Table.Td>
                  <DateTime value={e.createdAt} size="sm" />
                </Table.Td>
                <Table.Td>
                  <DeliveryCountBadges counts={e.deliveryCounts} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <>
      <PageHeader title="Events" description="Everything that happened and could be sent to webhooks, newest first." />
      <Stack gap="md">
        <PagedCard pager={list} what="events">
          {body}
        </PagedCard>
      </Stack>
    </>
  );
}
