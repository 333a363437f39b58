import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { hasLength, isNotEmpty, useForm } from '@mantine/form';
import { useState } from 'react';
import { FormErrors } from '@/components/FormErrors';
import { useAuth } from '@/lib/auth/auth-context';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifySuccess } from '@/lib/notify';
import { ChangePasswordMutation } from '../api';
import { useInvalidFocus } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';

const FIELDS = ['currentPassword', 'newPassword'];

export function PasswordForm({ email }: { email: string }) {
  const auth = useAuth();
  const [general, setGeneral] = useState<string[]>([]);
  const [, changePassword] = useMutationWithErrors(ChangePasswordMutation, (d) => d.changePassword, {
    failTitle: 'Could not change your password',
  });
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: {
      currentPassword: isNotEmpty('Enter your current password'),
      newPassword: hasLength({ min: 10, max: 128 }, 'Use 10 to 128 characters'),
      confirmPassword: (v, values) => (v !== values.newPassword ? 'The passwords do not match' : null),
    },
  });

  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  const submit = form.onSubmit(afterSubmit(async ({ currentPassword, newPassword }) => {
    setGeneral([]);
    const outcome = await changePassword({ input: { currentPassword, newPassword } });
    const payload = outcome.payload;
    if (!payload) return;
    if (payload.errors.length > 0 || !payload.ok) {
      const { fields, general: other } = splitUserErrors(payload.errors, FIELDS);
      form.setErrors(fields);
      setGeneral(other.length || Object.keys(fields).length ? other : ['The password was not changed.']);
      return;
    }
    form.reset();
    // The server revokes every refresh token of the user, this browser's included: sign in
    // again with the new password so this session survives its next token refresh.
    try {
      await auth.login({ email, password: newPassword });
    } catch {
      notifySuccess('Your password was changed. Sign in again with the new password.');
      return;
    }
    notifySuccess('Your password was changed. Other sessions have been signed out.');
  }), focusInvalid);

  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <Stack gap="md" maw={420}>
        <FormErrors errors={general} />
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          required
          key={form.key('currentPassword')}
          {...form.getInputProps('currentPassword')}
        />
        <PasswordInput
          label="New password"
          description="At least 10 characters"
          autoComplete="new-password"
          required
          key={form.key('newPassword')}
          {...form.getInputProps('newPassword')}
        />
        <PasswordInput
          label="Confirm new password"
          autoComplete="new-password"
          required
          key={form.key('confirmPassword')}
          {...form.getInputProps('confirmPassword')}
        />
        <Group>
          <Button type="submit" loading={form.submitting}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
