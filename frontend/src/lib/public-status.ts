import type { ComponentStatus, Impact, PublicIncidentStatus } from '@/gql/graphql';

// How the public status pages (server/statuspage/view.go) say a status: an icon and words, so a
// status never rests on colour alone. The console's previews use the same labels and icons.

export interface PublicStatusSpec {
  icon: string;
  label: string;
  /** A Mantine colour for the console's badges and bars. */
  color: string;
  rank: number;
}

export const PUBLIC_STATUS: Record<ComponentStatus, PublicStatusSpec> = {
  OPERATIONAL: { icon: '✓', label: 'Operational', color: 'teal', rank: 0 },
  UNDER_MAINTENANCE: { icon: '◆', label: 'Under maintenance', color: 'blue', rank: 1 },
  DEGRADED_PERFORMANCE: { icon: '!', label: 'Degraded performance', color: 'yellow', rank: 2 },
  PARTIAL_OUTAGE: { icon: '◐', label: 'Partial outage', color: 'orange', rank: 3 },
  MAJOR_OUTAGE: { icon: '✕', label: 'Major outage', color: 'red', rank: 4 },
};

export const PUBLIC_INCIDENT_STATUS: Record<PublicIncidentStatus, string> = {
  INVESTIGATING: 'Investigating',
  IDENTIFIED: 'Identified',
  MONITORING: 'Monitoring',
  RESOLVED: 'Resolved',
};

export const IMPACT: Record<Impact, string> = {
  NONE: 'None',
  MINOR: 'Minor',
  MAJOR: 'Major',
  CRITICAL: 'Critical',
};

export interface Banner {
  indicator: 'none' | 'minor' | 'major' | 'critical';
  text: string;
  icon: string;
  /** The component status whose colour the banner takes. */
  tone: ComponentStatus;
}

const IMPACT_RANK: Record<Impact, number> = { NONE: 0, MINOR: 1, MAJOR: 2, CRITICAL: 3 };

/**
 * The page's banner, as the public page computes it (Statuspage's rollup): the worst component
 * status (degraded → minor, partial outage → major, major outage → critical) or the impact of an
 * unresolved incident, whichever is worse. Maintenance does not raise it.
 */
export function rollup(statuses: readonly ComponentStatus[], openImpacts: readonly Impact[] = []): Banner {
  let rank = 0;
  let maint = false;
  for (const s of statuses) {
    if (s === 'DEGRADED_PERFORMANCE') rank = Math.max(rank, 1);
    else if (s === 'PARTIAL_OUTAGE') rank = Math.max(rank, 2);
    else if (s === 'MAJOR_OUTAGE') rank = 3;
    else if (s === 'UNDER_MAINTENANCE') maint = true;
  }
  for (const i of openImpacts) rank = Math.max(rank, IMPACT_RANK[i] ?? 0);
  if (rank === 1) return { indicator: 'minor', text: 'Minor Service Outage', icon: '!', tone: 'DEGRADED_PERFORMANCE' };
  if (rank === 2) return { indicator: 'major', text: 'Partial System Outage', icon: '◐', tone: 'PARTIAL_OUTAGE' };
  if (rank === 3) return { indicator: 'critical', text: 'Major System Outage', icon: '✕', tone: 'MAJOR_OUTAGE' };
  if (maint) return { indicator: 'none', text: 'Service Under Maintenance', icon: '◆', tone: 'UNDER_MAINTENANCE' };
  return { indicator: 'none', text: 'All Systems Operational', icon: '✓', tone: 'OPERATIONAL' };
}

/** The worst of `statuses` (a group's status on the page); operational when empty. */
export function worstStatus(statuses: readonly ComponentStatus[]): ComponentStatus {
  let worst: ComponentStatus = 'OPERATIONAL';
  for (const s of statuses) if (PUBLIC_STATUS[s].rank > PUBLIC_STATUS[worst].rank) worst = s;
  return worst;
}
