import {
  Anchor,
  Breadcrumbs,
  Button,
  Card,
  Code,
  Group,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import {
  IconBolt,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerStop,
  IconPlus,
  IconRocket,
  IconTrash,
} from '@tabler/icons-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { FarmStatusBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { DetailList } from '@/components/DetailList';
import { EventsAboutButton } from '@/components/EventsAboutButton';
import { EmptyState } from '@/components/EmptyState';
import { LiveBadge } from '@/components/LiveBadge';
import { QueryError } from '@/components/QueryError';
import { RowActions, RowActionsHeader } from '@/components/RowActions';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import { useAccountRole } from '@/lib/account-role';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { notifySuccess } from '@/lib/notify';
import { roleAtLeast } from '@/lib/roles';
import {
  CancelFarmApprovalMutation,
  DeleteFarmMutation,
  DeleteServerMutation,
  FarmLatestApprovalQuery,
  FarmQuery,
  LaunchFarmMutation,
  ResumeFarmMutation,
  SuspendFarmMutation,
  TerminateFarmMutation,
  farmApprovalContext,
  farmsContext,
} from './api';
import { LastDecision, PendingApprovalBanner } from './components/ApprovalBanner';
import { AddRoleModal, AddServerModal, EditFarmModal, ServerFormModal, type EditableServer } from './components/FarmForms';
import { FireEventModal } from './components/FireEventModal';
import { VariablesPanel } from './components/VariablesPanel';
import { newerFarm, useLiveFarms } from './use-live-farms';

type Op = 'launch' | 'terminate' | 'suspend' | 'resume';

/** A project or cost centre as the provisioner names it: name (or id), then id and billing code. */
function BillingRef({ id, name, code, testId }: { id: string; name: string; code: string; testId: string }) {
  if (!id && !name && !code) return <>—</>;
  return (
    <Stack gap={0} data-testid={testId}>
      <Text size="sm">{name || id}</Text>
      {(name && id) || code ? (
        <Text size="xs" c="dimmed">
          {[name && id ? id : '', code ? `billing code ${code}` : ''].filter(Boolean).join(' · ')}
        </Text>
      ) : null}
    </Stack>
  );
}

const OPS: Record<Op, { label: string; icon: ReactNode; color: string; confirm: string; done: string }> = {
  launch: {
    label: 'Launch',
    icon: <IconRocket size={16} />,
    color: 'teal',
    confirm: 'BeforeFarmLaunch and FarmLaunched events are sent to matching webhooks; an approval endpoint may hold the launch.',
    done: 'Farm launched.',
  },
  suspend: {
    label: 'Suspend',
    icon: <IconPlayerPause size={16} />,
    color: 'blue',
    confirm: 'The farm is suspended and FarmSuspended is sent to matching webhooks.',
    done: 'Farm suspended.',
  },
  resume: {
    label: 'Resume',
    icon: <IconPlayerPlay size={16} />,
    color: 'teal',
    confirm: 'The farm runs again and FarmResumed is sent to matching webhooks.',
    done: 'Farm resumed.',
  },
  terminate: {
    label: 'Terminate',
    icon: <IconPlayerStop size={16} />,
    color: 'red',
    confirm: 'BeforeFarmTerminate and FarmTerminated events are sent to matching webhooks; an approval endpoint may hold it.',
    done: 'Farm terminated.',
  },
};

export default function FarmPage() {
  const { accountId = '', farmId = '' } = useParams();
  const navigate = useNavigate();
  const { role } = useAccountRole(accountId);
  const canAct = roleAtLeast(role, 'MEMBER');
  const canAdmin = roleAtLeast(role, 'ADMIN');
  const [{ data, fetching, error }, refetch] = useQuery({ query: FarmQuery, variables: { id: farmId }, context: farmsContext });
  const { live, error: liveError } = useLiveFarms(accountId);
  const [latestResult, refetchLatest] = useQuery({
    query: FarmLatestApprovalQuery,
    variables: { accountId, farmId },
    context: farmApprovalContext,
  });
  const [{ fetching: cancelling }, cancelApproval] = useMutationWithErrors(
    CancelFarmApprovalMutation,
    (d) => d.cancelApprovalRequest,
    { failTitle: 'Could not cancel the request', context: farmApprovalContext },
  );
  const [, launch] = useMutationWithErrors(LaunchFarmMutation, (d) => d.launchFarm, { failTitle: 'Could not launch the farm', context: farmsContext });
  const [, terminate] = useMutationWithErrors(TerminateFarmMutation, (d) => d.terminateFarm, { failTitle: 'Could not terminate the farm', context: farmsContext });
  const [, suspend] = useMutationWithErrors(SuspendFarmMutation, (d) => d.suspendFarm, { failTitle: 'Could not suspend the farm', context: farmsContext });
  const [, resume] = useMutationWithErrors(ResumeFarmMutation, (d) => d.resumeFarm, { failTitle: 'Could not resume the farm', context: farmsContext });
  const [, deleteFarm] = useMutationWithErrors(DeleteFarmMutation, (d) => d.deleteFarm, { failTitle: 'Could not delete the farm', context: farmsContext });
  const [, deleteServer] = useMutationWithErrors(DeleteServerMutation, (d) => d.deleteServer, { failTitle: 'Could not remove the server', context: farmsContext });
  const [busy, setBusy] = useState<Op | null>(null);
  const [addingRole, setAddingRole] = useState(false);
  const [addingServer, setAddingServer] = useState(false);
  const [editing, setEditing] = useState(false);
  const [editingServer, setEditingServer] = useState<EditableServer | null>(null);
  const [firing, setFiring] = useState<{ serverId: string | null } | null>(null);

  const list = `/accounts/${accountId}/farms`;
  const approvals = `/accounts/${accountId}/approvals`;
  const loaded = data?.farm;
  const pushed = loaded ? live?.byId[loaded.id] : undefined;
  // What farmChanged pushed wins when it is newer: decisions show up without a reload.
  const farm = loaded && pushed ? newerFarm(loaded, pushed) : loaded;
  const pendingId = farm?.pendingApproval?.id ?? null;

  // The latest decision is not part of the farm: reload it when the farm's request changes.
  const lastPending = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (!farm) return;
    if (lastPending.current !== undefined && lastPending.current !== pendingId) {
      refetchLatest({ requestPolicy: 'network-only' });
    }
    lastPending.current = pendingId;
  }, [farm, pendingId, refetchLatest]);
  const crumbs = (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to={list}>
        Farms
      </Anchor>
      <span>{farm?.name ?? 'Farm'}</span>
    </Breadcrumbs>
  );
  if (error && !data) return <>{crumbs}<QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /></>;
  if (fetching && !data) return <>{crumbs}<TableSkeleton label="Loading the farm" /></>;
  if (!farm || farm.accountId !== accountId) return <>{crumbs}<EmptyState title="Farm not found" /></>;

  async function run(op: Op) {
    const spec = OPS[op];
    const ok = await confirmDanger({ title: `${spec.label} ${farm!.name}?`, message: spec.confirm, confirmLabel: `${spec.label} farm` });
    if (!ok) return;
    setBusy(op);
    const input = { input: { id: farmId } };
    const exec = { launch, terminate, suspend, resume }[op];
    const outcome = await exec(input, { notifyUserErrors: true });
    setBusy(null);
    if (!outcome.ok) return;
    const status = outcome.payload.farm?.status;
    if (status === 'PENDING_LAUNCH' || status === 'PENDING_TERMINATE') {
      notifySuccess(`${spec.label} requested: waiting for approval.`);
    } else {
      notifySuccess(spec.done);
    }
  }

  async function onCancelApproval() {
    const pending = farm!.pendingApproval;
    if (!pending) return;
    const ok = await confirmDanger({
      title: 'Cancel the approval request?',
      message: `The request is withdrawn and ${farm!.name} goes back to where it was. The endpoint is not told; a later answer is refused.`,
      confirmLabel: 'Cancel request',
    });
    if (!ok) return;
    await cancelApproval({ input: { id: pending.id } }, { notifyUserErrors: true, success: 'Approval request cancelled.' });
  }

  async function onDelete() {
    const ok = await confirmDanger({ title: `Delete ${farm!.name}?`, message: 'The farm, its roles, servers and variables are deleted.', confirmLabel: 'Delete farm' });
    if (!ok) return;
    if ((await deleteFarm({ input: { id: farmId } }, { notifyUserErrors: true, success: `Deleted ${farm!.name}.` })).ok) navigate(list);
  }

  async function onDeleteServer(id: string, name: string) {
    const ok = await confirmDanger({ title: `Remove ${name}?`, message: 'The server is removed from the inventory.', confirmLabel: 'Remove server' });
    if (!ok) return;
    await deleteServer({ input: { id } }, { notifyUserErrors: true, success: `Removed ${name}.` });
  }

  const available: Op[] =
    farm.status === 'TERMINATED'
      ? ['launch']
      : farm.status === 'RUNNING'
        ? ['suspend', 'terminate']
        : farm.status === 'SUSPENDED'
          ? ['resume', 'terminate']
          : [];
  const roleAlias = new Map(farm.roles.map((r) => [r.id, r.alias]));
  const roleOptions = farm.roles.map((r) => ({ value: r.id, label: `${r.alias} (${r.roleName})` }));
  const waiting = farm.status === 'PENDING_LAUNCH' || farm.status === 'PENDING_TERMINATE';
  const latest = latestResult.data?.account?.approvalRequests.edges[0]?.node ?? null;

  return (
    <>
      {crumbs}
      <Group justify="space-between" align="flex-end" mb="lg" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2">
              {farm.name}
            </Title>
            <FarmStatusBadge value={farm.status} launchedOnce={farm.launchedOnce} size="lg" />
            <LiveBadge failed={Boolean(liveError)} hint="Status changes and approval decisions appear without reloading" />
          </Group>
          <Text size="sm" c="dimmed">
            Environment {farm.environment.name}
            {farm.description ? ` · ${farm.description}` : ''}
          </Text>
        </Stack>
        <Group gap="sm">
          <EventsAboutButton accountId={accountId} subjectId={farm.id} what="farm" />
          {canAct && (
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
              Edit
            </Button>
          )}
          {canAct && (
            <Button variant="default" leftSection={<IconBolt size={16} />} onClick={() => setFiring({ serverId: null })}>
              Fire event
            </Button>
          )}
          {canAct &&
            available.map((op) => (
              <Button
                key={op}
                variant={op === 'terminate' ? 'light' : 'filled'}
                color={OPS[op].color}
                leftSection={OPS[op].icon}
                loading={busy === op}
                onClick={() => run(op)}
              >
                {OPS[op].label}
              </Button>
            ))}
          {canAdmin && farm.status === 'TERMINATED' && (
            <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={onDelete}>
              Delete
            </Button>
          )}
        </Group>
      </Group>
      <Stack gap="lg">
        {waiting && (
          <PendingApprovalBanner
            status={farm.status}
            pending={farm.pendingApproval}
            approvalsHref={farm.pendingApproval ? `${approvals}/${farm.pendingApproval.id}` : `${approvals}?farm=${farm.id}`}
            canCancel={canAct}
            cancelling={cancelling}
            onCancel={onCancelApproval}
          />
        )}
        {!waiting && latest && latest.status !== 'PENDING' && (
          <LastDecision approval={latest} approvalsHref={`${approvals}/${latest.id}`} />
        )}
        <Card withBorder radius="md">
          <DetailList
            cols={4}
            items={[
              { label: 'Owner', value: farm.ownerEmail || '—' },
              { label: 'Launched before', value: farm.launchedOnce ? 'Yes' : 'Never' },
              { label: 'Created', value: <DateTime value={farm.createdAt} size="sm" /> },
              { label: 'Updated', value: <DateTime value={farm.updatedAt} size="sm" /> },
              { label: 'Team', value: farm.team || '—' },
              { label: 'Project', value: <BillingRef id={farm.projectId} name={farm.projectName} code={farm.projectBillingCode} testId="farm-project" /> },
              {
                label: 'Cost centre',
                value: <BillingRef id={farm.costCenterId} name={farm.costCenterName} code={farm.costCenterBillingCode} testId="farm-cost-center" />,
              },
              { label: 'Last launched by', value: farm.launchedByEmail || '—' },
              { label: 'Farm hash', value: <Code data-testid="farm-hash">{farm.hash}</Code> },
            ]}
          />
        </Card>
        <Tabs defaultValue="servers" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="servers">Servers ({farm.servers.length})</Tabs.Tab>
            <Tabs.Tab value="roles">Roles ({farm.roles.length})</Tabs.Tab>
            <Tabs.Tab value="variables">Variables</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="servers" pt="md">
            <Card withBorder radius="md">
              {canAct && (
                <Group justify="flex-end" mb="sm">
                  <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setAddingServer(true)} disabled={farm.roles.length === 0}>
                    Add server
                  </Button>
                </Group>
              )}
              {farm.servers.length === 0 ? (
                <EmptyState title="No servers">
                  {farm.roles.length === 0 ? 'Add a role first; servers belong to a role.' : 'Servers are usually reported through the API by your provisioning.'}
                </EmptyState>
              ) : (
                <Table.ScrollContainer minWidth={900}>
                  <Table verticalSpacing="xs" aria-label="Servers">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Hostname</Table.Th>
                        <Table.Th>Role</Table.Th>
                        <Table.Th>Type</Table.Th>
                        <Table.Th>Location</Table.Th>
                        <Table.Th>Cloud id</Table.Th>
                        <Table.Th>Public / private IP</Table.Th>
                        <Table.Th>Status</Table.Th>
                        {canAct && <RowActionsHeader w={120} />}
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {farm.servers.map((s) => (
                        <Table.Tr key={s.id}>
                          <Table.Td>
                            <Text size="sm" fw={500}>
                              {s.hostname || '—'}
                            </Text>
                            <Text size="xs" c="dimmed">
                              #{s.instanceIndex}
                            </Text>
                          </Table.Td>
                          <Table.Td>{roleAlias.get(s.farmRoleId) ?? '—'}</Table.Td>
                          <Table.Td>{s.serverType || '—'}</Table.Td>
                          <Table.Td>
                            {[s.cloudLocation, s.cloudZone].filter(Boolean).join(' / ') || '—'}
                          </Table.Td>
                          <Table.Td>
                            <Text size="xs" ff="monospace">
                              {s.cloudServerId || '—'}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="xs" ff="monospace">
                              {s.publicIp || '—'} / {s.privateIp || '—'}
                            </Text>
                          </Table.Td>
                          <Table.Td>{s.status || '—'}</Table.Td>
                          {canAct && (
                            <Table.Td>
                              <RowActions
                                name={s.hostname || s.id}
                                actions={[
                                  {
                                    label: 'Fire an event about this server',
                                    name: `Fire an event about ${s.hostname || s.id}`,
                                    icon: IconBolt,
                                    onClick: () => setFiring({ serverId: s.id }),
                                  },
                                ]}
                                onEdit={() => setEditingServer(s)}
                                onDelete={() => onDeleteServer(s.id, s.hostname || 'this server')}
                                deleteLabel="Remove"
                              />
                            </Table.Td>
                          )}
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Card>
          </Tabs.Panel>
          <Tabs.Panel value="roles" pt="md">
            <Card withBorder radius="md">
              {canAct && (
                <Group justify="flex-end" mb="sm">
                  <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setAddingRole(true)}>
                    Add role
                  </Button>
                </Group>
              )}
              {farm.roles.length === 0 ? (
                <EmptyState title="No roles" />
              ) : (
                <Table verticalSpacing="xs" aria-label="Roles">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Alias</Table.Th>
                      <Table.Th>Role</Table.Th>
                      <Table.Th>OS</Table.Th>
                      <Table.Th>Image</Table.Th>
                      <Table.Th>Behaviours</Table.Th>
                      <Table.Th>Servers</Table.Th>
                      <Table.Th>Created</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {farm.roles.map((r) => (
                      <Table.Tr key={r.id}>
                        <Table.Td fw={500}>{r.alias}</Table.Td>
                        <Table.Td>{r.roleName}</Table.Td>
                        <Table.Td>{r.os || '—'}</Table.Td>
                        <Table.Td>{r.imageId ? <Code>{r.imageId}</Code> : '—'}</Table.Td>
                        <Table.Td>{r.behaviors.length ? r.behaviors.join(', ') : '—'}</Table.Td>
                        <Table.Td>{farm.servers.filter((s) => s.farmRoleId === r.id).length}</Table.Td>
                        <Table.Td>
                          <DateTime value={r.createdAt} size="sm" />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Card>
          </Tabs.Panel>
          <Tabs.Panel value="variables" pt="md">
            <VariablesPanel scope={{ scope: 'FARM', id: farm.id }} canManage={canAdmin} label="Farm variables" />
          </Tabs.Panel>
        </Tabs>
      </Stack>
      {canAct && <AddRoleModal farmId={farm.id} opened={addingRole} onClose={() => setAddingRole(false)} />}
      {canAct && (
        <AddServerModal key={farm.roles.length} roles={roleOptions} opened={addingServer} onClose={() => setAddingServer(false)} />
      )}
      {canAct && editing && <EditFarmModal farm={farm} opened={editing} onClose={() => setEditing(false)} />}
      {canAct && editingServer && (
        <ServerFormModal
          key={editingServer.id}
          roles={roleOptions}
          server={editingServer}
          opened
          onClose={() => setEditingServer(null)}
        />
      )}
      {canAct && firing && (
        <FireEventModal
          accountId={accountId}
          farm={{ id: farm.id, name: farm.name, environmentId: farm.environment.id }}
          servers={farm.servers}
          initialServerId={firing.serverId}
          opened
          onClose={() => setFiring(null)}
        />
      )}
    </>
  );
}
