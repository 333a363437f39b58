import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { dayText, formatUptime } from '@/components/UptimeBars';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import ComponentsPage from './ComponentsPage';

const days = (n: number, worstAt: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => ({
    date: new Date(Date.UTC(2026, 8, 9 + i)).toISOString(),
    percent: i < 10 ? null : worstAt[i] ? 97.5 : 100,
    worst: worstAt[i] ?? 'OPERATIONAL',
  }));

function setup() {
  const mock = createMockClient({
    Components: () => ({
      account: {
        id: 'acc1',
        myRole: 'ADMIN',
        components: [
          {
            id: 'c1',
            accountId: 'acc1',
            name: 'Checkout',
            description: '',
            group: '',
            status: 'OPERATIONAL',
            statusOverride: null,
            openIncidentCount: 0,
            escalationPolicy: null,
            slackChannel: '',
            createdAt: '2026-01-01T00:00:00Z',
            updatedAt: '2026-01-01T00:00:00Z',
          },
        ],
      },
    }),
    ComponentStatusPage: ({ source }) => ({
      component: {
        id: 'c1',
        name: 'Checkout',
        publicStatus: 'DEGRADED_PERFORMANCE',
        autoPublish: false,
        autoPublishAfterMinutes: 10,
        uptime: {
          percent: source === 'INTERNAL' ? 98.2 : 99.95,
          days: days(90, source === 'INTERNAL' ? { 50: 'MAJOR_OUTAGE' } : { 50: 'PARTIAL_OUTAGE' }),
        },
      },
    }),
    SetComponentAutoPublish: ({ input }) => ({
      setComponentAutoPublish: { component: { id: 'c1', autoPublish: true, autoPublishAfterMinutes: 15 }, errors: [], input },
    }),
  });
  renderRoute(<ComponentsPage />, { client: mock.client, path: '/accounts/:accountId/components', url: '/accounts/acc1/components' });
  return mock;
}

describe('component status page drawer', () => {
  it('shows 90 uptime bars, switches between published and internal, and saves auto-publish', async () => {
    const user = userEvent.setup();
    const mock = setup();
    await user.click(await screen.findByRole('button', { name: 'Status page settings of Checkout' }));
    const drawer = await screen.findByRole('dialog', { name: 'Checkout: status page' });
    const bars = await within(drawer).findAllByTestId('uptime-bar');
    expect(bars).toHaveLength(90);
    expect(bars[0]).toHaveAttribute('data-worst', 'none');
    expect(bars[50]).toHaveAttribute('data-worst', 'PARTIAL_OUTAGE');
    expect(bars[50].getAttribute('aria-label')).toMatch(/97\.5% uptime, partial outage$/);
    expect(within(drawer).getByTestId('uptime-percent')).toHaveTextContent('99.95%');
    expect(within(drawer).getByTestId('public-status')).toHaveTextContent('Degraded performance');

    await user.click(within(drawer).getByText('Internal'));
    await waitFor(() => expect(within(drawer).getByTestId('uptime-percent')).toHaveTextContent('98.2%'));
    expect(within(drawer).getAllByTestId('uptime-bar')[50]).toHaveAttribute('data-worst', 'MAJOR_OUTAGE');
    expect(mock.callsTo('ComponentStatusPage').at(-1)?.variables).toEqual({ id: 'c1', source: 'INTERNAL' });

    const form = within(drawer).getByRole('form', { name: 'Auto-publish' });
    const minutes = within(form).getByRole('textbox', { name: 'After (minutes)' });
    expect(minutes).toBeDisabled();
    await user.click(within(form).getByRole('switch', { name: 'Publish CloudWatch incidents automatically' }));
    await user.clear(minutes);
    await user.click(within(form).getByRole('button', { name: 'Save auto-publish' }));
    expect(await within(form).findByText('Between 1 and 1440 minutes')).toBeInTheDocument();
    expect(mock.callsTo('SetComponentAutoPublish')).toHaveLength(0);
    await user.clear(minutes);
    await user.type(minutes, '15');
    await user.click(within(form).getByRole('button', { name: 'Save auto-publish' }));
    await waitFor(() =>
      expect(mock.callsTo('SetComponentAutoPublish')[0]?.variables).toEqual({ input: { componentId: 'c1', autoPublish: true, afterMinutes: 15 } }),
    );
  }, 60_000);

  it('writes uptime as the public page does', () => {
    expect(formatUptime(99.999)).toBe('100%');
    expect(formatUptime(99.95)).toBe('99.95%');
    expect(formatUptime(null)).toBe('no data');
    expect(dayText({ date: '2026-12-01T00:00:00Z', percent: null, worst: 'OPERATIONAL' })).toMatch(/no data$/);
  });
});
