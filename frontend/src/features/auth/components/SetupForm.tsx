import { Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { FormErrors } from '@/components/FormErrors';
import { ApiError, type SetupInput } from '@/lib/auth/session-api';
import { validateEmail, validatePassword, validatePasswordConfirmation, validateRequired } from '../validation';
import { NewPasswordFields } from './NewPasswordFields';
import { useInvalidFocus } from '@/components/FormModal';

interface Values extends SetupInput {
  confirmPassword: string;
}

const FIELDS = ['email', 'name', 'password', 'accountName'];

export function SetupForm({ onSubmit }: { onSubmit: (input: SetupInput) => Promise<void> }) {
  const [general, setGeneral] = useState<string[]>([]);
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: { email: '', name: '', password: '', confirmPassword: '', accountName: '' },
    validate: {
      email: validateEmail,
      name: validateRequired('Name'),
      password: validatePassword,
      confirmPassword: validatePasswordConfirmation,
      accountName: validateRequired('Account name'),
    },
  });

  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  const submit = form.onSubmit(afterSubmit(async ({ confirmPassword: _ignored, ...values }) => {
    setGeneral([]);
    try {
      await onSubmit({ ...values, email: values.email.trim(), name: values.name.trim(), accountName: values.accountName.trim() });
    } catch (err) {
      if (err instanceof ApiError && err.field && FIELDS.includes(err.field)) {
        form.setFieldError(err.field, err.message);
      } else if (err instanceof ApiError && err.status === 409) {
        setGeneral(['Switchboard has already been set up. Sign in instead.']);
      } else {
        setGeneral([err instanceof Error ? err.message : 'Setup failed.']);
      }
    }
  }), focusInvalid);

  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <Stack gap="md">
        <FormErrors errors={general} />
        <TextInput
          label="Your name"
          autoComplete="name"
          required
          key={form.key('name')}
          {...form.getInputProps('name')}
        />
        <TextInput
          label="Email"
          type="email"
          autoComplete="email"
          required
          key={form.key('email')}
          {...form.getInputProps('email')}
        />
        <NewPasswordFields form={form} />
        <TextInput
          label="Account name"
          description="Your organisation or team. You can add more accounts later."
          required
          key={form.key('accountName')}
          {...form.getInputProps('accountName')}
        />
        <Button type="submit" loading={form.submitting} fullWidth mt="xs">
          Create administrator
        </Button>
      </Stack>
    </form>
  );
}
