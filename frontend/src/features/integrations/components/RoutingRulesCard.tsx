import {
  ActionIcon,
  Alert,

  Badge,
  Button,
  Card,
  Divider,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconFlask, IconPencil, IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useClient } from 'urql';
import { SEVERITY, SeverityBadge, options } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { FormErrors } from '@/components/FormErrors';
import { useInvalidFocus } from '@/components/FormModal';
import type { IntegrationDetailFieldsFragment, RouteField, RouteOp, Severity, TryIntegrationRoutesQuery as TryResult } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { notifyError } from '@/lib/notify';
import { useComponentOptions, usePolicyOptions } from '@/lib/options';
import { SetIntegrationRoutesMutation, TryIntegrationRoutesQuery, integrationsContext } from '../api';
import {
  ROUTE_FIELDS,
  ROUTE_OPS,
  describeConditions,
  emptyCondition,
  emptyRule,
  splitRouteErrors,
  toDraft,
  toInput,
  type ConditionDraft,
  type RuleDraft,
} from '../routes';

type Integration = IntegrationDetailFieldsFragment;
type Trial = NonNullable<TryResult['tryIntegrationRoutes']['trials']>[number];

const DEFAULT = '__default';
const tryContext = { requestPolicy: 'network-only' as const };

function Fallback({ integ }: { integ: Integration }) {
  return (
    <Text size="sm" c="dimmed" data-testid="routes-fallback">
      Alarms no rule matches open on <b>{integ.component.name}</b> as{' '}
      <SeverityBadge value={integ.defaultSeverity} size="xs" variant="light" /> (the integration&apos;s own component and
      default severity).
    </Text>
  );
}

/** An integration's ordered routing rules, and (admins) their editor with a trial on recent messages. */
export function RoutingRulesCard({ integ, canManage }: { integ: Integration; canManage: boolean }) {
  const [drafts, setDrafts] = useState<RuleDraft[] | null>(null);
  const { policies } = usePolicyOptions(integ.accountId);
  const policyName = (id: string | null | undefined) => policies.find((p) => p.id === id)?.name ?? 'a policy';

  return (
    <Card withBorder radius="md" data-testid="routing-rules">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h5">
          Routing rules
        </Title>
        {canManage && !drafts && (
          <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={() => setDrafts(integ.routes.map(toDraft))}>
            Edit rules
          </Button>
        )}
      </Group>
      {drafts ? (
        <RoutesEditor integ={integ} initial={drafts} onDone={() => setDrafts(null)} />
      ) : (
        <Stack gap="sm">
          {integ.routes.length === 0 ? (
            <Text size="sm" c="dimmed">
              No rules: every alarm opens on the integration&apos;s component. Rules send alarms to other components by
              alarm name, ARN, account, region, metric or dimension; the first that matches wins.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table verticalSpacing="xs" aria-label="Routing rules">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={40}>#</Table.Th>
                    <Table.Th>Rule</Table.Th>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Component</Table.Th>
                    <Table.Th>Severity</Table.Th>
                    <Table.Th>Escalation policy</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {integ.routes.map((r, i) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>{i + 1}</Table.Td>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {r.name}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{describeConditions(r.conditions)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{r.component.name}</Text>
                      </Table.Td>
                      <Table.Td>
                        {r.severity ? (
                          <SeverityBadge value={r.severity} size="sm" variant="light" />
                        ) : (
                          <Text size="sm" c="dimmed">
                            integration default
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {r.escalationPolicyId ? (
                          <Text size="sm">{policyName(r.escalationPolicyId)}</Text>
                        ) : (
                          <Text size="sm" c="dimmed">
                            inherited
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Fallback integ={integ} />
        </Stack>
      )}
    </Card>
  );
}

function ConditionRow({
  c,
  path,
  errors,
  onChange,
  onRemove,
  label,
}: {
  c: ConditionDraft;
  path: string;
  errors: Record<string, string>;
  onChange: (c: ConditionDraft) => void;
  onRemove: () => void;
  label: string;
}) {
  return (
    <Group gap="xs" align="flex-start" wrap="wrap" role="group" aria-label={label}>
      <Select
        aria-label={`${label}: field`}
        w={160}
        size="xs"
        allowDeselect={false}
        data={ROUTE_FIELDS}
        value={c.field}
        onChange={(v) => v && onChange({ ...c, field: v as RouteField })}
        error={errors[`${path}.field`]}
        comboboxProps={{ withinPortal: true }}
      />
      {c.field === 'DIMENSION' && (
        <TextInput
          aria-label={`${label}: dimension name`}
          placeholder="DBInstanceIdentifier"
          w={180}
          size="xs"
          value={c.dimension}
          onChange={(e) => onChange({ ...c, dimension: e.currentTarget.value })}
          error={errors[`${path}.dimension`]}
        />
      )}
      <Select
        aria-label={`${label}: operator`}
        w={140}
        size="xs"
        allowDeselect={false}
        data={ROUTE_OPS}
        value={c.op}
        onChange={(v) => v && onChange({ ...c, op: v as RouteOp })}
        error={errors[`${path}.op`]}
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput
        aria-label={`${label}: value`}
        placeholder={c.op === 'GLOB' ? 'orders-db-*' : c.op === 'REGEX' ? '^orders-(db|cache)-' : 'exact value'}
        style={{ flex: 1, minWidth: 180 }}
        size="xs"
        value={c.value}
        onChange={(e) => onChange({ ...c, value: e.currentTarget.value })}
        error={errors[`${path}.value`]}
      />
      <ActionIcon variant="subtle" color="gray" aria-label={`Remove ${label}`} onClick={onRemove} mt={2}>
        <IconX size={16} />
      </ActionIcon>
    </Group>
  );
}

function RoutesEditor({ integ, initial, onDone }: { integ: Integration; initial: RuleDraft[]; onDone: () => void }) {
  const client = useClient();
  const { ref, focusInvalid } = useInvalidFocus<HTMLDivElement>();
  const [rules, setRules] = useState<RuleDraft[]>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [trials, setTrials] = useState<Trial[] | null>(null);
  const [trying, setTrying] = useState(false);
  const { options: componentOptions } = useComponentOptions(integ.accountId);
  const { options: policyOptions } = usePolicyOptions(integ.accountId);
  const [{ fetching: saving }, save] = useMutationWithErrors(SetIntegrationRoutesMutation, (d) => d.setIntegrationRoutes, {
    failTitle: 'Could not save the routing rules',
    context: integrationsContext,
  });

  const update = (i: number, patch: Partial<RuleDraft>) => setRules((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, d: -1 | 1) =>
    setRules((rs) => {
      const next = [...rs];
      [next[i], next[i + d]] = [next[i + d], next[i]];
      return next;
    });
  const showErrors = (errs: readonly { field?: string | null; message: string }[]) => {
    const split = splitRouteErrors(errs);
    setErrors(split.fields);
    setGeneral(split.general);
    focusInvalid();
  };
  const input = { integrationId: integ.id, routes: toInput(rules) };

  async function onTry() {
    setTrying(true);
    setErrors({});
    setGeneral([]);
    const result = await client.query(TryIntegrationRoutesQuery, { input, first: 20 }, tryContext).toPromise();
    setTrying(false);
    if (result.error) {
      notifyError(result.error, 'Could not try the rules');
      return;
    }
    const payload = result.data?.tryIntegrationRoutes;
    if (!payload) return;
    if (payload.errors.length > 0) {
      setTrials(null);
      showErrors(payload.errors);
      return;
    }
    setTrials(payload.trials ?? []);
  }

  async function onSave() {
    setErrors({});
    setGeneral([]);
    const out = await save({ input }, { success: 'Routing rules saved.' });
    if (out.ok) onDone();
    else showErrors(out.errors);
  }

  return (
    <Stack gap="md" data-testid="routes-editor" ref={ref}>
      <FormErrors errors={general} />
      {rules.length === 0 && (
        <Text size="sm" c="dimmed">
          No rules. Saving removes them all: every alarm opens on the integration&apos;s component.
        </Text>
      )}
      {rules.map((r, i) => {
        const path = `routes.${i}`;
        const label = `Rule ${i + 1}`;
        return (
          <Paper key={r.key} withBorder p="sm" radius="md" role="group" aria-label={label}>
            <Stack gap="xs">
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <TextInput
                  label={`${label} name`}
                  placeholder="Orders database"
                  required
                  style={{ flex: 1 }}
                  value={r.name}
                  onChange={(e) => update(i, { name: e.currentTarget.value })}
                  error={errors[`${path}.name`]}
                />
                <Group gap={2} mt={24} wrap="nowrap">
                  <Tooltip label="Move up">
                    <ActionIcon variant="subtle" aria-label={`Move ${label} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                      <IconArrowUp size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label="Move down">
                    <ActionIcon
                      variant="subtle"
                      aria-label={`Move ${label} down`}
                      disabled={i === rules.length - 1}
                      onClick={() => move(i, 1)}
                    >
                      <IconArrowDown size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label="Remove rule">
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove ${label}`}
                      onClick={() => setRules((rs) => rs.filter((_, j) => j !== i))}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Group>
              </Group>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                When all of
              </Text>
              {r.conditions.length === 0 && (
                <Text size="sm" c="dimmed">
                  No conditions: matches every alarm.
                </Text>
              )}
              {r.conditions.map((c, j) => (
                <ConditionRow
                  key={j}
                  c={c}
                  path={`${path}.conditions.${j}`}
                  errors={errors}
                  label={`${label} condition ${j + 1}`}
                  onChange={(nc) => update(i, { conditions: r.conditions.map((x, k) => (k === j ? nc : x)) })}
                  onRemove={() => update(i, { conditions: r.conditions.filter((_, k) => k !== j) })}
                />
              ))}
              {errors[`${path}.conditions`] && (
                <Text size="xs" c="red">
                  {errors[`${path}.conditions`]}
                </Text>
              )}
              <Group>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  leftSection={<IconPlus size={12} />}
                  onClick={() => update(i, { conditions: [...r.conditions, emptyCondition()] })}
                >
                  Add condition
                </Button>
              </Group>
              <Group grow align="flex-start">
                <Select
                  label={`${label} component`}
                  required
                  data={componentOptions}
                  value={r.componentId}
                  onChange={(v) => update(i, { componentId: v })}
                  error={errors[`${path}.componentId`]}
                  searchable
                  comboboxProps={{ withinPortal: true }}
                />
                <Select
                  label={`${label} severity`}
                  allowDeselect={false}
                  data={[{ value: DEFAULT, label: `Integration default (${SEVERITY[integ.defaultSeverity].label})` }, ...options(SEVERITY)]}
                  value={r.severity ?? DEFAULT}
                  onChange={(v) => update(i, { severity: !v || v === DEFAULT ? null : (v as Severity) })}
                  error={errors[`${path}.severity`]}
                  comboboxProps={{ withinPortal: true }}
                />
                <Select
                  label={`${label} escalation policy`}
                  allowDeselect={false}
                  data={[{ value: DEFAULT, label: 'Inherited (integration, then component)' }, ...policyOptions]}
                  value={r.escalationPolicyId ?? DEFAULT}
                  onChange={(v) => update(i, { escalationPolicyId: !v || v === DEFAULT ? null : v })}
                  error={errors[`${path}.escalationPolicyId`]}
                  comboboxProps={{ withinPortal: true }}
                />
              </Group>
            </Stack>
          </Paper>
        );
      })}
      <Group>
        <Button variant="default" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setRules((rs) => [...rs, emptyRule()])}>
          Add rule
        </Button>
      </Group>
      <Fallback integ={integ} />
      <Divider />
      <Group justify="space-between">
        <Button variant="light" leftSection={<IconFlask size={16} />} loading={trying} onClick={onTry}>
          Try on recent messages
        </Button>
        <Group gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button loading={saving} onClick={onSave}>
            Save rules
          </Button>
        </Group>
      </Group>
      {trials && <TrialResults trials={trials} rules={rules} integ={integ} />}
    </Stack>
  );
}

function TrialResults({ trials, rules, integ }: { trials: Trial[]; rules: RuleDraft[]; integ: Integration }) {
  if (trials.length === 0) {
    return (
      <Alert color="gray" variant="light">
        No recent alarm messages to try the rules on.
      </Alert>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" aria-label="Trial on recent messages">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={140}>Received</Table.Th>
            <Table.Th>Alarm</Table.Th>
            <Table.Th>Matched rule</Table.Th>
            <Table.Th>Opens on</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {trials.map((t) => {
            const rule = t.matchedIndex == null ? null : rules[t.matchedIndex];
            return (
              <Table.Tr key={t.message.messageId}>
                <Table.Td>
                  <DateTime value={t.message.receivedAt} size="sm" />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t.facts.alarmName || t.message.alarmName || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  {t.matchedIndex == null ? (
                    <Text size="sm" c="dimmed">
                      no rule: {integ.component.name}
                    </Text>
                  ) : (
                    <Badge variant="light" radius="sm" tt="none">
                      {t.matchedIndex + 1}. {rule?.name || 'unnamed rule'}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t.component.name}</Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

