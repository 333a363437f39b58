import type { EscalationState, NotificationStatus } from '@/gql/graphql';

export const NOTIFICATION_STATUS: Record<NotificationStatus, { color: string; label: string }> = {
  PENDING: { color: 'blue', label: 'Pending' },
  SENDING: { color: 'blue', label: 'Sending' },
  RETRYING: { color: 'yellow', label: 'Retrying' },
  SENT: { color: 'teal', label: 'Sent' },
  FAILED: { color: 'red', label: 'Failed' },
  KEPT: { color: 'gray', label: 'Kept, not sent' },
  CANCELLED: { color: 'gray', label: 'Cancelled' },
  BUNDLED: { color: 'teal', label: 'Bundled' },
};

export const ESCALATION_STATE: Record<EscalationState, { color: string; label: string }> = {
  ACTIVE: { color: 'red', label: 'Escalating' },
  ACKNOWLEDGED: { color: 'yellow', label: 'Acknowledged' },
  SNOOZED: { color: 'violet', label: 'Snoozed' },
  RESOLVED: { color: 'teal', label: 'Resolved' },
  EXHAUSTED: { color: 'gray', label: 'Exhausted (nobody acknowledged)' },
};
