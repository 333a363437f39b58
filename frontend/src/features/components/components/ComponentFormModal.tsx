import { Autocomplete, Button, Group, Modal, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { COMPONENT_STATUS, options } from '@/components/badges';
import { FormErrors } from '@/components/FormErrors';
import type { ComponentFieldsFragment, ComponentStatus } from '@/gql/graphql';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { CreateComponentMutation, UpdateComponentMutation, componentsContext } from '../api';

interface Values {
  name: string;
  description: string;
  group: string;
  override: string;
}

const FIELDS = ['name', 'description', 'group', 'override'];
const DERIVED = 'derived';

export function ComponentFormModal({
  accountId,
  component,
  groups,
  opened,
  onClose,
}: {
  accountId: string;
  component: ComponentFieldsFragment | null;
  groups: string[];
  opened: boolean;
  onClose: () => void;
}) {
  const editing = Boolean(component);
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutation(CreateComponentMutation);
  const [, update] = useMutation(UpdateComponentMutation);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', description: '', group: '', override: DERIVED },
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : v.trim().length > 100 ? 'Use at most 100 characters' : null),
    },
  });

  useEffect(() => {
    if (opened) {
      setGeneral([]);
      form.setValues({
        name: component?.name ?? '',
        description: component?.description ?? '',
        group: component?.group ?? '',
        override: component?.statusOverride ?? DERIVED,
      });
      form.resetDirty();
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, component?.id]);

  const submit = form.onSubmit(async (values) => {
    setGeneral([]);
    const base = {
      name: values.name.trim(),
      description: values.description.trim(),
      group: values.group.trim(),
    };
    const override = values.override === DERIVED ? null : (values.override as ComponentStatus);
    const result = component
      ? await update(
          {
            input: {
              id: component.id,
              ...base,
              ...(override ? { statusOverride: override } : component.statusOverride ? { clearStatusOverride: true } : {}),
            },
          },
          componentsContext,
        )
      : await create({ input: { accountId, ...base, statusOverride: override } }, componentsContext);
    if (result.error) {
      notifyError(result.error, editing ? 'Could not save the component' : 'Could not create the component');
      return;
    }
    const payload =
      result.data && 'updateComponent' in result.data
        ? result.data.updateComponent
        : result.data && 'createComponent' in result.data
          ? result.data.createComponent
          : null;
    if (!payload) return;
    if (payload.errors.length > 0) {
      const { fields, general: other } = splitUserErrors(payload.errors, FIELDS, {
        statusOverride: 'override',
      });
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    notifySuccess(editing ? `Saved ${base.name}.` : `Created component ${base.name}.`);
    onClose();
  });

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit ${component?.name}` : 'New component'} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput
            label="Name"
            description="The service incidents open on, e.g. “Checkout API”"
            required
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Textarea label="Description" autosize minRows={2} maxRows={5} {...form.getInputProps('description')} />
          <Autocomplete
            label="Group"
            description="Optional, for display: “Databases”, “Edge”…"
            data={groups}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('group')}
          />
          <Select
            label="Status"
            description={
              form.values.override === DERIVED
                ? 'Follows the worst open incident.'
                : 'A manual override: wins over open incidents until cleared.'
            }
            allowDeselect={false}
            data={[{ value: DERIVED, label: 'Derived from incidents (no override)' }, ...options(COMPONENT_STATUS)]}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('override')}
          />
          {editing && component?.statusOverride && form.values.override !== DERIVED && (
            <Group>
              <Button variant="subtle" size="xs" onClick={() => form.setFieldValue('override', DERIVED)}>
                Clear override
              </Button>
            </Group>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {editing ? 'Save' : 'Create component'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
