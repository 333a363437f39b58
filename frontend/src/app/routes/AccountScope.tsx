import { useEffect } from 'react';
import { Button } from '@mantine/core';
import { Link, Outlet, useParams } from 'react-router';
import { setLastAccountId } from '@/lib/current-context';
import { useAccountRole } from '@/lib/account-role';
import { EmptyState } from '@/components/EmptyState';

/** `/accounts/:accountId/*`: remembers the account and handles one that is not visible. */
export default function AccountScope() {
  const { accountId = '' } = useParams();
  const { account, loaded } = useAccountRole(accountId);

  useEffect(() => {
    if (account) setLastAccountId(account.id);
  }, [account]);

  if (loaded && !account) {
    return (
      <EmptyState
        title="Account not found"
        action={
          <Button component={Link} to="/" variant="light">
            Go to your accounts
          </Button>
        }
      >
        This account does not exist, or you are not a member of it.
      </EmptyState>
    );
  }
  return <Outlet />;
}
