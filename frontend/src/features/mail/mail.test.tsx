import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import OutgoingMailPage from './OutgoingMailPage';

const message = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  kind: 'PAGE',
  to: 'ana@example.test',
  subject: `[CRITICAL] Checkout API ${id}`,
  textBody: `Orders DB CPU above 90%.\nAcknowledge: https://sb.example.test/ack/${id}`,
  status: 'KEPT',
  attempts: 0,
  lastError: '',
  providerAnswer: '',
  createdAt: '2026-12-07T10:00:00Z',
  sentAt: null,
  nextAttemptAt: null,
  ...over,
});

function setup(mailSending: boolean, nodes: ReturnType<typeof message>[], role = 'ADMIN') {
  const mock = createMockClient({
    AccountRole: () => ({ account: { id: 'acc1', name: 'Acme', myRole: role } }),
    OutgoingMail: () => ({
      account: {
        id: 'acc1',
        mailSending,
        outgoingMail: {
          edges: nodes.map((node) => ({ cursor: `c-${node.id}`, node })),
          pageInfo: { hasNextPage: false, endCursor: null },
        },
      },
    }),
  });
  renderRoute(<OutgoingMailPage />, { client: mock.client, path: '/accounts/:accountId/mail', url: '/accounts/acc1/mail' });
  return mock;
}

describe('OutgoingMailPage', () => {
  it('says mail is kept without SMTP and shows a message body on demand', async () => {
    const user = userEvent.setup();
    setup(false, [message('m1'), message('m2', { status: 'FAILED', attempts: 8, lastError: '550 5.1.1 no such user' })]);
    const table = await screen.findByRole('table', { name: 'Outgoing mail' });
    expect(screen.getByText('Mail is kept, not sent')).toBeInTheDocument();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Kept, not sent');
    expect(rows[1]).toHaveTextContent('Failed');
    expect(rows[1]).toHaveTextContent('8 attempts');
    expect(screen.queryByTestId('mail-text')).not.toBeInTheDocument();

    const toggle = screen.getByRole('button', { name: /Checkout API m1/ });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByTestId('mail-text')).toHaveTextContent('Acknowledge: https://sb.example.test/ack/m1');

    await user.click(screen.getByRole('button', { name: /Checkout API m2/ }));
    expect(screen.getByText('550 5.1.1 no such user')).toBeInTheDocument();
  });

  it('shows no kept-mail warning when SMTP is configured, and an empty state', async () => {
    setup(true, []);
    expect(await screen.findByText('No mail yet')).toBeInTheDocument();
    expect(screen.queryByText('Mail is kept, not sent')).not.toBeInTheDocument();
  });
});
