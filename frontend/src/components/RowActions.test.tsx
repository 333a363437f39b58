import { MantineProvider } from '@mantine/core';
import { IconGavel } from '@tabler/icons-react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { theme } from '@/config/theme';
import { RowActions } from './RowActions';

function renderRow(ui: React.ReactElement) {
  const router = createMemoryRouter([{ path: '*', element: <div data-testid="row">{ui}</div> }], { initialEntries: ['/list'] });
  render(
    <MantineProvider theme={theme} env="test">
      <RouterProvider router={router} />
    </MantineProvider>,
  );
  return within(screen.getByTestId('row'));
}

describe('RowActions', () => {
  it('names each button after the row, in order: extra actions, edit, delete', async () => {
    const user = userEvent.setup();
    const onSettings = vi.fn();
    const onEdit = vi.fn();
    const onDelete = vi.fn();
    const row = renderRow(
      <RowActions
        name="staging"
        actions={[{ label: 'Approval settings', name: 'Approval settings of staging', icon: IconGavel, onClick: onSettings }, false]}
        onEdit={onEdit}
        onDelete={onDelete}
      />,
    );
    const buttons = row.getAllByRole('button');
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(['Approval settings of staging', 'Edit staging', 'Delete staging']);

    await user.click(row.getByRole('button', { name: 'Edit staging' }));
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(onDelete).not.toHaveBeenCalled();
    await user.click(row.getByRole('button', { name: 'Delete staging' }));
    expect(onDelete).toHaveBeenCalledTimes(1);
    await user.click(row.getByRole('button', { name: 'Approval settings of staging' }));
    expect(onSettings).toHaveBeenCalledTimes(1);

    // The tooltip says what the button does.
    await user.hover(row.getByRole('button', { name: 'Delete staging' }));
    expect(await screen.findByRole('tooltip')).toHaveTextContent('Delete');
  });

  it('makes edit a link when given a path, and says Remove where the row is taken out', () => {
    const row = renderRow(<RowActions name="ops@example.test" editTo="/accounts/acc1/webhooks/w1" onDelete={() => {}} deleteLabel="Remove" />);
    expect(row.getByRole('link', { name: 'Edit ops@example.test' })).toHaveAttribute('href', '/accounts/acc1/webhooks/w1');
    expect(row.getByRole('button', { name: 'Remove ops@example.test' })).toBeInTheDocument();
    expect(row.queryByRole('button', { name: /^Delete/ })).not.toBeInTheDocument();
  });

  it('renders nothing but what it is given (viewers get no edit or delete)', () => {
    const row = renderRow(<RowActions name="payments" />);
    expect(row.queryAllByRole('button')).toHaveLength(0);
    expect(row.queryAllByRole('link')).toHaveLength(0);
  });

  it('shows a disabled action as disabled', () => {
    const row = renderRow(
      <RowActions name="a" actions={[{ label: 'Approval settings', name: 'Approval settings of a', icon: IconGavel, onClick: () => {}, disabled: true }]} />,
    );
    expect(row.getByRole('button', { name: 'Approval settings of a' })).toBeDisabled();
  });
});
