import { Anchor, Badge, Code, Group, Table, Text } from '@mantine/core';
import { IconActivity } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { DateTime } from '@/components/DateTime';
import { ClearFiltersButton } from '@/components/FilterBar';
import { ListPage } from '@/components/ListPage';
import { LiveBadge, LiveError } from '@/components/LiveBadge';
import { RequireRole } from '@/components/RequireRole';
import { useUrlFilter } from '@/lib/url-filter';
import { ActivityFilters } from './ActivityFilters';
import { activityFilterActive, NO_ACTIVITY_FILTER, parseActivityFilter, toAuditFilter, writeActivityFilter } from './filters';
import { useActivityFeed, type AuditEntry } from './use-activity-feed';

/** The console page an entry is about, where there is one. */
function targetPath(base: string, e: AuditEntry): string | null {
  if (e.targetType === 'incident' && e.targetId) return `${base}/incidents/${e.targetId}`;
  return null;
}

function ActivityLog({ accountId }: { accountId: string }) {
  const [state, setState] = useUrlFilter(parseActivityFilter, writeActivityFilter);
  const filter = useMemo(() => toAuditFilter(state), [state]);
  const feed = useActivityFeed(accountId, filter);
  const filtered = activityFilterActive(state);
  const base = `/accounts/${accountId}`;

  return (
    <ListPage
      title="Activity"
      description="Every change made in this account, incident actions and sign-ins: by people, API tokens and the system. Newest first."
      actions={<LiveBadge failed={Boolean(feed.liveError)} hint="New activity appears here as it happens" />}
      filters={<ActivityFilters value={state} onChange={setState} />}
      notice={<LiveError error={feed.liveError} />}
      state={{ loaded: feed.loaded, error: feed.error, refetch: feed.refetch, empty: feed.entries.length === 0 }}
      pager={feed}
      what="activity"
      empty={
        filtered
          ? {
              icon: <IconActivity size={24} />,
              title: 'No activity matches these filters',
              body: 'Try other categories, a longer time range or another search. New entries that match appear here as they happen.',
              action: <ClearFiltersButton variant="light" onClear={() => setState(NO_ACTIVITY_FILTER)} />,
            }
          : {
              icon: <IconActivity size={24} />,
              title: 'No activity yet',
              body: 'Changes to environments, members and API tokens, incident actions and sign-ins appear here as they happen.',
            }
      }
    >
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm" aria-label="Activity" data-testid="activity-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={150}>When</Table.Th>
              <Table.Th>What happened</Table.Th>
              <Table.Th w={200}>Action</Table.Th>
              <Table.Th w={200}>By</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {feed.entries.map((e) => {
              const isLive = feed.liveIds.has(e.id);
              const path = targetPath(base, e);
              return (
                <Table.Tr key={e.id} data-live={isLive || undefined} bg={isLive ? 'var(--mantine-color-teal-light)' : undefined}>
                  <Table.Td>
                    <DateTime value={e.createdAt} size="sm" />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {path ? (
                        <Anchor component={Link} to={path} size="sm">
                          {e.summary}
                        </Anchor>
                      ) : (
                        <Text size="sm">{e.summary}</Text>
                      )}
                      {isLive && (
                        <Badge size="xs" color="teal">
                          New
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{e.actor?.name || e.actorLabel}</Text>
                    {e.actor && e.actorLabel && e.actorLabel !== e.actor.name && (
                      <Text size="xs" c="dimmed">
                        {e.actorLabel}
                      </Text>
                    )}
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

export default function ActivityPage() {
  const { accountId = '' } = useParams();
  return (
    <RequireRole accountId={accountId} role="ADMIN">
      <ActivityLog key={accountId} accountId={accountId} />
    </RequireRole>
  );
}
