import { Select } from '@mantine/core';
import { IconStack2 } from '@tabler/icons-react';
import { useEffect, useMemo } from 'react';
import { useQuery } from 'urql';
import { useCurrentEnvironmentId } from '@/lib/current-context';
import { EnvironmentsQuery, environmentsContext } from '../api';

/** Header control: the environment the console works in, remembered per account. */
export function EnvironmentSwitcher({ accountId }: { accountId: string }) {
  const [{ data, fetching }] = useQuery({
    query: EnvironmentsQuery,
    variables: { accountId },
    context: environmentsContext,
  });
  const [current, setCurrent] = useCurrentEnvironmentId(accountId);
  const environments = useMemo(() => data?.account?.environments ?? [], [data]);
  const valid = environments.some((e) => e.id === current);

  // Default to the first environment, and drop a remembered one that no longer exists.
  useEffect(() => {
    if (!data) return;
    if (!valid) setCurrent(environments[0]?.id ?? null);
  }, [data, valid, environments, setCurrent]);

  return (
    <Select
      aria-label="Environment"
      placeholder={fetching && !data ? 'Loading…' : 'No environments'}
      data={environments.map((e) => ({ value: e.id, label: e.name }))}
      value={valid ? current : null}
      onChange={(v) => v && setCurrent(v)}
      allowDeselect={false}
      disabled={environments.length === 0}
      leftSection={<IconStack2 size={16} aria-hidden />}
      w={180}
      size="sm"
      comboboxProps={{ withinPortal: true }}
      data-testid="environment-switcher"
    />
  );
}
