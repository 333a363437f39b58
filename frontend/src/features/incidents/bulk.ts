import { useCallback } from 'react';
import type { IncidentListFieldsFragment } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { notifications } from '@mantine/notifications';
import { AcknowledgeIncidentsMutation, ResolveIncidentsMutation, incidentsContext } from './api';

export type BulkAction = 'acknowledge' | 'resolve';

const DONE: Record<BulkAction, string> = { acknowledge: 'acknowledged', resolve: 'resolved' };

export interface BulkResultLike {
  id: string;
  error?: { message: string } | null;
}

/**
 * The toast line for a bulk action: "3 acknowledged", "3 acknowledged, 1 could not be: Checkout
 * latency: already resolved". Failures name the incident by title when it is known.
 */
export function bulkSummary(action: BulkAction, results: readonly BulkResultLike[], titleOf: (id: string) => string | undefined): {
  message: string;
  ok: number;
  failed: number;
} {
  const failed = results.filter((r) => r.error);
  const ok = results.length - failed.length;
  let message = `${ok} ${DONE[action]}`;
  if (failed.length > 0) {
    const reasons = failed.map((r) => {
      const title = titleOf(r.id);
      return title ? `${title}: ${r.error!.message}` : r.error!.message;
    });
    message += `, ${failed.length} could not be: ${reasons.join('; ')}`;
  }
  return { message, ok, failed: failed.length };
}

/** Acknowledges or resolves many incidents at once, with one summary toast. Returns the ids that changed. */
export function useBulkIncidentAction(incidents: readonly IncidentListFieldsFragment[]) {
  const [ackState, ack] = useMutationWithErrors(AcknowledgeIncidentsMutation, (d) => d.acknowledgeIncidents, {
    failTitle: 'Could not acknowledge the incidents',
    context: incidentsContext,
  });
  const [resState, res] = useMutationWithErrors(ResolveIncidentsMutation, (d) => d.resolveIncidents, {
    failTitle: 'Could not resolve the incidents',
    context: incidentsContext,
  });
  const run = useCallback(
    async (action: BulkAction, ids: string[]): Promise<string[]> => {
      const out = await (action === 'acknowledge' ? ack : res)({ ids }, { notifyUserErrors: true });
      if (!out.ok) return [];
      const summary = bulkSummary(action, out.payload.results, (id) => incidents.find((i) => i.id === id)?.title);
      notifications.show({
        color: summary.failed === 0 ? 'teal' : summary.ok === 0 ? 'red' : 'yellow',
        title: summary.failed === 0 ? undefined : `Some incidents were not ${DONE[action]}`,
        message: summary.message,
        autoClose: summary.failed === 0 ? 4000 : 10000,
      });
      return out.payload.results.filter((r) => !r.error).map((r) => r.id);
    },
    [ack, res, incidents],
  );
  return { run, fetching: ackState.fetching || resState.fetching };
}
