import { Alert, Badge, Button, Card, Group, Menu, NumberInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconArrowBackUp, IconBellZ, IconChevronDown, IconPlayerTrackNext, IconUserShare } from '@tabler/icons-react';
import { useState } from 'react';
import { DateTime } from '@/components/DateTime';
import { DetailList } from '@/components/DetailList';
import { FormModal } from '@/components/FormModal';
import type { EscalationPanelFieldsFragment } from '@/gql/graphql';
import { formatCountdown, formatDateTime } from '@/lib/format';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { useMemberOptions, usePolicyOptions } from '@/lib/options';
import { useNow } from '@/lib/use-now';
import { ESCALATION_STATE } from '@/lib/oncall-status';
import { NotificationStatus } from '@/components/NotificationStatus';
import {
  EscalateIncidentMutation,
  ReassignIncidentMutation,
  SetIncidentPolicyMutation,
  SnoozeIncidentMutation,
  UnacknowledgeIncidentMutation,
  incidentsContext,
} from '../api';

const SOURCES: Record<string, string> = {
  INCIDENT: 'set on this incident',
  RULE: 'from the integration’s routing rule',
  INTEGRATION: 'from the integration',
  COMPONENT: 'from the component',
};

const CHANNELS: Record<string, string> = { EMAIL: 'email', NTFY: 'ntfy', ENDPOINT: 'endpoint', SLACK_DM: 'Slack' };

const name = (u: { name: string; email: string } | null | undefined) => (u ? u.name || u.email : 'nobody');

type Dialog = 'reassign' | 'snooze' | 'policy' | null;

function ReassignModal({ accountId, incidentId, opened, onClose }: { accountId: string; incidentId: string; opened: boolean; onClose: () => void }) {
  const { options } = useMemberOptions(accountId, !opened);
  const [, reassign] = useMutationWithErrors(ReassignIncidentMutation, (d) => d.reassignIncident, {
    failTitle: 'Could not reassign the incident',
    context: incidentsContext,
  });
  const form = useForm<{ userId: string | null }>({
    mode: 'controlled',
    initialValues: { userId: null },
    validate: { userId: (v) => (v ? null : 'Pick a person') },
  });
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="Reassign incident"
      form={form}
      values={{ userId: null }}
      submitLabel="Reassign and page"
      onSubmit={(v) => reassign({ input: { id: incidentId, userId: v.userId! } }, { success: 'Reassigned; they are being paged.' })}
    >
      <Select
        label="Hand it to"
        description="They become the assignee and are paged now."
        searchable
        data-autofocus
        data={options}
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('userId')}
      />
    </FormModal>
  );
}

function SnoozeModal({ incidentId, opened, onClose }: { incidentId: string; opened: boolean; onClose: () => void }) {
  const [, snooze] = useMutationWithErrors(SnoozeIncidentMutation, (d) => d.snoozeIncident, {
    failTitle: 'Could not snooze the incident',
    context: incidentsContext,
  });
  const form = useForm<{ minutes: number | string }>({
    mode: 'controlled',
    initialValues: { minutes: 30 },
    validate: {
      minutes: (v) => {
        const n = Number(v);
        return v !== '' && Number.isInteger(n) && n >= 1 && n <= 1440 ? null : 'From 1 to 1,440 minutes';
      },
    },
  });
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="Snooze incident"
      form={form}
      values={{ minutes: 30 }}
      submitLabel="Snooze"
      onSubmit={(v) => snooze({ input: { id: incidentId, minutes: Number(v.minutes) } }, { success: `Snoozed for ${v.minutes} minutes.` })}
    >
      <NumberInput
        label="Minutes"
        description="Acknowledged until then; then it triggers and pages again."
        min={1}
        max={1440}
        clampBehavior="none"
        allowDecimal={false}
        data-autofocus
        {...form.getInputProps('minutes')}
      />
    </FormModal>
  );
}

function PolicyModal({
  accountId,
  incidentId,
  current,
  opened,
  onClose,
}: {
  accountId: string;
  incidentId: string;
  current: string | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { options } = usePolicyOptions(accountId, !opened);
  const [, setPolicy] = useMutationWithErrors(SetIncidentPolicyMutation, (d) => d.setIncidentPolicy, {
    failTitle: 'Could not change the policy',
    context: incidentsContext,
  });
  const form = useForm<{ policyId: string | null }>({ mode: 'controlled', initialValues: { policyId: current } });
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="Change escalation policy"
      form={form}
      values={{ policyId: current }}
      resetKey={current}
      submitLabel="Change policy"
      onSubmit={(v) => setPolicy({ input: { id: incidentId, policyId: v.policyId } }, { success: 'Escalation policy changed.' })}
    >
      <Select
        label="Policy for this incident"
        description="Clear it to go back to the rule’s, integration’s or component’s policy."
        placeholder="The default policy"
        clearable
        data-autofocus
        data={options}
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('policyId')}
      />
    </FormModal>
  );
}

/**
 * Where paging stands for an incident: assignee, policy (and where it came from), state, level,
 * who was paged, when the next level fires (live), repeats, snooze, every notification; members
 * act on it (viewers only see).
 */
export function EscalationPanel({
  accountId,
  incident,
  canAct,
}: {
  accountId: string;
  incident: EscalationPanelFieldsFragment;
  canAct: boolean;
}) {
  const esc = incident.escalation;
  const now = useNow(1000, Boolean(esc?.nextStepAt));
  const [dialog, setDialog] = useState<Dialog>(null);
  const [unack, unacknowledge] = useMutationWithErrors(UnacknowledgeIncidentMutation, (d) => d.unacknowledgeIncident, {
    failTitle: 'Could not un-acknowledge the incident',
    context: incidentsContext,
  });
  const [esca, escalate] = useMutationWithErrors(EscalateIncidentMutation, (d) => d.escalateIncident, {
    failTitle: 'Could not escalate the incident',
    context: incidentsContext,
  });
  const open = incident.status !== 'RESOLVED';
  const state = esc ? ESCALATION_STATE[esc.state] : null;
  const next = esc?.nextStepAt ? Date.parse(esc.nextStepAt) - now : null;

  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="escalation-title" data-testid="escalation-panel">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Group gap="xs">
          <Title order={2} size="h5" id="escalation-title">
            Escalation
          </Title>
          {state && (
            <Badge color={state.color} variant="light">
              {state.label}
            </Badge>
          )}
        </Group>
        {canAct && open && (
          <Group gap="xs">
            {incident.status === 'ACKNOWLEDGED' && (
              <Button size="xs" variant="default" leftSection={<IconArrowBackUp size={14} />} loading={unack.fetching}
                onClick={() => unacknowledge({ input: { id: incident.id } }, { success: 'Un-acknowledged: escalation restarts at level 1.', notifyUserErrors: true })}>
                Un-acknowledge
              </Button>
            )}
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button size="xs" variant="light" rightSection={<IconChevronDown size={14} />}>
                  Paging
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconUserShare size={14} />} onClick={() => setDialog('reassign')}>
                  Reassign…
                </Menu.Item>
                <Menu.Item leftSection={<IconBellZ size={14} />} onClick={() => setDialog('snooze')}>
                  Snooze…
                </Menu.Item>
                <Menu.Item onClick={() => setDialog('policy')}>Change policy…</Menu.Item>
                <Menu.Item
                  leftSection={<IconPlayerTrackNext size={14} />}
                  disabled={esca.fetching || !esc?.policy}
                  onClick={() => escalate({ input: { id: incident.id } }, { success: 'Paging the next level now.', notifyUserErrors: true })}
                >
                  Escalate now
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        )}
      </Group>
      <Stack gap="md">
        {incident.unreachedAt && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="A page reached nobody">
            At {formatDateTime(incident.unreachedAt)} nobody could be paged; the account’s admins were mailed.
          </Alert>
        )}
        <DetailList
          cols={2}
          items={[
            { label: 'Assignee', value: name(incident.assignee) },
            {
              label: 'Policy',
              value: esc?.policy ? (
                <>
                  {esc.policy.name}
                  {esc.policySource && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      ({SOURCES[esc.policySource] ?? esc.policySource.toLowerCase()})
                    </Text>
                  )}
                </>
              ) : (
                'None: nobody is paged'
              ),
            },
            { label: 'Level', value: esc && esc.levelCount > 0 ? `${esc.level} of ${esc.levelCount}` : '—' },
            { label: 'Paged', value: esc?.paged.length ? esc.paged.map(name).join(', ') : '—' },
            {
              label: 'Next level',
              value:
                esc?.nextStepAt && next !== null ? (
                  <span title={formatDateTime(esc.nextStepAt)} data-testid="next-step">
                    in {formatCountdown(next)}
                  </span>
                ) : (
                  '—'
                ),
            },
            { label: 'Repeats left', value: esc ? String(esc.repeatsLeft) : '—' },
            ...(esc?.snoozedUntil ? [{ label: 'Snoozed until', value: <DateTime value={esc.snoozedUntil} size="sm" /> }] : []),
          ]}
        />
        {incident.notifications.length > 0 && (
          <Table verticalSpacing={4} fz="sm" aria-label="Notifications">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>To</Table.Th>
                <Table.Th>Via</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>When</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {incident.notifications.map((n) => {
                return (
                  <Table.Tr key={n.id}>
                    <Table.Td>
                      {name(n.user)}
                      {n.level ? (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          · level {n.level}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      {CHANNELS[n.channel] ?? n.channel}
                      <Text size="xs" c="dimmed" truncate maw={160}>
                        {n.recipient}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <NotificationStatus status={n.status} attempts={n.attempts} lastError={n.lastError} />
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={n.sentAt ?? n.createdAt} size="xs" />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      {canAct && (
        <>
          <ReassignModal accountId={accountId} incidentId={incident.id} opened={dialog === 'reassign'} onClose={() => setDialog(null)} />
          <SnoozeModal incidentId={incident.id} opened={dialog === 'snooze'} onClose={() => setDialog(null)} />
          <PolicyModal
            accountId={accountId}
            incidentId={incident.id}
            current={esc?.policySource === 'INCIDENT' ? (esc.policy?.id ?? null) : null}
            opened={dialog === 'policy'}
            onClose={() => setDialog(null)}
          />
        </>
      )}
    </Card>
  );
}
