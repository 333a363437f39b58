import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { CreateAccountMutation, accountsContext } from '../api';
import { useInvalidFocus } from '@/components/FormModal';

/** System administrators only: a new account, owned by the caller. */
export function CreateAccountModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (accountId: string) => void;
}) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, createAccount] = useMutation(CreateAccountMutation);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '' },
    validate: { name: (v) => (!v.trim() ? 'Name is required' : null) },
  });

  useEffect(() => {
    if (opened) {
      form.reset();
      setGeneral([]);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);

  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  const submit = form.onSubmit(afterSubmit(async ({ name }) => {
    setGeneral([]);
    const result = await createAccount({ input: { name: name.trim() } }, accountsContext);
    if (result.error) {
      notifyError(result.error, 'Could not create the account');
      return;
    }
    const payload = result.data?.createAccount;
    if (!payload) return;
    if (payload.errors.length > 0 || !payload.account) {
      const { fields, general: other } = splitUserErrors(payload.errors, ['name']);
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    notifySuccess(`Created account ${payload.account.name}.`);
    onCreated(payload.account.id);
  }), focusInvalid);

  return (
    <Modal opened={opened} onClose={onClose} title="New account" centered>
      <form ref={ref} onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput
            label="Account name"
            description="You become its owner."
            required
            data-autofocus
            key={form.key('name')}
            {...form.getInputProps('name')}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Create account
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
