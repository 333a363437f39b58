import { Badge, type BadgeProps } from '@mantine/core';
import type {
  ApprovalStatus,
  ComponentStatus,
  DeliveryStatus,
  EventSubjectKind,
  FarmStatus,
  IncidentSource,
  IncidentStatus,
  IntegrationState,
  Severity,
} from '@/gql/graphql';

type Spec = { color: string; label: string };

export const SEVERITY: Record<Severity, Spec> = {
  CRITICAL: { color: 'red', label: 'Critical' },
  HIGH: { color: 'orange', label: 'High' },
  MEDIUM: { color: 'yellow', label: 'Medium' },
  LOW: { color: 'gray', label: 'Low' },
};
export const SEVERITIES = Object.keys(SEVERITY) as Severity[];

export const INCIDENT_STATUS: Record<IncidentStatus, Spec> = {
  TRIGGERED: { color: 'red', label: 'Triggered' },
  ACKNOWLEDGED: { color: 'yellow', label: 'Acknowledged' },
  RESOLVED: { color: 'teal', label: 'Resolved' },
};
export const INCIDENT_STATUSES = Object.keys(INCIDENT_STATUS) as IncidentStatus[];

export const INCIDENT_SOURCE: Record<IncidentSource, Spec> = {
  AWS_CLOUDWATCH: { color: 'orange', label: 'CloudWatch' },
  MANUAL: { color: 'gray', label: 'Manual' },
  API: { color: 'indigo', label: 'API' },
};
export const INCIDENT_SOURCES = Object.keys(INCIDENT_SOURCE) as IncidentSource[];

export const COMPONENT_STATUS: Record<ComponentStatus, Spec> = {
  OPERATIONAL: { color: 'teal', label: 'Operational' },
  DEGRADED_PERFORMANCE: { color: 'yellow', label: 'Degraded performance' },
  PARTIAL_OUTAGE: { color: 'orange', label: 'Partial outage' },
  MAJOR_OUTAGE: { color: 'red', label: 'Major outage' },
  UNDER_MAINTENANCE: { color: 'blue', label: 'Under maintenance' },
};
export const COMPONENT_STATUSES = Object.keys(COMPONENT_STATUS) as ComponentStatus[];

export const DELIVERY_STATUS: Record<DeliveryStatus, Spec> = {
  PENDING: { color: 'gray', label: 'Pending' },
  RETRYING: { color: 'yellow', label: 'Retrying' },
  SUCCEEDED: { color: 'teal', label: 'Succeeded' },
  FAILED: { color: 'red', label: 'Failed' },
};
export const DELIVERY_STATUSES = Object.keys(DELIVERY_STATUS) as DeliveryStatus[];

export const INTEGRATION_STATE: Record<IntegrationState, Spec> = {
  PENDING_CONFIRMATION: { color: 'yellow', label: 'Pending confirmation' },
  CONFIRMED: { color: 'teal', label: 'Confirmed' },
  UNSUBSCRIBED: { color: 'gray', label: 'Unsubscribed' },
};

export const FARM_STATUS: Record<FarmStatus, Spec> = {
  TERMINATED: { color: 'gray', label: 'Terminated' },
  PENDING_LAUNCH: { color: 'yellow', label: 'Pending launch' },
  RUNNING: { color: 'teal', label: 'Running' },
  PENDING_TERMINATE: { color: 'orange', label: 'Pending terminate' },
  SUSPENDED: { color: 'blue', label: 'Suspended' },
};

export const APPROVAL_STATUS: Record<ApprovalStatus, Spec> = {
  PENDING: { color: 'yellow', label: 'Pending' },
  APPROVED: { color: 'teal', label: 'Approved' },
  DENIED: { color: 'red', label: 'Denied' },
  EXPIRED: { color: 'gray', label: 'Expired' },
  ERROR: { color: 'orange', label: 'Error' },
  CANCELLED: { color: 'gray', label: 'Cancelled' },
};
export const EVENT_SUBJECT: Record<EventSubjectKind, Spec> = {
  INCIDENT: { color: 'red', label: 'Incident' },
  SERVER: { color: 'cyan', label: 'Server' },
  FARM: { color: 'blue', label: 'Farm' },
  ENVIRONMENT: { color: 'grape', label: 'Environment' },
  ACCOUNT: { color: 'gray', label: 'Account' },
};
export const EVENT_SUBJECTS = Object.keys(EVENT_SUBJECT) as EventSubjectKind[];

export const APPROVAL_STATUSES = Object.keys(APPROVAL_STATUS) as ApprovalStatus[];

function make<K extends string>(specs: Record<K, Spec>, variant: BadgeProps['variant'], testId: string) {
  return function SpecBadge({ value, ...props }: { value: K } & Omit<BadgeProps, 'color' | 'children'>) {
    const spec = specs[value] ?? { color: 'gray', label: value };
    return (
      <Badge
        component="span"
        color={spec.color}
        variant={variant}
        radius="sm"
        data-testid={testId}
        data-value={value}
        {...props}
      >
        {spec.label}
      </Badge>
    );
  };
}

export const SeverityBadge = make(SEVERITY, 'filled', 'severity-badge');
export const IncidentStatusBadge = make(INCIDENT_STATUS, 'light', 'incident-status');
export const IncidentSourceBadge = make(INCIDENT_SOURCE, 'outline', 'incident-source');
export const ComponentStatusBadge = make(COMPONENT_STATUS, 'light', 'component-status');
export const DeliveryStatusBadge = make(DELIVERY_STATUS, 'light', 'delivery-status');
export const IntegrationStateBadge = make(INTEGRATION_STATE, 'dot', 'integration-state');
const FarmStatusSpecBadge = make(FARM_STATUS, 'dot', 'farm-status');
/**
 * A farm's status. A farm that never ran is "Not launched" rather than "Terminated" (Scalr's
 * status, which payloads keep).
 */
export function FarmStatusBadge({
  value,
  launchedOnce = true,
  ...props
}: { value: FarmStatus; launchedOnce?: boolean } & Omit<BadgeProps, 'color' | 'children'>) {
  if (value === 'TERMINATED' && !launchedOnce) {
    return (
      <Badge component="span" color="gray" variant="outline" radius="sm" data-testid="farm-status" data-value={value} {...props}>
        Not launched
      </Badge>
    );
  }
  return <FarmStatusSpecBadge value={value} {...props} />;
}
export const ApprovalStatusBadge = make(APPROVAL_STATUS, 'light', 'approval-status');
export const EventSubjectBadge = make(EVENT_SUBJECT, 'light', 'event-subject-kind');

export function options<K extends string>(specs: Record<K, Spec>) {
  return (Object.keys(specs) as K[]).map((k) => ({ value: k, label: specs[k].label }));
}

/** Marks a test alarm's incident (counted apart from real ones, pages nobody). */
export function TestBadge(props: BadgeProps) {
  return (
    <Badge component="span" color="grape" variant="outline" radius="sm" size="xs" data-testid="test-badge" title="A test alarm: pages nobody" {...props}>
      Test
    </Badge>
  );
}
