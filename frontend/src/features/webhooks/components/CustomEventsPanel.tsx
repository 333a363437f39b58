import { Alert, Button, Group, List, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import type { ScopeValue } from '@/lib/scope';
import { CreateCustomEventMutation, CustomEventsQuery, DeleteCustomEventMutation, customEventsContext } from '../api';
import { CUSTOM_EVENT_RE } from '../catalog';
import { RowActions, RowActionsHeader } from '@/components/RowActions';

export function CustomEventsPanel({ scope, canManage }: { scope: ScopeValue; canManage: boolean }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: CustomEventsQuery, variables: { scope }, context: customEventsContext });
  const [, create] = useMutationWithErrors(CreateCustomEventMutation, (d) => d.createCustomEvent, {
    failTitle: 'Could not define the event',
    context: customEventsContext,
  });
  const [, remove] = useMutationWithErrors(DeleteCustomEventMutation, (d) => d.deleteCustomEvent, {
    failTitle: 'Could not delete the event',
    context: customEventsContext,
  });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<{ name?: string; description?: string; general?: string }>({});
  const [saving, setSaving] = useState(false);
  const events = data?.customEvents ?? [];

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const n = name.trim();
    if (!CUSTOM_EVENT_RE.test(n)) {
      setErrors({ name: 'Letters and digits only, 1–25 characters' });
      return;
    }
    setErrors({});
    setSaving(true);
    const outcome = await create({ input: { scope, name: n, description: description.trim() } }, { success: `Defined ${n}.` });
    setSaving(false);
    if (!outcome.ok) {
      const s = splitUserErrors(outcome.errors, ['name', 'description']);
      setErrors({ ...s.fields, general: s.general.join('\n') || undefined });
      return;
    }
    setName('');
    setDescription('');
  }

  async function onDelete(id: string, n: string) {
    const ok = await confirmDanger({
      title: `Delete ${n}?`,
      message: 'It can no longer be fired. Webhooks listing it keep the name but never match it.',
      confirmLabel: 'Delete event',
    });
    if (!ok) return;
    await remove({ input: { id } }, { notifyUserErrors: true, success: `Deleted ${n}.` });
  }

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Your own events, fired through the API (<code>fireEvent</code>) with a farm or server and
        parameters, which arrive as <code>SCALR_&lt;NAME&gt;</code> variables.
      </Text>
      {canManage && (
        <form onSubmit={submit} noValidate aria-label="Define a custom event">
          <Stack gap="xs">
            {errors.general && (
              <Alert color="red" variant="light" p="xs">
                {errors.general}
              </Alert>
            )}
            <Group align="flex-start" gap="sm">
              <TextInput
                label="Event name"
                placeholder="BackupFinished"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={errors.name}
                w={220}
              />
              <TextInput
                label="Description"
                placeholder="One line: what happened"
                value={description}
                onChange={(e) => setDescription(e.currentTarget.value)}
                error={errors.description}
                style={{ flex: 1 }}
              />
              <Button type="submit" mt={25} loading={saving}>
                Define event
              </Button>
            </Group>
            <List size="xs" c="dimmed">
              <List.Item>Letters and digits only (A–Z, a–z, 0–9), at most 25 characters.</List.Item>
              <List.Item>Not a built-in event name; unique regardless of case.</List.Item>
            </List>
          </Stack>
        </form>
      )}
      {error && !data ? (
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <TableSkeleton rows={2} label="Loading custom events" />
      ) : events.length === 0 ? (
        <EmptyState title="No custom events at this scope" />
      ) : (
        <Table verticalSpacing="xs" aria-label="Custom events">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th w={140}>Defined</Table.Th>
              {canManage && <RowActionsHeader w={50} />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Text size="sm" ff="monospace" fw={500}>
                    {e.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.description || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <DateTime value={e.createdAt} size="sm" />
                </Table.Td>
                {canManage && (
                  <Table.Td>
                    <RowActions name={e.name} onDelete={() => onDelete(e.id, e.name)} />
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
