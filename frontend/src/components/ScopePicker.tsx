import { Group, SegmentedControl, Select } from '@mantine/core';
import { useCurrentEnvironmentId } from '@/lib/current-context';
import { useEnvironmentOptions } from '@/lib/options';
import { SYSTEM_SCOPE, useIsSystemAdmin, type ScopeValue } from '@/lib/scope';

/**
 * Account or one environment (or, for system administrators, the whole installation): where a
 * page's endpoints, webhooks or custom events live.
 */
export function ScopePicker({
  accountId,
  value,
  onChange,
  withEnvironment = true,
}: {
  accountId: string;
  value: ScopeValue;
  onChange: (s: ScopeValue) => void;
  /** False where only the account and the system scope apply (the delivery history). */
  withEnvironment?: boolean;
}) {
  const { options } = useEnvironmentOptions(accountId);
  const [currentEnv] = useCurrentEnvironmentId(accountId);
  const systemAdmin = useIsSystemAdmin();
  const envId = value.scope === 'ENVIRONMENT' ? value.id : (currentEnv ?? options[0]?.value ?? null);
  return (
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
}
