import { Box, Group, Text, Tooltip } from '@mantine/core';
import type { ComponentStatus } from '@/gql/graphql';
import { formatDate } from '@/lib/format';
import { PUBLIC_STATUS } from '@/lib/public-status';

export interface UptimeDayLike {
  date: string;
  percent?: number | null;
  worst: ComponentStatus;
}

/** "99.98%", as the public page writes it; "no data" without any. */
export function formatUptime(p: number | null | undefined): string {
  if (p === null || p === undefined) return 'no data';
  return `${Number(p.toFixed(2))}%`;
}

/** What a day's bar says in words (title, tooltip and screen readers). */
export function dayText(d: UptimeDayLike): string {
  const day = formatDate(d.date);
  if (d.percent === null || d.percent === undefined) return `${day}: no data`;
  const worst = d.worst === 'OPERATIONAL' ? '' : `, ${PUBLIC_STATUS[d.worst].label.toLowerCase()}`;
  return `${day}: ${formatUptime(d.percent)} uptime${worst}`;
}

/** Daily uptime bars, oldest first, coloured by the day's worst status (grey without data). */
export function UptimeBars({ days, label }: { days: readonly UptimeDayLike[]; label: string }) {
  return (
    <Box>
      <Group gap={2} wrap="nowrap" component="ol" aria-label={label} style={{ listStyle: 'none', padding: 0, margin: 0 }} h={34}>
        {days.map((d) => {
          const none = d.percent === null || d.percent === undefined;
          const color = none ? 'var(--mantine-color-gray-4)' : `var(--mantine-color-${PUBLIC_STATUS[d.worst].color}-6)`;
          const text = dayText(d);
          return (
            <Tooltip key={d.date} label={text} openDelay={100}>
              <Box
                component="li"
                tabIndex={0}
                aria-label={text}
                data-testid="uptime-bar"
                data-worst={none ? 'none' : d.worst}
                style={{ flex: 1, minWidth: 2, height: '100%', borderRadius: 2, background: color }}
              />
            </Tooltip>
          );
        })}
      </Group>
      <Group justify="space-between" mt={4}>
        <Text size="xs" c="dimmed">
          {days.length} days ago
        </Text>
        <Text size="xs" c="dimmed">
          Today
        </Text>
      </Group>
    </Box>
  );
}
