import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { fakeSessionApi, makeSession, renderRoute, testUser } from '@/testing/render';
import ProfilePage from './ProfilePage';

function setup(changePassword: (v: Record<string, unknown>) => unknown) {
  const login = vi.fn(async () => makeSession());
  const mock = createMockClient({
    Profile: () => ({
      me: {
        authMethod: 'SESSION',
        user: { ...testUser, createdAt: '2026-01-01T00:00:00Z', memberships: [] },
      },
    }),
    ChangePassword: changePassword,
  });
  renderRoute(<ProfilePage />, { client: mock.client, api: fakeSessionApi({ login }) });
  return { mock, login };
}

async function fill(user: ReturnType<typeof userEvent.setup>, current: string, next: string) {
  await user.type(await screen.findByLabelText(/^Current password/), current);
  await user.type(screen.getByLabelText(/^New password/), next);
  await user.type(screen.getByLabelText(/^Confirm new password/), next);
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('Profile: change password', () => {
  it('shows a wrong current password next to that field', async () => {
    const user = userEvent.setup();
    const { login } = setup(() => ({
      changePassword: {
        ok: false,
        errors: [{ code: 'INVALID', field: 'currentPassword', message: 'current password is wrong' }],
      },
    }));
    await fill(user, 'not it at all', 'a brand new password');
    await waitFor(() =>
      expect(screen.getByLabelText(/^Current password/)).toHaveAccessibleDescription('current password is wrong'),
    );
    expect(login).not.toHaveBeenCalled();
  });

  it('signs this browser in again with the new password, as the server revokes all sessions', async () => {
    const user = userEvent.setup();
    const { mock, login } = setup(() => ({ changePassword: { ok: true, errors: [] } }));
    await fill(user, 'the old password', 'a brand new password');
    await waitFor(() =>
      expect(login).toHaveBeenCalledWith({ email: testUser.email, password: 'a brand new password' }),
    );
    expect(mock.callsTo('ChangePassword')[0].variables).toEqual({
      input: { currentPassword: 'the old password', newPassword: 'a brand new password' },
    });
  });
});
