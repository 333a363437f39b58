import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { FormErrors } from '@/components/FormErrors';
import { useAuth } from '@/lib/auth/auth-context';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifySuccess } from '@/lib/notify';
import { UpdateProfileMutation } from '../api';
import { useInvalidFocus } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';

export function ProfileForm({ email, name }: { email: string; name: string }) {
  const { updateUser } = useAuth();
  const [general, setGeneral] = useState<string[]>([]);
  const [, updateProfile] = useMutationWithErrors(UpdateProfileMutation, (d) => d.updateProfile, {
    failTitle: 'Could not save your profile',
  });
  const form = useForm({
    mode: 'controlled',
    initialValues: { name },
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : v.trim().length > 100 ? 'Use at most 100 characters' : null),
    },
  });

  useEffect(() => {
    form.setInitialValues({ name });
    form.setValues({ name });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name]);

  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  const submit = form.onSubmit(afterSubmit(async (values) => {
    setGeneral([]);
    const newName = values.name.trim();
    const outcome = await updateProfile({ input: { name: newName } });
    const payload = outcome.payload;
    if (!payload) return;
    if (payload.errors.length > 0) {
      const { fields, general: other } = splitUserErrors(payload.errors, ['name']);
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    updateUser({ name: payload.user?.name ?? newName });
    form.resetDirty({ name: newName });
    notifySuccess('Your profile was saved.');
  }), focusInvalid);

  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <Stack gap="md" maw={420}>
        <FormErrors errors={general} />
        <TextInput label="Email" value={email} readOnly disabled description="Ask an administrator to change your email" />
        <TextInput label="Name" required autoComplete="name" {...form.getInputProps('name')} />
        <Group>
          <Button type="submit" loading={form.submitting} disabled={!form.isDirty()}>
            Save profile
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
