import { ActionIcon, Button, Card, Group, MultiSelect, NumberInput, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import { useInvalidFocus } from '@/components/FormModal';
import type { EscalationLevelInput, PolicyFieldsFragment } from '@/gql/graphql';
import type { UserErrorLike } from '@/lib/graphql/user-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { PolicyTargetOptionsQuery, schedulesContext } from '../api';
import { personName } from '../time';

interface LevelValues {
  timeoutMinutes: number | string;
  /** "schedule:<id>" or "user:<id>". */
  targets: string[];
}

export interface PolicyValues {
  name: string;
  description: string;
  repeat: number | string;
  levels: LevelValues[];
}

export interface PolicyInput {
  name: string;
  description: string;
  repeat: number;
  levels: EscalationLevelInput[];
}

export const MAX_TIMEOUT = 10_080;

export function policyToValues(p: PolicyFieldsFragment | null | undefined): PolicyValues {
  if (!p) return { name: '', description: '', repeat: 0, levels: [{ timeoutMinutes: 15, targets: [] }] };
  return {
    name: p.name,
    description: p.description,
    repeat: p.repeat,
    levels: [...p.levels]
      .sort((a, b) => a.position - b.position)
      .map((l) => ({
        timeoutMinutes: l.timeoutMinutes,
        targets: l.targets.flatMap((t) => (t.schedule ? [`schedule:${t.schedule.id}`] : t.user ? [`user:${t.user.id}`] : [])),
      })),
  };
}

export function valuesToPolicyInput(v: PolicyValues): PolicyInput {
  return {
    name: v.name.trim(),
    description: v.description.trim(),
    repeat: Number(v.repeat),
    levels: v.levels.map((l) => ({
      timeoutMinutes: Number(l.timeoutMinutes),
      targets: l.targets.map((t) => {
        const [kind, id] = t.split(':');
        return kind === 'schedule' ? { scheduleId: id } : { userId: id };
      }),
    })),
  };
}

const LEVEL_FIELD = /^(?:input\.)?(levels\.\d+\.(?:timeoutMinutes|targets))/;

/**
 * The escalation policy form: name, levels (timeout and targets: schedules and/or people; add,
 * remove, reorder), repeat. API errors land on their fields (`input.levels.1.timeoutMinutes`
 * on level 2's timeout) and focus moves to the first invalid one.
 */
export function PolicyEditor({
  accountId,
  policy,
  canEdit,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  accountId: string;
  policy: PolicyFieldsFragment | null;
  canEdit: boolean;
  submitLabel: string;
  onSubmit: (input: PolicyInput) => Promise<{ ok: boolean; errors: readonly UserErrorLike[] }>;
  onCancel?: () => void;
}) {
  const { ref, focusInvalid } = useInvalidFocus();
  const [general, setGeneral] = useState<string[]>([]);
  const [{ data: options }] = useQuery({ query: PolicyTargetOptionsQuery, variables: { accountId }, context: schedulesContext });
  const form = useForm<PolicyValues>({
    mode: 'controlled',
    initialValues: policyToValues(policy),
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : v.trim().length > 100 ? 'Use at most 100 characters' : null),
      repeat: (v) => {
        const n = Number(v);
        return Number.isInteger(n) && n >= 0 && n <= 9 ? null : 'From 0 to 9 times';
      },
      levels: {
        timeoutMinutes: (v) => {
          const n = Number(v);
          return v !== '' && Number.isInteger(n) && n >= 1 && n <= MAX_TIMEOUT ? null : `From 1 to ${MAX_TIMEOUT.toLocaleString()} minutes`;
        },
        targets: (v) => (v.length === 0 ? 'Page at least one schedule or person' : null),
      },
    },
  });

  useEffect(() => {
    const v = policyToValues(policy);
    form.setValues(v);
    form.resetDirty(v);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [policy?.id, policy?.updatedAt]);

  const targetData = [
    { group: 'Schedules (whoever is on call)', items: (options?.account?.schedules ?? []).map((s) => ({ value: `schedule:${s.id}`, label: s.name })) },
    { group: 'People', items: (options?.account?.members ?? []).map((m) => ({ value: `user:${m.user.id}`, label: personName(m.user) })) },
  ];
  // Targets already chosen stay listed even if the pick-list has not loaded yet.
  const known = new Set(targetData.flatMap((g) => g.items.map((i) => i.value)));
  const extra = (policy?.levels ?? []).flatMap((l) =>
    l.targets.flatMap((t) =>
      t.schedule && !known.has(`schedule:${t.schedule.id}`)
        ? [{ value: `schedule:${t.schedule.id}`, label: t.schedule.name }]
        : t.user && !known.has(`user:${t.user.id}`)
          ? [{ value: `user:${t.user.id}`, label: personName(t.user) }]
          : [],
    ),
  );
  const data = extra.length ? [...targetData, { group: 'Current', items: extra.filter((e, i, a) => a.findIndex((x) => x.value === e.value) === i) }] : targetData;

  const levels = form.values.levels;
  const submit = form.onSubmit(
    async (v) => {
      setGeneral([]);
      const out = await onSubmit(valuesToPolicyInput(v));
      if (out.ok) return;
      const fieldErrors: Record<string, string> = {};
      const rest: UserErrorLike[] = [];
      for (const e of out.errors) {
        const m = LEVEL_FIELD.exec(e.field ?? '');
        if (m && !fieldErrors[m[1]]) fieldErrors[m[1]] = e.message;
        else rest.push(e);
      }
      const split = splitUserErrors(rest, ['name', 'description', 'repeat']);
      form.setErrors({ ...fieldErrors, ...split.fields });
      setGeneral(split.general);
      focusInvalid();
    },
    focusInvalid,
  );

  return (
    <form ref={ref} onSubmit={submit} noValidate aria-label="Escalation policy">
      <fieldset disabled={!canEdit} style={{ border: 0, padding: 0, margin: 0 }}>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <Textarea label="Description" autosize minRows={2} maxRows={5} {...form.getInputProps('description')} />
          <Title order={2} size="h5">
            Levels
          </Title>
          {levels.length === 0 && (
            <Text size="sm" c="red">
              A policy needs at least one level.
            </Text>
          )}
          {levels.map((_, i) => (
            <Card key={i} withBorder radius="sm" padding="sm" data-testid="policy-level" aria-label={`Level ${i + 1}`} component="fieldset">
              <Group justify="space-between" mb="xs">
                <Text fw={600} size="sm" component="legend">
                  Level {i + 1}
                </Text>
                {canEdit && (
                  <Group gap={2}>
                    <ActionIcon variant="subtle" aria-label={`Move level ${i + 1} up`} disabled={i === 0} onClick={() => form.reorderListItem('levels', { from: i, to: i - 1 })}>
                      <IconArrowUp size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      aria-label={`Move level ${i + 1} down`}
                      disabled={i === levels.length - 1}
                      onClick={() => form.reorderListItem('levels', { from: i, to: i + 1 })}
                    >
                      <IconArrowDown size={16} />
                    </ActionIcon>
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove level ${i + 1}`} disabled={levels.length === 1} onClick={() => form.removeListItem('levels', i)}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Group>
                )}
              </Group>
              <Group align="flex-start" grow wrap="wrap">
                <MultiSelect
                  label="Page"
                  placeholder="Schedules and people"
                  searchable
                  data={data}
                  comboboxProps={{ withinPortal: true }}
                  miw={240}
                  {...form.getInputProps(`levels.${i}.targets`)}
                />
                <NumberInput
                  label="Then escalate after (minutes)"
                  min={1}
                  max={MAX_TIMEOUT}
                  clampBehavior="none"
                  allowDecimal={false}
                  maw={220}
                  {...form.getInputProps(`levels.${i}.timeoutMinutes`)}
                />
              </Group>
            </Card>
          ))}
          {canEdit && (
            <Group>
              <Button
                variant="light"
                size="xs"
                leftSection={<IconPlus size={14} />}
                onClick={() => form.insertListItem('levels', { timeoutMinutes: 15, targets: [] })}
              >
                Add level
              </Button>
            </Group>
          )}
          <NumberInput
            label="Repeat the whole policy"
            description="Times to start again from level 1 when nobody acknowledges (0–9)."
            min={0}
            max={9}
            clampBehavior="none"
            allowDecimal={false}
            maw={260}
            {...form.getInputProps('repeat')}
          />
          {canEdit && (
            <Group justify="flex-end">
              {onCancel && (
                <Button variant="default" onClick={onCancel}>
                  Cancel
                </Button>
              )}
              <Button type="submit" loading={form.submitting}>
                {submitLabel}
              </Button>
            </Group>
          )}
        </Stack>
      </fieldset>
    </form>
  );
}
