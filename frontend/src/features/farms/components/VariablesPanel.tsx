import { ActionIcon, Badge, Button, Checkbox, Group, PasswordInput, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconEye, IconEyeOff, IconLock, IconPlus, IconVariable } from '@tabler/icons-react';
import { useState } from 'react';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { FormModal } from '@/components/FormModal';
import { ListPage, queryListState } from '@/components/ListPage';
import { RowActions, RowActionsHeader } from '@/components/RowActions';
import { confirmDanger } from '@/components/confirm';
import type { Scope, VariableFieldsFragment } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { DeleteVariableMutation, SetVariableMutation, VariablesQuery, variablesContext } from '../api';
const NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

type Values = {
  name: string;
  value: string;
  hidden: boolean;
  locked: boolean;
};

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
  const [, set] = useMutationWithErrors(SetVariableMutation, (d) => d.setVariable, {
    failTitle: 'Could not save the variable',
    context: variablesContext,
  });
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', value: '', hidden: false, locked: false },
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : NAME_RE.test(v.trim()) ? null : 'Start with a letter; then letters, digits and _ (at most 128)'),
    },
  });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={variable ? `Edit ${variable.name}` : 'Set a variable'}
      form={form}
      values={{
        name: variable?.name ?? '',
        value: variable?.value ?? '',
        hidden: variable?.hidden ?? false,
        locked: variable?.locked ?? false,
      }}
      resetKey={variable?.id}
      submitLabel="Save variable"
      onSubmit={(v) => {
        const name = v.name.trim();
        return set({ input: { scope, name, value: v.value, hidden: v.hidden, locked: v.locked } }, { success: `Saved ${name}.` });
      }}
    >
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
    </FormModal>
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
  const query = useQuery({
    query: VariablesQuery,
    variables: { scope },
    context: variablesContext,
  });
  const [{ data }] = query;
  const [, remove] = useMutationWithErrors(DeleteVariableMutation, (d) => d.deleteVariable, {
    failTitle: 'Could not delete the variable',
    context: variablesContext,
  });
  const [modal, setModal] = useState<{ open: boolean; v: VariableFieldsFragment | null }>({ open: false, v: null });
  const vars = data?.variables ?? [];

  async function onDelete(v: VariableFieldsFragment) {
    const ok = await confirmDanger({
      title: `Delete ${v.name}?`,
      message: 'Events recorded from now on no longer carry it; a wider scope’s value applies again.',
      confirmLabel: 'Delete variable',
    });
    if (!ok) return;
    await remove({ input: { id: v.id } }, { success: `Deleted ${v.name}.`, notifyUserErrors: true });
  }

  const add = canManage && (
    <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setModal({ open: true, v: null })}>
      Set variable
    </Button>
  );

  return (
    <>
      <ListPage
        actions={add}
        state={queryListState(query, vars)}
        what="variables"
        empty={{
          icon: <IconVariable size={24} />,
          title: 'No variables here',
          body: 'Variables set here reach every event in this scope; narrower scopes override them unless they are locked.',
        }}
      >
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" aria-label={label}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={240}>Name</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th w={150}>Flags</Table.Th>
                <Table.Th w={130}>Updated</Table.Th>
                {canManage && <RowActionsHeader w={90} />}
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
                      <RowActions name={v.name} onEdit={() => setModal({ open: true, v })} onDelete={() => onDelete(v)} />
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListPage>
      {canManage && (
        <VariableModal scope={scope} variable={modal.v} opened={modal.open} onClose={() => setModal((m) => ({ ...m, open: false }))} />
      )}
    </>
  );
}
