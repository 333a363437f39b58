import { TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { FormModal } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { CreateEnvironmentMutation, UpdateEnvironmentMutation, environmentsContext } from '../api';

export interface EditableEnvironment {
  id: string;
  name: string;
  description: string;
}

interface Values extends Record<string, unknown> {
  name: string;
  description: string;
}

export function EnvironmentFormModal({
  accountId,
  environment,
  opened,
  onClose,
}: {
  accountId: string;
  /** Edit this environment; create a new one when absent. */
  environment?: EditableEnvironment | null;
  opened: boolean;
  onClose: () => void;
}) {
  const editing = Boolean(environment);
  const failTitle = editing ? 'Could not save the environment' : 'Could not create the environment';
  const [, create] = useMutationWithErrors(CreateEnvironmentMutation, (d) => d.createEnvironment, {
    failTitle,
    context: environmentsContext,
  });
  const [, update] = useMutationWithErrors(UpdateEnvironmentMutation, (d) => d.updateEnvironment, {
    failTitle,
    context: environmentsContext,
  });
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: { name: '', description: '' },
    validate: {
      name: (v) => {
        const name = v.trim();
        if (!name) return 'Name is required';
        if (name.length > 63) return 'Use at most 63 characters';
        return null;
      },
      description: (v) => (v.length > 500 ? 'Use at most 500 characters' : null),
    },
  });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit ${environment?.name}` : 'New environment'}
      form={form}
      resetKey={environment?.id}
      values={{ name: environment?.name ?? '', description: environment?.description ?? '' }}
      submitLabel={editing ? 'Save' : 'Create environment'}
      onSubmit={(values) => {
        const name = values.name.trim();
        const description = values.description.trim();
        return environment
          ? update({ input: { id: environment.id, name, description } }, { success: `Saved ${name}.` })
          : create({ input: { accountId, name, description } }, { success: `Created environment ${name}.` });
      }}
    >
      <TextInput
        label="Name"
        description="A short name, such as staging or production"
        required
        data-autofocus
        key={form.key('name')}
        {...form.getInputProps('name')}
      />
      <Textarea
        label="Description"
        autosize
        minRows={2}
        maxRows={6}
        key={form.key('description')}
        {...form.getInputProps('description')}
      />
    </FormModal>
  );
}
