import { Badge, Group, Tooltip } from '@mantine/core';

/** Succeeded / pending / failed delivery counts of an event. */
export function DeliveryCountBadges({ counts }: { counts: { succeeded: number; pending: number; failed: number } }) {
  const total = counts.succeeded + counts.pending + counts.failed;
  if (total === 0) {
    return (
      <Badge color="gray" variant="outline" size="sm">
        No deliveries
      </Badge>
    );
  }
  return (
    <Group gap={4} wrap="nowrap" data-testid="delivery-counts">
      {counts.succeeded > 0 && (
        <Tooltip label="Succeeded">
          <Badge color="teal" variant="light" size="sm">
            {counts.succeeded} ok
          </Badge>
        </Tooltip>
      )}
      {counts.pending > 0 && (
        <Tooltip label="Pending or retrying">
          <Badge color="yellow" variant="light" size="sm">
            {counts.pending} pending
          </Badge>
        </Tooltip>
      )}
      {counts.failed > 0 && (
        <Tooltip label="Failed">
          <Badge color="red" variant="light" size="sm">
            {counts.failed} failed
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}

/** Values the server masked for hidden variables. */
export function isMasked(value: string): boolean {
  return /^\*{3,}$|^•{3,}$|^\[hidden\]$/i.test(value);
}
