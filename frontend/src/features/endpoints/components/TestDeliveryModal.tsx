import { Anchor, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
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
  const [{ data }, refetch] = useQuery({
    query: TestDeliveryQuery,
    variables: { id: test?.deliveryId ?? '' },
    pause: !test,
    requestPolicy: 'network-only',
  });
  const d = data?.delivery;
  const done = d?.status === 'SUCCEEDED' || d?.status === 'FAILED';
  useEffect(() => {
    if (!test || done) return undefined;
    const t = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearInterval(t);
  }, [test, done, refetch]);

  return (
    <Modal opened={test !== null} onClose={onClose} title={`Test event to ${test?.endpointName ?? ''}`} centered>
      <Stack gap="md" data-testid="test-delivery">
        {!d ? (
          <Loader size="sm" />
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
            <Anchor component={Link} to={`/accounts/${accountId}/deliveries?delivery=${d.id}`} size="sm">
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
