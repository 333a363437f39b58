import { Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { CreateEnvironmentMutation, UpdateEnvironmentMutation, environmentsContext } from '../api';

export interface EditableEnvironment {
  id: string;
  name: string;
  description: string;
}

interface Values {
  name: string;
  description: string;
}

const FIELDS = ['name', 'description'];

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
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutation(CreateEnvironmentMutation);
  const [, update] = useMutation(UpdateEnvironmentMutation);
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

  useEffect(() => {
    if (opened) {
      setGeneral([]);
      form.setValues({ name: environment?.name ?? '', description: environment?.description ?? '' });
      form.resetDirty();
      form.clearErrors();
    }
    // form is stable; reset only when the modal opens for another environment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, environment?.id]);

  const submit = form.onSubmit(async (values) => {
    setGeneral([]);
    const name = values.name.trim();
    const description = values.description.trim();
    const result = environment
      ? await update({ input: { id: environment.id, name, description } }, environmentsContext)
      : await create({ input: { accountId, name, description } }, environmentsContext);
    if (result.error) {
      notifyError(result.error, editing ? 'Could not save the environment' : 'Could not create the environment');
      return;
    }
    const payload =
      result.data && 'updateEnvironment' in result.data
        ? result.data.updateEnvironment
        : result.data && 'createEnvironment' in result.data
          ? result.data.createEnvironment
          : null;
    if (!payload) return;
    if (payload.errors.length > 0) {
      const { fields, general: other } = splitUserErrors(payload.errors, FIELDS);
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    notifySuccess(editing ? `Saved ${name}.` : `Created environment ${name}.`);
    onClose();
  });

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit ${environment?.name}` : 'New environment'}
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
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
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {editing ? 'Save' : 'Create environment'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
