import { Select, Text, TextInput } from '@mantine/core';
import { isEmail, useForm } from '@mantine/form';
import { FormModal } from '@/components/FormModal';
import type { Role } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, assignableRoles } from '@/lib/roles';
import { InviteMemberMutation, invitationsContext } from '../api';

interface Values extends Record<string, unknown> {
  email: string;
  role: Role;
}

/** Mails a signed invitation link: the person sets their own password. Only owners invite owners. */
export function InviteMemberModal({
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
  const [, invite] = useMutationWithErrors(InviteMemberMutation, (d) => d.inviteMember, {
    failTitle: 'Could not send the invitation',
    context: invitationsContext,
  });
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { email: '', role: 'MEMBER' },
    validate: { email: isEmail('Enter a valid email address') },
  });
  const roles = assignableRoles(myRole);

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="Invite by email"
      form={form}
      values={{ email: '', role: 'MEMBER' }}
      submitLabel="Send invitation"
      onSubmit={(v) => {
        const email = v.email.trim();
        return invite({ input: { accountId, email, role: v.role } }, { success: `Invitation sent to ${email}.` });
      }}
    >
      <Text size="sm" c="dimmed">
        We mail a link valid for 7 days. The person sets their own password (or, with an existing
        Switchboard user, joins with it).
      </Text>
      <TextInput label="Email" type="email" required data-autofocus {...form.getInputProps('email')} />
      <Select
        label="Role"
        allowDeselect={false}
        data={roles.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        description={ROLE_DESCRIPTIONS[form.values.role]}
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('role')}
      />
    </FormModal>
  );
}
