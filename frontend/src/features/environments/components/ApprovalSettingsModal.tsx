import { Alert, NumberInput, Select, Stack, Switch, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { FormModal } from '@/components/FormModal';
import type { ApprovalSettingsFieldsFragment } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { ApprovalEndpointOptionsQuery, SetEnvironmentApprovalsMutation, environmentsContext } from '../api';

/** Pending requests expire after 1 minute to 7 days (the server's bounds). */
export const EXPIRY_MIN = 1;
export const EXPIRY_MAX = 7 * 24 * 60;

export interface ApprovalValues extends Record<string, unknown> {
  endpointId: string | null;
  onFirstLaunch: boolean;
  onTerminate: boolean;
  expiryMinutes: number | string;
}

// Module-level: urql re-runs a query whose context object changes between renders.
const endpointsContext = { additionalTypenames: ['Endpoint'] };

const FIELDS = ['endpointId', 'onFirstLaunch', 'onTerminate', 'expiryMinutes'];

export function validateExpiry(v: number | string): string | null {
  const n = typeof v === 'string' ? Number(v.trim() || NaN) : v;
  if (!Number.isInteger(n)) return 'Enter a whole number of minutes';
  if (n < EXPIRY_MIN || n > EXPIRY_MAX) return `Between ${EXPIRY_MIN} minute and 7 days (${EXPIRY_MAX} minutes)`;
  return null;
}

/**
 * An environment's approvals (admins): the Scalr-format endpoint that approves, whether a farm's
 * first launch and/or every termination need its approval, and how long a request may wait.
 */
export function ApprovalSettingsModal({
  environment,
  onClose,
}: {
  environment: { id: string; accountId: string; name: string; approvalSettings: ApprovalSettingsFieldsFragment };
  onClose: () => void;
}) {
  const settings = environment.approvalSettings;
  const [{ data, fetching }] = useQuery({
    query: ApprovalEndpointOptionsQuery,
    variables: {
      scope: { scope: 'ENVIRONMENT', id: environment.id },
      accountScope: { scope: 'ACCOUNT', id: environment.accountId },
    },
    context: endpointsContext,
  });
  const [, save] = useMutationWithErrors(SetEnvironmentApprovalsMutation, (d) => d.setEnvironmentApprovals, {
    failTitle: 'Could not save the approval settings',
    context: environmentsContext,
  });
  const initial: ApprovalValues = {
    endpointId: settings.endpoint?.id ?? null,
    onFirstLaunch: settings.onFirstLaunch,
    onTerminate: settings.onTerminate,
    expiryMinutes: settings.expiryMinutes,
  };
  const form = useForm<ApprovalValues>({
    mode: 'controlled',
    initialValues: initial,
    validate: {
      expiryMinutes: validateExpiry,
      endpointId: (v, values) =>
        !v && (values.onFirstLaunch || values.onTerminate) ? 'Choose the endpoint that approves, or turn both switches off' : null,
    },
  });

  const endpoints = data?.usableEndpoints;
  const options = useMemo(() => {
    // Approvals speak the Scalr wire format only: Slack endpoints cannot approve.
    const usable = (endpoints ?? []).filter((e) => e.format === 'SCALR');
    const opts = usable.map((e) => ({
      value: e.id,
      label: `${e.name}${e.scope !== 'ENVIRONMENT' ? ` (${e.scope.toLowerCase()}, shared)` : ''}${e.active ? '' : ' — inactive'}`,
    }));
    // The current endpoint stays selectable even if it is no longer listed.
    if (settings.endpoint && !opts.some((o) => o.value === settings.endpoint!.id)) {
      opts.unshift({ value: settings.endpoint.id, label: settings.endpoint.name });
    }
    return opts;
  }, [endpoints, settings.endpoint]);
  const chosen = endpoints?.find((e) => e.id === form.values.endpointId);
  const refused = useMemo(() => unableToApprove(endpoints ?? [], data?.accountEndpoints ?? []), [endpoints, data]);

  return (
    <FormModal
      opened
      onClose={onClose}
      title={`Approvals in ${environment.name}`}
      size="lg"
      form={form}
      values={initial}
      fields={FIELDS}
      submitLabel="Save approval settings"
      onSubmit={(v) =>
        save(
          {
            input: {
              environmentId: environment.id,
              endpointId: v.endpointId,
              onFirstLaunch: v.onFirstLaunch,
              onTerminate: v.onTerminate,
              expiryMinutes: Number(v.expiryMinutes),
            },
          },
          { success: `Saved the approval settings of ${environment.name}.` },
        )
      }
    >
      <Text size="sm" c="dimmed">
        Before a farm of this environment launches for the first time, or terminates, Switchboard can ask an endpoint
        to approve. The farm waits in a pending state until the endpoint answers (possibly later, with a signed
        callback).
      </Text>
      <Select
        label="Approval endpoint"
        description="A Scalr-format endpoint of this environment, or a shared one of the account."
        placeholder={fetching && !endpoints ? 'Loading endpoints…' : 'None: approvals are off'}
        data={options}
        clearable
        searchable
        nothingFoundMessage="No Scalr-format endpoint here. Create one on the Endpoints page."
        comboboxProps={{ withinPortal: true }}
        data-autofocus
        {...form.getInputProps('endpointId')}
      />
      {refused.length > 0 && (
        <Stack gap={2} data-testid="cannot-approve">
          <Text size="xs" fw={500}>
            Cannot approve here:
          </Text>
          {refused.map((r) => (
            <Text key={r.id} size="xs" c="dimmed">
              {r.name} — {r.reason}
            </Text>
          ))}
        </Stack>
      )}
      {chosen && !chosen.active && (
        <Alert color="yellow" variant="light" p="xs">
          {chosen.name} is inactive: launches and terminations that need approval are refused until it is active again.
        </Alert>
      )}
      <Switch
        label="Require approval for a farm's first launch"
        description="Later launches of a farm that has run before need no approval."
        {...form.getInputProps('onFirstLaunch', { type: 'checkbox' })}
      />
      <Switch
        label="Require approval for terminations"
        description="Every termination asks first."
        {...form.getInputProps('onTerminate', { type: 'checkbox' })}
      />
      <NumberInput
        label="Expiry (minutes)"
        description="A request with no decision by then expires and the farm goes back. 1 minute to 7 days."
        min={EXPIRY_MIN}
        max={EXPIRY_MAX}
        clampBehavior="none"
        allowDecimal={false}
        {...form.getInputProps('expiryMinutes')}
      />
    </FormModal>
  );
}

/**
 * The endpoints one might expect in the list and why they cannot approve in this environment:
 * Slack endpoints cannot answer a request, and an account endpoint serves environments only
 * when it is shared.
 */
export function unableToApprove(
  usable: readonly { id: string; name: string; format: string }[],
  account: readonly { id: string; name: string; format: string; shared: boolean }[],
): { id: string; name: string; reason: string }[] {
  const out: { id: string; name: string; reason: string }[] = [];
  for (const e of usable) {
    if (e.format !== 'SCALR') out.push({ id: e.id, name: e.name, reason: 'a Slack endpoint cannot answer an approval request' });
  }
  for (const e of account) {
    if (!e.shared) out.push({ id: e.id, name: e.name, reason: 'an account endpoint not shared with environments (share it on the Endpoints page)' });
  }
  return out;
}

/** "First launch and terminations, via CAB (60 min)" or "Off". */
export function approvalSummary(s: ApprovalSettingsFieldsFragment): string {
  const what = [s.onFirstLaunch && 'first launch', s.onTerminate && 'terminations'].filter(Boolean) as string[];
  if (!s.endpoint || what.length === 0) return 'Off';
  const list = what.join(' and ');
  return `${list[0].toUpperCase()}${list.slice(1)}, via ${s.endpoint.name} (${s.expiryMinutes} min)`;
}
