import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { FormErrors } from '@/components/FormErrors';
import { ApiError, type LoginInput } from '@/lib/auth/session-api';
import { validateEmail, validateRequired } from '../validation';
import { useInvalidFocus } from '@/components/FormModal';

export function LoginForm({ onSubmit }: { onSubmit: (input: LoginInput) => Promise<void> }) {
  const [general, setGeneral] = useState<string[]>([]);
  const form = useForm<LoginInput>({
    mode: 'uncontrolled',
    initialValues: { email: '', password: '' },
    validate: { email: validateEmail, password: validateRequired('Password') },
  });

  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  const submit = form.onSubmit(afterSubmit(async (values) => {
    setGeneral([]);
    try {
      await onSubmit({ email: values.email.trim(), password: values.password });
    } catch (err) {
      if (err instanceof ApiError && err.field && (err.field === 'email' || err.field === 'password')) {
        form.setFieldError(err.field, err.message);
      } else if (err instanceof ApiError && err.status === 401) {
        setGeneral(['Invalid email or password.']);
        form.setFieldValue('password', '');
      } else {
        setGeneral([err instanceof Error ? err.message : 'Sign-in failed.']);
      }
    }
  }), focusInvalid);

  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <Stack gap="md">
        <FormErrors errors={general} />
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          key={form.key('email')}
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          key={form.key('password')}
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={form.submitting} fullWidth mt="xs">
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
