import { Alert, Anchor, Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { AttemptList, ExactPayload } from '@/components/DeliveryAttempts';
import { DeliveryStatusBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { DetailList } from '@/components/DetailList';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { DeliveryQuery, ResendDeliveryMutation, deliveriesContext } from '../api';
import { webhookGone } from '../filters';

/** One delivery: what was sent (the exact payload) and every attempt's request and response. */
export function DeliveryDetail({
  id,
  liveSeq,
  canResend,
}: {
  id: string;
  /** Changes when the live feed reported this delivery: reload it. */
  liveSeq: number;
  canResend: boolean;
}) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: DeliveryQuery, variables: { id }, context: deliveriesContext });
  const [{ fetching: resending }, resend] = useMutationWithErrors(ResendDeliveryMutation, (r) => r.resendDelivery, {
    failTitle: 'Could not resend',
    context: deliveriesContext,
  });
  useEffect(() => {
    if (liveSeq > 0) refetch({ requestPolicy: 'network-only' });
  }, [liveSeq, refetch]);

  if (error && !data) return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <TableSkeleton label="Loading the delivery" />;
  const d = data?.delivery;
  if (!d) return <Alert color="gray">This delivery no longer exists (retention may have removed it).</Alert>;

  const finished = d.status === 'SUCCEEDED' || d.status === 'FAILED';
  async function onResend() {
    await resend({ input: { id } }, { notifyUserErrors: true, success: 'Queued again: same payload and id, fresh attempts.' });
  }

  return (
    <Stack gap="md" data-testid="delivery-detail">
      <Group justify="space-between">
        <Group gap="sm">
          <DeliveryStatusBadge value={d.status} size="lg" />
          <Text ff="monospace" fw={600}>
            {d.eventName}
          </Text>
        </Group>
        {canResend && finished && (
          <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} onClick={onResend} loading={resending}>
            Resend
          </Button>
        )}
      </Group>
      <DetailList
        cols={2}
        items={[
          { label: 'Endpoint', value: d.endpoint ? `${d.endpoint.name}` : '—' },
          { label: 'Webhook', value: d.webhook?.name ?? webhookGone(d.eventName) },
          { label: 'Attempts', value: `${d.attempts} of ${d.maxAttempts}` },
          { label: 'Last status code', value: d.lastStatusCode ?? '—' },
          { label: 'Queued', value: <DateTime value={d.createdAt} size="sm" /> },
          { label: 'Finished', value: <DateTime value={d.completedAt} empty="Not yet" size="sm" /> },
          { label: 'Next attempt', value: <DateTime value={d.nextAttemptAt} size="sm" />, hidden: !d.nextAttemptAt || finished },
          {
            label: 'Event',
            // The event's own account: a system webhook's delivery is about an event of any account.
            value: d.event ? <Anchor component={Link} to={`/accounts/${d.event.accountId}/events/${d.event.id}`} size="sm">Open the event</Anchor> : '—',
          },
          { label: 'Scope', value: d.accountId ? 'Account' : 'System', hidden: Boolean(d.accountId) },
          { label: 'Delivery id', value: <Text span size="xs" ff="monospace">{d.id}</Text> },
        ]}
      />
      {d.lastError && (
        <Alert color="red" variant="light" p="xs">
          {d.lastError}
        </Alert>
      )}
      <div>
        <Group justify="space-between" mb={4}>
          <Title order={3} size="h6">
            Payload
          </Title>
          <Text size="xs" c="dimmed">
            Shown formatted; Copy gives the exact bytes sent
          </Text>
        </Group>
        <ExactPayload raw={d.payload} />
      </div>
      <div>
        <Title order={3} size="h6" mb={4}>
          Attempts ({d.attemptDetails.length})
        </Title>
        <AttemptList attempts={d.attemptDetails} />
      </div>
    </Stack>
  );
}
