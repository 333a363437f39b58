import { Alert, PasswordInput, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { useQuery } from 'urql';
import { FormModal } from '@/components/FormModal';
import type { ContactKind } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { ContactEndpointsQuery, CreateContactMethodMutation, MySlackUserIdQuery, contactContext } from '../api';

export const CONTACT_KINDS: Record<ContactKind, string> = {
  EMAIL: 'Email',
  NTFY: 'ntfy push',
  ENDPOINT: 'Switchboard endpoint (SMS/phone gateway)',
  SLACK_DM: 'Slack direct message',
};

interface Values extends Record<string, unknown> {
  kind: ContactKind;
  label: string;
  address: string;
  endpointId: string | null;
  token: string;
}

const ADDRESS: Partial<Record<ContactKind, { label: string; placeholder: string; description: string }>> = {
  EMAIL: { label: 'Email address', placeholder: 'ana@example.com', description: 'A link is mailed to it; it is used once verified.' },
  NTFY: { label: 'ntfy topic URL', placeholder: 'https://ntfy.sh/my-secret-topic', description: 'A plain HTTP POST to this topic.' },
  SLACK_DM: { label: 'Slack user id', placeholder: 'U024BE7LH', description: 'Your member id in the account’s Slack workspace.' },
};

/** Adds one of the caller's contact methods. */
export function ContactMethodModal({
  accountId,
  opened,
  onClose,
}: {
  accountId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const [, create] = useMutationWithErrors(CreateContactMethodMutation, (d) => d.createContactMethod, {
    failTitle: 'Could not add the contact method',
    context: contactContext,
  });
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { kind: 'EMAIL', label: '', address: '', endpointId: null, token: '' },
    validate: {
      address: (v, values) => {
        if (values.kind === 'ENDPOINT') return null;
        const a = v.trim();
        if (!a) return 'Required';
        if (values.kind === 'EMAIL' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a)) return 'Not an email address';
        if (values.kind === 'NTFY' && !/^https?:\/\/[^/\s]+\/[^\s]+$/.test(a)) return 'A topic URL such as https://ntfy.sh/topic';
        return null;
      },
      endpointId: (v, values) => (values.kind === 'ENDPOINT' && !v ? 'Pick an endpoint' : null),
    },
  });
  const kind = form.values.kind;
  const [{ data }] = useQuery({
    query: ContactEndpointsQuery,
    variables: { scope: { scope: 'ACCOUNT', id: accountId } },
    pause: !opened || kind !== 'ENDPOINT',
  });
  const [{ data: slack, fetching: slackLoading }] = useQuery({
    query: MySlackUserIdQuery,
    variables: { accountId },
    pause: !opened || kind !== 'SLACK_DM',
    requestPolicy: 'network-only',
  });
  const mySlackUserId = slack?.account?.mySlackUserId ?? null;
  const slackConnected = slack?.account?.slackWorkspace.connected ?? false;
  // Prefill the Slack member id found by the caller's email (only into an empty field).
  useEffect(() => {
    if (kind === 'SLACK_DM' && mySlackUserId && !form.getValues().address.trim()) {
      form.setFieldValue('address', mySlackUserId);
    }
    // form is stable; run when the lookup answers or the kind changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, mySlackUserId]);
  const address = ADDRESS[kind];

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="New contact method"
      form={form}
      values={{ kind: 'EMAIL', label: '', address: '', endpointId: null, token: '' }}
      submitLabel="Add"
      onSubmit={(v) =>
        create(
          {
            input: {
              kind: v.kind,
              label: v.label.trim() || null,
              address: v.kind === 'ENDPOINT' ? null : v.address.trim(),
              endpointId: v.kind === 'ENDPOINT' ? v.endpointId : null,
              token: v.kind === 'NTFY' && v.token ? v.token : null,
            },
          },
          { success: v.kind === 'EMAIL' ? 'Added. Check that inbox for the verification link.' : 'Contact method added.' },
        )
      }
    >
      <Select
        label="Kind"
        allowDeselect={false}
        data-autofocus
        data={Object.entries(CONTACT_KINDS).map(([value, label]) => ({ value, label }))}
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('kind')}
      />
      <TextInput label="Label" placeholder="Work phone, personal email…" {...form.getInputProps('label')} />
      {address && (
        <TextInput
          label={address.label}
          placeholder={address.placeholder}
          description={address.description}
          required
          {...form.getInputProps('address')}
        />
      )}
      {kind === 'SLACK_DM' && slack && !slackLoading && (
        <Alert variant="light" color={mySlackUserId ? 'teal' : 'yellow'} data-testid="slack-lookup">
          {!slackConnected
            ? 'No Slack workspace is connected to this account: an administrator connects one under Slack. Pages to this method fail until then.'
            : mySlackUserId
              ? `Found by your email in ${slack.account?.slackWorkspace.teamName ?? 'the workspace'}: ${mySlackUserId}.`
              : 'No Slack member with your email in the workspace. Enter your member id (in Slack: your profile → ⋮ → Copy member ID).'}
        </Alert>
      )}
      {kind === 'ENDPOINT' && (
        <Select
          label="Endpoint"
          required
          description="Pages are sent through the signed webhook pipeline to this endpoint."
          data={(data?.endpoints ?? []).map((e) => ({ value: e.id, label: e.name }))}
          comboboxProps={{ withinPortal: true }}
          {...form.getInputProps('endpointId')}
        />
      )}
      {kind === 'NTFY' && (
        <PasswordInput
          label="Access token"
          description="Optional, for protected topics. Stored sealed; never shown again."
          {...form.getInputProps('token')}
        />
      )}
    </FormModal>
  );
}
