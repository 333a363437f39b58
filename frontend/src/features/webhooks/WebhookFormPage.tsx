import { Anchor, Breadcrumbs } from '@mantine/core';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { RequireRole } from '@/components/RequireRole';
import { TableSkeleton } from '@/components/TableSkeleton';
import { scopeOf, scopeSearch, useIsSystemAdmin, useScopeParam } from '@/lib/scope';
import { WebhookQuery, webhooksContext } from './api';
import { WebhookForm } from './components/WebhookForm';

function EditWebhook({ accountId, id }: { accountId: string; id: string }) {
  const navigate = useNavigate();
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebhookQuery, variables: { id }, context: webhooksContext });
  const list = `/accounts/${accountId}/webhooks`;
  if (error && !data) return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <TableSkeleton label="Loading the webhook" />;
  const w = data?.webhook;
  const scope = w ? scopeOf(w) : null;
  if (!w || !scope) return <EmptyState title="Webhook not found" />;
  const back = list + scopeSearch(scope);
  return <WebhookForm key={w.id} accountId={accountId} scope={scope} webhook={w} onSaved={() => navigate(back)} onCancel={() => navigate(back)} />;
}

export default function WebhookFormPage() {
  const { accountId = '', webhookId } = useParams();
  const navigate = useNavigate();
  const [scope] = useScopeParam(accountId);
  const list = `/accounts/${accountId}/webhooks`;
  const back = list + scopeSearch(scope);
  const editing = Boolean(webhookId);
  const systemAdmin = useIsSystemAdmin();
  const body = webhookId ? (
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
  );
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
      {/* System-scope webhooks are managed by system administrators, whatever their account role. */}
      {scope.scope === 'SYSTEM' && systemAdmin ? body : <RequireRole accountId={accountId} role="ADMIN">{body}</RequireRole>}
    </>
  );
}
