import { Button, Group, Paper, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { FormErrors } from '@/components/FormErrors';
import type { Role } from '@/gql/graphql';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, assignableRoles } from '@/lib/roles';
import { CreateApiTokenMutation, apiTokensContext } from '../api';
import { EXPIRY_OPTIONS, expiryToIso, toDateInput, type ExpiryChoice } from '../expiry';
import type { RevealedToken } from './TokenReveal';
import { useInvalidFocus } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';

interface Values {
  name: string;
  role: Role;
  expiry: ExpiryChoice;
  expiryDate: string;
}

const FIELDS = ['name', 'role', 'expiryDate'];

export function CreateApiTokenForm({
  accountId,
  myRole,
  onCreated,
  onCancel,
}: {
  accountId: string;
  myRole: Role;
  onCreated: (token: RevealedToken) => void;
  onCancel: () => void;
}) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, createToken] = useMutationWithErrors(CreateApiTokenMutation, (d) => d.createApiToken, {
    failTitle: 'Could not create the token',
    context: apiTokensContext,
  });
  const tomorrow = toDateInput(new Date(Date.now() + 24 * 3600 * 1000));
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', role: 'MEMBER', expiry: '90', expiryDate: '' },
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : v.trim().length > 100 ? 'Use at most 100 characters' : null),
      expiryDate: (v, values) => {
        if (values.expiry !== 'custom') return null;
        try {
          expiryToIso('custom', v);
          return null;
        } catch (e) {
          return (e as Error).message;
        }
      },
    },
  });

  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  const submit = form.onSubmit(afterSubmit(async (values) => {
    setGeneral([]);
    const name = values.name.trim();
    const expiresAt = expiryToIso(values.expiry, values.expiryDate);
    const outcome = await createToken({ input: { accountId, name, role: values.role, expiresAt } });
    const payload = outcome.payload;
    if (!payload) return;
    if (payload.errors.length > 0 || !payload.apiToken || !payload.secret) {
      const { fields, general: other } = splitUserErrors(payload.errors, FIELDS, {
        expiresAt: 'expiryDate',
      });
      // The date field is only on screen for a custom expiry.
      if (fields.expiryDate && values.expiry !== 'custom') {
        other.push(`Expiry: ${fields.expiryDate}`);
        delete fields.expiryDate;
      }
      form.setErrors(fields);
      setGeneral(other.length || Object.keys(fields).length ? other : ['The server did not return the token.']);
      return;
    }
    const t = payload.apiToken;
    onCreated({ name: t.name, role: t.role, prefix: t.prefix, expiresAt: t.expiresAt ?? null, secret: payload.secret });
  }), focusInvalid);

  const roles = assignableRoles(myRole);

  return (
    <Paper withBorder radius="md" p="lg" maw={560}>
      <form ref={ref} onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput
            label="Name"
            description="What uses this token, e.g. “CI deploy” or “billing-sync”"
            required
            data-autofocus
            autoFocus
            {...form.getInputProps('name')}
          />
          <Select
            label="Role"
            required
            allowDeselect={false}
            description={`${ROLE_DESCRIPTIONS[form.values.role]}. A token never has more rights than you.`}
            data={roles.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('role')}
          />
          <Select
            label="Expires"
            allowDeselect={false}
            data={EXPIRY_OPTIONS}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('expiry')}
          />
          {form.values.expiry === 'custom' && (
            <TextInput
              type="date"
              label="Expiry date"
              description="The token stops working at the end of this day"
              min={tomorrow}
              required
              {...form.getInputProps('expiryDate')}
            />
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
