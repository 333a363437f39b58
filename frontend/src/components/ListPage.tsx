import { Group, Stack } from '@mantine/core';
import type { CombinedError, OperationContext } from '@urql/core';
import type { ReactNode } from 'react';
import { EmptyState } from './EmptyState';
import { PageHeader } from './PageHeader';
import { PagedCard, type Pager } from './PagedCard';
import { QueryError } from './QueryError';
import { TableSkeleton } from './TableSkeleton';

const NO_MORE: Pager = { hasMore: false, loadMore: () => {}, loadingMore: false, loadMoreError: null };

export interface ListState {
  loaded: boolean;
  error?: CombinedError | null;
  refetch?: () => void;
  /** Nothing to show: the empty state replaces the list. */
  empty: boolean;
  /** What the list belongs to is gone ("Account not found"): this title replaces the list. */
  missing?: string | false | null;
}

/**
 * The state of a list loaded by one plain urql query (no pages): loaded once its data came,
 * "Retry" refetches from the network. `missing`: see ListState.
 */
export function queryListState(
  [{ data, error }, refetch]: readonly [{ data?: unknown; error?: CombinedError }, (opts?: Partial<OperationContext>) => void],
  items: readonly unknown[],
  missing?: string | false | null,
): ListState {
  return { loaded: data !== undefined, error, refetch: () => refetch({ requestPolicy: 'network-only' }), missing, empty: items.length === 0 };
}

/**
 * A list page: the header (title, description, actions), an optional filter bar, notices, then
 * the list in a card with its loading, error and empty states and "Load more" when a pager is
 * given. `children` is rendered only once the list loaded and is not empty. Without a title (a
 * list in a tab or a panel) the actions stand above the list on the right.
 */
export function ListPage({
  title,
  description,
  actions,
  above,
  filters,
  notice,
  state,
  pager,
  what,
  empty,
  aside,
  bare,
  children,
}: {
  title?: string;
  description?: ReactNode;
  actions?: ReactNode;
  /** Shown above the filters (a scope picker, a chart of what the list holds). */
  above?: ReactNode;
  filters?: ReactNode;
  notice?: ReactNode;
  state: ListState;
  pager?: Pager;
  /** "mail", "schedules": for the loading label and the "Load more" error. */
  what: string;
  empty: { icon?: ReactNode; title: string; body?: ReactNode; action?: ReactNode };
  /** Shown between the notices and the list (e.g. a summary card). */
  aside?: ReactNode;
  /** The loaded list brings its own cards (a list in groups). */
  bare?: boolean;
  children: ReactNode;
}) {
  let body: ReactNode;
  if (state.error && !state.loaded) body = <QueryError error={state.error} onRetry={state.refetch} />;
  else if (!state.loaded) body = <TableSkeleton label={`Loading ${what}`} rows={5} />;
  else if (state.missing) body = <EmptyState title={state.missing} />;
  else if (state.empty) {
    body = (
      <EmptyState icon={empty.icon} title={empty.title} action={empty.action}>
        {empty.body}
      </EmptyState>
    );
  } else body = children;

  return (
    <>
      {title && <PageHeader title={title} description={description} actions={actions} />}
      <Stack gap="md">
        {!title && actions && (
          <Group justify="flex-end" gap="sm">
            {actions}
          </Group>
        )}
        {above}
        {filters}
        {notice}
        {aside}
        <PagedCard pager={pager ?? NO_MORE} what={what} bare={bare && state.loaded && !state.missing && !state.empty}>
          {body}
        </PagedCard>
      </Stack>
    </>
  );
}
