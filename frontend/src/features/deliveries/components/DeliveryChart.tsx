import { BarChart } from '@mantine/charts';
import { Card, Group, SegmentedControl, Skeleton, Text, Title, VisuallyHidden } from '@mantine/core';
import { useEffect, useMemo, useRef } from 'react';
import { useQuery } from 'urql';
import type { DeliveryFilter } from '@/gql/graphql';
import { DeliveryStatsQuery } from '../api';

export const HOURS_OPTIONS = [
  { value: '24', label: '24 h' },
  { value: '72', label: '3 days' },
  { value: '168', label: '7 days' },
];

type Bucket = { start: string; succeeded: number; failed: number; pending: number };

export interface ChartRow {
  /** The bucket's start (RFC 3339): unique, so the chart keeps one category per hour, in order. */
  slot: string;
  /** "Mon, Dec 7, 14:00": the tooltip's and the accessible table's label. */
  label: string;
  Succeeded: number;
  Failed: number;
  Pending: number;
}

const HOUR = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
const DAY_TICK = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });

/** One row per hour, oldest first, keyed by the hour's start. */
export function chartRows(buckets: readonly Bucket[]): ChartRow[] {
  return [...buckets]
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    .map((b) => {
      const d = new Date(b.start);
      return { slot: b.start, label: `${DAY.format(d)}, ${HOUR.format(d)}`, Succeeded: b.succeeded, Failed: b.failed, Pending: b.pending };
    });
}

/**
 * The x axis of `rows`. Up to a day: hours ("14:00"), the first and midnight also naming the
 * day. Longer: one tick per day at local midnight ("Mon 7"), so labels are unique and in order.
 */
export function chartAxis(rows: readonly ChartRow[], hours: number): { ticks?: string[]; format: (slot: string) => string } {
  if (hours <= 24) {
    const first = rows[0]?.slot;
    return {
      format: (slot) => {
        const d = new Date(slot);
        return slot === first || d.getHours() === 0 ? `${DAY_TICK.format(d)} ${HOUR.format(d)}` : HOUR.format(d);
      },
    };
  }
  const midnights = rows.filter((r) => {
    const d = new Date(r.slot);
    return d.getHours() === 0 && d.getMinutes() === 0;
  });
  // Time zones off the hour (India, Nepal…) have no bucket at midnight: tick at the day's first hour.
  const ticks = midnights.length
    ? midnights.map((r) => r.slot)
    : rows.filter((r, i) => i > 0 && new Date(r.slot).getDate() !== new Date(rows[i - 1].slot).getDate()).map((r) => r.slot);
  return { ticks, format: (slot) => DAY_TICK.format(new Date(slot)) };
}

/** Stacked delivery outcomes per hour; reloads shortly after live changes (`liveSeq`). */
export function DeliveryChart({
  accountId,
  filter,
  filtered,
  hours,
  onHoursChange,
  liveSeq,
}: {
  accountId: string;
  /** The history's filter: the chart counts the same deliveries as the table. */
  filter: DeliveryFilter;
  /** Whether the filter narrows anything (the title says so). */
  filtered: boolean;
  hours: number;
  onHoursChange: (h: number) => void;
  liveSeq: number;
}) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: DeliveryStatsQuery, variables: { accountId, hours, filter } });
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (liveSeq === 0) return undefined;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => refetch({ requestPolicy: 'network-only' }), 2000);
    return () => window.clearTimeout(timer.current);
  }, [liveSeq, refetch]);

  const buckets = useMemo(() => data?.account?.deliveryStats ?? [], [data]);
  const rows = useMemo(() => chartRows(buckets), [buckets]);
  const axis = useMemo(() => chartAxis(rows, hours), [rows, hours]);
  const labels = useMemo(() => new Map(rows.map((r) => [r.slot, r.label])), [rows]);
  const totals = buckets.reduce(
    (t, b) => ({ s: t.s + b.succeeded, f: t.f + b.failed, p: t.p + b.pending }),
    { s: 0, f: 0, p: 0 },
  );
  const total = totals.s + totals.f + totals.p;

  return (
    <Card withBorder radius="md" data-testid="delivery-chart">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <div>
          <Title order={2} size="h5">
            Delivery outcomes per hour{filtered ? ' (filtered)' : ''}
          </Title>
          <Text size="xs" c="dimmed">
            {total === 0
              ? 'No deliveries in this period.'
              : `${total} deliveries: ${totals.s} succeeded, ${totals.f} failed, ${totals.p} pending (${Math.round((totals.s / total) * 100)}% success)`}
          </Text>
        </div>
        <SegmentedControl
          size="xs"
          aria-label="Chart period"
          data={HOURS_OPTIONS}
          value={String(hours)}
          onChange={(v) => onHoursChange(Number(v))}
        />
      </Group>
      {error && !data ? (
        <Text size="sm" c="red">
          Could not load the chart: {error.message}
        </Text>
      ) : fetching && !data ? (
        <Skeleton h={180} />
      ) : (
        <>
          <BarChart
            h={180}
            data={rows}
            dataKey="slot"
            type="stacked"
            withLegend
            legendProps={{ verticalAlign: 'top', height: 30 }}
            tickLine="none"
            gridAxis="y"
            xAxisProps={
              axis.ticks
                ? { ticks: axis.ticks, interval: 0, tickFormatter: axis.format }
                : { interval: 'preserveStartEnd', minTickGap: 24, tickFormatter: axis.format }
            }
            tooltipProps={{ labelFormatter: (slot: string) => labels.get(slot) ?? slot }}
            yAxisProps={{ allowDecimals: false, width: 32 }}
            series={[
              { name: 'Succeeded', color: 'teal.6' },
              { name: 'Failed', color: 'red.6' },
              { name: 'Pending', color: 'gray.5' },
            ]}
            aria-hidden
          />
          <VisuallyHidden>
            <table aria-label="Delivery outcomes per hour">
              <thead>
                <tr>
                  <th>Hour</th>
                  <th>Succeeded</th>
                  <th>Failed</th>
                  <th>Pending</th>
                </tr>
              </thead>
              <tbody>
                {rows
                  .filter((r) => r.Succeeded + r.Failed + r.Pending > 0)
                  .map((r) => (
                    <tr key={r.slot}>
                      <td>{r.label}</td>
                      <td>{r.Succeeded}</td>
                      <td>{r.Failed}</td>
                      <td>{r.Pending}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </VisuallyHidden>
        </>
      )}
    </Card>
  );
}
