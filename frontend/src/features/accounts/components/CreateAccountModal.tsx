import { TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { FormModal } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { notifySuccess } from '@/lib/notify';
import { CreateAccountMutation, accountsContext } from '../api';

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
  const [, createAccount] = useMutationWithErrors(CreateAccountMutation, (d) => d.createAccount, {
    failTitle: 'Could not create the account',
    context: accountsContext,
  });
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '' },
    validate: { name: (v) => (!v.trim() ? 'Name is required' : null) },
  });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="New account"
      form={form}
      values={{ name: '' }}
      submitLabel="Create account"
      onSubmit={async ({ name }) => {
        const outcome = await createAccount({ input: { name: name.trim() } });
        const account = outcome.ok ? outcome.payload.account : null;
        if (!outcome.ok) return outcome;
        if (!account) return { ok: false, errors: [{ message: 'The server returned no account.' }] };
        notifySuccess(`Created account ${account.name}.`);
        onCreated(account.id);
        return outcome;
      }}
    >
      <TextInput
        label="Account name"
        description="You become its owner."
        required
        data-autofocus
        key={form.key('name')}
        {...form.getInputProps('name')}
      />
    </FormModal>
  );
}
