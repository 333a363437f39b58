import { Alert, Badge, Tooltip } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useLiveStatus } from '@/lib/graphql/provider';
import { describeError } from '@/lib/notify';

/** Whether a page's live subscription is connected. */
export function LiveBadge({ failed, hint = 'Changes appear here as they happen' }: { failed?: boolean; hint?: string }) {
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
    <Tooltip label={live ? hint : 'Connecting to live updates…'}>
      <Badge color={live ? 'teal' : 'yellow'} variant="dot" data-testid="live-status" data-status={status}>
        {live ? 'Live' : 'Connecting'}
      </Badge>
    </Tooltip>
  );
}

/** A list's notice that its live subscription failed (nothing while it runs). */
export function LiveError({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert">
      Live updates stopped: {describeError(error)}. Reload the page to try again.
    </Alert>
  );
}
