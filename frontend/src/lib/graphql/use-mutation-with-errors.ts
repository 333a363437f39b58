import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { CombinedError } from '@urql/core';
import { useCallback } from 'react';
import { useMutation, type AnyVariables } from 'urql';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { UserErrorLike } from './user-errors';

/** What a mutation whose payload carries `errors: [UserError!]!` came to. Never thrown. */
export type MutationOutcome<P> =
  | { ok: true; payload: P; errors: readonly UserErrorLike[] }
  | { ok: false; payload: P | null; errors: readonly UserErrorLike[]; transport?: CombinedError };

export interface RunOptions {
  /** A toast shown when the mutation succeeded. */
  success?: string;
  /**
   * Also show the payload's user errors as a toast (buttons and confirm dialogs, which have no
   * fields to put them on). Forms leave this off and map them onto their fields.
   */
  notifyUserErrors?: boolean;
}

/**
 * Runs a mutation whose payload has `errors: [UserError]`: a transport failure becomes an error
 * toast titled `failTitle`, the payload's errors are returned typed (for a form's fields), and a
 * success toast is shown when asked. It throws nothing.
 */
export function useMutationWithErrors<D, V extends AnyVariables, P extends { errors: readonly UserErrorLike[] }>(
  document: TypedDocumentNode<D, V>,
  pick: (data: D) => P | null | undefined,
  opts: { failTitle: string; context?: { additionalTypenames: string[] } },
): [{ fetching: boolean }, (variables: V, run?: RunOptions) => Promise<MutationOutcome<P>>] {
  const [state, execute] = useMutation<D, V>(document);
  const { failTitle, context } = opts;
  const run = useCallback(
    async (variables: V, runOpts: RunOptions = {}): Promise<MutationOutcome<P>> => {
      let result;
      try {
        result = await execute(variables, context);
      } catch (err) {
        notifyError(err as Error, failTitle);
        return { ok: false, payload: null, errors: [{ message: (err as Error).message }] };
      }
      if (result.error) {
        notifyError(result.error, failTitle);
        return { ok: false, payload: null, errors: [], transport: result.error };
      }
      const payload = result.data ? pick(result.data) : null;
      if (!payload) {
        notifyError('The server returned no answer.', failTitle);
        return { ok: false, payload: null, errors: [{ message: 'The server returned no answer.' }] };
      }
      if (payload.errors.length > 0) {
        if (runOpts.notifyUserErrors) notifyError(payload.errors.map((e) => e.message).join('\n'), failTitle);
        return { ok: false, payload, errors: payload.errors };
      }
      if (runOpts.success) notifySuccess(runOpts.success);
      return { ok: true, payload, errors: [] };
    },
    // `pick` is usually an inline arrow; the document and title decide what it does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [execute, failTitle, context],
  );
  return [{ fetching: state.fetching }, run];
}
