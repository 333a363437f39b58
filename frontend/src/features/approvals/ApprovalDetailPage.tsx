import { Alert, Anchor, Breadcrumbs, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { ApprovalStatusBadge, DeliveryStatusBadge } from '@/components/badges';
import { CodeBlock } from '@/components/CodeBlock';
import { DateTime } from '@/components/DateTime';
import { AttemptList, ExactPayload } from '@/components/DeliveryAttempts';
import { DetailList } from '@/components/DetailList';
import { EmptyState } from '@/components/EmptyState';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import { useAccountRole } from '@/lib/account-role';
import { prettyJson } from '@/lib/format';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { roleAtLeast } from '@/lib/roles';
import { ApprovalFarmChangedSubscription, ApprovalRequestQuery, CancelApprovalRequestMutation, approvalsContext } from './api';
import { operationLabel } from './filters';

/** While the request to the endpoint is still being sent, its attempts are polled this often. */
const SENDING_POLL_MS = 3000;

// Module-level: the mutation hook's callback depends on it.
const cancelContext = { additionalTypenames: ['ApprovalRequest', 'Farm'] };

export default function ApprovalDetailPage() {
  const { accountId = '', approvalId = '' } = useParams();
  const { role } = useAccountRole(accountId);
  const canCancel = roleAtLeast(role, 'MEMBER');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ApprovalRequestQuery,
    variables: { id: approvalId },
    context: approvalsContext,
  });
  const [{ fetching: cancelling }, cancel] = useMutationWithErrors(CancelApprovalRequestMutation, (d) => d.cancelApprovalRequest, {
    failTitle: 'Could not cancel the request',
    context: cancelContext,
  });
  const r = data?.approvalRequest;
  const farmId = r?.farm?.id ?? null;

  // Decisions arrive as farm changes: reload when this request's farm changes.
  const [live] = useSubscription(
    { query: ApprovalFarmChangedSubscription, variables: { accountId } },
    (prev: { seq: number; farmId: string | null } = { seq: 0, farmId: null }, d) => ({ seq: prev.seq + 1, farmId: d.farmChanged.id }),
  );
  useEffect(() => {
    if (live.data && farmId && live.data.farmId === farmId) refetch({ requestPolicy: 'network-only' });
  }, [live.data, farmId, refetch]);

  // Attempts have no subscription of their own: poll while the request is still being sent.
  const sending = r?.delivery && (r.delivery.status === 'PENDING' || r.delivery.status === 'RETRYING');
  useEffect(() => {
    if (!sending) return undefined;
    const t = setInterval(() => refetch({ requestPolicy: 'network-only' }), SENDING_POLL_MS);
    return () => clearInterval(t);
  }, [sending, refetch]);

  const base = `/accounts/${accountId}`;
  const crumbs = (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to={`${base}/approvals`}>
        Approvals
      </Anchor>
      <span>{r ? `${operationLabel(r.operation)} of ${r.farm?.name ?? 'a deleted farm'}` : 'Request'}</span>
    </Breadcrumbs>
  );
  if (error && !data) return <>{crumbs}<QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /></>;
  if (fetching && !data) return <>{crumbs}<TableSkeleton label="Loading the approval request" /></>;
  if (!r) return <>{crumbs}<EmptyState title="Approval request not found" /></>;

  async function onCancel() {
    const ok = await confirmDanger({
      title: 'Cancel the approval request?',
      message: 'The request is withdrawn and the farm goes back to where it was. A later answer from the endpoint is refused.',
      confirmLabel: 'Cancel request',
    });
    if (!ok) return;
    await cancel({ input: { id: approvalId } }, { notifyUserErrors: true, success: 'Approval request cancelled.' });
  }

  const d = r.delivery;
  const byCallback = r.decidedBy.endsWith('(callback)');
  return (
    <>
      {crumbs}
      <Group justify="space-between" align="flex-end" mb="lg">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2">
              {operationLabel(r.operation)} of {r.farm?.name ?? 'a deleted farm'}
            </Title>
            <ApprovalStatusBadge value={r.status} size="lg" />
          </Group>
          <Text size="sm" c="dimmed">
            Asked {r.endpoint?.name ?? 'a deleted endpoint'} · requested by {r.requestedBy} · <DateTime value={r.createdAt} size="sm" />
          </Text>
        </Stack>
        {canCancel && r.status === 'PENDING' && (
          <Button color="red" variant="light" leftSection={<IconX size={16} />} onClick={onCancel} loading={cancelling}>
            Cancel request
          </Button>
        )}
      </Group>
      <Stack gap="lg" data-testid="approval-detail">
        <Card withBorder radius="md">
          <DetailList
            cols={3}
            items={[
              { label: 'Operation', value: <Text span size="sm" ff="monospace">{r.operation}</Text> },
              {
                label: 'Farm',
                value: r.farm ? (
                  <Anchor component={Link} to={`${base}/farms/${r.farm.id}`} size="sm">
                    {r.farm.name}
                  </Anchor>
                ) : (
                  '(deleted)'
                ),
              },
              {
                label: 'Endpoint',
                value: r.endpoint ? (
                  <>
                    {r.endpoint.name}
                    <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
                      {r.endpoint.url}
                    </Text>
                  </>
                ) : (
                  '(deleted)'
                ),
              },
              { label: 'Requested', value: <>{r.requestedBy} · <DateTime value={r.createdAt} size="sm" /></> },
              { label: 'Expires', value: <DateTime value={r.expiresAt} size="sm" />, hidden: r.status !== 'PENDING' },
              {
                label: 'Decided',
                value: r.decidedAt ? <>{r.decidedBy} · <DateTime value={r.decidedAt} size="sm" /></> : 'Not yet',
              },
              { label: 'Request id', value: <Text span size="xs" ff="monospace">{r.id}</Text> },
            ]}
          />
          {r.message && (
            <Alert mt="md" variant="light" color={r.status === 'APPROVED' ? 'teal' : r.status === 'PENDING' ? 'yellow' : 'red'} title="Message" data-testid="approval-detail-message">
              {r.message}
            </Alert>
          )}
        </Card>

        <Card withBorder radius="md">
          <Title order={2} size="h5" mb="sm">
            {byCallback ? 'Callback that decided it' : 'Answer that decided it'}
          </Title>
          {r.callbackBody ? (
            <div data-testid="approval-callback">
              <CodeBlock maxHeight={240} label="Copy the body" copyValue={r.callbackBody}>
                {prettyJson(r.callbackBody)}
              </CodeBlock>
            </div>
          ) : (
            <Text size="sm" c="dimmed">
              {r.status === 'PENDING'
                ? 'No decision yet: the endpoint answers later with a signed callback to /integration-hub/callback/{requestId}.'
                : 'No body decided it (it expired, failed or was cancelled).'}
            </Text>
          )}
        </Card>

        <Card withBorder radius="md">
          {d ? (
            <Stack gap="md">
              <Group justify="space-between">
                <Title order={2} size="h5">
                  Request as sent
                </Title>
                <Group gap="xs">
                  <DeliveryStatusBadge value={d.status} />
                  <Text size="xs" c="dimmed">
                    {d.attempts} of {d.maxAttempts} attempts · queued <DateTime value={d.createdAt} size="xs" />
                  </Text>
                </Group>
              </Group>
              {d.lastError && (
                <Alert color="red" variant="light" p="xs">
                  {d.lastError}
                </Alert>
              )}
              <div>
                <Text size="xs" c="dimmed" mb={4}>
                  The body, shown formatted; Copy gives the exact bytes sent
                </Text>
                <ExactPayload raw={d.payload} testId="approval-payload" />
              </div>
              <div>
                <Title order={3} size="h6" mb={4}>
                  The endpoint&apos;s responses ({d.attemptDetails.length})
                </Title>
                <AttemptList attempts={d.attemptDetails} />
              </div>
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              The request as sent and the endpoint&apos;s responses are shown to admins.
            </Text>
          )}
        </Card>
      </Stack>
    </>
  );
}
