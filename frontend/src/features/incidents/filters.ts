import type { IncidentFilter, IncidentSource, IncidentStatus, Severity } from '@/gql/graphql';
import { INCIDENT_SOURCES, INCIDENT_STATUSES, SEVERITIES } from '@/components/badges';
import { ANY_TIME, parseTimeRange, rangeBounds, writeTimeRange, type TimeRangeState } from '@/lib/time-range';

export type StatusView = 'open' | 'TRIGGERED' | 'ACKNOWLEDGED' | 'RESOLVED' | 'all';

export const STATUS_VIEWS: { value: StatusView; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'TRIGGERED', label: 'Triggered' },
  { value: 'ACKNOWLEDGED', label: 'Acknowledged' },
  { value: 'RESOLVED', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

/** The list's filters as they appear in the URL (so a filtered view can be linked). */
export interface IncidentFilterState extends TimeRangeState {
  status: StatusView;
  severities: Severity[];
  sources: IncidentSource[];
  componentId: string | null;
  search: string;
  /** Leave out test incidents (the AWS wizard's "send a test alarm"). */
  hideTests: boolean;
}

const list = <T extends string>(raw: string | null, allowed: readonly T[]): T[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s): s is T => (allowed as readonly string[]).includes(s));

export function parseFilter(params: URLSearchParams): IncidentFilterState {
  const status = params.get('status');
  return {
    status: STATUS_VIEWS.some((v) => v.value === status) ? (status as StatusView) : 'open',
    severities: list(params.get('severity'), SEVERITIES),
    sources: list(params.get('source'), INCIDENT_SOURCES),
    componentId: params.get('component') || null,
    ...parseTimeRange(params),
    search: params.get('q') ?? '',
    hideTests: params.get('tests') === 'hide',
  };
}

/** Writes the filter into a copy of `base`, keeping its other parameters. */
export function writeFilter(base: URLSearchParams, f: IncidentFilterState): URLSearchParams {
  const p = new URLSearchParams(base);
  for (const k of ['status', 'severity', 'source', 'component', 'q', 'tests']) p.delete(k);
  if (f.status !== 'open') p.set('status', f.status);
  if (f.severities.length) p.set('severity', f.severities.join(',').toLowerCase());
  if (f.sources.length) p.set('source', f.sources.join(',').toLowerCase());
  if (f.componentId) p.set('component', f.componentId);
  writeTimeRange(p, f);
  if (f.search) p.set('q', f.search);
  if (f.hideTests) p.set('tests', 'hide');
  return p;
}

export const filterToParams = (f: IncidentFilterState) => writeFilter(new URLSearchParams(), f);

/** The filters "Clear filters" drops: all but the status view. */
export function clearFilters(f: IncidentFilterState): IncidentFilterState {
  return { ...f, severities: [], sources: [], componentId: null, ...ANY_TIME, search: '', hideTests: false };
}

function statusesOf(view: StatusView): IncidentStatus[] | null {
  if (view === 'all') return null;
  if (view === 'open') return ['TRIGGERED', 'ACKNOWLEDGED'];
  return INCIDENT_STATUSES.filter((s) => s === view);
}

/** The GraphQL filter for the list query. */
export function toIncidentFilter(f: IncidentFilterState): IncidentFilter {
  const { after, before } = rangeBounds(f.range, { from: f.from, to: f.to }, f.anchor || Date.now());
  const out: IncidentFilter = {};
  const statuses = statusesOf(f.status);
  if (statuses) out.statuses = statuses;
  if (f.severities.length) out.severities = f.severities;
  if (f.sources.length) out.sources = f.sources;
  if (f.componentId) out.componentId = f.componentId;
  if (after) out.openedAfter = after;
  if (before) out.openedBefore = before;
  if (f.search.trim()) out.search = f.search.trim();
  if (f.hideTests) out.tests = false;
  return out;
}

/** Whether an incident pushed by the live feed belongs in the list the filter shows. */
export function matchesFilter(
  i: {
    status: IncidentStatus;
    severity: Severity;
    source: IncidentSource;
    openedAt: string;
    title: string;
    isTest?: boolean;
    component: { id: string };
  },
  f: IncidentFilter,
): boolean {
  if (f.statuses?.length && !f.statuses.includes(i.status)) return false;
  if (f.severities?.length && !f.severities.includes(i.severity)) return false;
  if (f.sources?.length && !f.sources.includes(i.source)) return false;
  if (f.componentId && f.componentId !== i.component.id) return false;
  const opened = new Date(i.openedAt).getTime();
  if (f.openedAfter && opened < new Date(f.openedAfter).getTime()) return false;
  if (f.openedBefore && opened > new Date(f.openedBefore).getTime()) return false;
  if (f.search && !i.title.toLowerCase().includes(f.search.toLowerCase())) return false;
  if (f.tests != null && Boolean(i.isTest) !== f.tests) return false;
  return true;
}

/** How many filters beside the status view are set (the folded filter bar's button shows it). */
export function activeFilterCount(f: IncidentFilterState): number {
  return [f.severities.length > 0, f.sources.length > 0, f.componentId !== null, f.range !== 'any', f.search !== '', f.hideTests].filter(Boolean)
    .length;
}
