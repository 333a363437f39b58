import { Group, Text } from '@mantine/core';
import { useEffect } from 'react';
import { useQuery } from 'urql';
import type { IncidentFilter } from '@/gql/graphql';
import { formatDuration } from '@/lib/format';
import { IncidentStatsQuery, incidentsContext } from '../api';

const REFRESH_MS = 30_000;

function Figure({ label, value, title }: { label: string; value: string; title: string }) {
  return (
    <Group gap={6} wrap="nowrap" title={title}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600}>
        {value}
      </Text>
    </Group>
  );
}

/** MTTA, MTTR and the count of the incidents the list's filters match. */
export function IncidentStats({ accountId, filter }: { accountId: string; filter: IncidentFilter }) {
  const [{ data }, refetch] = useQuery({
    query: IncidentStatsQuery,
    variables: { accountId, filter },
    context: incidentsContext,
  });
  useEffect(() => {
    const t = setInterval(() => refetch({ requestPolicy: 'network-only' }), REFRESH_MS);
    return () => clearInterval(t);
  }, [refetch]);
  const s = data?.account?.incidentStats;
  if (!s) return null;
  return (
    <Group gap="lg" wrap="wrap" data-testid="incident-stats" aria-label="Response figures for these filters" role="group">
      <Figure label="Incidents" value={String(s.count)} title="Incidents matching the filters" />
      <Figure
        label="MTTA"
        value={s.mttaSeconds == null ? '—' : formatDuration(s.mttaSeconds)}
        title={`Mean time to acknowledge, over ${s.acknowledged} acknowledged`}
      />
      <Figure
        label="MTTR"
        value={s.mttrSeconds == null ? '—' : formatDuration(s.mttrSeconds)}
        title={`Mean time to resolve, over ${s.resolved} resolved`}
      />
    </Group>
  );
}
