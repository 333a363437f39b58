import { useCallback, useMemo, useState } from 'react';
import { useClient, useQuery, useSubscription } from 'urql';
import type { AuditEntryFieldsFragment } from '@/gql/graphql';
import { AccountActivitySubscription, ActivityQuery } from './api';

export type AuditEntry = AuditEntryFieldsFragment;

export const PAGE_SIZE = 50;

/** Keeps the first occurrence of each id, preserving order. */
export function mergeEntries(...lists: readonly (readonly AuditEntry[])[]): AuditEntry[] {
  const seen = new Set<string>();
  const out: AuditEntry[] = [];
  for (const list of lists) {
    for (const e of list) {
      if (!seen.has(e.id)) {
        seen.add(e.id);
        out.push(e);
      }
    }
  }
  return out;
}

/**
 * The account's audit log, newest first: the first page, older pages on demand, and entries
 * pushed by the `accountActivity` subscription on top.
 */
export function useActivityFeed(accountId: string) {
  const client = useClient();
  const [first, refetch] = useQuery({
    query: ActivityQuery,
    variables: { accountId, first: PAGE_SIZE },
    requestPolicy: 'cache-and-network',
  });
  const [live] = useSubscription(
    { query: AccountActivitySubscription, variables: { accountId } },
    (prev: AuditEntry[] = [], data) => [data.accountActivity, ...prev],
  );
  const [older, setOlder] = useState<{ entries: AuditEntry[]; endCursor: string | null; hasNextPage: boolean } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<Error | null>(null);

  const firstPage = first.data?.account?.auditLog;
  const liveEntries = useMemo(() => live.data ?? [], [live.data]);
  const entries = useMemo(
    () => mergeEntries(liveEntries, firstPage?.edges.map((e) => e.node) ?? [], older?.entries ?? []),
    [liveEntries, firstPage, older],
  );
  const pageInfo = older ?? (firstPage ? { ...firstPage.pageInfo } : null);
  const hasMore = Boolean(pageInfo?.hasNextPage && pageInfo.endCursor);

  const loadMore = useCallback(async () => {
    const after = pageInfo?.endCursor;
    if (!after) return;
    setLoadingMore(true);
    setLoadMoreError(null);
    const result = await client
      .query(ActivityQuery, { accountId, first: PAGE_SIZE, after }, { requestPolicy: 'network-only' })
      .toPromise();
    setLoadingMore(false);
    const log = result.data?.account?.auditLog;
    if (result.error || !log) {
      setLoadMoreError(result.error ?? new Error('The server returned no entries.'));
      return;
    }
    setOlder((prev) => ({
      entries: [...(prev?.entries ?? []), ...log.edges.map((e) => e.node)],
      endCursor: log.pageInfo.endCursor ?? null,
      hasNextPage: log.pageInfo.hasNextPage,
    }));
  }, [client, accountId, pageInfo?.endCursor]);

  return {
    entries,
    liveIds: useMemo(() => new Set(liveEntries.map((e) => e.id)), [liveEntries]),
    loaded: first.data !== undefined,
    accountFound: first.data ? first.data.account !== null : true,
    fetching: first.fetching,
    error: first.error,
    liveError: live.error,
    refetch: () => refetch({ requestPolicy: 'network-only' }),
    hasMore,
    loadMore,
    loadingMore,
    loadMoreError,
  };
}
