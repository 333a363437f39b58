import { Button, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { notifySuccess } from '@/lib/notify';
import { localInputToIso, isoToLocalInput } from '@/lib/time-range';
import { RetryFailedDeliveriesMutation, deliveriesContext } from '../api';

type Option = { value: string; label: string };

export function RetryFailedModal({
  accountId,
  opened,
  onClose,
  webhooks,
  endpoints,
  initial,
}: {
  /** null: the system scope's deliveries (system administrators). */
  accountId: string | null;
  opened: boolean;
  onClose: () => void;
  webhooks: Option[];
  endpoints: Option[];
  initial: { webhookId: string | null; endpointId: string | null };
}) {
  const [kind, setKind] = useState<'endpoint' | 'webhook'>(initial.webhookId && !initial.endpointId ? 'webhook' : 'endpoint');
  const [target, setTarget] = useState<string | null>(kind === 'webhook' ? initial.webhookId : initial.endpointId);
  const [since, setSince] = useState(() => isoToLocalInput(new Date(Date.now() - 24 * 3600_000).toISOString()));
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, retry] = useMutationWithErrors(RetryFailedDeliveriesMutation, (d) => d.retryFailedDeliveries, {
    failTitle: 'Could not retry the deliveries',
    context: deliveriesContext,
  });

  async function submit() {
    const sinceIso = localInputToIso(since);
    if (!target) return setError(`Pick the ${kind}`);
    if (!sinceIso) return setError('Pick a start time');
    setError(null);
    const outcome = await retry(
      {
        input: {
          accountId,
          since: sinceIso,
          endpointId: kind === 'endpoint' ? target : null,
          webhookId: kind === 'webhook' ? target : null,
        },
      },
      { notifyUserErrors: true },
    );
    if (outcome.ok) {
      const p = outcome.payload;
      notifySuccess(p.queued === 0 ? 'No failed deliveries to retry.' : `Queued ${p.queued} failed deliveries again.`);
      onClose();
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Retry failed deliveries" centered>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Every failed delivery of one endpoint or webhook since a time is sent again (same payload,
          fresh attempts). Useful after a receiver outage.
        </Text>
        <SegmentedControl
          aria-label="Retry for"
          data={[
            { value: 'endpoint', label: 'An endpoint' },
            { value: 'webhook', label: 'A webhook' },
          ]}
          value={kind}
          onChange={(v) => {
            setKind(v as 'endpoint' | 'webhook');
            setTarget(null);
          }}
        />
        <Select
          label={kind === 'endpoint' ? 'Endpoint' : 'Webhook'}
          data={kind === 'endpoint' ? endpoints : webhooks}
          value={target}
          onChange={setTarget}
          searchable
          comboboxProps={{ withinPortal: true }}
        />
        <TextInput type="datetime-local" label="Failed since" value={since} onChange={(e) => setSince(e.currentTarget.value)} />
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={fetching}>
            Retry failed
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
