import { ActionIcon, Anchor, Badge, Group, Text, Tooltip } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EventSubjectBadge } from '@/components/badges';
import type { EventSubjectKind } from '@/gql/graphql';

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

export interface Subject {
  kind: EventSubjectKind;
  id: string;
  name?: string | null;
}

/**
 * The console page of an event's subject, where there is one: an incident's or a farm's page; a
 * server's farm (servers are listed there). `base` is `/accounts/<id>`.
 */
export function subjectPath(base: string, s: Subject, farmId?: string | null): string | null {
  if (s.name == null) return null; // deleted
  if (s.kind === 'INCIDENT') return `${base}/incidents/${s.id}`;
  if (s.kind === 'FARM') return `${base}/farms/${s.id}`;
  if (s.kind === 'SERVER' && farmId) return `${base}/farms/${farmId}`;
  return null;
}

/** What an event is about: its kind and name, linked to its page; `onOnly` narrows the list to it. */
export function EventSubjectCell({
  subject,
  farmId,
  base,
  onOnly,
}: {
  subject: Subject;
  farmId?: string | null;
  base: string;
  onOnly?: () => void;
}) {
  const path = subjectPath(base, subject, farmId);
  const name = subject.name ?? '(deleted)';
  return (
    <Group gap={6} wrap="nowrap" data-testid="event-subject" data-kind={subject.kind}>
      <EventSubjectBadge value={subject.kind} size="sm" />
      {path ? (
        <Anchor component={Link} to={path} size="sm">
          {name}
        </Anchor>
      ) : (
        <Text size="sm" c={subject.name == null ? 'dimmed' : undefined}>
          {name}
        </Text>
      )}
      {onOnly && subject.kind !== 'ACCOUNT' && (
        <Tooltip label="Only events about this">
          <ActionIcon variant="subtle" color="gray" size="sm" onClick={onOnly} aria-label={`Only events about ${name}`}>
            <IconFilter size={14} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
