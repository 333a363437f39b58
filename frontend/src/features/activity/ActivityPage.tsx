import {
  Alert,
  Badge,
  Button,
  Card,
  Center,
  Code,
  Group,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconActivity, IconPlugConnectedX } from '@tabler/icons-react';
import { useParams } from 'react-router';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { RequireRole } from '@/components/RequireRole';
import { TableSkeleton } from '@/components/TableSkeleton';
import { useLiveStatus } from '@/lib/graphql/provider';
import { describeError } from '@/lib/notify';
import { useActivityFeed } from './use-activity-feed';

function LiveBadge({ failed }: { failed: boolean }) {
  const status = useLiveStatus();
  if (failed) {
    return (
      <Badge color="red" variant="light" leftSection={<IconPlugConnectedX size={12} />}>
        Live updates off
      </Badge>
    );
  }
  const live = status === 'connected';
  return (
    <Tooltip label={live ? 'New activity appears here as it happens' : 'Connecting to live updates…'}>
      <Badge color={live ? 'teal' : 'yellow'} variant="dot" data-testid="live-status" data-status={status}>
        {live ? 'Live' : 'Connecting'}
      </Badge>
    </Tooltip>
  );
}

function ActivityLog({ accountId }: { accountId: string }) {
  const feed = useActivityFeed(accountId);

  if (feed.error && !feed.loaded) {
    return <QueryError error={feed.error} onRetry={feed.refetch} />;
  }
  return (
    <>
      <Group justify="space-between" mb="sm">
        <Text size="sm" c="dimmed">
          Newest first
        </Text>
        <LiveBadge failed={Boolean(feed.liveError)} />
      </Group>
      {feed.liveError && (
        <Alert color="red" variant="light" mb="sm" role="alert">
          Live updates stopped: {describeError(feed.liveError)}. Reload the page to try again.
        </Alert>
      )}
      <Card withBorder padding={0} radius="md">
        <Card.Section p="md">
          {!feed.loaded ? (
            <TableSkeleton label="Loading activity" rows={6} />
          ) : !feed.accountFound ? (
            <EmptyState title="Account not found" />
          ) : feed.entries.length === 0 ? (
            <EmptyState icon={<IconActivity size={24} />} title="No activity yet">
              Changes to environments, members and API tokens will appear here as they happen.
            </EmptyState>
          ) : (
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
                    return (
                      <Table.Tr
                        key={e.id}
                        data-live={isLive || undefined}
                        bg={isLive ? 'var(--mantine-color-teal-light)' : undefined}
                      >
                        <Table.Td>
                          <DateTime value={e.createdAt} size="sm" />
                        </Table.Td>
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap">
                            <Text size="sm">{e.summary}</Text>
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
          )}
        </Card.Section>
      </Card>
      {feed.loadMoreError && (
        <Alert color="red" variant="light" mt="sm" role="alert">
          Could not load older entries: {feed.loadMoreError.message}
        </Alert>
      )}
      {feed.hasMore && (
        <Center mt="md">
          <Button variant="default" onClick={feed.loadMore} loading={feed.loadingMore}>
            Load older entries
          </Button>
        </Center>
      )}
    </>
  );
}

export default function ActivityPage() {
  const { accountId = '' } = useParams();
  return (
    <>
      <PageHeader
        title="Activity"
        description="Every change made in this account, by people and API tokens."
      />
      <RequireRole accountId={accountId} role="ADMIN">
        <ActivityLog key={accountId} accountId={accountId} />
      </RequireRole>
    </>
  );
}
