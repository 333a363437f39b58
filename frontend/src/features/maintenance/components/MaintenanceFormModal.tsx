import { Checkbox, MultiSelect, SimpleGrid, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { FormModal } from '@/components/FormModal';
import type { MaintenanceFieldsFragment } from '@/gql/graphql';
import { fromLocalInput, toLocalInput } from '@/lib/format';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { useComponentOptions } from '@/lib/options';
import { CreateMaintenanceMutation, UpdateMaintenanceMutation, maintenanceContext } from '../api';

interface Values extends Record<string, unknown> {
  title: string;
  message: string;
  startsAt: string;
  endsAt: string;
  componentIds: string[];
  notifySubscribers: boolean;
}

/** The client's own check of a window's times; the server checks them again. */
export function validateWindow(startsAt: string, endsAt: string): { startsAt?: string; endsAt?: string } {
  const start = fromLocalInput(startsAt);
  const end = fromLocalInput(endsAt);
  const out: { startsAt?: string; endsAt?: string } = {};
  if (!start) out.startsAt = 'Pick the start';
  if (!end) out.endsAt = 'Pick the end';
  else if (start && end <= start) out.endsAt = 'The end must be after the start';
  else if (new Date(end).getTime() <= Date.now()) out.endsAt = 'The end must be in the future';
  return out;
}

/** Schedule a window, or change one (a window in progress keeps its start). */
export function MaintenanceFormModal({
  accountId,
  window: w,
  opened,
  onClose,
}: {
  accountId: string;
  window: MaintenanceFieldsFragment | null;
  opened: boolean;
  onClose: () => void;
}) {
  const editing = Boolean(w);
  const failTitle = editing ? 'Could not save the maintenance window' : 'Could not schedule the maintenance window';
  const [, create] = useMutationWithErrors(CreateMaintenanceMutation, (d) => d.createMaintenance, { failTitle, context: maintenanceContext });
  const [, update] = useMutationWithErrors(UpdateMaintenanceMutation, (d) => d.updateMaintenance, { failTitle, context: maintenanceContext });
  const { options } = useComponentOptions(accountId);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { title: '', message: '', startsAt: '', endsAt: '', componentIds: [], notifySubscribers: true },
    validate: (v) => ({
      title: v.title.trim() ? null : 'A title is required',
      componentIds: v.componentIds.length ? null : 'Pick at least one component',
      ...validateWindow(v.startsAt, v.endsAt),
    }),
  });
  const start = new Date();
  start.setMinutes(0, 0, 0);
  start.setHours(start.getHours() + 1);
  const end = new Date(start.getTime() + 2 * 3_600_000);
  const inProgress = w?.status === 'IN_PROGRESS';

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit ${w?.title}` : 'Schedule maintenance'}
      form={form}
      resetKey={w?.id}
      size="lg"
      values={{
        title: w?.title ?? '',
        message: w?.message ?? '',
        startsAt: toLocalInput(w?.startsAt ?? start.toISOString()),
        endsAt: toLocalInput(w?.endsAt ?? end.toISOString()),
        componentIds: w?.components.map((c) => c.id) ?? [],
        notifySubscribers: w?.notifySubscribers ?? true,
      }}
      submitLabel={editing ? 'Save' : 'Schedule'}
      onSubmit={(v) => {
        const base = {
          title: v.title.trim(),
          message: v.message.trim(),
          endsAt: fromLocalInput(v.endsAt)!,
          componentIds: v.componentIds,
        };
        const startsAt = fromLocalInput(v.startsAt)!;
        return w
          ? update({ input: { id: w.id, ...base, ...(inProgress ? {} : { startsAt }) } }, { success: `Saved ${base.title}.` })
          : create(
              { input: { accountId, ...base, startsAt, notifySubscribers: v.notifySubscribers } },
              { success: `Scheduled ${base.title}.` },
            );
      }}
    >
      <TextInput label="Title" required data-autofocus placeholder="Database upgrade" {...form.getInputProps('title')} />
      <Textarea
        label="Message"
        description="What customers read on the status page."
        autosize
        minRows={2}
        maxRows={6}
        {...form.getInputProps('message')}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          type="datetime-local"
          label="Starts"
          required
          disabled={inProgress}
          description={inProgress ? 'In progress: the start stays.' : 'A start in the past means now.'}
          {...form.getInputProps('startsAt')}
        />
        <TextInput type="datetime-local" label="Ends" required {...form.getInputProps('endsAt')} />
      </SimpleGrid>
      <MultiSelect
        label="Components"
        required
        searchable
        data={options}
        placeholder="Under maintenance during the window"
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('componentIds')}
      />
      {!editing && (
        <Checkbox label="Notify subscribers" {...form.getInputProps('notifySubscribers', { type: 'checkbox' })} />
      )}
    </FormModal>
  );
}
