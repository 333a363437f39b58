import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/auth/session-api';
import { SetupForm } from './SetupForm';

function renderForm(onSubmit = vi.fn(async () => {})) {
  render(
    <MantineProvider env="test">
      <SetupForm onSubmit={onSubmit} />
    </MantineProvider>,
  );
  return onSubmit;
}

const field = (name: string) => screen.getByRole('textbox', { name }) as HTMLInputElement;
// Password inputs have no textbox role in jsdom's ARIA mapping; find them by label.
const password = (label: RegExp) => screen.getByLabelText(label) as HTMLInputElement;

async function fillValid(user: ReturnType<typeof userEvent.setup>) {
  await user.type(field('Your name'), 'Ada Admin');
  await user.type(field('Email'), 'ada@example.test');
  await user.type(password(/^Password/), 'long enough password');
  await user.type(password(/^Confirm password/), 'long enough password');
  await user.type(field('Account name'), 'Acme');
}

describe('SetupForm', () => {
  it('validates every field before anything is sent', async () => {
    const user = userEvent.setup();
    const onSubmit = renderForm();
    await user.type(password(/^Password/), 'short');
    await user.type(password(/^Confirm password/), 'different');
    await user.click(screen.getByRole('button', { name: 'Create administrator' }));

    expect(onSubmit).not.toHaveBeenCalled();
    expect(field('Your name')).toHaveAccessibleDescription('Name is required');
    expect(field('Email')).toHaveAccessibleDescription('Enter a valid email address');
    expect(password(/^Password/)).toHaveAccessibleDescription(/Use 10 to 128 characters/);
    expect(password(/^Confirm password/)).toHaveAccessibleDescription('The passwords do not match');
    expect(field('Account name')).toHaveAccessibleDescription(/Account name is required/);
    expect(field('Email')).toHaveAttribute('aria-invalid', 'true');
  });

  it('sends the trimmed input without the confirmation', async () => {
    const user = userEvent.setup();
    const onSubmit = renderForm();
    await fillValid(user);
    await user.type(field('Account name'), '  ');
    await user.click(screen.getByRole('button', { name: 'Create administrator' }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: 'Ada Admin',
      email: 'ada@example.test',
      password: 'long enough password',
      accountName: 'Acme',
    });
  });

  it('shows a server field error next to that field', async () => {
    const user = userEvent.setup();
    renderForm(
      vi.fn(async () => {
        throw new ApiError('invalid', 'this address cannot receive mail', 400, 'email');
      }),
    );
    await fillValid(user);
    await user.click(screen.getByRole('button', { name: 'Create administrator' }));
    expect(await screen.findByText('this address cannot receive mail')).toBeInTheDocument();
    expect(field('Email')).toHaveAccessibleDescription('this address cannot receive mail');
    expect(field('Your name')).not.toHaveAttribute('aria-invalid', 'true');
  });

  it('explains when setup was already done', async () => {
    const user = userEvent.setup();
    renderForm(
      vi.fn(async () => {
        throw new ApiError('conflict', 'already set up', 409);
      }),
    );
    await fillValid(user);
    await user.click(screen.getByRole('button', { name: 'Create administrator' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('already been set up');
  });
});
