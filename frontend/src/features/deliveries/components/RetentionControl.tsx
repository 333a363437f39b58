import { Button, NumberInput, Text, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconClockCog } from '@tabler/icons-react';
import { useState } from 'react';
import { useQuery } from 'urql';
import { FormModal } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { notifySuccess } from '@/lib/notify';
import { DeliveryRetentionQuery, SetDeliveryRetentionMutation } from '../api';

export const RETENTION_MAX = 3650;

export function validateRetention(v: number | string): string | null {
  const n = typeof v === 'string' ? Number(v.trim() || NaN) : v;
  if (!Number.isInteger(n)) return 'Enter a whole number of days';
  if (n < 1 || n > RETENTION_MAX) return `Between 1 and ${RETENTION_MAX} days`;
  return null;
}

function RetentionModal({ days, onClose }: { days: number; onClose: () => void }) {
  const [, save] = useMutationWithErrors(SetDeliveryRetentionMutation, (d) => d.setDeliveryRetention, {
    failTitle: 'Could not change the retention',
  });
  const form = useForm<{ days: number | string }>({
    mode: 'controlled',
    initialValues: { days },
    validate: { days: validateRetention },
  });
  return (
    <FormModal
      opened
      onClose={onClose}
      title="Delivery retention"
      form={form}
      values={{ days }}
      submitLabel="Save retention"
      onSubmit={async (v) => {
        const outcome = await save({ input: { days: Number(v.days) } });
        if (outcome.ok) notifySuccess(`Events and deliveries are now kept for ${outcome.payload.days ?? v.days} days.`);
        return outcome;
      }}
    >
      <Text size="sm" c="dimmed">
        For the whole installation: finished events older than this are deleted with their deliveries and attempts.
        Events with deliveries still pending stay.
      </Text>
      <NumberInput
        label="Keep events and deliveries for (days)"
        min={1}
        max={RETENTION_MAX}
        clampBehavior="none"
        allowDecimal={false}
        data-autofocus
        {...form.getInputProps('days')}
      />
    </FormModal>
  );
}

/** How long history is kept; system administrators can change it. */
export function RetentionControl({ canChange }: { canChange: boolean }) {
  const [{ data }, refetch] = useQuery({ query: DeliveryRetentionQuery });
  const [open, setOpen] = useState(false);
  const days = data?.deliveryRetentionDays;
  if (days == null) return null;
  return (
    <>
      {canChange ? (
        <Tooltip label="Change how long events and deliveries are kept (system administrators)">
          <Button variant="default" leftSection={<IconClockCog size={16} />} onClick={() => setOpen(true)}>
            Kept {days} days
          </Button>
        </Tooltip>
      ) : (
        <Text size="sm" c="dimmed" data-testid="retention">
          Kept {days} days
        </Text>
      )}
      {open && (
        <RetentionModal
          days={days}
          onClose={() => {
            setOpen(false);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </>
  );
}
