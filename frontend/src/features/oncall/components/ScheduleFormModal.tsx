import { TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { FormModal } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { CreateScheduleMutation, UpdateScheduleMutation, schedulesContext } from '../api';
import { browserZone } from '../time';
import { TimeZoneSelect } from './TimeZoneSelect';

interface Values extends Record<string, unknown> {
  name: string;
  description: string;
  timeZone: string;
}

/** Creates a schedule (then its page opens to add layers) or edits its name, description and zone. */
export function ScheduleFormModal({
  accountId,
  schedule,
  opened,
  onClose,
  onCreated,
}: {
  accountId: string;
  schedule?: { id: string; name: string; description: string; timeZone: string } | null;
  opened: boolean;
  onClose: () => void;
  onCreated?: (id: string) => void;
}) {
  const [, create] = useMutationWithErrors(CreateScheduleMutation, (d) => d.createSchedule, {
    failTitle: 'Could not create the schedule',
    context: schedulesContext,
  });
  const [, update] = useMutationWithErrors(UpdateScheduleMutation, (d) => d.updateSchedule, {
    failTitle: 'Could not save the schedule',
    context: schedulesContext,
  });
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', description: '', timeZone: 'UTC' },
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : v.trim().length > 100 ? 'Use at most 100 characters' : null),
      timeZone: (v) => (v ? null : 'Pick a time zone'),
    },
  });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={schedule ? `Edit ${schedule.name}` : 'New schedule'}
      form={form}
      resetKey={schedule?.id}
      values={{
        name: schedule?.name ?? '',
        description: schedule?.description ?? '',
        timeZone: schedule?.timeZone ?? browserZone(),
      }}
      submitLabel={schedule ? 'Save' : 'Create schedule'}
      onSubmit={async (v) => {
        const base = { name: v.name.trim(), description: v.description.trim(), timeZone: v.timeZone };
        if (schedule) {
          return update({ input: { id: schedule.id, ...base } }, { success: `Saved ${base.name}.` });
        }
        const out = await create({ input: { accountId, ...base } }, { success: `Created schedule ${base.name}.` });
        if (out.ok && out.payload.schedule) onCreated?.(out.payload.schedule.id);
        return out;
      }}
    >
      <TextInput label="Name" required data-autofocus description="e.g. “Platform primary”" {...form.getInputProps('name')} />
      <Textarea label="Description" autosize minRows={2} maxRows={5} {...form.getInputProps('description')} />
      <TimeZoneSelect
        label="Time zone"
        required
        description="Hand-off times and restrictions are read on this wall clock (DST included)."
        {...form.getInputProps('timeZone')}
      />
    </FormModal>
  );
}
