import { Box, Group, Stack, Text, Tooltip } from '@mantine/core';
import type { ShiftFieldsFragment } from '@/gql/graphql';
import { colorFor, dayStarts, formatDayInZone, formatRange, personName, place } from '../time';

interface Person {
  id: string;
  name: string;
  email: string;
}

export interface TimelineOverride {
  id: string;
  startsAt: string;
  endsAt: string;
  user: Person;
}

interface Segment {
  key: string;
  startsAt: string;
  endsAt: string;
  user: Person | null;
}

const LABEL_WIDTH = 150;

function Row({
  label,
  segments,
  from,
  to,
  zone,
  emptyText,
}: {
  label: string;
  segments: Segment[];
  from: number;
  to: number;
  zone: string;
  emptyText: string;
}) {
  const placed = place(segments, from, to);
  return (
    <Group gap={0} wrap="nowrap" align="stretch">
      <Box w={LABEL_WIDTH} miw={LABEL_WIDTH} pr="sm" py={6}>
        <Text size="sm" fw={600} truncate>
          {label}
        </Text>
      </Box>
      <Box
        pos="relative"
        h={34}
        style={{ flex: 1, background: 'var(--mantine-color-default-hover)', borderRadius: 4 }}
        role="list"
        aria-label={label}
      >
        {placed.length === 0 && (
          <Text size="xs" c="dimmed" px="xs" pt={8}>
            {emptyText}
          </Text>
        )}
        {placed.map((p) => {
          const name = personName(p.item.user);
          const when = formatRange(p.item.startsAt, p.item.endsAt, zone);
          const color = p.item.user ? colorFor(p.item.user.id) : 'gray';
          return (
            <Tooltip key={p.item.key} label={`${name}: ${when}`} withinPortal>
              <Box
                role="listitem"
                aria-label={`${name}, ${when}`}
                data-testid="shift"
                tabIndex={0}
                pos="absolute"
                top={3}
                h={28}
                px={4}
                style={{
                  left: `${p.left}%`,
                  width: `${p.width}%`,
                  background: `var(--mantine-color-${color}-light)`,
                  borderLeft: `3px solid var(--mantine-color-${color}-filled)`,
                  borderRadius: 3,
                  overflow: 'hidden',
                  whiteSpace: 'nowrap',
                }}
              >
                <Text size="xs" fw={500} c={`var(--mantine-color-${color}-light-color)`} lh="28px" truncate>
                  {name}
                </Text>
              </Box>
            </Tooltip>
          );
        })}
      </Box>
    </Group>
  );
}

/**
 * The final schedule over [from, to): one row per layer (the shifts it contributes), one for
 * overrides, and the final row; names are written in each shift (colour only helps), times are in
 * the schedule's zone, and a marker shows now.
 */
export function ScheduleTimeline({
  layers,
  shifts,
  overrides,
  from,
  to,
  now,
  zone,
}: {
  layers: readonly { id: string; name: string; position: number }[];
  shifts: readonly ShiftFieldsFragment[];
  overrides: readonly TimelineOverride[];
  from: number;
  to: number;
  now: number;
  zone: string;
}) {
  const seg = (s: ShiftFieldsFragment, i: number): Segment => ({
    key: `${s.startsAt}-${i}`,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    user: s.user,
  });
  const ticks = dayStarts(from, to, zone);
  const nowLeft = now >= from && now < to ? ((now - from) / (to - from)) * 100 : null;
  const ordered = [...layers].sort((a, b) => b.position - a.position);

  return (
    <Box style={{ overflowX: 'auto' }}>
      <Stack gap={6} miw={760} pos="relative" data-testid="schedule-timeline">
        <Group gap={0} wrap="nowrap">
          <Box w={LABEL_WIDTH} miw={LABEL_WIDTH} />
          <Box pos="relative" h={20} style={{ flex: 1 }} aria-hidden>
            {ticks.map((t) => (
              <Text
                key={t}
                size="10px"
                c="dimmed"
                pos="absolute"
                style={{ left: `${((t - from) / (to - from)) * 100}%`, whiteSpace: 'nowrap' }}
              >
                {formatDayInZone(t, zone)}
              </Text>
            ))}
          </Box>
        </Group>
        {ordered.map((l) => (
          <Row
            key={l.id}
            label={l.name || `Layer ${l.position + 1}`}
            segments={shifts.filter((s) => s.layer?.id === l.id && !s.override).map(seg)}
            from={from}
            to={to}
            zone={zone}
            emptyText="Not in effect in this range"
          />
        ))}
        <Row
          label="Overrides"
          segments={overrides.map((o) => ({ key: o.id, startsAt: o.startsAt, endsAt: o.endsAt, user: o.user }))}
          from={from}
          to={to}
          zone={zone}
          emptyText="No overrides"
        />
        <Row
          label="Final schedule"
          segments={shifts.map(seg)}
          from={from}
          to={to}
          zone={zone}
          emptyText="Nobody is on call in this range"
        />
        {nowLeft !== null && (
          <Box
            data-testid="now-marker"
            aria-label="Now"
            pos="absolute"
            top={0}
            bottom={0}
            style={{
              left: `calc(${LABEL_WIDTH}px + (100% - ${LABEL_WIDTH}px) * ${nowLeft / 100})`,
              width: 2,
              background: 'var(--mantine-color-red-6)',
              pointerEvents: 'none',
            }}
          >
            <Text size="10px" c="red" fw={700} pos="absolute" top={-2} left={4}>
              Now
            </Text>
          </Box>
        )}
      </Stack>
    </Box>
  );
}
