import { Autocomplete, Button, Group, Select, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { COMPONENT_STATUS, options } from '@/components/badges';
import { FormModal } from '@/components/FormModal';
import type { ComponentFieldsFragment, ComponentStatus } from '@/gql/graphql';
import { SetEscalationPolicyMutation } from '@/lib/escalation';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { usePolicyOptions } from '@/lib/options';
import { SLACK_CHANNEL_RULE, validateSlackChannel } from '@/lib/slack';
import {
  CreateComponentMutation,
  SetComponentSlackChannelMutation,
  UpdateComponentMutation,
  componentsContext,
} from '../api';

interface Values extends Record<string, unknown> {
  name: string;
  description: string;
  group: string;
  override: string;
  policyId: string | null;
  slackChannel: string;
}


const DERIVED = 'derived';

export function ComponentFormModal({
  accountId,
  component,
  groups,
  opened,
  onClose,
  onChannelSet,
}: {
  accountId: string;
  component: ComponentFieldsFragment | null;
  groups: string[];
  opened: boolean;
  onClose: () => void;
  /**
   * After the channel was set: the list reloads itself. (The create's or update's own reload may
   * still be in flight, and urql invalidates only cached results, so the channel's would be lost.)
   */
  onChannelSet?: () => void;
}) {
  const editing = Boolean(component);
  const failTitle = editing ? 'Could not save the component' : 'Could not create the component';
  const [, create] = useMutationWithErrors(CreateComponentMutation, (d) => d.createComponent, { failTitle, context: componentsContext });
  const [, update] = useMutationWithErrors(UpdateComponentMutation, (d) => d.updateComponent, { failTitle, context: componentsContext });
  const [, setPolicy] = useMutationWithErrors(SetEscalationPolicyMutation, (d) => d.setEscalationPolicy, {
    failTitle: 'Could not attach the escalation policy',
    context: componentsContext,
  });
  const [, setChannel] = useMutationWithErrors(SetComponentSlackChannelMutation, (d) => d.setComponentSlackChannel, {
    failTitle: 'Could not set the Slack channel',
    context: componentsContext,
  });
  const { options: policyOptions } = usePolicyOptions(accountId, !opened);
  const currentPolicy = component?.escalationPolicy?.id ?? null;
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', description: '', group: '', override: DERIVED, policyId: null, slackChannel: '' },
    validate: {
      slackChannel: validateSlackChannel,
      name: (v) => (!v.trim() ? 'Name is required' : v.trim().length > 100 ? 'Use at most 100 characters' : null),
    },
  });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit ${component?.name}` : 'New component'}
      form={form}
      resetKey={component?.id}
      values={{
        name: component?.name ?? '',
        description: component?.description ?? '',
        group: component?.group ?? '',
        override: component?.statusOverride ?? DERIVED,
        policyId: currentPolicy,
        slackChannel: component?.slackChannel ?? '',
      }}
      aliases={{ statusOverride: 'override', escalationPolicyId: 'policyId', channel: 'slackChannel' }}
      submitLabel={editing ? 'Save' : 'Create component'}
      onSubmit={async (values) => {
        const base = {
          name: values.name.trim(),
          description: values.description.trim(),
          group: values.group.trim(),
        };
        const override = values.override === DERIVED ? null : (values.override as ComponentStatus);
        const policyChanged = values.policyId !== currentPolicy;
        const channel = values.slackChannel.trim();
        const channelChanged = channel !== (component?.slackChannel ?? '');
        const done = editing ? `Saved ${base.name}.` : `Created component ${base.name}.`;
        const out = component
          ? await update(
              {
                input: {
                  id: component.id,
                  ...base,
                  ...(override ? { statusOverride: override } : component.statusOverride ? { clearStatusOverride: true } : {}),
                },
              },
              { success: policyChanged || channelChanged ? undefined : done },
            )
          : await create(
              { input: { accountId, ...base, statusOverride: override } },
              { success: policyChanged || channelChanged ? undefined : done },
            );
        if (!out.ok || (!policyChanged && !channelChanged)) return out;
        const saved = out.payload && 'component' in out.payload ? out.payload.component : null;
        if (!saved) return out;
        if (policyChanged) {
          const attached = await setPolicy(
            { input: { targetId: saved.id, policyId: values.policyId } },
            { success: channelChanged ? undefined : done },
          );
          if (!attached.ok) return { ok: false, errors: attached.errors.map((e) => ({ ...e, field: 'policyId' })) };
        }
        if (channelChanged) {
          const set = await setChannel({ input: { componentId: saved.id, channel } }, { success: done });
          if (!set.ok) return { ok: false, errors: set.errors.map((e) => ({ ...e, field: 'slackChannel' })) };
          onChannelSet?.();
        }
        return { ok: true, errors: [] };
      }}
    >
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
      <Select
        label="Escalation policy"
        description="Who is paged when an incident opens on this component (an integration or the incident may override it)."
        placeholder="None: nobody is paged"
        clearable
        data={
          currentPolicy && !policyOptions.some((o) => o.value === currentPolicy)
            ? [...policyOptions, { value: currentPolicy, label: component?.escalationPolicy?.name ?? currentPolicy }]
            : policyOptions
        }
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('policyId')}
      />
      <TextInput
        label="Slack channel"
        placeholder="C0123456789"
        description={`The channel id its incidents are posted to (in Slack: channel details → About). ${SLACK_CHANNEL_RULE}`}
        {...form.getInputProps('slackChannel')}
      />
    </FormModal>
  );
}
