import { Anchor, Badge, Card, Group, List, SimpleGrid, Stack, Text, ThemeIcon, Title, VisuallyHidden } from '@mantine/core';
import {
  IconAlertOctagon,
  IconCircleCheck,
  IconCircleDashed,
  IconComponents,
  IconMailForward,
  IconPlugConnected,
  IconRocket,
} from '@tabler/icons-react';
import { useEffect, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { ComponentStatusBadge, SEVERITY } from '@/components/badges';
import { EmptyState } from '@/components/EmptyState';
import { OnCallNowCard } from '@/components/OnCallNowCard';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import type { AccountOverviewQuery as OverviewData } from '@/gql/graphql';
import { useAccountRole } from '@/lib/account-role';
import { roleAtLeast } from '@/lib/roles';
import { scopeOf, scopeSearch } from '@/lib/scope';
import { AccountOverviewQuery, OverviewIncidentChangedSubscription, overviewContext } from './api';

/** How often the overview reloads by itself (incidents also reload it as they change). */
export const OVERVIEW_REFRESH_MS = 30_000;

type Overview = NonNullable<OverviewData['account']>['overview'];

function OverviewCard({ id, icon, title, children }: { id: string; icon: ReactNode; title: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={`${id}-title`} data-testid={id}>
      <Group gap="xs" mb="sm" wrap="nowrap">
        {icon}
        <Title order={2} size="h5" id={`${id}-title`}>
          {title}
        </Title>
      </Group>
      {children}
    </Card>
  );
}

function OpenIncidentsCard({ base, rows }: { base: string; rows: Overview['openIncidents'] }) {
  const total = rows.reduce((n, r) => n + r.count, 0);
  return (
    <OverviewCard id="overview-incidents" icon={<IconAlertOctagon size={18} aria-hidden />} title="Open incidents">
      <Group gap="xs" align="baseline" mb="xs">
        <Anchor component={Link} to={`${base}/incidents`} fz={28} fw={700} lh={1} aria-label={`${total} open incidents`} data-testid="open-incidents-total">
          {total}
        </Anchor>
        <Text size="sm" c="dimmed">
          open
        </Text>
      </Group>
      <SimpleGrid cols={2} spacing="xs" verticalSpacing={4}>
        {rows.map((r) => (
          <Group key={r.severity} gap="xs" justify="space-between" wrap="nowrap" data-severity={r.severity}>
            <Badge color={SEVERITY[r.severity].color} variant={r.count ? 'filled' : 'light'} size="sm">
              {SEVERITY[r.severity].label}
            </Badge>
            <Anchor
              component={Link}
              to={`${base}/incidents?severity=${r.severity.toLowerCase()}`}
              size="sm"
              fw={r.count ? 700 : 400}
              c={r.count ? undefined : 'dimmed'}
              aria-label={`${r.count} open ${SEVERITY[r.severity].label.toLowerCase()} incidents`}
            >
              {r.count}
            </Anchor>
          </Group>
        ))}
      </SimpleGrid>
    </OverviewCard>
  );
}

function ComponentsCard({ base, rows }: { base: string; rows: Overview['degradedComponents'] }) {
  return (
    <OverviewCard id="overview-components" icon={<IconComponents size={18} aria-hidden />} title="Components not operational">
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          Every component is operational.
        </Text>
      ) : (
        <Stack gap={6} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {rows.map((c) => (
            <Group component="li" key={c.id} gap="xs" justify="space-between" wrap="nowrap">
              <Text size="sm" truncate>
                {c.name}
              </Text>
              <ComponentStatusBadge value={c.status} />
            </Group>
          ))}
        </Stack>
      )}
      <Anchor component={Link} to={`${base}/components`} size="sm" mt="sm" display="inline-block">
        All components
      </Anchor>
    </OverviewCard>
  );
}

const ENDPOINT_STATE: Record<string, { color: string; label: string }> = {
  ACTIVE: { color: 'orange', label: 'Failing' },
  PAUSED: { color: 'yellow', label: 'Paused' },
  DISABLED: { color: 'red', label: 'Disabled' },
};

function EndpointsCard({ base, rows }: { base: string; rows: Overview['failingEndpoints'] }) {
  return (
    <OverviewCard id="overview-endpoints" icon={<IconPlugConnected size={18} aria-hidden />} title="Failing endpoints">
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          No endpoint is failing.
        </Text>
      ) : (
        <Stack gap={6} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {rows.map((e) => {
            const scope = scopeOf(e);
            const spec = ENDPOINT_STATE[e.health.state] ?? ENDPOINT_STATE.ACTIVE;
            return (
              <Stack component="li" key={e.id} gap={0}>
                <Group gap="xs" justify="space-between" wrap="nowrap">
                  <Anchor component={Link} to={`${base}/endpoints${scope ? scopeSearch(scope) : ''}`} size="sm" truncate>
                    {e.name}
                  </Anchor>
                  <Badge color={spec.color} variant="light" size="sm">
                    {spec.label}
                  </Badge>
                </Group>
                {e.health.reason && (
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {e.health.reason}
                  </Text>
                )}
              </Stack>
            );
          })}
        </Stack>
      )}
      <Anchor component={Link} to={`${base}/endpoints`} size="sm" mt="sm" display="inline-block">
        All endpoints
      </Anchor>
    </OverviewCard>
  );
}

function DeliveriesCard({ base, failed, canSee }: { base: string; failed: number; canSee: boolean }) {
  const label = `${failed} ${failed === 1 ? 'delivery' : 'deliveries'} failed in the last 24 hours`;
  return (
    <OverviewCard id="overview-deliveries" icon={<IconMailForward size={18} aria-hidden />} title="Failed deliveries (24 h)">
      <Group gap="xs" align="baseline">
        {canSee ? (
          <Anchor
            component={Link}
            to={`${base}/deliveries?status=failed&range=24h&at=${Date.now()}`}
            fz={28}
            fw={700}
            lh={1}
            c={failed ? 'red' : undefined}
            aria-label={label}
            data-testid="failed-deliveries"
          >
            {failed}
          </Anchor>
        ) : (
          <Text fz={28} fw={700} lh={1} c={failed ? 'red' : undefined} aria-label={label} data-testid="failed-deliveries">
            {failed}
          </Text>
        )}
        <Text size="sm" c="dimmed">
          failed
        </Text>
      </Group>
    </OverviewCard>
  );
}

function ChecklistCard({ base, checklist }: { base: string; checklist: Overview['checklist'] }) {
  const steps = [
    { done: checklist.hasComponent, label: 'Add a component', hint: 'what your alarms are about', to: `${base}/components` },
    { done: checklist.hasIntegration, label: 'Connect an integration', hint: 'CloudWatch alarms through SNS', to: `${base}/integrations/new` },
    { done: checklist.hasEndpoint, label: 'Add an endpoint', hint: 'where webhooks are sent', to: `${base}/endpoints` },
    { done: checklist.hasWebhook, label: 'Create a webhook', hint: 'which events go to which endpoint', to: `${base}/webhooks/new` },
  ];
  const done = steps.filter((s) => s.done).length;
  return (
    <OverviewCard id="overview-checklist" icon={<IconRocket size={18} aria-hidden />} title="Getting started">
      <Text size="sm" c="dimmed" mb="sm">
        {done} of {steps.length} done
      </Text>
      <List spacing="xs" size="sm" center aria-label="Getting started steps">
        {steps.map((s) => (
          <List.Item
            key={s.label}
            data-done={s.done || undefined}
            icon={
              <ThemeIcon color={s.done ? 'teal' : 'gray'} variant={s.done ? 'filled' : 'light'} size={22} radius="xl" aria-hidden>
                {s.done ? <IconCircleCheck size={14} /> : <IconCircleDashed size={14} />}
              </ThemeIcon>
            }
          >
            <Anchor component={Link} to={s.to} td={s.done ? 'line-through' : undefined} c={s.done ? 'dimmed' : undefined}>
              {s.label}
            </Anchor>
            <Text span size="xs" c="dimmed">
              {' '}
              — {s.hint}
              {s.done && <VisuallyHidden> (done)</VisuallyHidden>}
            </Text>
          </List.Item>
        ))}
      </List>
    </OverviewCard>
  );
}

/** The account's landing page: what is wrong now, who is on call, and what is left to set up. */
export default function OverviewPage() {
  const { accountId = '' } = useParams();
  const { role } = useAccountRole(accountId);
  const [{ data, error }, refetch] = useQuery({
    query: AccountOverviewQuery,
    variables: { accountId },
    context: overviewContext,
  });
  const [live] = useSubscription({ query: OverviewIncidentChangedSubscription, variables: { accountId } });
  const liveKey = live.data ? `${live.data.incidentChanged.incident.id}@${live.data.incidentChanged.incident.updatedAt}` : '';

  useEffect(() => {
    if (liveKey) refetch({ requestPolicy: 'network-only' });
  }, [liveKey, refetch]);
  useEffect(() => {
    const t = setInterval(() => refetch({ requestPolicy: 'network-only' }), OVERVIEW_REFRESH_MS);
    return () => clearInterval(t);
  }, [refetch]);

  const base = `/accounts/${accountId}`;
  let body: ReactNode;
  if (error && !data) body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (!data) body = <TableSkeleton label="Loading the overview" rows={6} />;
  else if (!data.account) body = <EmptyState title="Account not found" />;
  else {
    const o = data.account.overview;
    body = (
      <Stack gap="md">
        {!o.checklist.done && <ChecklistCard base={base} checklist={o.checklist} />}
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          <OpenIncidentsCard base={base} rows={o.openIncidents} />
          <ComponentsCard base={base} rows={o.degradedComponents} />
          <EndpointsCard base={base} rows={o.failingEndpoints} />
          <DeliveriesCard base={base} failed={o.failedDeliveries24h} canSee={roleAtLeast(role, 'ADMIN')} />
          <OnCallNowCard accountId={accountId} />
        </SimpleGrid>
      </Stack>
    );
  }

  return (
    <>
      <PageHeader title="Overview" description="What needs attention now in this account." />
      {body}
    </>
  );
}
