import { Button, Group, Modal, NumberInput, Stack, Text, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconClockCog } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { DeliveryRetentionQuery, SetDeliveryRetentionMutation } from '../api';

export const RETENTION_MAX = 3650;

export function validateRetention(v: number | string): string | null {
  const n = typeof v === 'string' ? Number(v.trim() || NaN) : v;
  if (!Number.isInteger(n)) return 'Enter a whole number of days';
  if (n < 1 || n > RETENTION_MAX) return `Between 1 and ${RETENTION_MAX} days`;
  return null;
}

function RetentionModal({ days, onClose }: { days: number; onClose: () => void }) {
  const [, save] = useMutation(SetDeliveryRetentionMutation);
  const [general, setGeneral] = useState<string[]>([]);
  const form = useForm<{ days: number | string }>({
    mode: 'controlled',
    initialValues: { days },
    validate: { days: validateRetention },
  });
  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const result = await save({ input: { days: Number(v.days) } });
    if (result.error) return notifyError(result.error, 'Could not change the retention');
    const p = result.data?.setDeliveryRetention;
    if (!p) return;
    if (p.errors.length) {
      const s = splitUserErrors(p.errors, ['days']);
      form.setErrors(s.fields);
      setGeneral(s.general);
      return;
    }
    notifySuccess(`Events and deliveries are now kept for ${p.days ?? v.days} days.`);
    onClose();
  });
  return (
    <Modal opened onClose={onClose} title="Delivery retention" centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            For the whole installation: finished events older than this are deleted with their deliveries and attempts.
            Events with deliveries still pending stay.
          </Text>
          <FormErrors errors={general} />
          <NumberInput
            label="Keep events and deliveries for (days)"
            min={1}
            max={RETENTION_MAX}
            clampBehavior="none"
            allowDecimal={false}
            data-autofocus
            {...form.getInputProps('days')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Save retention
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
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
