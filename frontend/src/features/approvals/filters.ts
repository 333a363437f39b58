import type { ApprovalFilter, ApprovalStatus } from '@/gql/graphql';
import { APPROVAL_STATUSES } from '@/components/badges';

/** The approvals list's filters as they appear in the URL (`?farm=<id>&status=pending,denied`). */
export interface ApprovalFilterState {
  farmId: string | null;
  statuses: ApprovalStatus[];
}

export function parseApprovalFilter(p: URLSearchParams): ApprovalFilterState {
  return {
    farmId: p.get('farm') || null,
    statuses: (p.get('status') ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s): s is ApprovalStatus => (APPROVAL_STATUSES as string[]).includes(s)),
  };
}

export const NO_APPROVAL_FILTER: ApprovalFilterState = { farmId: null, statuses: [] };

export function approvalFilterActive(f: ApprovalFilterState): boolean {
  return Boolean(f.farmId || f.statuses.length);
}

/** Writes the filter into a copy of `base`, keeping its other parameters. */
export function writeApprovalFilter(base: URLSearchParams, f: ApprovalFilterState): URLSearchParams {
  const p = new URLSearchParams(base);
  p.delete('farm');
  p.delete('status');
  if (f.farmId) p.set('farm', f.farmId);
  if (f.statuses.length) p.set('status', f.statuses.join(',').toLowerCase());
  return p;
}

export const approvalFilterToParams = (f: ApprovalFilterState) => writeApprovalFilter(new URLSearchParams(), f);

export function toApprovalFilter(f: ApprovalFilterState): ApprovalFilter {
  const out: ApprovalFilter = {};
  if (f.farmId) out.farmId = f.farmId;
  if (f.statuses.length) out.statuses = f.statuses;
  return out;
}

/** "farm.approval.launch" → "Launch". */
export function operationLabel(operation: string): string {
  if (operation.endsWith('.launch')) return 'Launch';
  if (operation.endsWith('.terminate')) return 'Terminate';
  return operation;
}
