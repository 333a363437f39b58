import { Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from 'urql';
import { FormModal } from '@/components/FormModal';
import type { PublicIncidentStatus } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { PUBLIC_INCIDENT_STATUS } from '@/lib/public-status';
import { DeleteUpdateTemplateMutation, SaveUpdateTemplateMutation, UpdateTemplatesQuery, templatesContext } from '../public-api';
import { RowActions } from '@/components/RowActions';

interface Values extends Record<string, unknown> {
  name: string;
  title: string;
  status: PublicIncidentStatus;
  message: string;
}

/** The account's update templates: the list (delete) and "save the composer's text as a template". */
export function TemplateManager({
  accountId,
  opened,
  onClose,
  current,
}: {
  accountId: string;
  opened: boolean;
  onClose: () => void;
  current: { title: string; status: PublicIncidentStatus; message: string };
}) {
  const [{ data }] = useQuery({ query: UpdateTemplatesQuery, variables: { accountId }, context: templatesContext, pause: !opened });
  const templates = data?.account?.updateTemplates ?? [];
  const [, save] = useMutationWithErrors(SaveUpdateTemplateMutation, (d) => d.saveUpdateTemplate, {
    failTitle: 'Could not save the template',
    context: templatesContext,
  });
  const [, remove] = useMutationWithErrors(DeleteUpdateTemplateMutation, (d) => d.deleteUpdateTemplate, {
    failTitle: 'Could not delete the template',
    context: templatesContext,
  });
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', title: '', status: 'INVESTIGATING', message: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Name the template'),
      message: (v) => (v.trim() ? null : 'A template needs a message'),
    },
  });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="Update templates"
      form={form}
      size="lg"
      values={{ name: '', title: current.title, status: current.status, message: current.message }}
      submitLabel="Save template"
      onSubmit={(v) =>
        save(
          { input: { accountId, name: v.name.trim(), title: v.title.trim() || null, status: v.status, message: v.message.trim() } },
          { success: `Saved the template ${v.name.trim()}.` },
        )
      }
    >
      <Stack gap={4} aria-label="Templates" role="list">
        {templates.length === 0 && (
          <Text size="sm" c="dimmed">
            No templates yet.
          </Text>
        )}
        {templates.map((t) => (
          <Group key={t.id} justify="space-between" wrap="nowrap" role="listitem">
            <Text size="sm">
              <b>{t.name}</b> · {PUBLIC_INCIDENT_STATUS[t.status]}
            </Text>
            <RowActions
              name={`template ${t.name}`}
              onDelete={() => remove({ id: t.id }, { success: `Deleted the template ${t.name}.`, notifyUserErrors: true })}
            />
          </Group>
        ))}
      </Stack>
      <Text size="sm" fw={600} mt="sm">
        Save as a new template
      </Text>
      <TextInput label="Template name" required {...form.getInputProps('name')} />
      <TextInput label="Title" description="Optional; {component} is filled in." {...form.getInputProps('title')} />
      <Select
        label="Status"
        allowDeselect={false}
        data={(Object.keys(PUBLIC_INCIDENT_STATUS) as PublicIncidentStatus[]).map((k) => ({ value: k, label: PUBLIC_INCIDENT_STATUS[k] }))}
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('status')}
      />
      <Textarea label="Message" required autosize minRows={3} description="{component} is filled in with the affected components." {...form.getInputProps('message')} />
    </FormModal>
  );
}
