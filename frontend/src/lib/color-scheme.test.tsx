import { Menu } from '@mantine/core';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ColorSchemeControl } from '@/components/ColorSchemeControl';
import { useApplyUserColorScheme, userColorSchemeKey } from '@/lib/color-scheme';
import { createMockClient } from '@/testing/mock-client';
import { makeSession, Providers, testUser } from '@/testing/render';

function Shell() {
  useApplyUserColorScheme();
  return (
    <Menu opened>
      <Menu.Target>
        <button type="button">menu</button>
      </Menu.Target>
      <Menu.Dropdown>
        <ColorSchemeControl />
      </Menu.Dropdown>
    </Menu>
  );
}

function renderAs(userId: string) {
  const { client } = createMockClient({});
  return render(
    <Providers client={client} session={makeSession({ ...testUser, id: userId })}>
      <Shell />
    </Providers>,
  );
}

const scheme = () => document.documentElement.getAttribute('data-mantine-color-scheme');

describe('colour scheme', () => {
  it('follows the system until the user picks one, and keeps each user’s choice apart', async () => {
    const user = userEvent.setup();
    const ada = renderAs('user-ada');
    // Nothing chosen: System (the OS says light here).
    expect(screen.getByRole('radio', { name: 'System' })).toBeChecked();
    await waitFor(() => expect(scheme()).toBe('light'));

    await user.click(screen.getByText('Dark'));
    await waitFor(() => expect(scheme()).toBe('dark'));
    expect(screen.getByRole('radio', { name: 'Dark' })).toBeChecked();
    expect(window.localStorage.getItem(userColorSchemeKey('user-ada'))).toBe('dark');
    ada.unmount();

    // Another user on the same browser gets their own (none yet: System).
    const bob = renderAs('user-bob');
    await waitFor(() => expect(screen.getByRole('radio', { name: 'System' })).toBeChecked());
    await waitFor(() => expect(scheme()).toBe('light'));
    bob.unmount();

    // Ada again, as after a reload: still dark.
    renderAs('user-ada');
    await waitFor(() => expect(screen.getByRole('radio', { name: 'Dark' })).toBeChecked());
    expect(scheme()).toBe('dark');
  });
});
