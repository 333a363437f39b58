import { Anchor, Breadcrumbs } from '@mantine/core';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { RequireRole } from '@/components/RequireRole';
import { TableSkeleton } from '@/components/TableSkeleton';
import { useScopeParam, type ScopeValue } from '@/lib/scope';
import { WebhookQuery, webhooksContext } from './api';
import { WebhookForm } from './components/WebhookForm';

function EditWebhook({ accountId, id }: { accountId: string; id: string }) {
  const navigate = useNavigate();
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebhookQuery, variables: { id }, context: webhooksContext });
  const list = `/accounts/${accountId}/webhooks`;
  if (error && !data) return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <TableSkeleton label="Loading the webhook" />;
  const w = data?.webhook;
  if (!w || (w.scope !== 'ACCOUNT' && w.scope !== 'ENVIRONMENT')) return <EmptyState title="Webhook not found" />;
  const scope: ScopeValue = { scope: w.scope, id: w.scopeId };
  const back = w.scope === 'ENVIRONMENT' ? `${list}?scope=environment&env=${w.scopeId}` : list;
  return <WebhookForm key={w.id} accountId={accountId} scope={scope} webhook={w} onSaved={() => navigate(back)} onCancel={() => navigate(back)} />;
}

export default function WebhookFormPage() {
  const { accountId = '', webhookId } = useParams();
  const navigate = useNavigate();
  const [scope] = useScopeParam(accountId);
  const list = `/accounts/${accountId}/webhooks`;
  const back = scope.scope === 'ENVIRONMENT' ? `${list}?scope=environment&env=${scope.id}` : list;
  const editing = Boolean(webhookId);
  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to={list}>
          Webhooks
        </Anchor>
        <span>{editing ? 'Edit webhook' : 'New webhook'}</span>
      </Breadcrumbs>
      <PageHeader
        title={editing ? 'Edit webhook' : 'New webhook'}
        description="Which events go to which endpoints, with timeouts, retries and user data."
      />
      <RequireRole accountId={accountId} role="ADMIN">
        {webhookId ? (
          <EditWebhook accountId={accountId} id={webhookId} />
        ) : (
          <WebhookForm
            key={`${scope.scope}:${scope.id}`}
            accountId={accountId}
            scope={scope}
            webhook={null}
            onSaved={() => navigate(back)}
            onCancel={() => navigate(back)}
          />
        )}
      </RequireRole>
    </>
  );
}
