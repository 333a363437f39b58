import {
  Button,
  Group,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { hasLength, isEmail, useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import type { Role } from '@/gql/graphql';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, assignableRoles } from '@/lib/roles';
import { AddMemberMutation, membersContext } from '../api';
import { useInvalidFocus } from '@/components/FormModal';

interface Values {
  email: string;
  role: Role;
  newUser: boolean;
  name: string;
  password: string;
}

const FIELDS = ['email', 'role', 'name', 'password'];

export function AddMemberModal({
  accountId,
  myRole,
  opened,
  onClose,
}: {
  accountId: string;
  myRole: Role;
  opened: boolean;
  onClose: () => void;
}) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, addMember] = useMutation(AddMemberMutation);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { email: '', role: 'MEMBER', newUser: false, name: '', password: '' },
    validate: {
      email: isEmail('Enter a valid email address'),
      name: (v, values) => (values.newUser && !v.trim() ? 'Name is required for a new user' : null),
      password: (v, values) =>
        values.newUser ? hasLength({ min: 10, max: 128 }, 'Use 10 to 128 characters')(v) : null,
    },
  });

  useEffect(() => {
    if (opened) {
      form.reset();
      setGeneral([]);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);

  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  const submit = form.onSubmit(afterSubmit(async (values) => {
    setGeneral([]);
    const result = await addMember(
      {
        input: {
          accountId,
          email: values.email.trim(),
          role: values.role,
          ...(values.newUser ? { name: values.name.trim(), password: values.password } : {}),
        },
      },
      membersContext,
    );
    if (result.error) {
      notifyError(result.error, 'Could not add the member');
      return;
    }
    const payload = result.data?.addMember;
    if (!payload) return;
    if (payload.errors.length > 0) {
      const { fields, general: other } = splitUserErrors(payload.errors, FIELDS);
      // The server asks for a name and password when no user has the email: offer the fields.
      const unknownEmail = payload.errors.some(
        (e) => e.field?.endsWith('email') && (e.code === 'NOT_FOUND' || /no user/i.test(e.message)),
      );
      if (!values.newUser && (unknownEmail || fields.name || fields.password)) {
        form.setFieldValue('newUser', true);
      }
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    const who = payload.membership?.user.name || values.email;
    notifySuccess(`${who} was added as ${ROLE_LABELS[values.role].toLowerCase()}.`);
    onClose();
  }), focusInvalid);

  const roles = assignableRoles(myRole);

  return (
    <Modal opened={opened} onClose={onClose} title="Add member" centered>
      <form ref={ref} onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput
            label="Email"
            type="email"
            required
            data-autofocus
            autoComplete="off"
            {...form.getInputProps('email')}
          />
          <Select
            label="Role"
            required
            allowDeselect={false}
            data={roles.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            description={ROLE_DESCRIPTIONS[form.values.role]}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('role')}
          />
          <Switch
            label="This person has no Switchboard user yet"
            description="Create the user with a name and an initial password to share with them."
            {...form.getInputProps('newUser', { type: 'checkbox' })}
          />
          {form.values.newUser && (
            <>
              <TextInput label="Name" required autoComplete="off" {...form.getInputProps('name')} />
              <PasswordInput
                label="Initial password"
                description="At least 10 characters"
                required
                autoComplete="new-password"
                {...form.getInputProps('password')}
              />
            </>
          )}
          {!form.values.newUser && (
            <Text size="xs" c="dimmed">
              The user must already exist. They will see this account the next time they sign in.
            </Text>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Add member
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
