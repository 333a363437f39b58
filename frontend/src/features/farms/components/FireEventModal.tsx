import { ActionIcon, Alert, Anchor, Button, Code, Group, Modal, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconCircleCheck, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import { useInvalidFocus } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { FireEventMutation, FireableEventsQuery } from '../api';

/** Parameter names the server accepts (they become SCALR_<UPPER_SNAKE> variables). */
export const PARAM_NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** "diskSize" or "disk-size" → DISK_SIZE, as the server names the variable. */
export function upperSnake(s: string): string {
  let out = '';
  let prevLower = false;
  for (const ch of s) {
    if (ch === '-' || ch === ' ' || ch === '_') {
      out += '_';
      prevLower = false;
      continue;
    }
    const isUpper = ch !== ch.toLowerCase() && ch === ch.toUpperCase();
    if (isUpper && prevLower) out += '_';
    out += ch.toUpperCase();
    prevLower = (ch === ch.toLowerCase() && ch !== ch.toUpperCase()) || /[0-9]/.test(ch);
  }
  return out;
}

interface Param {
  key: string;
  value: string;
}

/** Client-side checks of the parameter rows (blank rows are ignored). */
export function validateParams(params: readonly Param[]): Record<number, string> {
  const errors: Record<number, string> = {};
  const seen = new Set<string>();
  params.forEach((p, i) => {
    const key = p.key.trim();
    if (!key && !p.value) return;
    if (!key) errors[i] = 'Name the parameter';
    else if (!PARAM_NAME_RE.test(key)) errors[i] = 'Letters, digits and _, starting with a letter (at most 64)';
    else if (seen.has(upperSnake(key))) errors[i] = `${key} is given twice`;
    else if (p.value.length > 4096) errors[i] = 'At most 4096 characters';
    seen.add(upperSnake(key));
  });
  return errors;
}

/** The events one can fire about a farm, or about one of its servers (custom events either way). */
export function fireableEvents<E extends { category: string }>(catalog: readonly E[], about: 'farm' | 'server'): E[] {
  return catalog.filter((e) => e.category === about || e.category === 'custom');
}

const CATEGORY_LABEL: Record<string, string> = { farm: 'Farm events', server: 'Server events', custom: 'Custom events' };

const FARM_TARGET = '__farm__';

/**
 * Fires a built-in farm/server event or a custom event about the farm (or one of its servers),
 * with parameters, and links to the recorded event.
 */
export function FireEventModal({
  accountId,
  farm,
  servers,
  initialServerId,
  opened,
  onClose,
}: {
  accountId: string;
  farm: { id: string; name: string; environmentId: string };
  servers: readonly { id: string; hostname: string; instanceIndex: number }[];
  initialServerId: string | null;
  opened: boolean;
  onClose: () => void;
}) {
  const [{ data, fetching }] = useQuery({
    query: FireableEventsQuery,
    variables: { accountId, environmentId: farm.environmentId },
    pause: !opened,
  });
  const [, fire] = useMutationWithErrors(FireEventMutation, (d) => d.fireEvent, { failTitle: 'Could not fire the event' });
  const [target, setTarget] = useState<string>(initialServerId ?? FARM_TARGET);
  const [name, setName] = useState<string | null>(null);
  const [params, setParams] = useState<Param[]>([{ key: '', value: '' }]);
  const [errors, setErrors] = useState<{ name?: string; target?: string; parameters?: string; rows: Record<number, string> }>({ rows: {} });
  const [general, setGeneral] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [fired, setFired] = useState<{ id: string; name: string } | null>(null);

  // About the farm: farm and custom events; about a server: server and custom events.
  const catalog = useMemo(
    () => fireableEvents(data?.account?.eventCatalog ?? [], target === FARM_TARGET ? 'farm' : 'server'),
    [data, target],
  );
  const options = useMemo(() => {
    const groups = ['farm', 'server', 'custom', ...new Set(catalog.map((e) => e.category))].filter((c, i, a) => a.indexOf(c) === i);
    return groups
      .map((g) => ({ group: CATEGORY_LABEL[g] ?? g, items: catalog.filter((e) => e.category === g).map((e) => ({ value: e.name, label: e.name })) }))
      .filter((g) => g.items.length > 0);
  }, [catalog]);
  const chosen = catalog.find((e) => e.name === name) ?? null;
  const targetOptions = [
    { value: FARM_TARGET, label: `The farm ${farm.name}` },
    ...servers.map((s) => ({ value: s.id, label: `Server ${s.hostname || s.id} (#${s.instanceIndex})` })),
  ];

  function setParam(i: number, patch: Partial<Param>) {
    setParams((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  }

  const { ref, afterSubmit } = useInvalidFocus();

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setGeneral([]);
    const next: typeof errors = { rows: validateParams(params) };
    if (!name) next.name = 'Pick an event';
    if (chosen?.category === 'server' && target === FARM_TARGET) next.target = `${chosen.name} is a server event: pick a server`;
    setErrors(next);
    if (next.name || next.target || Object.keys(next.rows).length) return;
    setSubmitting(true);
    const parameters = params.filter((p) => p.key.trim()).map((p) => ({ key: p.key.trim(), value: p.value }));
    const outcome = await fire({
      input: {
        name: name!,
        farmId: farm.id,
        serverId: target === FARM_TARGET ? null : target,
        parameters,
      },
    });
    setSubmitting(false);
    if (!outcome.ok && outcome.transport) return;
    const event = outcome.ok ? outcome.payload.event : null;
    if (!event) {
      const s = splitUserErrors(outcome.errors, ['name', 'farmId', 'serverId', 'parameters']);
      setErrors({
        rows: {},
        name: s.fields.name,
        target: s.fields.serverId ?? s.fields.farmId,
        parameters: s.fields.parameters,
      });
      setGeneral(s.general);
      return;
    }
    setFired({ id: event.id, name: event.name });
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Fire an event" centered size="lg">
      {fired ? (
        <Stack gap="md" data-testid="fired-event">
          <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title={`Fired ${fired.name}`}>
            It was recorded and queued to the webhooks that listen for it.
          </Alert>
          <Group justify="space-between">
            <Anchor component={Link} to={`/accounts/${accountId}/events/${fired.id}`}>
              Open the event
            </Anchor>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form ref={ref} onSubmit={afterSubmit(submit)} noValidate>
          <Stack gap="md">
            <FormErrors errors={general} />
            <Select
              label="About"
              data={targetOptions}
              value={target}
              onChange={(v) => {
                if (!v) return;
                setTarget(v);
                // An event of the other kind is no longer offered.
                const kind = v === FARM_TARGET ? 'farm' : 'server';
                if (name && !fireableEvents(data?.account?.eventCatalog ?? [], kind).some((e) => e.name === name)) setName(null);
              }}
              allowDeselect={false}
              error={errors.target}
              comboboxProps={{ withinPortal: true }}
            />
            <Select
              label="Event"
              required
              searchable
              placeholder={fetching ? 'Loading events…' : 'Pick a farm, server or custom event'}
              data={options}
              value={name}
              onChange={setName}
              error={errors.name}
              description={chosen?.description}
              nothingFoundMessage="No such event. Custom events are defined on the Webhooks page."
              comboboxProps={{ withinPortal: true }}
              data-autofocus
            />
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                Parameters
              </Text>
              <Text size="xs" c="dimmed">
                Each becomes a variable of the event: <Code>diskSize</Code> → <Code>SCALR_DISK_SIZE</Code>.
              </Text>
              {params.map((p, i) => (
                <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
                  <TextInput
                    aria-label={`Parameter ${i + 1} name`}
                    placeholder="name"
                    value={p.key}
                    onChange={(e) => setParam(i, { key: e.currentTarget.value })}
                    error={errors.rows[i]}
                    description={PARAM_NAME_RE.test(p.key.trim()) ? `SCALR_${upperSnake(p.key.trim())}` : undefined}
                    style={{ flex: 1 }}
                  />
                  <TextInput
                    aria-label={`Parameter ${i + 1} value`}
                    placeholder="value"
                    value={p.value}
                    onChange={(e) => setParam(i, { value: e.currentTarget.value })}
                    style={{ flex: 1 }}
                  />
                  <Tooltip label="Remove">
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      mt={4}
                      aria-label={`Remove parameter ${i + 1}`}
                      onClick={() => setParams((ps) => (ps.length === 1 ? [{ key: '', value: '' }] : ps.filter((_, j) => j !== i)))}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Group>
              ))}
              {errors.parameters && (
                <Text size="xs" c="red" role="alert">
                  {errors.parameters}
                </Text>
              )}
              <Group>
                <Button
                  size="xs"
                  variant="subtle"
                  leftSection={<IconPlus size={14} />}
                  onClick={() => setParams((ps) => [...ps, { key: '', value: '' }])}
                >
                  Add parameter
                </Button>
              </Group>
            </Stack>
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={submitting}>
                Fire event
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
