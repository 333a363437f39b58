import { TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { CreateEnvironmentMutation } from './api';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { createMockClient, type Handler } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import { FormModal } from '@/components/FormModal';

// Any payload with `errors` works; the environment mutation is a small real one of the schema.
const Create = CreateEnvironmentMutation;

interface Values extends Record<string, unknown> {
  name: string;
  description: string;
}

function Harness({ onClose }: { onClose: () => void }) {
  const [opened, setOpened] = useState(true);
  const [, create] = useMutationWithErrors(Create, (d) => d.createEnvironment, { failTitle: 'Could not create it' });
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', description: '' },
    validate: { description: (v) => (v.length > 5 ? 'Too long' : null) },
  });
  return (
    <FormModal
      opened={opened}
      onClose={() => {
        setOpened(false);
        onClose();
      }}
      title="New thing"
      form={form}
      values={{ name: '', description: '' }}
      submitLabel="Create"
      onSubmit={(v) => create({ input: { accountId: 'acc1', name: v.name, description: v.description } }, { success: 'Created it.' })}
    >
      <TextInput label="Name" {...form.getInputProps('name')} />
      <Textarea label="Description" {...form.getInputProps('description')} />
    </FormModal>
  );
}

function setup(handler: Handler) {
  const onClose = vi.fn();
  const mock = createMockClient({ CreateEnvironment: handler });
  renderRoute(<Harness onClose={onClose} />, { client: mock.client });
  return { mock, onClose };
}

describe('FormModal with useMutationWithErrors', () => {
  it('puts the API’s field errors on their fields, others above, and focuses the first invalid field', async () => {
    const user = userEvent.setup();
    const { mock, onClose } = setup(() => ({
      createEnvironment: {
        environment: null,
        errors: [
          { code: 'INVALID', field: 'input.description', message: 'Description is odd' },
          { code: 'INVALID', field: 'input.name', message: 'Name is taken' },
          { code: 'LIMIT', field: null, message: 'Too many environments' },
        ],
      },
    }));
    const dialog = await screen.findByRole('dialog', { name: 'New thing' });
    await user.type(within(dialog).getByLabelText('Name'), 'prod');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(mock.callsTo('CreateEnvironment')).toHaveLength(1));
    expect(await within(dialog).findByText('Name is taken')).toBeInTheDocument();
    expect(within(dialog).getByText('Description is odd')).toBeInTheDocument();
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Too many environments');
    const name = within(dialog).getByLabelText('Name');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    // Name comes first in the form, though the API listed description first.
    await waitFor(() => expect(name).toHaveFocus());
    expect(onClose).not.toHaveBeenCalled();
  }, 60_000);

  it('focuses the first field that fails client validation, sending nothing', async () => {
    const user = userEvent.setup();
    const { mock } = setup(() => ({ createEnvironment: { environment: null, errors: [] } }));
    const dialog = await screen.findByRole('dialog', { name: 'New thing' });
    await user.type(within(dialog).getByLabelText('Description'), 'much too long');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByText('Too long')).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByLabelText('Description')).toHaveFocus());
    expect(mock.callsTo('CreateEnvironment')).toHaveLength(0);
  }, 60_000);

  it('closes with a success toast when the payload has no errors', async () => {
    const user = userEvent.setup();
    const { onClose } = setup(({ input }) => ({
      createEnvironment: { environment: { id: 'e1', ...(input as object) }, errors: [] },
    }));
    const dialog = await screen.findByRole('dialog', { name: 'New thing' });
    await user.type(within(dialog).getByLabelText('Name'), 'prod');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(await screen.findByText('Created it.')).toBeInTheDocument();
  }, 60_000);

  it('keeps the dialog open and shows a toast when the server cannot be reached (throws nothing)', async () => {
    const user = userEvent.setup();
    const { onClose } = setup(() => {
      throw new Error('boom');
    });
    const dialog = await screen.findByRole('dialog', { name: 'New thing' });
    await user.type(within(dialog).getByLabelText('Name'), 'prod');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await screen.findByText('Could not create it')).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'New thing' })).toBeInTheDocument();
  }, 60_000);
});
