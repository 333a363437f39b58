import type { AuditFilter } from '@/gql/graphql';
import { ANY_TIME, parseTimeRange, readListParam, timeRangeFilter, writeTimeRange, type TimeRangeState } from '@/lib/time-range';

/**
 * Activity categories (the part of an action before the dot) with readable names, in the order
 * the filter offers them: what people look for first.
 */
export const AUDIT_CATEGORIES: { value: string; label: string }[] = [
  { value: 'incident', label: 'Incidents' },
  { value: 'user', label: 'Sign-ins' },
  { value: 'member', label: 'Members' },
  { value: 'invitation', label: 'Invitations' },
  { value: 'api_token', label: 'API tokens' },
  { value: 'environment', label: 'Environments' },
  { value: 'component', label: 'Components' },
  { value: 'aws_integration', label: 'AWS integrations' },
  { value: 'farm', label: 'Farms' },
  { value: 'variable', label: 'Variables' },
  { value: 'webhook', label: 'Webhooks' },
  { value: 'endpoint', label: 'Endpoints' },
  { value: 'custom_event', label: 'Custom events' },
  { value: 'delivery', label: 'Deliveries' },
  { value: 'schedule', label: 'Schedules' },
  { value: 'escalation_policy', label: 'Escalation policies' },
  { value: 'calendar_feed', label: 'Calendar feeds' },
  { value: 'maintenance', label: 'Maintenance' },
  { value: 'status_page', label: 'Status pages' },
  { value: 'public_incident', label: 'Status page incidents' },
  { value: 'status_subscriber', label: 'Status page subscribers' },
  { value: 'update_template', label: 'Update templates' },
  { value: 'slack', label: 'Slack' },
  { value: 'account', label: 'Account' },
];

/** What the server accepts as a category: lower-case letters and underscores. */
const CATEGORY = /^[a-z][a-z_]{0,39}$/;

export const MIN_AUDIT_SEARCH = 2;
export const MAX_AUDIT_SEARCH = 100;

/** Why the server would refuse this search term, or null when it is usable (or empty). */
export function auditSearchProblem(term: string): string | null {
  const n = [...term.trim()].length;
  if (n === 0) return null;
  if (n < MIN_AUDIT_SEARCH) return `At least ${MIN_AUDIT_SEARCH} characters`;
  if (n > MAX_AUDIT_SEARCH) return `At most ${MAX_AUDIT_SEARCH} characters`;
  return null;
}

/** The activity's filters as they appear in the URL (`cat`, `q`, the time range). */
export interface ActivityFilterState extends TimeRangeState {
  categories: string[];
  search: string;
}

export const NO_ACTIVITY_FILTER: ActivityFilterState = { categories: [], search: '', ...ANY_TIME };

export function parseActivityFilter(p: URLSearchParams): ActivityFilterState {
  return {
    categories: readListParam(p, 'cat').filter((c) => CATEGORY.test(c)),
    search: p.get('q') ?? '',
    ...parseTimeRange(p),
  };
}

export function writeActivityFilter(base: URLSearchParams, f: ActivityFilterState): URLSearchParams {
  const p = new URLSearchParams(base);
  for (const k of ['cat', 'q']) p.delete(k);
  if (f.categories.length) p.set('cat', f.categories.join(','));
  if (f.search) p.set('q', f.search);
  return writeTimeRange(p, f);
}

export function activityFilterActive(f: ActivityFilterState): boolean {
  return Boolean(f.categories.length || f.search || f.range !== 'any');
}

export function toAuditFilter(f: ActivityFilterState): AuditFilter {
  const out: AuditFilter = {};
  if (f.categories.length) out.categories = f.categories;
  Object.assign(out, timeRangeFilter(f));
  // A term the server would refuse searches nothing yet: the box says why.
  if (f.search.trim() && !auditSearchProblem(f.search)) out.search = f.search.trim();
  return out;
}

/** Whether an entry pushed live belongs in the filtered list (the server's rules, applied here). */
export function auditMatches(e: { action: string; summary: string; actorLabel: string; createdAt: string }, f: AuditFilter): boolean {
  if (f.categories?.length && !f.categories.some((c) => e.action.startsWith(`${c}.`))) return false;
  const t = Date.parse(e.createdAt);
  if (f.since && t < Date.parse(f.since)) return false;
  if (f.until && t >= Date.parse(f.until)) return false;
  if (f.search) {
    const term = f.search.toLowerCase();
    if (!e.summary.toLowerCase().includes(term) && !e.actorLabel.toLowerCase().includes(term)) return false;
  }
  return true;
}

/** A category's readable name. */
export function categoryLabel(c: string): string {
  return AUDIT_CATEGORIES.find((x) => x.value === c)?.label ?? c;
}
