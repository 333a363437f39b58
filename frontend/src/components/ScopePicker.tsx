import { Group, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useCurrentEnvironmentId } from '@/lib/current-context';
import { useEnvironmentOptions } from '@/lib/options';
import { SYSTEM_SCOPE, useIsSystemAdmin, type ScopeValue } from '@/lib/scope';

/** One line per scope: what it means and who can use what (`what`: "endpoints", "webhooks"…). */
export function scopeHelp(scope: ScopeValue['scope'], what: string): string {
  switch (scope) {
    case 'SYSTEM':
      return `The whole installation: ${what} here serve every account. Only system administrators see and change them.`;
    case 'ACCOUNT':
      return `This account: ${what} here serve all its environments. Everyone in the account sees them; admins and owners change them.`;
    default:
      return `One environment: ${what} here serve only its farms and events. Everyone in the account sees them; admins and owners change them.`;
  }
}

/**
 * Account or one environment (or, for system administrators, the whole installation): where a
 * page's endpoints, webhooks or custom events live.
 */
export function ScopePicker({
  accountId,
  value,
  onChange,
  withEnvironment = true,
  what,
}: {
  accountId: string;
  value: ScopeValue;
  onChange: (s: ScopeValue) => void;
  /** False where only the account and the system scope apply (the delivery history). */
  withEnvironment?: boolean;
  /** What the page lists ("endpoints"): a line under the picker says what the scope means. */
  what?: string;
}) {
  const { options } = useEnvironmentOptions(accountId);
  const [currentEnv] = useCurrentEnvironmentId(accountId);
  const systemAdmin = useIsSystemAdmin();
  const envId = value.scope === 'ENVIRONMENT' ? value.id : (currentEnv ?? options[0]?.value ?? null);
  const picker = (
    <Group gap="sm" aria-label="Scope" role="group">
      <SegmentedControl
        aria-label="Scope"
        data={[
          ...(systemAdmin ? [{ value: 'SYSTEM', label: 'System' }] : []),
          { value: 'ACCOUNT', label: 'Account' },
          ...(withEnvironment ? [{ value: 'ENVIRONMENT', label: 'Environment', disabled: options.length === 0 }] : []),
        ]}
        value={value.scope}
        onChange={(v) => {
          if (v === 'SYSTEM') onChange(SYSTEM_SCOPE);
          else if (v === 'ACCOUNT') onChange({ scope: 'ACCOUNT', id: accountId });
          else if (envId) onChange({ scope: 'ENVIRONMENT', id: envId });
        }}
      />
      {value.scope === 'ENVIRONMENT' && (
        <Select
          aria-label="Environment"
          data={options}
          value={value.id}
          onChange={(v) => v && onChange({ scope: 'ENVIRONMENT', id: v })}
          allowDeselect={false}
          w={200}
          comboboxProps={{ withinPortal: true }}
        />
      )}
    </Group>
  );
  if (!what) return picker;
  return (
    <Stack gap={4}>
      {picker}
      <Text size="xs" c="dimmed" data-testid="scope-help">
        {scopeHelp(value.scope, what)}
      </Text>
    </Stack>
  );
}
