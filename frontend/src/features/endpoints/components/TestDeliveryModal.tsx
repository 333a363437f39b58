import { Alert, Anchor, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { DeliveryStatusBadge } from '@/components/badges';
import { TestDeliveryQuery } from '../api';

const POLL_MS = 1500;

/** Follows a test delivery until it finishes (or is waiting for a retry). */
export function TestDeliveryModal({
  accountId,
  test,
  onClose,
}: {
  accountId: string;
  test: { deliveryId: string; endpointName: string } | null;
  onClose: () => void;
}) {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: TestDeliveryQuery,
    variables: { id: test?.deliveryId ?? '' },
    pause: !test,
    requestPolicy: 'network-only',
  });
  const d = data?.delivery;
  const done = d?.status === 'SUCCEEDED' || d?.status === 'FAILED';
  // Answered, but without the delivery (removed, or not readable by this user): nothing to wait for.
  const missing = Boolean(data) && !d && !fetching;
  useEffect(() => {
    if (!test || done || missing) return undefined;
    const t = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearInterval(t);
  }, [test, done, missing, refetch]);
  // A test event to a system endpoint is a system-scope delivery: its history is the system scope's.
  const historyURL = d ? `/accounts/${accountId}/deliveries?${d.accountId === null ? 'scope=system&' : ''}delivery=${d.id}` : '';

  return (
    <Modal opened={test !== null} onClose={onClose} title={`Test event to ${test?.endpointName ?? ''}`} centered>
      <Stack gap="md" data-testid="test-delivery">
        {missing ? (
          <Alert color="gray" variant="light">
            The test delivery cannot be shown: it no longer exists, or your role does not allow reading it.
          </Alert>
        ) : error && !d ? (
          <Alert color="red" variant="light" role="alert">
            Could not follow the test delivery: {error.message}
          </Alert>
        ) : !d ? (
          <Loader size="sm" aria-label="Loading the test delivery" />
        ) : (
          <>
            <Group gap="sm">
              <DeliveryStatusBadge value={d.status} size="lg" />
              {!done && <Loader size="xs" aria-label="Waiting for the result" />}
            </Group>
            <Text size="sm">
              Attempts {d.attempts}/{d.maxAttempts}
              {d.lastStatusCode != null && <> · last answer HTTP {d.lastStatusCode}</>}
            </Text>
            {d.lastError && (
              <Text size="sm" c="red">
                {d.lastError}
              </Text>
            )}
            <Anchor component={Link} to={historyURL} size="sm">
              Open this delivery in the history
            </Anchor>
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
