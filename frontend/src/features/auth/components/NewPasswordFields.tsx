import { PasswordInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { PASSWORD_MIN } from '../validation';

/** "Password" and "Confirm password" for a new password (setup, invitation). */
export function NewPasswordFields<V extends { password: string; confirmPassword: string }>({
  form,
}: {
  form: UseFormReturnType<V>;
}) {
  return (
    <>
      <PasswordInput
        label="Password"
        description={`At least ${PASSWORD_MIN} characters`}
        autoComplete="new-password"
        required
        key={form.key('password')}
        {...form.getInputProps('password')}
      />
      <PasswordInput
        label="Confirm password"
        autoComplete="new-password"
        required
        key={form.key('confirmPassword')}
        {...form.getInputProps('confirmPassword')}
      />
    </>
  );
}
