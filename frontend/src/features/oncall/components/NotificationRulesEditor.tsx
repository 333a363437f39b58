import { ActionIcon, Button, Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { FormErrors } from '@/components/FormErrors';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { SetNotificationRulesMutation, contactContext } from '../api';

interface Rule {
  contactMethodId: string | null;
  delayMinutes: number | string;
}

/** "On a page, notify method M after N minutes unless acknowledged"; none: every method at once. */
export function NotificationRulesEditor({
  methods,
  rules,
}: {
  methods: readonly { id: string; label: string; kind: string; address: string; disabled: boolean }[];
  rules: readonly { delayMinutes: number; contactMethod: { id: string } }[];
}) {
  const initial = () => rules.map((r) => ({ contactMethodId: r.contactMethod.id, delayMinutes: r.delayMinutes }));
  const [rows, setRows] = useState<Rule[]>(initial);
  const [errors, setErrors] = useState<string[]>([]);
  const key = JSON.stringify(initial());
  useEffect(() => {
    setRows(initial());
    // Reset to the server's rules when they change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const [state, save] = useMutationWithErrors(SetNotificationRulesMutation, (d) => d.setNotificationRules, {
    failTitle: 'Could not save the rules',
    context: contactContext,
  });
  const options = methods.map((m) => ({ value: m.id, label: `${m.label || m.kind} (${m.address})`, disabled: m.disabled }));

  const set = (i: number, patch: Partial<Rule>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function onSave() {
    const bad = rows.some((r) => !r.contactMethodId || !Number.isInteger(Number(r.delayMinutes)) || Number(r.delayMinutes) < 0);
    if (bad) {
      setErrors(['Each rule needs a method and a delay of 0 minutes or more.']);
      return;
    }
    setErrors([]);
    const out = await save(
      { rules: rows.map((r) => ({ contactMethodId: r.contactMethodId!, delayMinutes: Number(r.delayMinutes) })) },
      { success: 'Notification rules saved.' },
    );
    if (!out.ok) setErrors(out.errors.map((e) => e.message));
  }

  return (
    <Stack gap="sm">
      <FormErrors errors={errors} />
      {rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No rules: every enabled method is notified at once.
        </Text>
      )}
      {rows.map((r, i) => (
        <Group key={i} gap="xs" align="flex-end" wrap="nowrap" aria-label={`Rule ${i + 1}`} role="group">
          <Select
            label="Notify"
            data={options}
            value={r.contactMethodId}
            onChange={(v) => set(i, { contactMethodId: v })}
            comboboxProps={{ withinPortal: true }}
            style={{ flex: 1 }}
          />
          <NumberInput
            label="After (minutes)"
            min={0}
            allowDecimal={false}
            w={140}
            value={r.delayMinutes}
            onChange={(v) => set(i, { delayMinutes: v })}
          />
          <ActionIcon variant="subtle" color="red" mb={4} aria-label={`Remove rule ${i + 1}`} onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
            <IconX size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Group justify="space-between">
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() => setRows((rs) => [...rs, { contactMethodId: methods[0]?.id ?? null, delayMinutes: rs.length ? 5 : 0 }])}
        >
          Add rule
        </Button>
        <Button size="xs" onClick={onSave} loading={state.fetching}>
          Save rules
        </Button>
      </Group>
    </Stack>
  );
}
