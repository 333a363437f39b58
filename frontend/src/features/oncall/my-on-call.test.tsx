import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import MyOnCallPage from './MyOnCallPage';

const method = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  kind: 'EMAIL',
  label: '',
  address: 'ada@example.test',
  isPrimary: false,
  verified: true,
  disabled: false,
  createdAt: '2026-12-01T00:00:00Z',
  endpoint: null,
  ...over,
});

function setup() {
  const mock = createMockClient({
    MyOnCall: () => ({
      me: {
        user: {
          id: 'user-1',
          contactMethods: [
            method('cm1', { isPrimary: true, label: 'Account email' }),
            method('cm2', { kind: 'NTFY', label: 'Phone', address: 'https://ntfy.example/ada' }),
            method('cm3', { address: 'ada@home.example', verified: false }),
          ],
          notificationRules: [{ id: 'r1', delayMinutes: 0, contactMethod: { id: 'cm1' } }],
        },
      },
      account: {
        id: 'acc1',
        myRole: 'MEMBER',
        myShifts: [
          {
            startsAt: '2026-12-08T09:00:00Z',
            endsAt: '2026-12-09T09:00:00Z',
            user: { id: 'user-1', name: 'Ada', email: 'ada@example.test' },
            layer: { id: 'l1', name: 'Primary', position: 0 },
            override: null,
          },
        ],
        myOpenPages: [
          {
            id: 'i1',
            title: 'Orders DB CPU high',
            severity: 'CRITICAL',
            status: 'TRIGGERED',
            openedAt: '2026-12-07T10:00:00Z',
            component: { id: 'c1', name: 'Orders DB' },
          },
        ],
        calendarFeeds: [],
      },
    }),
    MyNotifications: () => ({
      account: {
        id: 'acc1',
        myNotifications: {
          edges: [
            {
              cursor: 'c1',
              node: {
                id: 'n1',
                reason: 'page',
                channel: 'NTFY',
                recipient: 'https://ntfy.example/ada',
                level: 1,
                status: 'FAILED',
                attempts: 5,
                lastError: 'HTTP 403 from ntfy',
                createdAt: '2026-12-07T10:00:01Z',
                sentAt: null,
                incident: { id: 'i1', title: 'Orders DB CPU high' },
              },
            },
          ],
          pageInfo: { hasNextPage: false, endCursor: null },
        },
      },
    }),
    CreateContactMethod: () => ({
      createContactMethod: {
        contactMethod: null,
        errors: [{ code: 'INVALID', field: 'input.address', message: 'ntfy topic must be an https URL' }],
      },
    }),
    SetNotificationRules: ({ rules }) => ({
      setNotificationRules: {
        rules: (rules as { contactMethodId: string; delayMinutes: number }[]).map((r, i) => ({
          id: `r${i}`,
          delayMinutes: r.delayMinutes,
          contactMethod: { id: r.contactMethodId },
        })),
        errors: [],
      },
    }),
    SendTestNotification: () => ({ sendTestNotification: { notification: { id: 'n9', status: 'PENDING' }, errors: [] } }),
    ResendContactVerification: () => ({ resendContactVerification: { contactMethod: method('cm3', { verified: false }), errors: [] } }),
  });
  renderRoute(<MyOnCallPage />, { client: mock.client, path: '/accounts/:accountId/my-on-call', url: '/accounts/acc1/my-on-call' });
  return mock;
}

describe('My on-call', () => {
  it('shows my shifts, open pages, methods and notifications', async () => {
    setup();
    expect(await screen.findByRole('link', { name: 'Orders DB CPU high', hidden: false }, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'My next shifts (14 days)' })).toHaveTextContent('Primary');
    const methods = screen.getByRole('table', { name: 'My contact methods' });
    expect(within(methods).getAllByRole('row')[0]).toHaveTextContent('Primary');
    expect(within(methods).getAllByRole('row')[2]).toHaveTextContent('Not verified');
    const notes = await screen.findByRole('table', { name: 'My notifications' });
    expect(notes).toHaveTextContent('Failed');
    expect(notes).toHaveTextContent('HTTP 403 from ntfy');
  }, 60_000);

  it("adds a contact method and puts the API's error on the address", async () => {
    const user = userEvent.setup();
    const mock = setup();
    await user.click(await screen.findByRole('button', { name: 'Add contact method' }));
    const dialog = await screen.findByRole('dialog', { name: 'New contact method' });
    await user.click(within(dialog).getByRole('textbox', { name: 'Kind' }));
    await user.click(await screen.findByRole('option', { name: 'ntfy push' }));
    const address = within(dialog).getByRole('textbox', { name: 'ntfy topic URL' });
    await user.type(address, 'http://ntfy.example/ada');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(await within(dialog).findByText('ntfy topic must be an https URL')).toBeInTheDocument();
    await waitFor(() => expect(address).toHaveFocus());
    expect(mock.callsTo('CreateContactMethod')[0].variables).toEqual({
      input: { kind: 'NTFY', label: null, address: 'http://ntfy.example/ada', endpointId: null, token: null },
    });
  }, 60_000);

  it('saves notification rules and sends a test notification', async () => {
    const user = userEvent.setup();
    const mock = setup();
    await user.click(await screen.findByRole('button', { name: 'Add rule' }));
    const rule2 = screen.getByRole('group', { name: 'Rule 2' });
    await user.click(within(rule2).getByRole('textbox', { name: 'Notify' }));
    await user.click(await screen.findByRole('option', { name: /Phone/ }));
    const delay = within(rule2).getByRole('textbox', { name: 'After (minutes)' });
    await user.clear(delay);
    await user.type(delay, '10');
    await user.click(screen.getByRole('button', { name: 'Save rules' }));
    await waitFor(() => expect(mock.callsTo('SetNotificationRules')).toHaveLength(1));
    expect(mock.callsTo('SetNotificationRules')[0].variables).toEqual({
      rules: [
        { contactMethodId: 'cm1', delayMinutes: 0 },
        { contactMethodId: 'cm2', delayMinutes: 10 },
      ],
    });

    await user.click(screen.getByRole('button', { name: 'Actions for Phone' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Send test notification' }));
    await waitFor(() => expect(mock.callsTo('SendTestNotification')).toHaveLength(1));
    expect(mock.callsTo('SendTestNotification')[0].variables).toEqual({ contactMethodId: 'cm2' });
    expect(await screen.findByText('Test notification sent to Phone.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Actions for ada@home.example' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Resend verification' }));
    await waitFor(() => expect(mock.callsTo('ResendContactVerification')).toHaveLength(1));
  }, 90_000);
});
