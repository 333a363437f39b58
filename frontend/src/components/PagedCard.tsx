import { Alert, Button, Card, Center } from '@mantine/core';
import type { ReactNode } from 'react';

/** What a cursor-paginated list offers for loading older pages (see useCursorList). */
export interface Pager {
  hasMore: boolean;
  loadMore: () => void;
  loadingMore: boolean;
  loadMoreError: Error | null;
}

/**
 * The list pages' card: the list (or its loading, empty and error states) in a bordered card
 * (`bare`: the list brings its own cards), then the error of the last "Load more" and the "Load more" button while older pages remain.
 */
export function PagedCard({ pager, what, bare, children }: { pager: Pager; what: string; bare?: boolean; children: ReactNode }) {
  return (
    <>
      {bare ? (
        children
      ) : (
        <Card withBorder padding={0} radius="md">
          <Card.Section p="md">{children}</Card.Section>
        </Card>
      )}
      {pager.loadMoreError && (
        <Alert color="red" variant="light" role="alert">
          Could not load more {what}: {pager.loadMoreError.message}
        </Alert>
      )}
      {pager.hasMore && (
        <Center>
          <Button variant="default" onClick={pager.loadMore} loading={pager.loadingMore}>
            Load more
          </Button>
        </Center>
      )}
    </>
  );
}
