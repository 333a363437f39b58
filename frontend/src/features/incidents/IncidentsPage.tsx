import { ActionIcon, Anchor, Badge, Button, Card, Checkbox, Collapse, Group, Paper, Stack, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconAlertOctagon, IconCircleCheck, IconEye, IconFilter, IconPlus, IconX } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { IncidentSourceBadge, IncidentStatusBadge, SeverityBadge, TestBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { ListPage } from '@/components/ListPage';
import { LiveBadge, LiveError } from '@/components/LiveBadge';
import type { IncidentListFieldsFragment, IncidentStatus } from '@/gql/graphql';
import { useAccountRole } from '@/lib/account-role';
import { formatDuration, secondsBetween } from '@/lib/format';
import { roleAtLeast } from '@/lib/roles';
import { useUrlFilter } from '@/lib/url-filter';
import { useNow } from '@/lib/use-now';
import { useBulkIncidentAction, type BulkAction } from './bulk';
import { IncidentFilters } from './components/IncidentFilters';
import { IncidentStats } from './components/IncidentStats';
import { activeFilterCount, parseFilter, toIncidentFilter, writeFilter } from './filters';
import { useIncidentFeed } from './use-incident-feed';

type Incident = IncidentListFieldsFragment;

/** Badges keep their whole label: the column grows (or the table scrolls) instead. */
const NO_SHRINK = { minWidth: 'max-content' } as const;

/** Below this width the list is a column of cards and the filters fold behind a button. */
export const NARROW_QUERY = '(max-width: 48em)';

function who(label: string, at: string | null | undefined, by: string | null | undefined) {
  if (!at) return null;
  return (
    <Text size="xs" c="dimmed">
      {label} {by || 'someone'} · <DateTime value={at} size="xs" />
    </Text>
  );
}

/** Open → resolved (or now, while open). */
const duration = (i: Incident, now: number) => formatDuration(secondsBetween(i.openedAt, i.resolvedAt, now));
/** Open → acknowledged; "—" until someone did. */
const timeToAck = (i: Incident) => (i.acknowledgedAt ? formatDuration(secondsBetween(i.openedAt, i.acknowledgedAt)) : '—');

const canAck = (s: IncidentStatus) => s === 'TRIGGERED';
const canResolve = (s: IncidentStatus) => s !== 'RESOLVED';

function TriageButtons({
  incident,
  busy,
  onAction,
  compact = false,
}: {
  incident: Incident;
  busy: boolean;
  onAction: (a: BulkAction, ids: string[]) => void;
  /** Icons only (the table); the cards have room for words. */
  compact?: boolean;
}) {
  if (!canResolve(incident.status)) return null;
  const actions = [
    canAck(incident.status) && { action: 'acknowledge' as const, label: 'Acknowledge', short: 'Ack', color: 'yellow', icon: IconEye },
    { action: 'resolve' as const, label: 'Resolve', short: 'Resolve', color: 'teal', icon: IconCircleCheck },
  ].filter((a) => a !== false);
  return (
    <Group gap={4} wrap="nowrap">
      {actions.map(({ action, label, short, color, icon: Icon }) =>
        compact ? (
          <Tooltip key={action} label={label}>
            <ActionIcon
              variant="light"
              color={color}
              aria-label={`${label} ${incident.title}`}
              disabled={busy}
              onClick={() => onAction(action, [incident.id])}
            >
              <Icon size={16} />
            </ActionIcon>
          </Tooltip>
        ) : (
          <Button
            key={action}
            size="compact-sm"
            variant="light"
            color={color}
            leftSection={<Icon size={14} />}
            aria-label={`${label} ${incident.title}`}
            disabled={busy}
            onClick={() => onAction(action, [incident.id])}
          >
            {short}
          </Button>
        ),
      )}
    </Group>
  );
}

function Title({ incident, base, isNew }: { incident: Incident; base: string; isNew: boolean }) {
  return (
    <Group gap="xs" wrap="wrap">
      <Anchor component={Link} to={`${base}/${incident.id}`} fw={500} size="sm">
        {incident.title}
      </Anchor>
      {incident.isTest && <TestBadge />}
      {isNew && (
        <Badge size="xs" color="red">
          New
        </Badge>
      )}
    </Group>
  );
}

export default function IncidentsPage() {
  const { accountId = '' } = useParams();
  const [state, setState, paramKey] = useUrlFilter(parseFilter, writeFilter);
  const { role } = useAccountRole(accountId);
  const canAct = roleAtLeast(role, 'MEMBER');
  const filter = useMemo(() => toIncidentFilter(state), [state]);
  const feed = useIncidentFeed(accountId, filter);
  const base = `/accounts/${accountId}/incidents`;
  const narrow = useMediaQuery(NARROW_QUERY) ?? false;
  const [filtersOpen, { toggle: toggleFilters }] = useDisclosure(false);
  const now = useNow(5000);
  const bulk = useBulkIncidentAction(feed.incidents);

  // The selection belongs to one filtered view: changing the filters drops it.
  const [selection, setSelection] = useState<{ key: string; ids: Set<string> }>({ key: paramKey, ids: new Set() });
  const visible = useMemo(() => new Set(feed.incidents.filter((i) => canResolve(i.status)).map((i) => i.id)), [feed.incidents]);
  const selected = useMemo(
    () => (selection.key === paramKey ? [...selection.ids].filter((id) => visible.has(id)) : []),
    [selection, paramKey, visible],
  );
  const isSelected = (id: string) => selected.includes(id);
  const setSelected = (ids: Iterable<string>) => setSelection({ key: paramKey, ids: new Set(ids) });
  const toggle = (id: string, on: boolean) => setSelected(on ? [...selected, id] : selected.filter((x) => x !== id));
  const allSelected = visible.size > 0 && selected.length === visible.size;

  async function act(action: BulkAction, ids: string[]) {
    const changed = await bulk.run(action, ids);
    if (changed.length) setSelected(selected.filter((id) => !changed.includes(id)));
  }

  const newButton = canAct && (
    <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
      New incident
    </Button>
  );

  const filterBar = <IncidentFilters key={accountId} accountId={accountId} value={state} onChange={setState} narrow={narrow} />;
  const activeCount = activeFilterCount(state);
  const filters = narrow ? (
    <Stack gap="xs">
      <Button
        variant="default"
        leftSection={<IconFilter size={16} />}
        onClick={toggleFilters}
        aria-expanded={filtersOpen}
        aria-controls="incident-filters"
        style={{ alignSelf: 'flex-start' }}
      >
        Filters{activeCount > 0 ? ` (${activeCount})` : ''}
      </Button>
      <Collapse in={filtersOpen} id="incident-filters">
        {filterBar}
      </Collapse>
    </Stack>
  ) : (
    filterBar
  );

  const bulkBar = canAct && selected.length > 0 && (
    <Paper withBorder radius="md" p="xs" px="sm" role="region" aria-label="Selected incidents" data-testid="bulk-bar">
      <Group gap="sm" justify="space-between" wrap="wrap">
        <Text size="sm" fw={500}>
          {selected.length} selected
        </Text>
        <Group gap="xs">
          <Button
            size="xs"
            variant="light"
            color="yellow"
            leftSection={<IconEye size={14} />}
            loading={bulk.fetching}
            onClick={() => act('acknowledge', selected)}
          >
            Acknowledge selected
          </Button>
          <Button size="xs" color="teal" leftSection={<IconCircleCheck size={14} />} loading={bulk.fetching} onClick={() => act('resolve', selected)}>
            Resolve selected
          </Button>
          <Button size="xs" variant="subtle" color="gray" leftSection={<IconX size={14} />} onClick={() => setSelected([])}>
            Clear
          </Button>
        </Group>
      </Group>
    </Paper>
  );

  const checkbox = (i: Incident) =>
    canAct && (
      <Checkbox
        aria-label={`Select ${i.title}`}
        checked={isSelected(i.id)}
        disabled={!canResolve(i.status)}
        onChange={(e) => toggle(i.id, e.currentTarget.checked)}
      />
    );

  const cards = (
    <Stack gap="sm" p="sm" component="ul" aria-label="Incidents" data-testid="incident-cards" style={{ listStyle: 'none', margin: 0 }}>
      {feed.incidents.map((i) => {
        const isNew = feed.liveIds.has(i.id);
        return (
          <Card
            component="li"
            key={i.id}
            withBorder
            radius="md"
            padding="sm"
            data-testid="incident-card"
            data-incident-id={i.id}
            data-status={i.status}
            bg={isNew ? 'var(--mantine-color-red-light)' : undefined}
          >
            <Stack gap={6}>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                {checkbox(i)}
                <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
                  <Title incident={i} base={base} isNew={isNew} />
                  <Text size="xs" c="dimmed">
                    {i.component.name}
                  </Text>
                </Stack>
              </Group>
              <Group gap="xs" wrap="wrap">
                <SeverityBadge value={i.severity} />
                <IncidentStatusBadge value={i.status} />
                <IncidentSourceBadge value={i.source} />
              </Group>
              <Text size="xs" c="dimmed">
                Opened <DateTime value={i.openedAt} size="xs" /> · {i.resolvedAt ? 'lasted' : 'open for'} {duration(i, now)} · acknowledged after{' '}
                {timeToAck(i)}
              </Text>
              {who('Acknowledged by', i.acknowledgedAt, i.acknowledgedBy)}
              {who('Resolved by', i.resolvedAt, i.resolvedBy)}
              {canAct && <TriageButtons incident={i} busy={bulk.fetching} onAction={act} />}
            </Stack>
          </Card>
        );
      })}
    </Stack>
  );

  const table = (
    <Table.ScrollContainer minWidth={canAct ? 900 : 800}>
      <Table verticalSpacing="sm" highlightOnHover aria-label="Incidents" data-testid="incidents-table">
        <Table.Thead>
          <Table.Tr>
            {canAct && (
              <Table.Th w={36}>
                <Checkbox
                  aria-label="Select all"
                  checked={allSelected}
                  indeterminate={selected.length > 0 && !allSelected}
                  disabled={visible.size === 0}
                  onChange={(e) => setSelected(e.currentTarget.checked ? visible : [])}
                />
              </Table.Th>
            )}
            <Table.Th w={80}>Severity</Table.Th>
            <Table.Th>Incident</Table.Th>
            <Table.Th w={132}>Status</Table.Th>
            <Table.Th w={104}>Opened</Table.Th>
            <Table.Th w={80}>Duration</Table.Th>
            <Table.Th w={100}>Time to acknowledge</Table.Th>
            <Table.Th>Acknowledged / resolved</Table.Th>
            {canAct && (
              <Table.Th w={80}>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {feed.incidents.map((i) => {
            const isNew = feed.liveIds.has(i.id);
            return (
              <Table.Tr
                key={i.id}
                data-incident-id={i.id}
                data-live={isNew || undefined}
                data-status={i.status}
                bg={isNew ? 'var(--mantine-color-red-light)' : isSelected(i.id) ? 'var(--mantine-primary-color-light)' : undefined}
              >
                {canAct && <Table.Td>{checkbox(i)}</Table.Td>}
                <Table.Td>
                  <SeverityBadge value={i.severity} style={NO_SHRINK} />
                </Table.Td>
                <Table.Td>
                  <Title incident={i} base={base} isNew={isNew} />
                  <Group gap="xs" wrap="wrap" mt={2}>
                    <Text size="xs" c="dimmed">
                      {i.component.name}
                    </Text>
                    <IncidentSourceBadge value={i.source} size="xs" />
                  </Group>
                </Table.Td>
                <Table.Td>
                  <IncidentStatusBadge value={i.status} style={NO_SHRINK} />
                </Table.Td>
                <Table.Td>
                  <DateTime value={i.openedAt} size="sm" />
                  <Text size="xs" c="dimmed" truncate maw={100}>
                    by {i.openedBy}
                  </Text>
                </Table.Td>
                <Table.Td data-testid="incident-duration">
                  <Text size="sm">{duration(i, now)}</Text>
                </Table.Td>
                <Table.Td data-testid="incident-tta">
                  <Text size="sm" c={i.acknowledgedAt ? undefined : 'dimmed'}>
                    {timeToAck(i)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Stack gap={0}>
                    {who('Acknowledged by', i.acknowledgedAt, i.acknowledgedBy)}
                    {who('Resolved by', i.resolvedAt, i.resolvedBy)}
                    {!i.acknowledgedAt && !i.resolvedAt && (
                      <Text size="xs" c="dimmed">
                        —
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
                {canAct && (
                  <Table.Td>
                    <TriageButtons incident={i} busy={bulk.fetching} onAction={act} compact />
                  </Table.Td>
                )}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );

  return (
    <ListPage
      title="Incidents"
      description="Opened by CloudWatch alarms, the API or people; newest first."
      actions={
        <>
          <LiveBadge failed={Boolean(feed.liveError)} hint="New incidents and status changes appear without reloading" />
          {newButton}
        </>
      }
      filters={filters}
      notice={<LiveError error={feed.liveError} />}
      aside={
        <>
          <IncidentStats accountId={accountId} filter={filter} />
          {bulkBar}
        </>
      }
      state={{ loaded: feed.loaded, error: feed.error, refetch: feed.refetch, empty: !feed.accountFound || feed.incidents.length === 0 }}
      pager={feed}
      what="incidents"
      empty={
        !feed.accountFound
          ? { title: 'Account not found' }
          : {
              icon: <IconAlertOctagon size={24} />,
              title: state.status === 'open' ? 'No open incidents' : 'No incidents match',
              body:
                state.status === 'open'
                  ? 'All quiet. New incidents appear here as soon as they open.'
                  : 'Try other filters. New incidents that match appear here as they open.',
            }
      }
    >
      {narrow ? cards : table}
    </ListPage>
  );
}
