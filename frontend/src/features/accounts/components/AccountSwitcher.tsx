import { Button, Group, Menu, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconBuilding, IconCheck, IconChevronDown, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useQuery } from 'urql';
import { RoleBadge } from '@/components/RoleBadge';
import { useAuth } from '@/lib/auth/auth-context';
import { AccountsQuery, accountsContext } from '../api';
import { CreateAccountModal } from './CreateAccountModal';

/** Header control listing the caller's accounts; choosing one calls `onSelect`. */
export function AccountSwitcher({
  currentAccountId,
  onSelect,
}: {
  currentAccountId: string | null;
  onSelect: (accountId: string) => void;
}) {
  const { user } = useAuth();
  const [{ data, fetching }] = useQuery({
    query: AccountsQuery,
    context: accountsContext,
  });
  const [creating, setCreating] = useState(false);
  const accounts = data?.accounts ?? [];
  const current = accounts.find((a) => a.id === currentAccountId);

  return (
    <>
      <Menu position="bottom-start" width={300} shadow="md" withinPortal>
        <Menu.Target>
          <UnstyledButton
            data-testid="account-switcher"
            px="sm"
            py={6}
            style={{ borderRadius: 'var(--mantine-radius-sm)', border: '1px solid var(--mantine-color-default-border)' }}
          >
            <Group gap={8} wrap="nowrap">
              <IconBuilding size={16} aria-hidden />
              <Text size="sm" fw={500} truncate maw={200}>
                {current?.name ?? (fetching ? 'Loading…' : 'Choose account')}
              </Text>
              <VisuallyHidden>: switch account</VisuallyHidden>
              <IconChevronDown size={14} aria-hidden />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Accounts</Menu.Label>
          {accounts.map((a) => (
            <Menu.Item
              key={a.id}
              onClick={() => onSelect(a.id)}
              leftSection={
                a.id === currentAccountId ? <IconCheck size={14} aria-hidden /> : <span style={{ width: 14 }} />
              }
              rightSection={<RoleBadge role={a.myRole} />}
              aria-current={a.id === currentAccountId ? 'true' : undefined}
            >
              <Text size="sm" truncate maw={160}>
                {a.name}
              </Text>
            </Menu.Item>
          ))}
          {accounts.length === 0 && !fetching && (
            <Text size="sm" c="dimmed" px="sm" py="xs">
              You are not a member of any account.
            </Text>
          )}
          {user?.isSystemAdmin && (
            <>
              <Menu.Divider />
              <Menu.Item leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
                New account…
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      {user?.isSystemAdmin && (
        <CreateAccountModal
          opened={creating}
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            onSelect(id);
          }}
        />
      )}
    </>
  );
}

/** Shown on the home page when the user has no account at all. */
export function NoAccounts() {
  const { user } = useAuth();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <Text c="dimmed" size="sm" ta="center">
        {user?.isSystemAdmin
          ? 'Create an account to get started.'
          : 'Ask an administrator to add you to an account.'}
      </Text>
      {user?.isSystemAdmin && (
        <Group justify="center" mt="md">
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New account
          </Button>
          <CreateAccountModal
            opened={creating}
            onClose={() => setCreating(false)}
            onCreated={(id) => window.location.assign(`/accounts/${id}/overview`)}
          />
        </Group>
      )}
    </>
  );
}
