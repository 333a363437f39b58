import { Select, Stack, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import { FilterBar } from '@/components/FilterBar';
import { PageHeader } from '@/components/PageHeader';
import { useAccountRole } from '@/lib/account-role';
import { useCurrentEnvironmentId } from '@/lib/current-context';
import { useEnvironmentOptions } from '@/lib/options';
import { roleAtLeast } from '@/lib/roles';
import { VariablesPanel } from './components/VariablesPanel';

export default function VariablesPage() {
  const { accountId = '' } = useParams();
  const { role } = useAccountRole(accountId);
  const canManage = roleAtLeast(role, 'ADMIN');
  const [currentEnv] = useCurrentEnvironmentId(accountId);
  const [picked, setPicked] = useState<string | null>(null);
  const { options } = useEnvironmentOptions(accountId);
  const envId = picked ?? currentEnv ?? options[0]?.value ?? null;
  return (
    <>
      <PageHeader
        title="Variables"
        description="Global variables carried by events: account → environment → farm. A narrower scope overrides a wider one unless the wider one is locked."
      />
      <Tabs defaultValue="account" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="account">Account</Tabs.Tab>
          <Tabs.Tab value="environment">Environment</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="account" pt="md">
          <VariablesPanel key={accountId} scope={{ scope: 'ACCOUNT', id: accountId }} canManage={canManage} label="Account variables" />
        </Tabs.Panel>
        <Tabs.Panel value="environment" pt="md">
          <Stack gap="md">
            <FilterBar label="Filter variables">
              <Select
                aria-label="Environment"
                data={options}
                value={envId}
                onChange={(v) => v && setPicked(v)}
                allowDeselect={false}
                w={220}
                comboboxProps={{ withinPortal: true }}
              />
              <Text size="sm" c="dimmed" style={{ alignSelf: 'center' }}>
                Farm variables are on each farm&apos;s page.
              </Text>
            </FilterBar>
            {envId && <VariablesPanel key={envId} scope={{ scope: 'ENVIRONMENT', id: envId }} canManage={canManage} label="Environment variables" />}
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
