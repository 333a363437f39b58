import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import AppLayout from './AppLayout';

function at(url: string) {
  const { client } = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: 'ADMIN' } }),
    Accounts: () => ({ accounts: [{ id: 'acc1', name: 'Acme', myRole: 'ADMIN' }] }),
    Environments: () => ({ account: { id: 'acc1', environments: [{ id: 'env1', accountId: 'acc1', name: 'production', description: '', createdAt: '2026-01-01T00:00:00Z' }] } }),
  });
  return renderRoute(null, {
    client,
    url,
    routes: [{ path: '/accounts/:accountId', element: <AppLayout />, children: [{ path: '*', element: <p>page</p> }] }],
  });
}

describe('environment switcher', () => {
  it('is shown on the pages it filters', async () => {
    at('/accounts/acc1/farms');
    expect(await screen.findByTestId('environment-switcher')).toBeInTheDocument();
  });

  it('is not shown where it filters nothing', async () => {
    at('/accounts/acc1/incidents');
    expect(await screen.findByText('page')).toBeInTheDocument();
    // The role has loaded (the navigation depends on it), so the switcher would be there by now.
    expect(await screen.findByRole('link', { name: 'Activity' })).toBeInTheDocument();
    expect(screen.queryByTestId('environment-switcher')).not.toBeInTheDocument();
  });
});
