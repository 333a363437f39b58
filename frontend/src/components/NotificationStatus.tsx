import { Badge, Text } from '@mantine/core';
import type { NotificationStatus as Status } from '@/gql/graphql';
import { NOTIFICATION_STATUS } from '@/lib/oncall-status';

/** A notification's status, its attempts when retried, and its last error. */
export function NotificationStatus({
  status,
  attempts,
  lastError,
  size = 'sm',
}: {
  status: Status;
  attempts: number;
  lastError: string;
  size?: 'sm' | 'md';
}) {
  const st = NOTIFICATION_STATUS[status];
  return (
    <>
      <Badge size={size} color={st.color} variant="light">
        {st.label}
      </Badge>
      {attempts > 1 && (
        <Text size="xs" c="dimmed">
          {attempts} attempts
        </Text>
      )}
      {lastError && (
        <Text size="xs" c="red">
          {lastError}
        </Text>
      )}
    </>
  );
}
