import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { IconHourglassHigh, IconX } from '@tabler/icons-react';
import { Link } from 'react-router';
import { ApprovalStatusBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import type { FarmApprovalFieldsFragment, FarmStatus } from '@/gql/graphql';
import { formatCountdown, formatDateTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';

type Approval = FarmApprovalFieldsFragment;

const opName = (operation: string) => (operation.endsWith('.terminate') ? 'terminate' : 'launch');

const DECIDED: Record<Exclude<Approval['status'], 'PENDING'>, { color: string; verb: string }> = {
  APPROVED: { color: 'teal', verb: 'approved' },
  DENIED: { color: 'red', verb: 'denied' },
  EXPIRED: { color: 'gray', verb: 'expired' },
  ERROR: { color: 'orange', verb: 'failed' },
  CANCELLED: { color: 'gray', verb: 'cancelled' },
};

function Countdown({ expiresAt }: { expiresAt: string }) {
  const now = useNow(1000);
  const left = new Date(expiresAt).getTime() - now;
  return (
    <Text span size="sm" fw={600} data-testid="approval-countdown" title={formatDateTime(expiresAt)}>
      {left > 0 ? `expires in ${formatCountdown(left)}` : 'expiring now'}
    </Text>
  );
}

/**
 * A farm waiting for an approval: "PENDING LAUNCH — waiting for approval from CAB: ticket
 * opened", who asked and when, the expiry countdown and (members and up) Cancel request.
 */
export function PendingApprovalBanner({
  status,
  pending,
  approvalsHref,
  canCancel,
  cancelling,
  onCancel,
}: {
  status: FarmStatus;
  pending: Approval | null | undefined;
  approvalsHref: string;
  canCancel: boolean;
  cancelling: boolean;
  onCancel: () => void;
}) {
  const label = status === 'PENDING_TERMINATE' ? 'PENDING TERMINATE' : 'PENDING LAUNCH';
  const from = pending ? (pending.endpoint?.name ?? 'a deleted endpoint') : null;
  const headline = `${label} — waiting for approval${from ? ` from ${from}` : ''}${pending?.message ? `: ${pending.message}` : ''}`;
  return (
    <Alert
      color={status === 'PENDING_TERMINATE' ? 'orange' : 'yellow'}
      variant="light"
      radius="md"
      icon={<IconHourglassHigh size={22} />}
      data-testid="approval-banner"
      role="status"
      styles={{ root: { borderWidth: 2, borderStyle: 'solid', borderColor: 'var(--alert-color)' } }}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
        <Stack gap={6}>
          <Text fw={700} size="lg" data-testid="approval-headline">
            {headline}
          </Text>
          {pending ? (
            <Text size="sm">
              Requested by {pending.requestedBy || 'someone'} · <DateTime value={pending.createdAt} size="sm" /> ·{' '}
              <Countdown expiresAt={pending.expiresAt} />
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              The request is being recorded.
            </Text>
          )}
          <Anchor component={Link} to={approvalsHref} size="sm">
            See the request and the endpoint&apos;s answers
          </Anchor>
        </Stack>
        {canCancel && pending && (
          <Button
            variant="white"
            color="red"
            leftSection={<IconX size={16} />}
            loading={cancelling}
            onClick={onCancel}
            style={{ flexShrink: 0 }}
          >
            Cancel request
          </Button>
        )}
      </Group>
    </Alert>
  );
}

/** The farm's last decided approval: what was decided, by whom, and the endpoint's message. */
export function LastDecision({ approval, approvalsHref }: { approval: Approval; approvalsHref: string }) {
  if (approval.status === 'PENDING') return null;
  const spec = DECIDED[approval.status];
  const op = opName(approval.operation);
  return (
    <Alert color={spec.color} variant="light" radius="md" data-testid="approval-last-decision" title={
      <Group gap="xs">
        <Text fw={600} size="sm">
          Last approval: {op === 'launch' ? 'Launch' : 'Termination'} {spec.verb}
        </Text>
        <ApprovalStatusBadge value={approval.status} size="sm" />
      </Group>
    }>
      <Stack gap={4}>
        {approval.message && (
          <Text size="sm" data-testid="approval-last-message">
            {approval.message}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {approval.endpoint ? `Endpoint ${approval.endpoint.name}` : 'Endpoint deleted'} · decided by {approval.decidedBy || '—'} ·{' '}
          <DateTime value={approval.decidedAt} size="xs" />
          {' · '}
          <Anchor component={Link} to={approvalsHref} size="xs">
            Details
          </Anchor>
        </Text>
      </Stack>
    </Alert>
  );
}
