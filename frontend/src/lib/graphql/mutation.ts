import type { CombinedError } from '@urql/core';
import { notifyError } from '@/lib/notify';
import type { UserErrorLike } from './user-errors';

interface Outcome<D> {
  data?: D | null;
  error?: CombinedError;
}

/**
 * The payload of a mutation that is not a form (buttons, confirm dialogs): transport errors and
 * the payload's user errors become a notification titled `failTitle`; null then.
 */
export function payloadOrNotify<D, P extends { errors: readonly UserErrorLike[] }>(
  result: Outcome<D>,
  pick: (data: D) => P | null | undefined,
  failTitle: string,
): P | null {
  if (result.error) {
    notifyError(result.error, failTitle);
    return null;
  }
  const payload = result.data ? pick(result.data) : null;
  if (!payload) {
    notifyError('The server returned no answer.', failTitle);
    return null;
  }
  if (payload.errors.length > 0) {
    notifyError(payload.errors.map((e) => e.message).join('\n'), failTitle);
    return null;
  }
  return payload;
}
