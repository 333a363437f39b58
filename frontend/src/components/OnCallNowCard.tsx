import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconPhoneCall } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { OnCallNowQuery, onCallContext } from '@/lib/escalation';
import { colorFor, personName } from '@/lib/people';
import { DateTime } from '@/components/DateTime';

/** Who is on call now, per schedule (Account.onCallNow). For the schedules list and the overview. */
export function OnCallNowCard({ accountId }: { accountId: string }) {
  const [{ data, error }, refetch] = useQuery({
    query: OnCallNowQuery,
    variables: { accountId },
    context: onCallContext,
  });
  const rows = data?.account?.onCallNow ?? [];
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="on-call-now-title">
      <Group gap="xs" mb="sm">
        <IconPhoneCall size={18} aria-hidden />
        <Title order={2} size="h5" id="on-call-now-title">
          On call now
        </Title>
      </Group>
      {error && !data ? (
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !data ? (
        <TableSkeleton rows={2} label="Loading who is on call" />
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody is on call right now.
        </Text>
      ) : (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {rows.map((r) => (
            <Group component="li" key={`${r.schedule.id}-${r.user.id}`} gap="sm" wrap="nowrap" justify="space-between">
              <Group gap="xs" wrap="nowrap">
                <Badge color={colorFor(r.user.id)} variant="light" size="lg" radius="sm">
                  {personName(r.user)}
                </Badge>
                <Text size="sm">
                  on{' '}
                  <Anchor component={Link} to={`/accounts/${accountId}/schedules/${r.schedule.id}`}>
                    {r.schedule.name}
                  </Anchor>
                  {r.shift.override && ' (override)'}
                </Text>
              </Group>
              <Text size="xs" c="dimmed">
                until <DateTime value={r.shift.endsAt} size="xs" />
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}
