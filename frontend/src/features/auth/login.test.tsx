import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import LoginPage from './LoginPage';

describe('sign-in form', () => {
  it('reaches the show-password button by Tab and toggles it with Space', async () => {
    const user = userEvent.setup();
    const { client } = createMockClient({});
    renderRoute(<LoginPage />, { client, session: null, path: '/login', url: '/login' });
    const password = await screen.findByLabelText(/^Password/);
    await user.click(password);
    await user.keyboard('secret');
    await user.tab();
    const toggle = screen.getByRole('button', { name: 'Show password' });
    expect(toggle).toHaveFocus();
    expect(password).toHaveAttribute('type', 'password');
    await user.keyboard(' ');
    expect(password).toHaveAttribute('type', 'text');
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
  });

  it('moves focus to the first invalid field on submit', async () => {
    const user = userEvent.setup();
    const { client } = createMockClient({});
    renderRoute(<LoginPage />, { client, session: null, path: '/login', url: '/login' });
    const email = await screen.findByLabelText(/^Email/);
    const password = screen.getByLabelText(/^Password/);
    await user.type(email, 'ana@example.com');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(password).toHaveFocus());
    await user.clear(email);
    await user.type(email, 'not an address');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(email).toHaveFocus());
  });
});
