import { Button, Group, Modal, NumberInput, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import type { EndpointFieldsFragment, EndpointFormat } from '@/gql/graphql';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { ScopeValue } from '@/lib/scope';
import { CreateEndpointMutation, UpdateEndpointMutation, endpointsContext } from '../api';

interface Values {
  name: string;
  url: string;
  format: EndpointFormat;
  shared: boolean;
  active: boolean;
  /** Requests per second; '' is unlimited. */
  rateLimit: number | string;
}

const FIELDS = ['name', 'url', 'format', 'shared', 'active', 'rateLimit'];

export function EndpointFormModal({
  scope,
  endpoint,
  opened,
  onClose,
  onCreated,
}: {
  scope: ScopeValue;
  endpoint: EndpointFieldsFragment | null;
  opened: boolean;
  onClose: () => void;
  /** Called with the new endpoint's signing key (shown once). */
  onCreated: (name: string, signingKey: string) => void;
}) {
  const editing = Boolean(endpoint);
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutation(CreateEndpointMutation);
  const [, update] = useMutation(UpdateEndpointMutation);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', url: '', format: 'SCALR', shared: false, active: true, rateLimit: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Name is required'),
      url: (v) => {
        const u = v.trim();
        if (!u) return 'URL is required';
        try {
          const p = new URL(u);
          return p.protocol === 'http:' || p.protocol === 'https:' ? null : 'Use an http or https URL';
        } catch {
          return 'Enter a full URL, e.g. https://cmdb.example.com/hooks';
        }
      },
      rateLimit: (v) => {
        if (v === '' || v === null) return null;
        const n = Number(v);
        return n >= 0.1 && n <= 1000 ? null : 'A rate limit is between 0.1 and 1000 requests per second (empty: unlimited)';
      },
    },
  });
  useEffect(() => {
    if (opened) {
      setGeneral([]);
      form.setValues({
        name: endpoint?.name ?? '',
        url: endpoint?.url ?? '',
        format: endpoint?.format ?? 'SCALR',
        shared: endpoint?.shared ?? false,
        active: endpoint?.active ?? true,
        rateLimit: endpoint?.rateLimit ?? '',
      });
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, endpoint?.id]);

  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const fields = {
      name: v.name.trim(),
      url: v.url.trim(),
      format: v.format,
      shared: v.shared,
      active: v.active,
      // 0 removes a limit.
      rateLimit: v.rateLimit === '' ? 0 : Number(v.rateLimit),
    };
    if (endpoint) {
      const result = await update({ input: { id: endpoint.id, ...fields } }, endpointsContext);
      if (result.error) return notifyError(result.error, 'Could not save the endpoint');
      const p = result.data?.updateEndpoint;
      if (!p) return;
      if (p.errors.length) {
        const s = splitUserErrors(p.errors, FIELDS);
        form.setErrors(s.fields);
        setGeneral(s.general);
        return;
      }
      notifySuccess(`Saved ${fields.name}.`);
      onClose();
      return;
    }
    const result = await create({ input: { scope, ...fields } }, endpointsContext);
    if (result.error) return notifyError(result.error, 'Could not create the endpoint');
    const p = result.data?.createEndpoint;
    if (!p) return;
    if (p.errors.length || !p.signingKey) {
      const s = splitUserErrors(p.errors, FIELDS);
      form.setErrors(s.fields);
      setGeneral(s.general.length || Object.keys(s.fields).length ? s.general : ['The server did not return the signing key.']);
      return;
    }
    onCreated(fields.name, p.signingKey);
  });

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit ${endpoint?.name}` : 'New endpoint'} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput label="Name" required data-autofocus placeholder="CMDB" {...form.getInputProps('name')} />
          <TextInput label="URL" required placeholder="https://cmdb.example.com/switchboard" {...form.getInputProps('url')} />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="endpoint-format-label">
              Format
            </Text>
            <SegmentedControl
              aria-labelledby="endpoint-format-label"
              data={[
                { value: 'SCALR', label: 'Scalr webhook' },
                { value: 'SLACK', label: 'Slack message' },
              ]}
              {...form.getInputProps('format')}
            />
            <Text size="xs" c="dimmed">
              {form.values.format === 'SLACK'
                ? 'A Slack incoming-webhook message; only incident events are sent.'
                : 'The signed Scalr webhook JSON (X-Signature, Date and Standard Webhooks headers).'}
            </Text>
          </Stack>
          <Switch
            label="Shared"
            description="Webhooks of narrower scopes (environments) may send to it."
            {...form.getInputProps('shared', { type: 'checkbox' })}
          />
          <NumberInput
            label="Rate limit (requests per second)"
            description="At most this many deliveries per second, across all workers; throttled deliveries wait without using an attempt. Empty: unlimited. 0.1–1000."
            placeholder="Unlimited"
            min={0.1}
            max={1000}
            step={1}
            decimalScale={2}
            clampBehavior="none"
            {...form.getInputProps('rateLimit')}
          />
          <Switch label="Active" description="Inactive endpoints are skipped." {...form.getInputProps('active', { type: 'checkbox' })} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {editing ? 'Save' : 'Create endpoint'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
