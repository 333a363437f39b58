import { useMemo } from 'react';
import { useSubscription } from 'urql';
import type { AuditEntryFieldsFragment, AuditFilter } from '@/gql/graphql';
import { mergeById, useCursorList } from '@/lib/pagination';
import { AccountActivitySubscription, ActivityQuery } from './api';
import { auditMatches } from './filters';

export type AuditEntry = AuditEntryFieldsFragment;

export const PAGE_SIZE = 50;

/** Keeps the first occurrence of each id, preserving order. */
export const mergeEntries = mergeById<AuditEntry>;

/**
 * The account's audit log narrowed by `filter`, newest first: the first page, older pages on
 * demand, and entries pushed by the `accountActivity` subscription on top when they match it.
 */
export function useActivityFeed(accountId: string, filter: AuditFilter) {
  const variables = useMemo(() => ({ accountId, filter, first: PAGE_SIZE }), [accountId, filter]);
  const list = useCursorList({
    query: ActivityQuery,
    variables,
    select: (d) => d.account?.auditLog,
    requestPolicy: 'cache-and-network',
  });
  const [live] = useSubscription(
    { query: AccountActivitySubscription, variables: { accountId } },
    (prev: AuditEntry[] = [], data) => [data.accountActivity, ...prev],
  );
  // Every pushed entry is kept; the filter of the moment decides which are shown.
  const liveEntries = useMemo(() => (live.data ?? []).filter((e) => auditMatches(e, filter)), [live.data, filter]);
  const entries = useMemo(() => mergeEntries(liveEntries, list.nodes), [liveEntries, list.nodes]);

  return {
    ...list,
    entries,
    liveIds: useMemo(() => new Set(liveEntries.map((e) => e.id)), [liveEntries]),
    liveError: live.error,
  };
}
