import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useCallback, useMemo, useState } from 'react';
import { useClient, useQuery, type AnyVariables, type RequestPolicy } from 'urql';

export interface Connection<N> {
  edges: readonly { cursor: string; node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** Keeps the first occurrence of each id, preserving order. */
export function mergeById<N extends { id: string }>(...lists: readonly (readonly N[])[]): N[] {
  const seen = new Set<string>();
  const out: N[] = [];
  for (const list of lists) {
    for (const n of list) {
      if (!seen.has(n.id)) {
        seen.add(n.id);
        out.push(n);
      }
    }
  }
  return out;
}

interface Older<N> {
  key: string;
  nodes: N[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * A cursor-paginated list: the first page through urql's cache (refetched after mutations of
 * its types), later pages on demand ("Load more"). Changing `variables` starts over.
 */
export function useCursorList<D, V extends AnyVariables, N extends { id: string }>(opts: {
  query: TypedDocumentNode<D, V>;
  variables: V;
  select: (data: D) => Connection<N> | null | undefined;
  context?: { additionalTypenames: string[] };
  pause?: boolean;
  /** For the first page (urql's default: cache-first). */
  requestPolicy?: RequestPolicy;
}) {
  const { query, variables, select, context, pause, requestPolicy } = opts;
  const client = useClient();
  const [first, refetch] = useQuery({ query, variables, context, pause, requestPolicy });
  const key = JSON.stringify(variables);
  const [olderState, setOlder] = useState<Older<N> | null>(null);
  const older = olderState?.key === key ? olderState : null;
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<Error | null>(null);

  const firstPage = first.data ? select(first.data) : null;
  const nodes = useMemo(
    () => mergeById(firstPage?.edges.map((e) => e.node) ?? [], older?.nodes ?? []),
    [firstPage, older],
  );
  const pageInfo = older ?? (firstPage ? firstPage.pageInfo : null);
  const endCursor = pageInfo?.endCursor ?? null;
  const hasMore = Boolean(pageInfo?.hasNextPage && endCursor);

  const loadMore = useCallback(async () => {
    if (!endCursor) return;
    setLoadingMore(true);
    setLoadMoreError(null);
    const result = await client
      .query(query, { ...variables, after: endCursor } as V, { requestPolicy: 'network-only', ...context })
      .toPromise();
    setLoadingMore(false);
    const conn = result.data ? select(result.data) : null;
    if (result.error || !conn) {
      setLoadMoreError(result.error ?? new Error('The server returned nothing.'));
      return;
    }
    setOlder((prev) => ({
      key,
      nodes: [...(prev?.key === key ? prev.nodes : []), ...conn.edges.map((e) => e.node)],
      endCursor: conn.pageInfo.endCursor ?? null,
      hasNextPage: conn.pageInfo.hasNextPage,
    }));
  }, [client, query, variables, select, context, endCursor, key]);

  return {
    data: first.data,
    nodes,
    loaded: first.data !== undefined,
    fetching: first.fetching,
    error: first.error,
    refetch: useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]),
    hasMore,
    loadMore,
    loadingMore,
    loadMoreError,
  };
}
