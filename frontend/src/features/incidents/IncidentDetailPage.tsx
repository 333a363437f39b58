import { Anchor, Breadcrumbs, Card, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { useCallback, useEffect } from 'react';
import {
  ComponentStatusBadge,
  IncidentSourceBadge,
  IncidentStatusBadge,
  SeverityBadge,
  TestBadge,
} from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { DetailList } from '@/components/DetailList';
import { EventsAboutButton } from '@/components/EventsAboutButton';
import { EmptyState } from '@/components/EmptyState';
import { LiveBadge } from '@/components/LiveBadge';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { useAccountRole } from '@/lib/account-role';
import { roleAtLeast } from '@/lib/roles';
import { IncidentDetailChangedSubscription, IncidentQuery, incidentsContext } from './api';
import { AddNoteForm } from './components/AddNoteForm';
import { AlarmDetails } from './components/AlarmDetails';
import { EscalationPanel } from './components/EscalationPanel';
import { IncidentActions } from './components/IncidentActions';
import { IncidentTimeline } from './components/IncidentTimeline';
import { PublicIncidentPanel } from './components/PublicIncidentPanel';
import { SlackMessages } from './components/SlackMessages';

function At({ at, by }: { at: string | null | undefined; by: string | null | undefined }) {
  if (!at) return <Text span c="dimmed">—</Text>;
  return (
    <>
      <DateTime value={at} size="sm" />
      <Text span size="sm" c="dimmed">
        {' '}
        by {by || 'someone'}
      </Text>
    </>
  );
}

/** "Ada · 10:05" — who did it first, then when; "—" while nobody has. */
function By({ at, by }: { at: string | null | undefined; by: string | null | undefined }) {
  if (!at) return <Text span c="dimmed">—</Text>;
  return (
    <>
      <Text span size="sm" fw={500}>
        {by || 'someone'}
      </Text>
      <Text span size="sm" c="dimmed">
        {' · '}
        <DateTime value={at} size="sm" />
      </Text>
    </>
  );
}

export default function IncidentDetailPage() {
  const { accountId = '', incidentId = '' } = useParams();
  const { role } = useAccountRole(accountId);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: IncidentQuery,
    variables: { id: incidentId },
    context: incidentsContext,
  });
  const [live] = useSubscription({ query: IncidentDetailChangedSubscription, variables: { accountId } });
  const changed = live.data?.incidentChanged.incident;
  // The feed says this incident changed: load it again (timeline included).
  useEffect(() => {
    if (changed?.id === incidentId) refetch({ requestPolicy: 'network-only' });
  }, [changed, incidentId, refetch]);
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);

  const list = `/accounts/${accountId}/incidents`;
  const incident = data?.incident;
  const canAct = roleAtLeast(role, 'MEMBER');

  const crumbs = (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to={list}>
        Incidents
      </Anchor>
      <span>{incident?.title ?? 'Incident'}</span>
    </Breadcrumbs>
  );

  if (error && !data) return <>{crumbs}<QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /></>;
  if (fetching && !data) return <>{crumbs}<TableSkeleton label="Loading the incident" /></>;
  if (!incident || incident.accountId !== accountId) {
    return (
      <>
        {crumbs}
        <EmptyState title="Incident not found">It does not exist, or it belongs to another account.</EmptyState>
      </>
    );
  }

  return (
    <>
      {crumbs}
      <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="sm">
        <Stack gap={6}>
          <Group gap="xs">
            <SeverityBadge value={incident.severity} size="lg" />
            <IncidentStatusBadge value={incident.status} size="lg" />
            <IncidentSourceBadge value={incident.source} size="lg" />
            {incident.isTest && <TestBadge size="lg" />}
          </Group>
          <Title order={1} size="h2">
            {incident.title}
          </Title>
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              on
            </Text>
            <Text size="sm" fw={500}>
              {incident.component.name}
            </Text>
            <ComponentStatusBadge value={incident.component.status} size="sm" />
          </Group>
        </Stack>
        <Group gap="sm">
          <LiveBadge failed={Boolean(live.error)} hint="Changes to this incident appear without reloading" />
          <EventsAboutButton accountId={accountId} subjectId={incident.id} what="incident" />
          {canAct && <IncidentActions id={incident.id} status={incident.status} />}
        </Group>
      </Group>
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Card withBorder radius="md" padding="md">
              <DetailList
                cols={2}
                items={[
                  { label: 'Opened', value: <At at={incident.openedAt} by={incident.openedBy} /> },
                  { label: 'Acknowledged by', value: <By at={incident.acknowledgedAt} by={incident.acknowledgedBy} /> },
                  { label: 'Resolved by', value: <By at={incident.resolvedAt} by={incident.resolvedBy} /> },
                  {
                    label: 'Integration',
                    value: incident.integration ? (
                      <Anchor component={Link} to={`/accounts/${accountId}/integrations/${incident.integration.id}`} size="sm">
                        {incident.integration.name}
                      </Anchor>
                    ) : (
                      '—'
                    ),
                  },
                ]}
              />
            </Card>
            {/* Older mocked answers carry no escalation fields: the panel needs the notifications list. */}
            {Array.isArray(incident.notifications) && (
              <EscalationPanel accountId={accountId} incident={incident} canAct={canAct} />
            )}
            <PublicIncidentPanel accountId={accountId} incident={incident} canAct={canAct} />
            {incident.alarm && <AlarmDetails alarm={incident.alarm} />}
            {Array.isArray(incident.slackMessages) && <SlackMessages messages={incident.slackMessages} refresh={reload} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder radius="md" padding="md">
            <Title order={2} size="h5" mb="md">
              Timeline
            </Title>
            <IncidentTimeline entries={incident.timeline} />
            {canAct && (
              <Stack mt="lg">
                <AddNoteForm id={incident.id} />
              </Stack>
            )}
          </Card>
        </Grid.Col>
      </Grid>
    </>
  );
}
