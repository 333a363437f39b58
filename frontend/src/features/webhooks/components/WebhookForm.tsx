import {
  Accordion,
  Alert,
  Button,
  Code,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useQuery } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import type { WebhookFieldsFragment } from '@/gql/graphql';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { notifySuccess } from '@/lib/notify';
import { useFarmOptions } from '@/lib/options';
import type { ScopeValue } from '@/lib/scope';
import {
  CreateWebhookMutation,
  EventCatalogQuery,
  UpdateWebhookMutation,
  UsableEndpointsQuery,
  webhooksContext,
} from '../api';
import { DEFAULT_ATTEMPTS, MAX_ATTEMPTS, describePlan, parseWaits, waitsToText } from '../schedule';
import { EventPicker } from './EventPicker';
import { useInvalidFocus } from '@/components/FormModal';

export interface WebhookValues {
  name: string;
  events: string[];
  endpointIds: string[];
  farmIds: string[];
  timeoutSeconds: number | string;
  maxAttempts: number | string;
  retrySchedule: string;
  skipPrivateVariables: boolean;
  userData: string;
  active: boolean;
}

const FIELDS = [
  'name',
  'events',
  'endpointIds',
  'farmIds',
  'timeoutSeconds',
  'maxAttempts',
  'retrySchedule',
  'skipPrivateVariables',
  'userData',
  'active',
];

const inRange = (lo: number, hi: number, what: string) => (v: number | string) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= lo && n <= hi ? null : `${what} must be a whole number from ${lo} to ${hi}`;
};

export function WebhookForm({
  accountId,
  scope,
  webhook,
  onSaved,
  onCancel,
}: {
  accountId: string;
  scope: ScopeValue;
  webhook: WebhookFieldsFragment | null;
  onSaved: (id: string) => void;
  onCancel: () => void;
}) {
  const environmentId = scope.scope === 'ENVIRONMENT' ? scope.id : null;
  const [{ data: catalogData }] = useQuery({ query: EventCatalogQuery, variables: { accountId, environmentId } });
  const [{ data: endpointData }] = useQuery({ query: UsableEndpointsQuery, variables: { scope } });
  const { options: farmOptions } = useFarmOptions(accountId, environmentId);
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutationWithErrors(CreateWebhookMutation, (d) => d.createWebhook, {
    failTitle: 'Could not save the webhook',
    context: webhooksContext,
  });
  const [, update] = useMutationWithErrors(UpdateWebhookMutation, (d) => d.updateWebhook, {
    failTitle: 'Could not save the webhook',
    context: webhooksContext,
  });
  const form = useForm<WebhookValues>({
    mode: 'controlled',
    initialValues: {
      name: webhook?.name ?? '',
      events: webhook?.events ?? [],
      endpointIds: webhook?.endpoints.map((e) => e.id) ?? [],
      farmIds: webhook?.farmIds ?? [],
      timeoutSeconds: webhook?.timeoutSeconds ?? 3,
      maxAttempts: webhook?.maxAttempts ?? DEFAULT_ATTEMPTS,
      retrySchedule: waitsToText(webhook?.retrySchedule),
      skipPrivateVariables: webhook?.skipPrivateVariables ?? false,
      userData: webhook?.userData ?? '',
      active: webhook?.active ?? true,
    },
    validate: {
      name: (v) => (v.trim() ? null : 'Name is required'),
      events: (v) => (v.length ? null : 'Pick at least one event'),
      endpointIds: (v) => (v.length ? null : 'Pick at least one endpoint'),
      timeoutSeconds: inRange(1, 60, 'Timeout'),
      maxAttempts: inRange(1, MAX_ATTEMPTS, 'Attempts'),
      retrySchedule: (v) => parseWaits(v).error,
    },
  });

  const endpoints = endpointData?.usableEndpoints ?? [];
  const endpointOptions = endpoints.map((e) => ({
    value: e.id,
    label: `${e.name}${e.scope !== scope.scope ? ` (${e.scope.toLowerCase()}, shared)` : ''}${e.active ? '' : ' — inactive'}`,
  }));
  const slackOnly = endpoints.filter((e) => form.values.endpointIds.includes(e.id) && e.format === 'SLACK');
  const nonIncident = form.values.events.filter((e) => !e.startsWith('Incident'));
  const planned = parseWaits(form.values.retrySchedule);
  const plan = planned.error ? null : describePlan(planned.waits, Number(form.values.maxAttempts));

  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  const submit = form.onSubmit(afterSubmit(async (v) => {
    setGeneral([]);
    const fields = {
      name: v.name.trim(),
      events: v.events,
      endpointIds: v.endpointIds,
      farmIds: v.farmIds,
      timeoutSeconds: Number(v.timeoutSeconds),
      maxAttempts: Number(v.maxAttempts),
      // An empty list restores the default schedule.
      retrySchedule: parseWaits(v.retrySchedule).waits ?? [],
      skipPrivateVariables: v.skipPrivateVariables,
      userData: v.userData,
      active: v.active,
    };
    const outcome = webhook
      ? await update({ input: { id: webhook.id, ...fields } })
      : await create({ input: { scope, ...fields } });
    const p = outcome.payload;
    if (!p) return;
    if (p.errors.length || !p.webhook) {
      const s = splitUserErrors(p.errors, FIELDS);
      form.setErrors(s.fields);
      setGeneral(s.general);
      return;
    }
    notifySuccess(webhook ? `Saved ${fields.name}.` : `Created webhook ${fields.name}.`);
    onSaved(p.webhook.id);
  }), focusInvalid);

  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <Stack gap="lg" maw={860}>
        <FormErrors errors={general} />
        <Paper withBorder radius="md" p="lg">
          <Stack gap="md">
            <Group align="flex-end" grow>
              <TextInput label="Name" required data-autofocus placeholder="CMDB sync" {...form.getInputProps('name')} />
              <Switch label="Active" {...form.getInputProps('active', { type: 'checkbox' })} style={{ flexGrow: 0 }} mb={8} />
            </Group>
            <EventPicker
              catalog={catalogData?.account?.eventCatalog ?? []}
              value={form.values.events}
              onChange={(v) => form.setFieldValue('events', v)}
              error={form.errors.events as string | undefined}
            />
            <MultiSelect
              label="Endpoints"
              description={
                scope.scope === 'SYSTEM'
                  ? 'Where to send. System endpoints.'
                  : 'Where to send. Endpoints of this scope, and shared ones of the account.'
              }
              required
              searchable
              data={endpointOptions}
              nothingFoundMessage="No usable endpoints. Create one on the Endpoints page."
              comboboxProps={{ withinPortal: true }}
              {...form.getInputProps('endpointIds')}
            />
            {slackOnly.length > 0 && nonIncident.length > 0 && (
              <Alert color="yellow" variant="light" p="xs">
                Slack endpoints ({slackOnly.map((e) => e.name).join(', ')}) receive incident events only; the other
                events are not sent to them.
              </Alert>
            )}
            {scope.scope !== 'SYSTEM' && (
            <MultiSelect
              label="Farms"
              description="Only events about these farms. Leave empty for every farm in scope (and events without a farm, like incidents)."
              placeholder={form.values.farmIds.length ? undefined : 'All farms'}
              searchable
              clearable
              data={farmOptions}
              comboboxProps={{ withinPortal: true }}
              {...form.getInputProps('farmIds')}
            />
            )}
          </Stack>
        </Paper>
        <Accordion variant="separated" radius="md">
          <Accordion.Item value="advanced">
            <Accordion.Control>Advanced settings</Accordion.Control>
            <Accordion.Panel>
              <Stack gap="md">
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <NumberInput
                    label="Timeout (seconds)"
                    description="For each attempt: connect and response headers. 1–60."
                    min={1}
                    max={60}
                    clampBehavior="none"
                    allowDecimal={false}
                    {...form.getInputProps('timeoutSeconds')}
                  />
                  <NumberInput
                    label="Max attempts"
                    description={`Including the first. 1–${MAX_ATTEMPTS}.`}
                    min={1}
                    max={MAX_ATTEMPTS}
                    clampBehavior="none"
                    allowDecimal={false}
                    {...form.getInputProps('maxAttempts')}
                  />
                </SimpleGrid>
                <TextInput
                  label="Retry schedule"
                  description="Waits between attempts, e.g. 30s, 5m, 30m, 2h (the last repeats; each ±15%). Empty: the default 30s, 5m, 30m, 2h, 5h, 10h. A receiver's longer Retry-After is honoured."
                  placeholder="30s, 5m, 30m, 2h, 5h, 10h"
                  {...form.getInputProps('retrySchedule')}
                />
                {plan && (
                  <Text size="sm" c="dimmed" data-testid="retry-plan">
                    {plan}
                  </Text>
                )}
                <Switch
                  label="Skip private variables"
                  description="Leave hidden user variables out of the payload (built-in SCALR_* variables always stay)."
                  {...form.getInputProps('skipPrivateVariables', { type: 'checkbox' })}
                />
                <Textarea
                  label="User data"
                  description={
                    <>
                      Sent as <Code>userData</Code>. <Code>{'{VAR}'}</Code> is replaced by that variable&apos;s value, e.g.{' '}
                      <Code>{'{SCALR_FARM_NAME}'}</Code> or <Code>{'{SCALR_INCIDENT_TITLE}'}</Code>; unknown placeholders are removed.
                    </>
                  }
                  autosize
                  minRows={3}
                  ff="monospace"
                  {...form.getInputProps('userData')}
                />
                <Text size="xs" c="dimmed">
                  Hidden variables are substituted in user data too.
                </Text>
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            {webhook ? 'Save webhook' : 'Create webhook'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
