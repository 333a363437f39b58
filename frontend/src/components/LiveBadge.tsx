import { Badge, Tooltip } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useLiveStatus } from '@/lib/graphql/provider';

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
