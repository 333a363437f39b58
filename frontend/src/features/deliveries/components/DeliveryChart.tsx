import { BarChart } from '@mantine/charts';
import { Card, Group, SegmentedControl, Skeleton, Text, Title, VisuallyHidden } from '@mantine/core';
import { useEffect, useMemo, useRef } from 'react';
import { useQuery } from 'urql';
import { DeliveryStatsQuery } from '../api';

export const HOURS_OPTIONS = [
  { value: '24', label: '24 h' },
  { value: '72', label: '3 days' },
  { value: '168', label: '7 days' },
];

/** Hour labels for the x axis: "14:00", with the date where the day changes. */
export function chartRows(buckets: readonly { start: string; succeeded: number; failed: number; pending: number }[]) {
  let lastDay = '';
  return buckets.map((b) => {
    const d = new Date(b.start);
    const day = d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
    const hour = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    const label = day !== lastDay ? `${day} ${hour}` : hour;
    lastDay = day;
    return { hour: label, Succeeded: b.succeeded, Failed: b.failed, Pending: b.pending };
  });
}

/** Stacked delivery outcomes per hour; reloads shortly after live changes (`liveSeq`). */
export function DeliveryChart({
  accountId,
  hours,
  onHoursChange,
  liveSeq,
}: {
  accountId: string;
  hours: number;
  onHoursChange: (h: number) => void;
  liveSeq: number;
}) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: DeliveryStatsQuery, variables: { accountId, hours } });
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (liveSeq === 0) return undefined;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => refetch({ requestPolicy: 'network-only' }), 2000);
    return () => window.clearTimeout(timer.current);
  }, [liveSeq, refetch]);

  const buckets = useMemo(() => data?.account?.deliveryStats ?? [], [data]);
  const rows = useMemo(() => chartRows(buckets), [buckets]);
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
            Delivery outcomes per hour
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
            dataKey="hour"
            type="stacked"
            withLegend
            legendProps={{ verticalAlign: 'top', height: 30 }}
            tickLine="none"
            gridAxis="y"
            xAxisProps={{ interval: 'preserveStartEnd', minTickGap: 24 }}
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
                    <tr key={r.hour}>
                      <td>{r.hour}</td>
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
