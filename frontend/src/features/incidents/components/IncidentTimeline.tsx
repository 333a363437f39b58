import { Text, ThemeIcon, Timeline } from '@mantine/core';
import {
  IconAlarm,
  IconAlertOctagon,
  IconCircleCheck,
  IconEye,
  IconMessage,
  IconPoint,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { DateTime } from '@/components/DateTime';
import type { IncidentDetailFieldsFragment } from '@/gql/graphql';

const KIND: Record<string, { icon: ReactNode; color: string; label: string }> = {
  opened: { icon: <IconAlertOctagon size={14} />, color: 'red', label: 'Opened' },
  acknowledged: { icon: <IconEye size={14} />, color: 'yellow', label: 'Acknowledged' },
  resolved: { icon: <IconCircleCheck size={14} />, color: 'teal', label: 'Resolved' },
  note: { icon: <IconMessage size={14} />, color: 'indigo', label: 'Note' },
  alarm: { icon: <IconAlarm size={14} />, color: 'orange', label: 'Alarm' },
};

export function IncidentTimeline({ entries }: { entries: IncidentDetailFieldsFragment['timeline'] }) {
  return (
    <Timeline bulletSize={26} lineWidth={2} data-testid="incident-timeline" aria-label="Timeline">
      {entries.map((e) => {
        const k = KIND[e.kind] ?? { icon: <IconPoint size={14} />, color: 'gray', label: e.kind };
        return (
          <Timeline.Item
            key={e.id}
            data-kind={e.kind}
            bullet={
              <ThemeIcon size={26} radius="xl" color={k.color} variant="light" aria-hidden>
                {k.icon}
              </ThemeIcon>
            }
            title={
              <Text size="sm" fw={600} span>
                {k.label}{' '}
                <Text span size="sm" fw={400} c="dimmed">
                  by {e.actor?.name || e.actorLabel}
                </Text>
              </Text>
            }
          >
            {e.body && (
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {e.body}
              </Text>
            )}
            <DateTime value={e.createdAt} size="xs" c="dimmed" />
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
