import { Select, SimpleGrid, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { FormModal } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { CreateOverrideMutation, schedulesContext } from '../api';
import { fromLocalInput, personName, toLocalInput } from '../time';
import type { Person } from './LayerFormModal';

interface Values extends Record<string, unknown> {
  userId: string | null;
  startsAt: string;
  endsAt: string;
}

/** "Ana covers from … to …": an override wins over every layer. */
export function OverrideFormModal({
  scheduleId,
  people,
  opened,
  onClose,
}: {
  scheduleId: string;
  people: readonly Person[];
  opened: boolean;
  onClose: () => void;
}) {
  const [, create] = useMutationWithErrors(CreateOverrideMutation, (d) => d.createScheduleOverride, {
    failTitle: 'Could not add the override',
    context: schedulesContext,
  });
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { userId: null, startsAt: '', endsAt: '' },
    validate: {
      userId: (v) => (v ? null : 'Pick who covers'),
      startsAt: (v) => (fromLocalInput(v) ? null : 'Pick the start'),
      endsAt: (v, values) => {
        const end = fromLocalInput(v);
        if (!end) return 'Pick the end';
        const start = fromLocalInput(values.startsAt);
        return start && end <= start ? 'The end must be after the start' : null;
      },
    },
  });
  const start = new Date();
  start.setMinutes(0, 0, 0);
  start.setHours(start.getHours() + 1);
  const end = new Date(start.getTime() + 8 * 3_600_000);

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="New override"
      form={form}
      values={{ userId: null, startsAt: toLocalInput(start.toISOString()), endsAt: toLocalInput(end.toISOString()) }}
      submitLabel="Add override"
      onSubmit={(v) =>
        create(
          { input: { scheduleId, userId: v.userId!, startsAt: fromLocalInput(v.startsAt)!, endsAt: fromLocalInput(v.endsAt)! } },
          { success: 'Override added.' },
        )
      }
    >
      <Select
        label="Person"
        required
        searchable
        data-autofocus
        data={people.map((p) => ({ value: p.id, label: personName(p) }))}
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('userId')}
      />
      <SimpleGrid cols={2}>
        <TextInput type="datetime-local" label="Starts" required {...form.getInputProps('startsAt')} />
        <TextInput type="datetime-local" label="Ends" required {...form.getInputProps('endsAt')} />
      </SimpleGrid>
    </FormModal>
  );
}
