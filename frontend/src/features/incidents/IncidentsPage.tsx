import { Alert, Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconAlertOctagon, IconPlus } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { IncidentSourceBadge, IncidentStatusBadge, SeverityBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { LiveBadge } from '@/components/LiveBadge';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { PagedCard } from '@/components/PagedCard';
import { useAccountRole } from '@/lib/account-role';
import { describeError } from '@/lib/notify';
import { roleAtLeast } from '@/lib/roles';
import { IncidentFilters } from './components/IncidentFilters';
import { filterToParams, parseFilter, toIncidentFilter, type IncidentFilterState } from './filters';
import { useIncidentFeed } from './use-incident-feed';

function who(at: string | null | undefined, by: string | null | undefined) {
  if (!at) return null;
  return (
    <Text size="xs" c="dimmed">
      {by || 'someone'} · <DateTime value={at} size="xs" />
    </Text>
  );
}

export default function IncidentsPage() {
  const { accountId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { role } = useAccountRole(accountId);
  const canAct = roleAtLeast(role, 'MEMBER');
  const paramKey = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useMemo(() => parseFilter(params), [paramKey]);
  const filter = useMemo(() => toIncidentFilter(state), [state]);
  const feed = useIncidentFeed(accountId, filter);
  const base = `/accounts/${accountId}/incidents`;

  const setState = (next: IncidentFilterState) => setParams(filterToParams(next), { replace: true });
  const newButton = canAct && (
    <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
      New incident
    </Button>
  );

  let body;
  if (feed.error && !feed.loaded) {
    body = <QueryError error={feed.error} onRetry={feed.refetch} />;
  } else if (!feed.loaded) {
    body = <TableSkeleton label="Loading incidents" rows={6} />;
  } else if (!feed.accountFound) {
    body = <EmptyState title="Account not found" />;
  } else if (feed.incidents.length === 0) {
    body = (
      <EmptyState icon={<IconAlertOctagon size={24} />} title={state.status === 'open' ? 'No open incidents' : 'No incidents match'}>
        {state.status === 'open'
          ? 'All quiet. New incidents appear here as soon as they open.'
          : 'Try other filters. New incidents that match appear here as they open.'}
      </EmptyState>
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Incidents" data-testid="incidents-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={100}>Severity</Table.Th>
              <Table.Th>Incident</Table.Th>
              <Table.Th w={150}>Status</Table.Th>
              <Table.Th w={140}>Source</Table.Th>
              <Table.Th w={150}>Opened</Table.Th>
              <Table.Th w={190}>Acknowledged / resolved</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {feed.incidents.map((i) => {
              const isNew = feed.liveIds.has(i.id);
              return (
                <Table.Tr
                  key={i.id}
                  data-incident-id={i.id}
                  data-live={isNew || undefined}
                  data-status={i.status}
                  bg={isNew ? 'var(--mantine-color-red-light)' : undefined}
                >
                  <Table.Td>
                    <SeverityBadge value={i.severity} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Anchor component={Link} to={`${base}/${i.id}`} fw={500} size="sm">
                        {i.title}
                      </Anchor>
                      {isNew && (
                        <Badge size="xs" color="red">
                          New
                        </Badge>
                      )}
                    </Group>
                    <Text size="xs" c="dimmed">
                      {i.component.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <IncidentStatusBadge value={i.status} />
                  </Table.Td>
                  <Table.Td>
                    <IncidentSourceBadge value={i.source} />
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={i.openedAt} size="sm" />
                    <Text size="xs" c="dimmed" truncate maw={150}>
                      by {i.openedBy}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={0}>
                      {who(i.acknowledgedAt, i.acknowledgedBy)}
                      {who(i.resolvedAt, i.resolvedBy)}
                      {!i.acknowledgedAt && !i.resolvedAt && (
                        <Text size="xs" c="dimmed">
                          —
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <>
      <PageHeader
        title="Incidents"
        description="Opened by CloudWatch alarms, the API or people; newest first."
        actions={
          <>
            <LiveBadge failed={Boolean(feed.liveError)} hint="New incidents and status changes appear without reloading" />
            {newButton}
          </>
        }
      />
      <Stack gap="md">
        <IncidentFilters key={accountId} accountId={accountId} value={state} onChange={setState} />
        {feed.liveError && (
          <Alert color="red" variant="light" role="alert">
            Live updates stopped: {describeError(feed.liveError)}. Reload the page to try again.
          </Alert>
        )}
        <PagedCard pager={feed} what="incidents">
          {body}
        </PagedCard>
      </Stack>
    </>
  );
}
