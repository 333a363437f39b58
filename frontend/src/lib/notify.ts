import { notifications } from '@mantine/notifications';
import type { CombinedError } from '@urql/core';

/** A readable line for a transport-level GraphQL failure. */
export function describeError(error: CombinedError | Error): string {
  if ('networkError' in error && error.networkError) {
    return 'Cannot reach the Switchboard server. Check your connection and try again.';
  }
  if ('graphQLErrors' in error && error.graphQLErrors.length > 0) {
    return error.graphQLErrors.map((e) => e.message).join('\n');
  }
  return error.message;
}

export function notifyError(error: CombinedError | Error | string, title = 'Something went wrong') {
  notifications.show({
    color: 'red',
    title,
    message: typeof error === 'string' ? error : describeError(error),
    autoClose: 8000,
  });
}

export function notifySuccess(message: string, title?: string) {
  notifications.show({ color: 'teal', title, message, autoClose: 4000 });
}
