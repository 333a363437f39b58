import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import type { SubscriberTopic } from '@/gql/graphql';
import { useAuth } from '@/lib/auth/auth-context';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { notifyError } from '@/lib/notify';
import { RemoveSubscriberMutation, StatusSubscribersQuery, subscribersContext } from '../api';
import { RowActions, RowActionsHeader } from '@/components/RowActions';

const TOPIC: Record<SubscriberTopic, string> = {
  INCIDENTS: 'Incidents',
  MAINTENANCE: 'Maintenance',
  COMPONENT_STATUS: 'Component status',
};

/** The address of the CSV export (the console's bearer token is required). */
export const subscribersCsvPath = (pageId: string) => `/api/status-pages/${encodeURIComponent(pageId)}/subscribers.csv`;

/**
 * Downloads the page's subscribers as CSV. The route takes the console's bearer token (a plain
 * link cannot carry it), so the file is fetched with it and saved from a Blob.
 */
export async function downloadSubscribersCsv(pageId: string, token: string | null): Promise<void> {
  const res = await fetch(subscribersCsvPath(pageId), {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    credentials: 'same-origin',
  });
  if (!res.ok) throw new Error(res.status === 403 ? 'Only admins export subscribers.' : `The server answered ${res.status}.`);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'subscribers.csv';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A status page's subscribers (admins): who, how, which topics, confirmed; remove; CSV export. */
export function Subscribers({ pageId, count }: { pageId: string; count: number }) {
  const { tokens } = useAuth();
  const [{ data, error }, refetch] = useQuery({ query: StatusSubscribersQuery, variables: { id: pageId }, context: subscribersContext });
  const [exporting, setExporting] = useState(false);
  const [, remove] = useMutationWithErrors(RemoveSubscriberMutation, (d) => d.removeSubscriber, {
    failTitle: 'Could not remove the subscriber',
    context: subscribersContext,
  });
  const conn = data?.statusPage?.subscribers;
  const nodes = conn?.nodes ?? [];

  async function onExport() {
    setExporting(true);
    try {
      await downloadSubscribersCsv(pageId, await tokens.getAccessToken());
    } catch (err) {
      notifyError(err as Error, 'Could not export the subscribers');
    } finally {
      setExporting(false);
    }
  }

  async function onRemove(s: (typeof nodes)[number]) {
    const ok = await confirmDanger({
      title: `Remove ${s.address}?`,
      message: 'They get no more notices from this page. They can subscribe again.',
      confirmLabel: 'Remove subscriber',
    });
    if (ok) await remove({ id: s.id }, { success: 'Removed the subscriber.', notifyUserErrors: true });
  }

  let body;
  if (error && !data) body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (!data) body = <TableSkeleton label="Loading subscribers" rows={3} />;
  else if (nodes.length === 0) {
    body = (
      <Text size="sm" c="dimmed">
        Nobody has subscribed yet. People subscribe from the page (email or webhook).
      </Text>
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label="Subscribers" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={90}>Kind</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>Topics</Table.Th>
              <Table.Th>Components</Table.Th>
              <Table.Th w={140}>Confirmed</Table.Th>
              <RowActionsHeader w={50} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {nodes.map((s) => (
              <Table.Tr key={s.id} data-testid="subscriber-row">
                <Table.Td>{s.kind === 'EMAIL' ? 'Email' : 'Webhook'}</Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {s.address}
                  </Text>
                  {s.lastError && (
                    <Text size="xs" c="red">
                      {s.lastError}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {s.topics.map((t) => (
                      <Badge key={t} size="xs" variant="light" radius="sm">
                        {TOPIC[t] ?? t}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{s.components.length ? s.components.map((c) => c.name).join(', ') : 'All'}</Text>
                </Table.Td>
                <Table.Td>
                  {s.confirmedAt ? (
                    <DateTime value={s.confirmedAt} size="sm" />
                  ) : (
                    <Badge color="yellow" variant="light" radius="sm">
                      Pending
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <RowActions name={s.address} deleteLabel="Remove" onDelete={() => onRemove(s)} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <Card withBorder radius="md" padding="md">
      <Stack gap="md">
        <Group justify="space-between">
          <Stack gap={2}>
            <Title order={2} size="h4">
              Subscribers
            </Title>
            <Text size="sm" c="dimmed" data-testid="subscriber-count">
              {count} confirmed{conn && conn.totalCount > nodes.length ? ` · showing the newest ${nodes.length} of ${conn.totalCount}` : ''}
            </Text>
          </Stack>
          <Button variant="default" leftSection={<IconDownload size={16} />} loading={exporting} onClick={onExport}>
            Export CSV
          </Button>
        </Group>
        {body}
      </Stack>
    </Card>
  );
}
