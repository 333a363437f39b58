import { Anchor, Table, Text } from '@mantine/core';
import { IconBolt } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { ClearFiltersButton } from '@/components/FilterBar';
import { ListPage } from '@/components/ListPage';
import { useCursorList } from '@/lib/pagination';
import { useUrlFilter } from '@/lib/url-filter';
import { EventNamesQuery, EventsQuery } from './api';
import { DeliveryCountBadges, EventSubjectCell } from './components';
import { EventFilters } from './EventFilters';
import { eventFilterActive, NO_EVENT_FILTER, parseEventFilter, toEventFilter, writeEventFilter } from './filters';

const PAGE_SIZE = 50;
const context = { additionalTypenames: ['Event'] };

export default function EventsPage() {
  const { accountId = '' } = useParams();
  const [state, setState] = useUrlFilter(parseEventFilter, writeEventFilter);
  const variables = useMemo(() => ({ accountId, filter: toEventFilter(state), first: PAGE_SIZE }), [accountId, state]);
  const list = useCursorList({ query: EventsQuery, variables, select: (d) => d.account?.events, context });
  const [{ data: catalog }] = useQuery({ query: EventNamesQuery, variables: { accountId } });
  const eventNames = useMemo(() => [...new Set((catalog?.account?.eventCatalog ?? []).map((e) => e.name))], [catalog]);
  const filtered = eventFilterActive(state);
  const base = `/accounts/${accountId}`;
  // The chip names the subject from an event about it (a farm's list may show only its servers' events).
  const subjectName = state.subjectId ? (list.nodes.find((e) => e.subject.id === state.subjectId)?.subject.name ?? null) : null;

  return (
    <ListPage
      title="Events"
      description="Everything that happened and could be sent to webhooks, newest first: what it was about and who caused it."
      filters={<EventFilters value={state} onChange={setState} eventNames={eventNames} subjectName={subjectName} />}
      state={{ loaded: list.loaded, error: list.error, refetch: list.refetch, empty: list.nodes.length === 0 }}
      pager={list}
      what="events"
      empty={
        filtered
          ? {
              icon: <IconBolt size={24} />,
              title: 'No events match these filters',
              body: 'Try a longer time range or fewer filters.',
              action: <ClearFiltersButton variant="light" onClear={() => setState(NO_EVENT_FILTER)} />,
            }
          : {
              icon: <IconBolt size={24} />,
              title: 'No events yet',
              body: 'Incidents opening and resolving, farms launching and custom events fired through the API are recorded here, with the deliveries they caused.',
            }
      }
    >
      <Table.ScrollContainer minWidth={960}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Events">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Event</Table.Th>
              <Table.Th>Subject</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th w={150}>When</Table.Th>
              <Table.Th w={240}>Deliveries</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.nodes.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Anchor component={Link} to={`${base}/events/${e.id}`} ff="monospace" size="sm" fw={500}>
                    {e.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <EventSubjectCell
                    subject={e.subject}
                    farmId={e.farmId}
                    base={base}
                    onOnly={state.subjectId === e.subject.id ? undefined : () => setState({ ...state, subjectId: e.subject.id })}
                  />
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
    </ListPage>
  );
}
