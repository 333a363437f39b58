import { PasswordInput, Select, Switch, Text, TextInput } from '@mantine/core';
import { hasLength, isEmail, useForm } from '@mantine/form';
import { FormModal } from '@/components/FormModal';
import type { Role } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifySuccess } from '@/lib/notify';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, assignableRoles } from '@/lib/roles';
import { AddMemberMutation, membersContext } from '../api';

interface Values extends Record<string, unknown> {
  email: string;
  role: Role;
  newUser: boolean;
  name: string;
  password: string;
}

const INITIAL: Values = { email: '', role: 'MEMBER', newUser: false, name: '', password: '' };
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
  const [, addMember] = useMutationWithErrors(AddMemberMutation, (d) => d.addMember, {
    failTitle: 'Could not add the member',
    context: membersContext,
  });
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: INITIAL,
    validate: {
      email: isEmail('Enter a valid email address'),
      name: (v, values) => (values.newUser && !v.trim() ? 'Name is required for a new user' : null),
      password: (v, values) =>
        values.newUser ? hasLength({ min: 10, max: 128 }, 'Use 10 to 128 characters')(v) : null,
    },
  });

  const submit = async (values: Values) => {
    const outcome = await addMember({
      input: {
        accountId,
        email: values.email.trim(),
        role: values.role,
        ...(values.newUser ? { name: values.name.trim(), password: values.password } : {}),
      },
    });
    if (outcome.ok) {
      const who = outcome.payload.membership?.user.name || values.email;
      notifySuccess(`${who} was added as ${ROLE_LABELS[values.role].toLowerCase()}.`);
      return outcome;
    }
    // The server asks for a name and password when no user has the email: offer the fields.
    const unknownEmail = outcome.errors.some(
      (e) => e.field?.endsWith('email') && (e.code === 'NOT_FOUND' || /no user/i.test(e.message)),
    );
    const { fields } = splitUserErrors(outcome.errors, FIELDS);
    if (!values.newUser && (unknownEmail || fields.name || fields.password)) form.setFieldValue('newUser', true);
    return outcome;
  };

  const roles = assignableRoles(myRole);

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="Add member"
      form={form}
      values={INITIAL}
      fields={FIELDS}
      submitLabel="Add member"
      onSubmit={submit}
    >
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
    </FormModal>
  );
}
