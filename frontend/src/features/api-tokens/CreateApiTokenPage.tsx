import { Anchor, Breadcrumbs } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { PageHeader } from '@/components/PageHeader';
import { RequireRole } from '@/components/RequireRole';
import { useAccountRole } from '@/lib/account-role';
import { CreateApiTokenForm } from './components/CreateApiTokenForm';
import { TokenReveal, type RevealedToken } from './components/TokenReveal';

export default function CreateApiTokenPage() {
  const { accountId = '' } = useParams();
  const navigate = useNavigate();
  const { role } = useAccountRole(accountId);
  // The secret lives in this state only: leaving the page drops it for good.
  const [revealed, setRevealed] = useState<RevealedToken | null>(null);
  const listPath = `/accounts/${accountId}/api-tokens`;

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to={listPath}>
          API tokens
        </Anchor>
        <span>New token</span>
      </Breadcrumbs>
      <PageHeader
        title={revealed ? 'Your new API token' : 'New API token'}
        description={
          revealed
            ? undefined
            : 'Tokens let scripts and other services call the Switchboard API on behalf of this account.'
        }
      />
      <RequireRole accountId={accountId} role="ADMIN">
        {revealed ? (
          <TokenReveal token={revealed} onDone={() => navigate(listPath)} />
        ) : (
          role && (
            <CreateApiTokenForm
              accountId={accountId}
              myRole={role}
              onCreated={setRevealed}
              onCancel={() => navigate(listPath)}
            />
          )
        )}
      </RequireRole>
    </>
  );
}
