import { Badge, Tooltip } from '@mantine/core';
import type { EndpointFieldsFragment } from '@/gql/graphql';
import { formatDateTime, formatRelative } from '@/lib/format';

/** The circuit breaker's state of an endpoint, with when and why in the tooltip. */
export function EndpointHealthBadge({ health }: { health: EndpointFieldsFragment['health'] }) {
  const lines: string[] = [];
  if (health.reason) lines.push(health.reason);
  if (health.since) lines.push(`Since ${formatDateTime(health.since)}`);
  if (health.state === 'PAUSED' && health.nextProbeAt) lines.push(`Next probe ${formatRelative(health.nextProbeAt)}`);
  if (health.state === 'ACTIVE' && health.consecutiveFailures > 0)
    lines.push(`${health.consecutiveFailures} failed attempt${health.consecutiveFailures === 1 ? '' : 's'} in a row`);
  const badge =
    health.state === 'PAUSED' ? (
      <Badge color="orange" variant="dot">
        Paused
      </Badge>
    ) : health.state === 'DISABLED' ? (
      <Badge color="gray" variant="dot">
        Disabled
      </Badge>
    ) : (
      <Badge color={health.consecutiveFailures > 0 ? 'yellow' : 'teal'} variant="dot">
        Active
      </Badge>
    );
  return (
    <Tooltip label={lines.join(' · ')} disabled={lines.length === 0} multiline maw={360}>
      {badge}
    </Tooltip>
  );
}
