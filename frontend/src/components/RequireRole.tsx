import { Button } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Role } from '@/gql/graphql';
import { useAccountRole } from '@/lib/account-role';
import { ROLE_LABELS, roleAtLeast } from '@/lib/roles';
import { EmptyState } from './EmptyState';
import { QueryError } from './QueryError';
import { TableSkeleton } from './TableSkeleton';

/**
 * Renders children only for callers with at least `role` in the account; others see why not.
 * The server enforces the same rule; this keeps people from forms they cannot submit.
 */
export function RequireRole({
  accountId,
  role,
  children,
}: {
  accountId: string;
  role: Role;
  children: ReactNode;
}) {
  const { account, role: myRole, loaded, error, refetch } = useAccountRole(accountId);
  if (error && !loaded) {
    return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  }
  if (!loaded) return <TableSkeleton />;
  if (!account) return <EmptyState title="Account not found">It does not exist or you are not a member.</EmptyState>;
  if (!roleAtLeast(myRole, role)) {
    return (
      <EmptyState
        icon={<IconLock size={24} />}
        title={`${ROLE_LABELS[role]} access required`}
        action={
          <Button component={Link} to={`/accounts/${accountId}/environments`} variant="light">
            Back to environments
          </Button>
        }
      >
        Your role in {account.name} is {ROLE_LABELS[myRole!].toLowerCase()}. Ask an admin or owner if you
        need this page.
      </EmptyState>
    );
  }
  return <>{children}</>;
}
