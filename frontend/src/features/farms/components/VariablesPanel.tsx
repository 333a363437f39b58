import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconEye, IconEyeOff, IconLock, IconPencil, IconPlus, IconTrash, IconVariable } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { FormErrors } from '@/components/FormErrors';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import type { Scope, VariableFieldsFragment } from '@/gql/graphql';
import { payloadOrNotify } from '@/lib/graphql/mutation';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { DeleteVariableMutation, SetVariableMutation, VariablesQuery, variablesContext } from '../api';
import { focusInvalidAfterSubmit } from '@/components/FormModal';

const NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

interface Values {
  name: string;
  value: string;
  hidden: boolean;
  locked: boolean;
}

function VariableModal({
  scope,
  variable,
  opened,
  onClose,
}: {
  scope: { scope: Scope; id: string };
  variable: VariableFieldsFragment | null;
  opened: boolean;
  onClose: () => void;
}) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, set] = useMutation(SetVariableMutation);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', value: '', hidden: false, locked: false },
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : NAME_RE.test(v.trim()) ? null : 'Start with a letter; then letters, digits and _ (at most 128)'),
    },
  });
  useEffect(() => {
    if (opened) {
      setGeneral([]);
      form.setValues({
        name: variable?.name ?? '',
        value: variable?.value ?? '',
        hidden: variable?.hidden ?? false,
        locked: variable?.locked ?? false,
      });
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, variable?.id]);

  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const result = await set(
      { input: { scope, name: v.name.trim(), value: v.value, hidden: v.hidden, locked: v.locked } },
      variablesContext,
    );
    if (result.error) {
      notifyError(result.error, 'Could not save the variable');
      return;
    }
    const p = result.data?.setVariable;
    if (!p) return;
    if (p.errors.length) {
      const { fields, general: other } = splitUserErrors(p.errors, ['name', 'value', 'hidden', 'locked']);
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    notifySuccess(`Saved ${v.name.trim()}.`);
    onClose();
  });

  return (
    <Modal opened={opened} onClose={onClose} title={variable ? `Edit ${variable.name}` : 'Set a variable'} centered>
      <form onSubmit={submit} onSubmitCapture={focusInvalidAfterSubmit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput
            label="Name"
            required
            disabled={Boolean(variable)}
            description="Used as {NAME} in webhook user data and sent in payloads."
            data-autofocus
            {...form.getInputProps('name')}
          />
          {form.values.hidden ? (
            <PasswordInput label="Value" {...form.getInputProps('value')} />
          ) : (
            <Textarea label="Value" autosize minRows={1} maxRows={6} {...form.getInputProps('value')} />
          )}
          <Checkbox
            label="Hidden"
            description="Masked for everyone below admin; webhooks can leave it out of payloads."
            {...form.getInputProps('hidden', { type: 'checkbox' })}
          />
          <Checkbox
            label="Locked"
            description="Narrower scopes cannot override it."
            {...form.getInputProps('locked', { type: 'checkbox' })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Save variable
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Value({ v }: { v: VariableFieldsFragment }) {
  const [shown, setShown] = useState(false);
  if (!v.hidden) {
    return (
      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {v.value || <Text span c="dimmed" size="sm">(empty)</Text>}
      </Text>
    );
  }
  if (!v.value) {
    return (
      <Text size="sm" c="dimmed" ff="monospace" aria-label="Hidden value">
        ••••••••
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="variable-value">
        {shown ? v.value : '••••••••'}
      </Text>
      <ActionIcon variant="subtle" color="gray" size="sm" aria-label={shown ? `Hide ${v.name}` : `Show ${v.name}`} onClick={() => setShown((s) => !s)}>
        {shown ? <IconEyeOff size={14} /> : <IconEye size={14} />}
      </ActionIcon>
    </Group>
  );
}

/** Variables defined at exactly one scope, with set/delete for admins. */
export function VariablesPanel({
  scope,
  canManage,
  label,
}: {
  scope: { scope: Scope; id: string };
  canManage: boolean;
  label: string;
}) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: VariablesQuery,
    variables: { scope },
    context: variablesContext,
  });
  const [, remove] = useMutation(DeleteVariableMutation);
  const [modal, setModal] = useState<{ open: boolean; v: VariableFieldsFragment | null }>({ open: false, v: null });
  const vars = data?.variables ?? [];

  async function onDelete(v: VariableFieldsFragment) {
    const ok = await confirmDanger({
      title: `Delete ${v.name}?`,
      message: 'Events recorded from now on no longer carry it; a wider scope’s value applies again.',
      confirmLabel: 'Delete variable',
    });
    if (!ok) return;
    const result = await remove({ input: { id: v.id } }, variablesContext);
    if (payloadOrNotify(result, (d) => d.deleteVariable, `Could not delete ${v.name}`)) notifySuccess(`Deleted ${v.name}.`);
  }

  const add = canManage && (
    <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setModal({ open: true, v: null })}>
      Set variable
    </Button>
  );

  let body;
  if (error && !data) body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (fetching && !data) body = <TableSkeleton label="Loading variables" rows={2} />;
  else if (vars.length === 0) {
    body = (
      <EmptyState icon={<IconVariable size={24} />} title="No variables here">
        Variables set here reach every event in this scope; narrower scopes override them unless
        they are locked.
      </EmptyState>
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={240}>Name</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th w={150}>Flags</Table.Th>
              <Table.Th w={130}>Updated</Table.Th>
              {canManage && (
                <Table.Th w={90}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {vars.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td>
                  <Text size="sm" ff="monospace" fw={500}>
                    {v.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Value v={v} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {v.hidden && (
                      <Badge size="sm" variant="light" color="gray" leftSection={<IconEyeOff size={10} />}>
                        Hidden
                      </Badge>
                    )}
                    {v.locked && (
                      <Badge size="sm" variant="light" color="orange" leftSection={<IconLock size={10} />}>
                        Locked
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <DateTime value={v.updatedAt} size="sm" />
                </Table.Td>
                {canManage && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Tooltip label="Edit">
                        <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${v.name}`} onClick={() => setModal({ open: true, v })}>
                          <IconPencil size={16} />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Delete">
                        <ActionIcon variant="subtle" color="red" aria-label={`Delete ${v.name}`} onClick={() => onDelete(v)}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <Stack gap="sm">
      {add && <Group justify="flex-end">{add}</Group>}
      {body}
      {canManage && (
        <VariableModal scope={scope} variable={modal.v} opened={modal.open} onClose={() => setModal((m) => ({ ...m, open: false }))} />
      )}
    </Stack>
  );
}
