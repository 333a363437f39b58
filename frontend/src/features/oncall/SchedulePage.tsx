import { Anchor, Badge, Breadcrumbs, Button, Card, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import type { LayerFieldsFragment, ScheduleLayerInput } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { useNow } from '@/lib/use-now';
import { roleAtLeast } from '@/lib/roles';
import {
  DeleteOverrideMutation,
  DeleteScheduleMutation,
  ScheduleQuery,
  UpdateScheduleMutation,
  schedulesContext,
} from './api';
import { CalendarFeeds } from './components/CalendarFeeds';
import { LayerFormModal, layerToInput, valuesToInput, type LayerValues } from './components/LayerFormModal';
import { OverrideFormModal } from './components/OverrideFormModal';
import { ScheduleFormModal } from './components/ScheduleFormModal';
import { ScheduleTimeline } from './components/ScheduleTimeline';
import { WEEKDAYS, formatInZone, formatRange, personName } from './time';
import { RowActions } from '@/components/RowActions';

const DAY = 86_400_000;
const DAYS = 14;

function describeLayer(l: LayerFieldsFragment): string {
  const every =
    l.rotation === 'DAILY'
      ? `${l.length === 1 ? 'daily' : `every ${l.length} days`}`
      : l.rotation === 'WEEKLY'
        ? `${l.length === 1 ? 'weekly' : `every ${l.length} weeks`} on ${WEEKDAYS[l.handOffDay] ?? '?'}`
        : `every ${l.length} h`;
  return `Hands off ${every} at ${l.handOff}`;
}

/** The window the timeline shows: from the start of this hour, 14 days. Fixed per visit. */
function useWindow() {
  const [w] = useState(() => {
    const from = new Date();
    from.setMinutes(0, 0, 0);
    return { from: from.getTime(), to: from.getTime() + DAYS * DAY };
  });
  return w;
}

export default function SchedulePage() {
  const { accountId = '', scheduleId = '' } = useParams();
  const navigate = useNavigate();
  const win = useWindow();
  const now = useNow(60_000);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ScheduleQuery,
    variables: {
      accountId,
      id: scheduleId,
      from: new Date(win.from).toISOString(),
      to: new Date(win.to).toISOString(),
    },
    context: schedulesContext,
  });
  const [editing, setEditing] = useState(false);
  const [layerModal, setLayerModal] = useState<{ open: boolean; layer: LayerFieldsFragment | null }>({
    open: false,
    layer: null,
  });
  const [overrideOpen, setOverrideOpen] = useState(false);
  const [, update] = useMutationWithErrors(UpdateScheduleMutation, (d) => d.updateSchedule, {
    failTitle: 'Could not save the layers',
    context: schedulesContext,
  });
  const [, remove] = useMutationWithErrors(DeleteScheduleMutation, (d) => d.deleteSchedule, {
    failTitle: 'Could not delete the schedule',
    context: schedulesContext,
  });
  const [, removeOverride] = useMutationWithErrors(DeleteOverrideMutation, (d) => d.deleteScheduleOverride, {
    failTitle: 'Could not delete the override',
    context: schedulesContext,
  });

  const account = data?.account;
  const schedule = account?.schedule;
  const list = `/accounts/${accountId}/schedules`;
  const crumbs = (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to={list}>
        Schedules
      </Anchor>
      <span>{schedule?.name ?? 'Schedule'}</span>
    </Breadcrumbs>
  );
  if (error && !data) return <>{crumbs}<QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /></>;
  if (fetching && !data) return <>{crumbs}<TableSkeleton label="Loading the schedule" /></>;
  if (!schedule) {
    return (
      <>
        {crumbs}
        <EmptyState title="Schedule not found">It does not exist, or it belongs to another account.</EmptyState>
      </>
    );
  }

  const canAdmin = roleAtLeast(account?.myRole, 'ADMIN');
  const canAct = roleAtLeast(account?.myRole, 'MEMBER');
  const people = (account?.members ?? []).map((m) => m.user);
  const layers = [...schedule.layers].sort((a, b) => a.position - b.position);
  const feeds = (account?.calendarFeeds ?? []).filter((f) => f.schedule?.id === schedule.id);

  /** Sends the whole layer list (the API replaces it), lowest first. */
  function saveLayers(next: ScheduleLayerInput[], success: string) {
    return update({ input: { id: schedule!.id, layers: next } }, { success });
  }

  function saveLayer(values: LayerValues) {
    const editingLayer = layerModal.layer;
    const input = valuesToInput(values, editingLayer?.id);
    const next = editingLayer
      ? layers.map((l) => (l.id === editingLayer.id ? input : layerToInput(l)))
      : [...layers.map(layerToInput), input];
    return saveLayers(next, editingLayer ? 'Layer saved.' : 'Layer added.');
  }

  async function moveLayer(i: number, d: -1 | 1) {
    const next = layers.map(layerToInput);
    const j = i + d;
    if (j < 0 || j >= next.length) return;
    [next[i], next[j]] = [next[j], next[i]];
    await saveLayers(next, 'Layer order saved.');
  }

  async function deleteLayer(l: LayerFieldsFragment) {
    const ok = await confirmDanger({
      title: `Delete ${l.name || 'this layer'}?`,
      message: 'Its shifts leave the schedule; lower layers or nobody cover them.',
      confirmLabel: 'Delete layer',
    });
    if (ok) await update({ input: { id: schedule!.id, layers: layers.filter((x) => x.id !== l.id).map(layerToInput) } }, { success: 'Layer deleted.', notifyUserErrors: true });
  }

  async function deleteSchedule() {
    const ok = await confirmDanger({
      title: `Delete ${schedule!.name}?`,
      message: 'Its layers, overrides and calendar feeds are deleted. Policies that target it must be changed first.',
      confirmLabel: 'Delete schedule',
    });
    if (!ok) return;
    const out = await remove({ id: schedule!.id }, { success: `Deleted ${schedule!.name}.`, notifyUserErrors: true });
    if (out.ok) navigate(list);
  }

  return (
    <>
      {crumbs}
      <PageHeader
        title={schedule.name}
        description={
          <>
            {schedule.description && <>{schedule.description} · </>}Time zone {schedule.timeZone}
          </>
        }
        actions={
          canAdmin && (
            <>
              <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={deleteSchedule}>
                Delete
              </Button>
            </>
          )
        }
      />
      <Stack gap="lg">
        <Card withBorder radius="md" padding="md" component="section" aria-labelledby="timeline-title">
          <Title order={2} size="h5" mb="sm" id="timeline-title">
            Next {DAYS} days
          </Title>
          <ScheduleTimeline
            layers={layers}
            shifts={schedule.finalSchedule}
            overrides={schedule.overrides}
            from={win.from}
            to={win.to}
            now={now}
            zone={schedule.timeZone}
          />
        </Card>
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Card withBorder radius="md" padding="md" component="section" aria-labelledby="layers-title">
              <Group justify="space-between" mb="sm">
                <Title order={2} size="h5" id="layers-title">
                  Layers
                </Title>
                {canAdmin && (
                  <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setLayerModal({ open: true, layer: null })}>
                    Add layer
                  </Button>
                )}
              </Group>
              <Text size="xs" c="dimmed" mb="sm">
                A higher layer that has someone wins over the ones below it.
              </Text>
              {layers.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No layers: nobody is on call. Add a rotation.
                </Text>
              ) : (
                <Stack gap="sm">
                  {[...layers].reverse().map((l) => {
                    const i = layers.indexOf(l);
                    return (
                      <Card key={l.id} withBorder radius="sm" padding="sm" data-testid="layer">
                        <Group justify="space-between" wrap="nowrap" align="flex-start">
                          <Stack gap={2}>
                            <Text fw={600} size="sm">
                              {l.name || `Layer ${i + 1}`}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {describeLayer(l)} · from {formatInZone(l.startsAt, schedule.timeZone)}
                              {l.endsAt ? ` until ${formatInZone(l.endsAt, schedule.timeZone)}` : ''}
                            </Text>
                            <Text size="sm">{l.participants.map((p) => personName(p)).join(' → ')}</Text>
                            {l.restrictions.length > 0 && (
                              <Text size="xs" c="dimmed">
                                Only{' '}
                                {l.restrictions
                                  .map(
                                    (r) =>
                                      `${r.days.length ? r.days.map((d) => WEEKDAYS[d]?.slice(0, 3)).join(', ') : 'every day'} ${r.from}–${r.to}`,
                                  )
                                  .join('; ')}
                              </Text>
                            )}
                          </Stack>
                          {canAdmin && (
                            <RowActions
                              name={l.name}
                              actions={[
                                { label: 'Raise', name: `Raise ${l.name}`, icon: IconArrowUp, disabled: i === layers.length - 1, onClick: () => moveLayer(i, 1) },
                                { label: 'Lower', name: `Lower ${l.name}`, icon: IconArrowDown, disabled: i === 0, onClick: () => moveLayer(i, -1) },
                              ]}
                              onEdit={() => setLayerModal({ open: true, layer: l })}
                              onDelete={() => deleteLayer(l)}
                            />
                          )}
                        </Group>
                      </Card>
                    );
                  })}
                </Stack>
              )}
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Stack gap="lg">
              <Card withBorder radius="md" padding="md" component="section" aria-labelledby="overrides-title">
                <Group justify="space-between" mb="sm">
                  <Title order={2} size="h5" id="overrides-title">
                    Overrides
                  </Title>
                  {canAct && (
                    <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setOverrideOpen(true)}>
                      Add override
                    </Button>
                  )}
                </Group>
                {schedule.overrides.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    None upcoming.
                  </Text>
                ) : (
                  <Stack gap={6} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                    {schedule.overrides.map((o) => (
                      <Group component="li" key={o.id} justify="space-between" wrap="nowrap">
                        <Text size="sm">
                          <b>{personName(o.user)}</b> {formatRange(o.startsAt, o.endsAt, schedule.timeZone)}
                        </Text>
                        {canAct && (
                          <RowActions
                            name={`the override of ${personName(o.user)}`}
                            onDelete={() => removeOverride({ id: o.id }, { success: 'Override deleted.', notifyUserErrors: true })}
                          />
                        )}
                      </Group>
                    ))}
                  </Stack>
                )}
              </Card>
              <Card withBorder radius="md" padding="md" component="section" aria-labelledby="policies-title">
                <Title order={2} size="h5" mb="sm" id="policies-title">
                  Escalation policies using it
                </Title>
                {schedule.policies.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    None: nobody is paged from this schedule yet.
                  </Text>
                ) : (
                  <Group gap="xs">
                    {schedule.policies.map((p) => (
                      <Badge key={p.id} variant="light" component={Link} to={`/accounts/${accountId}/escalation-policies/${p.id}`} style={{ cursor: 'pointer' }}>
                        {p.name}
                      </Badge>
                    ))}
                  </Group>
                )}
              </Card>
              <Card withBorder radius="md" padding="md" component="section" aria-labelledby="feed-title">
                <Title order={2} size="h5" mb="sm" id="feed-title">
                  Calendar feed
                </Title>
                <CalendarFeeds accountId={accountId} scheduleId={schedule.id} feeds={feeds} />
              </Card>
            </Stack>
          </Grid.Col>
        </Grid>
      </Stack>
      <ScheduleFormModal accountId={accountId} schedule={schedule} opened={editing} onClose={() => setEditing(false)} />
      <LayerFormModal
        opened={layerModal.open}
        onClose={() => setLayerModal({ open: false, layer: null })}
        layer={layerModal.layer}
        position={layers.length}
        people={people}
        zone={schedule.timeZone}
        onSave={saveLayer}
      />
      <OverrideFormModal scheduleId={schedule.id} people={people} opened={overrideOpen} onClose={() => setOverrideOpen(false)} />
    </>
  );
}
