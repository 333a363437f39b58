import { ActionIcon, Button, Checkbox, Group, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useQuery } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import { useInvalidFocus } from '@/components/FormModal';
import type { ComponentStatus, Impact, PublicIncidentFieldsFragment, PublicIncidentStatus } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { useComponentOptions } from '@/lib/options';
import { IMPACT, PUBLIC_INCIDENT_STATUS, PUBLIC_STATUS } from '@/lib/public-status';
import {
  PostIncidentUpdateMutation,
  UpdateTemplatesQuery,
  fillTemplate,
  publicIncidentContext,
  templatesContext,
} from '../public-api';
import { TemplateManager } from './TemplateManager';

export interface ComposerValues extends Record<string, unknown> {
  title: string;
  status: PublicIncidentStatus;
  impact: Impact;
  message: string;
  components: { componentId: string; status: ComponentStatus }[];
  notifySubscribers: boolean;
}

const FIELDS = ['title', 'status', 'impact', 'message', 'components'];
const ALIASES = { componentId: 'components' };

const asOptions = <K extends string>(m: Record<K, string>) => (Object.keys(m) as K[]).map((k) => ({ value: k, label: m[k] }));
const STATUS_OPTIONS = asOptions(PUBLIC_INCIDENT_STATUS);
const IMPACT_OPTIONS = asOptions(IMPACT);
const COMPONENT_STATUS_OPTIONS = (Object.keys(PUBLIC_STATUS) as ComponentStatus[]).map((k) => ({
  value: k,
  label: `${PUBLIC_STATUS[k].icon} ${PUBLIC_STATUS[k].label}`,
}));

/** The impact an incident's severity suggests (as auto-publish decides it). */
export function impactForSeverity(severity: string): Impact {
  if (severity === 'CRITICAL') return 'CRITICAL';
  if (severity === 'HIGH') return 'MAJOR';
  return 'MINOR';
}

/**
 * Posts an update customers read: the first one publishes the incident (title, impact, at least
 * one component); later ones move it; "Resolved" resolves it.
 */
export function UpdateComposer({
  accountId,
  incident,
  publicIncident,
}: {
  accountId: string;
  incident: { id: string; title: string; severity: string; component: { id: string; status: ComponentStatus } };
  publicIncident: PublicIncidentFieldsFragment | null;
}) {
  const first = !publicIncident;
  const { components } = useComponentOptions(accountId);
  const [{ data: tplData }] = useQuery({ query: UpdateTemplatesQuery, variables: { accountId }, context: templatesContext });
  const templates = tplData?.account?.updateTemplates ?? [];
  const [managing, setManaging] = useState(false);
  const [general, setGeneral] = useState<string[]>([]);
  const { ref, focusInvalid } = useInvalidFocus();
  const [, post] = useMutationWithErrors(PostIncidentUpdateMutation, (d) => d.postIncidentUpdate, {
    failTitle: 'Could not post the update',
    context: publicIncidentContext,
  });
  const initial = (): ComposerValues => ({
    title: publicIncident?.title ?? incident.title,
    status: publicIncident?.status === 'INVESTIGATING' ? 'IDENTIFIED' : (publicIncident?.status ?? 'INVESTIGATING'),
    impact: publicIncident?.impact ?? impactForSeverity(incident.severity),
    message: '',
    components: publicIncident
      ? publicIncident.components.map((c) => ({ componentId: c.component.id, status: c.status }))
      : [{ componentId: incident.component.id, status: incident.component.status === 'OPERATIONAL' ? 'DEGRADED_PERFORMANCE' : incident.component.status }],
    notifySubscribers: true,
  });
  const form = useForm<ComposerValues>({
    mode: 'controlled',
    initialValues: initial(),
    validate: {
      title: (v) => (first && !v.trim() ? 'The first update needs a title' : null),
      message: (v) => (v.trim() ? null : 'Write what customers should know'),
      components: (v) => (first && v.length === 0 ? 'Name at least one affected component' : null),
    },
  });
  const nameOf = (id: string) => components.find((c) => c.id === id)?.name ?? '';
  const used = new Set(form.values.components.map((c) => c.componentId));

  function applyTemplate(id: string | null) {
    const t = templates.find((x) => x.id === id);
    if (!t) return;
    const names = form.values.components.map((c) => nameOf(c.componentId)).filter(Boolean);
    form.setValues({
      status: t.status,
      message: fillTemplate(t.message, names),
      ...(t.title && first ? { title: fillTemplate(t.title, names) } : {}),
    });
  }

  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const out = await post(
      {
        input: {
          incidentId: incident.id,
          title: v.title.trim() || null,
          status: v.status,
          impact: v.impact,
          message: v.message.trim(),
          components: v.components,
          notifySubscribers: v.notifySubscribers,
        },
      },
      { success: v.status === 'RESOLVED' ? 'Posted: the public incident is resolved.' : 'Update posted.' },
    );
    if (out.ok) {
      form.setFieldValue('message', '');
      return;
    }
    const split = splitUserErrors(out.errors, FIELDS, ALIASES);
    form.setErrors(split.fields);
    setGeneral(split.general);
    focusInvalid();
  }, focusInvalid);

  return (
    <>
    <form ref={ref} onSubmit={submit} noValidate aria-label="Post a public update">
      <Stack gap="sm">
        <FormErrors errors={general} />
        <Group align="flex-end" gap="xs">
          <Select
            style={{ flex: 1 }}
            label="Template"
            placeholder={templates.length ? 'Start from a template' : 'No templates yet'}
            data={templates.map((t) => ({ value: t.id, label: t.name }))}
            value={null}
            disabled={templates.length === 0}
            comboboxProps={{ withinPortal: true }}
            onChange={applyTemplate}
          />
          <Button variant="subtle" size="sm" onClick={() => setManaging(true)}>
            Manage templates
          </Button>
        </Group>
        {first && <TextInput label="Public title" required {...form.getInputProps('title')} />}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label="Status" allowDeselect={false} data={STATUS_OPTIONS} comboboxProps={{ withinPortal: true }} {...form.getInputProps('status')} />
          <Select label="Impact" allowDeselect={false} data={IMPACT_OPTIONS} comboboxProps={{ withinPortal: true }} {...form.getInputProps('impact')} />
        </SimpleGrid>
        <Textarea label="Message" required autosize minRows={3} maxRows={10} {...form.getInputProps('message')} />
        <Stack gap={6} role="group" aria-label="Affected components">
          <Text size="sm" fw={500}>
            Affected components
          </Text>
          {form.values.components.map((c, i) => (
            <Group key={c.componentId} gap="xs" wrap="nowrap" data-testid="affected-component">
              <Text size="sm" style={{ flex: 1 }} truncate>
                {nameOf(c.componentId) || c.componentId}
              </Text>
              <Select
                w={220}
                size="xs"
                aria-label={`Public status of ${nameOf(c.componentId)}`}
                allowDeselect={false}
                data={COMPONENT_STATUS_OPTIONS}
                comboboxProps={{ withinPortal: true }}
                value={c.status}
                onChange={(s) => s && form.setFieldValue(`components.${i}.status`, s as ComponentStatus)}
              />
              <Tooltip label="Remove">
                <ActionIcon variant="subtle" color="red" aria-label={`Remove ${nameOf(c.componentId)}`} onClick={() => form.removeListItem('components', i)}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            </Group>
          ))}
          <Select
            size="xs"
            aria-label="Add an affected component"
            placeholder="Add a component"
            leftSection={<IconPlus size={14} />}
            searchable
            data={components.filter((c) => !used.has(c.id)).map((c) => ({ value: c.id, label: c.name }))}
            value={null}
            comboboxProps={{ withinPortal: true }}
            onChange={(id) => id && form.insertListItem('components', { componentId: id, status: 'DEGRADED_PERFORMANCE' })}
          />
          {form.errors.components && (
            <Text size="xs" c="red" role="alert">
              {form.errors.components}
            </Text>
          )}
        </Stack>
        <Checkbox label="Notify subscribers" {...form.getInputProps('notifySubscribers', { type: 'checkbox' })} />
        <Group justify="flex-end">
          <Button type="submit" loading={form.submitting}>
            {first ? 'Publish update' : 'Post update'}
          </Button>
        </Group>
      </Stack>
    </form>
    <TemplateManager accountId={accountId} opened={managing} onClose={() => setManaging(false)} current={form.values} />
    </>
  );
}
