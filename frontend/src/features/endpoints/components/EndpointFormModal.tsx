import { ActionIcon, Button, Group, Modal, NumberInput, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { FormErrors } from '@/components/FormErrors';
import { useInvalidFocus } from '@/components/FormModal';
import type { EndpointFieldsFragment, EndpointFormat } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifySuccess } from '@/lib/notify';
import type { ScopeValue } from '@/lib/scope';
import { CreateEndpointMutation, UpdateEndpointMutation, endpointsContext } from '../api';
import { SaveWarnings } from './KeyRevealModal';

interface Header {
  name: string;
  value: string;
}

interface Values {
  name: string;
  url: string;
  format: EndpointFormat;
  shared: boolean;
  active: boolean;
  headers: Header[];
  /** Requests per second; '' is unlimited. */
  rateLimit: number | string;
}

const FIELDS = ['name', 'url', 'format', 'shared', 'active', 'rateLimit'];

/** The server's limit on custom headers. */
export const MAX_HEADERS = 20;

/** Headers Switchboard sets itself (the server refuses them too, with the same reason). */
const OWNED = /^(content-type|content-length|content-encoding|transfer-encoding|te|trailer|connection|keep-alive|upgrade|host|date|expect|user-agent|x-signature|proxy-.*|http2-settings|x-scalr-.*|webhook-.*)$/i;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Control characters other than horizontal tab (CR, LF, NUL…), which the server refuses. */
function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function headerNameError(name: string): string | null {
  const n = name.trim();
  if (!n) return 'Name is required';
  if (!TOKEN.test(n)) return "Letters, digits and !#$%&'*+-.^_`|~ only";
  if (OWNED.test(n)) return `${n} is set by Switchboard`;
  return null;
}

/**
 * Splits the server's errors: custom header errors name their row (`headers.2.value`) and go to
 * that input; the rest through splitUserErrors.
 */
function applyErrors(errors: readonly { field?: string | null; message: string }[], setErrors: (e: Record<string, string>) => void) {
  const headerErrs: Record<string, string> = {};
  const rest = errors.filter((e) => {
    if (e.field && /^headers(\.\d+\.(name|value))?$/.test(e.field)) {
      headerErrs[e.field === 'headers' ? 'headersList' : e.field] = e.message;
      return false;
    }
    return true;
  });
  const s = splitUserErrors(rest, FIELDS);
  setErrors({ ...s.fields, ...headerErrs });
  return s.general.concat(headerErrs.headersList ? [headerErrs.headersList] : []);
}

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
  /** Called with the new endpoint's signing key (shown once) and the save's warnings. */
  onCreated: (name: string, signingKey: string, warnings: readonly string[]) => void;
}) {
  const editing = Boolean(endpoint);
  const [general, setGeneral] = useState<string[]>([]);
  const [warnings, setWarnings] = useState<readonly string[]>([]);
  const [, create] = useMutationWithErrors(CreateEndpointMutation, (d) => d.createEndpoint, {
    failTitle: 'Could not create the endpoint',
    context: endpointsContext,
  });
  const [, update] = useMutationWithErrors(UpdateEndpointMutation, (d) => d.updateEndpoint, {
    failTitle: 'Could not save the endpoint',
    context: endpointsContext,
  });
  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', url: '', format: 'SCALR', shared: false, active: true, headers: [], rateLimit: '' },
    validate: {
      headers: {
        name: (v) => headerNameError(v),
        value: (v) => (hasControl(v) ? 'No line breaks or control characters' : null),
      },
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
      setWarnings([]);
      form.setValues({
        name: endpoint?.name ?? '',
        url: endpoint?.url ?? '',
        format: endpoint?.format ?? 'SCALR',
        shared: endpoint?.shared ?? false,
        active: endpoint?.active ?? true,
        headers: (endpoint?.headers ?? []).map((h) => ({ name: h.name, value: h.value })),
        rateLimit: endpoint?.rateLimit ?? '',
      });
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, endpoint?.id]);

  const submit = form.onSubmit(afterSubmit(async (v) => {
    setGeneral([]);
    setWarnings([]);
    const fields = {
      name: v.name.trim(),
      url: v.url.trim(),
      format: v.format,
      shared: v.shared,
      active: v.active,
      headers: v.headers.map((h) => ({ name: h.name.trim(), value: h.value })),
      // 0 removes a limit.
      rateLimit: v.rateLimit === '' ? 0 : Number(v.rateLimit),
    };
    if (endpoint) {
      // The whole URL only comes back to admins; an unchanged URL is not sent.
      // Header values come back as •••• to those who may not read them: never save those.
      const { url, headers, ...rest } = fields;
      const input = {
        id: endpoint.id,
        ...rest,
        ...(url === endpoint.url ? {} : { url }),
        ...(endpoint.revealed ? { headers } : {}),
      };
      const outcome = await update({ input });
      if (!outcome.ok) {
        setGeneral(applyErrors(outcome.errors, form.setErrors));
        return;
      }
      const p = outcome.payload;
      notifySuccess(`Saved ${fields.name}.`);
      if (p.warnings.length) {
        // Saved; the form stays open so the warning is read.
        setWarnings(p.warnings);
        return;
      }
      onClose();
      return;
    }
    const outcome = await create({ input: { scope, ...fields } });
    if (!outcome.ok && outcome.transport) return;
    const p = outcome.payload;
    if (!outcome.ok || !p?.signingKey) {
      const general = applyErrors(outcome.errors, form.setErrors);
      setGeneral(general.length || outcome.errors.length ? general : ['The server did not return the signing key.']);
      return;
    }
    onCreated(fields.name, p.signingKey, p.warnings);
  }), focusInvalid);

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit ${endpoint?.name}` : 'New endpoint'} centered size="lg">
      <form ref={ref} onSubmit={submit} noValidate>
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
          <Stack gap={6}>
            <Text size="sm" fw={500}>
              Custom headers
            </Text>
            <Text size="xs" c="dimmed">
              Sent with every delivery (and redirects to the same origin), e.g. a credential the receiver expects. Stored
              encrypted; only admins see the values. Headers Switchboard sets (Content-Type, Date, X-Signature, X-Scalr-*,
              webhook-*…) cannot be replaced.
            </Text>
            {form.values.headers.map((_, i) => (
              <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
                <TextInput
                  aria-label={`Header ${i + 1} name`}
                  placeholder="X-Api-Key"
                  style={{ flex: 1 }}
                  {...form.getInputProps(`headers.${i}.name`)}
                />
                <TextInput
                  aria-label={`Header ${i + 1} value`}
                  placeholder="value"
                  style={{ flex: 2 }}
                  autoComplete="off"
                  {...form.getInputProps(`headers.${i}.value`)}
                />
                <ActionIcon variant="subtle" color="gray" mt={6} aria-label={`Remove header ${i + 1}`} onClick={() => form.removeListItem('headers', i)}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button
                variant="light"
                size="xs"
                leftSection={<IconPlus size={14} />}
                disabled={form.values.headers.length >= MAX_HEADERS}
                onClick={() => form.insertListItem('headers', { name: '', value: '' })}
              >
                Add header
              </Button>
            </Group>
          </Stack>
          {warnings.length > 0 && <SaveWarnings warnings={warnings} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {warnings.length > 0 ? 'Close' : 'Cancel'}
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
