import { Center, Loader, Stack, Title } from '@mantine/core';
import { Navigate } from 'react-router';
import { useQuery } from 'urql';
import { QueryError } from '@/components/QueryError';
import { getLastAccountId } from '@/lib/current-context';
import { AccountsQuery } from './api';
import { NoAccounts } from './components/AccountSwitcher';

/** `/`: opens the last used account, or the first one. */
export default function AccountHomePage() {
  const [{ data, error }, refetch] = useQuery({ query: AccountsQuery, requestPolicy: 'network-only' });
  if (error && !data) {
    return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  }
  if (!data) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading accounts" />
      </Center>
    );
  }
  const last = getLastAccountId();
  const target = data.accounts.find((a) => a.id === last) ?? data.accounts[0];
  if (target) return <Navigate to={`/accounts/${target.id}/overview`} replace />;
  return (
    <Stack py="xl" gap="xs">
      <Title order={1} size="h3" ta="center">
        No accounts yet
      </Title>
      <NoAccounts />
    </Stack>
  );
}
