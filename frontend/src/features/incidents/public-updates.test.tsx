import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockClient, type Handler } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import { PublicIncidentPanel } from './components/PublicIncidentPanel';
import { fillTemplate } from './public-api';

const incident = { id: 'i1', title: 'Orders DB CPU high', severity: 'HIGH', component: { id: 'c1', status: 'PARTIAL_OUTAGE' as const } };
const comp = (id: string, name: string) => ({ id, name });
const update = (id: string, status: string, message: string, over: Record<string, unknown> = {}) => ({
  id,
  status,
  message,
  author: 'Ada',
  createdAt: '2026-12-07T10:00:00Z',
  editedAt: null,
  notifySubscribers: true,
  components: [{ status: 'PARTIAL_OUTAGE', component: comp('c1', 'Orders DB') }],
  ...over,
});
const publicIncident = (over: Record<string, unknown> = {}) => ({
  __typename: 'PublicIncident',
  id: 'pi1',
  title: 'Slow orders',
  status: 'INVESTIGATING',
  impact: 'MAJOR',
  auto: false,
  postmortem: '',
  postmortemPublishedAt: null,
  createdAt: '2026-12-07T10:00:00Z',
  resolvedAt: null,
  components: [{ status: 'PARTIAL_OUTAGE', component: comp('c1', 'Orders DB') }],
  updates: [update('u1', 'INVESTIGATING', 'Looking into it.'), update('u2', 'IDENTIFIED', 'Found a bad index.', { editedAt: '2026-12-07T11:00:00Z' })],
  pages: [{ id: 'p1', name: 'Acme status', url: 'http://sb.test/status/acme' }],
  ...over,
});

function setup(pi: unknown, handlers: Record<string, Handler> = {}) {
  const mock = createMockClient({
    IncidentPublic: () => ({ incident: { id: 'i1', isTest: false, publicIncident: pi } }),
    ComponentOptions: () => ({ account: { id: 'acc1', components: [{ id: 'c1', name: 'Orders DB', group: '' }, { id: 'c2', name: 'API', group: '' }] } }),
    UpdateTemplates: () => ({
      account: {
        id: 'acc1',
        updateTemplates: [{ id: 't1', name: 'Identified', title: 'Trouble with {component}', status: 'IDENTIFIED', message: 'We found the cause on {component}.' }],
      },
    }),
    ...handlers,
  });
  renderRoute(<PublicIncidentPanel accountId="acc1" incident={incident} canAct />, {
    client: mock.client,
    path: '/accounts/:accountId/incidents/:incidentId',
    url: '/accounts/acc1/incidents/i1',
  });
  return mock;
}

describe('public incident updates', () => {
  it('publishes the first update with title, impact, components and their public status', async () => {
    const user = userEvent.setup();
    const mock = setup(null, {
      PostIncidentUpdate: () => ({ postIncidentUpdate: { publicIncident: publicIncident(), errors: [] } }),
    });
    expect(await screen.findByText(/Nothing published yet/)).toBeInTheDocument();
    const form = screen.getByRole('form', { name: 'Post a public update' });
    expect(within(form).getByRole('textbox', { name: 'Public title' })).toHaveValue('Orders DB CPU high');
    expect(within(form).getByRole('textbox', { name: 'Impact' })).toHaveValue('Major');
    await waitFor(() => expect(within(form).getByRole('textbox', { name: 'Public status of Orders DB' })).toHaveValue('◐ Partial outage'));
    // Add the API as degraded.
    await user.click(within(form).getByRole('textbox', { name: 'Add an affected component' }));
    await user.click(await screen.findByRole('option', { name: 'API' }));
    await user.click(within(form).getByRole('button', { name: 'Publish update' }));
    expect(await within(form).findByText('Write what customers should know')).toBeInTheDocument();
    await user.type(within(form).getByRole('textbox', { name: 'Message' }), 'Orders are slow.');
    await user.click(within(form).getByRole('checkbox', { name: 'Notify subscribers' }));
    await user.click(within(form).getByRole('button', { name: 'Publish update' }));
    await waitFor(() => expect(mock.callsTo('PostIncidentUpdate')).toHaveLength(1));
    expect(mock.callsTo('PostIncidentUpdate')[0].variables).toEqual({
      input: {
        incidentId: 'i1',
        title: 'Orders DB CPU high',
        status: 'INVESTIGATING',
        impact: 'MAJOR',
        message: 'Orders are slow.',
        components: [
          { componentId: 'c1', status: 'PARTIAL_OUTAGE' },
          { componentId: 'c2', status: 'DEGRADED_PERFORMANCE' },
        ],
        notifySubscribers: false,
      },
    });
  }, 60_000);

  it('fills the composer from a template, and shows a refusal from the server', async () => {
    const user = userEvent.setup();
    setup(publicIncident(), {
      PostIncidentUpdate: () => ({
        postIncidentUpdate: {
          publicIncident: null,
          errors: [{ code: 'CONFLICT', field: null, message: 'the public incident is resolved: correct an update or add a postmortem instead' }],
        },
      }),
    });
    const form = await screen.findByRole('form', { name: 'Post a public update' });
    expect(within(form).queryByRole('textbox', { name: 'Public title' })).not.toBeInTheDocument();
    await user.click(within(form).getByRole('textbox', { name: 'Template' }));
    await user.click(await screen.findByRole('option', { name: 'Identified' }));
    expect(within(form).getByRole('textbox', { name: 'Message' })).toHaveValue('We found the cause on Orders DB.');
    expect(within(form).getByRole('textbox', { name: 'Status' })).toHaveValue('Identified');
    await user.click(within(form).getByRole('button', { name: 'Post update' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('the public incident is resolved');
  }, 60_000);

  it('lists the published updates newest first, marks edited ones and corrects one', async () => {
    const user = userEvent.setup();
    const mock = setup(publicIncident(), {
      EditIncidentUpdate: () => ({ editIncidentUpdate: { publicIncident: publicIncident(), errors: [] } }),
    });
    const list = await screen.findByRole('list', { name: 'Published updates' });
    const items = within(list).getAllByTestId('public-update');
    expect(items[0]).toHaveTextContent('Identified');
    expect(items[0]).toHaveTextContent('Edited');
    expect(items[1]).toHaveTextContent('Looking into it.');
    expect(items[1]).not.toHaveTextContent('Edited');
    expect(screen.getByRole('link', { name: 'Acme status' })).toHaveAttribute('href', 'http://sb.test/status/acme');
    await user.click(within(items[1]).getByRole('button', { name: 'Edit' }));
    const box = within(items[1]).getByRole('textbox', { name: 'Corrected message' });
    await user.clear(box);
    await user.type(box, 'Looking into slow orders.');
    await user.click(within(items[1]).getByRole('button', { name: 'Save correction' }));
    await waitFor(() => expect(mock.callsTo('EditIncidentUpdate')[0]?.variables).toEqual({ input: { id: 'u1', message: 'Looking into slow orders.' } }));
  }, 30_000);

  it('once resolved: no composer, a postmortem editor', async () => {
    const user = userEvent.setup();
    const mock = setup(publicIncident({ status: 'RESOLVED', resolvedAt: '2026-12-07T12:00:00Z' }), {
      SetPostmortem: () => ({ setPostmortem: { publicIncident: publicIncident({ status: 'RESOLVED' }), errors: [] } }),
    });
    const pm = await screen.findByRole('form', { name: 'Postmortem' });
    expect(screen.queryByRole('form', { name: 'Post a public update' })).not.toBeInTheDocument();
    await user.type(within(pm).getByRole('textbox', { name: 'Postmortem' }), 'An index was dropped.');
    await user.click(within(pm).getByRole('button', { name: 'Save postmortem' }));
    await waitFor(() =>
      expect(mock.callsTo('SetPostmortem')[0]?.variables).toEqual({ input: { publicIncidentId: 'pi1', postmortem: 'An index was dropped.', publish: true } }),
    );
  }, 30_000);

  it('saves the composer text as a template', async () => {
    const user = userEvent.setup();
    const mock = setup(publicIncident(), {
      SaveUpdateTemplate: () => ({ saveUpdateTemplate: { template: { id: 't2', name: 'x', title: '', status: 'MONITORING', message: 'm' }, errors: [] } }),
    });
    const form = await screen.findByRole('form', { name: 'Post a public update' });
    await user.type(within(form).getByRole('textbox', { name: 'Message' }), 'A fix is out; we watch {{component}.');
    await user.click(within(form).getByRole('button', { name: 'Manage templates' }));
    const dialog = await screen.findByRole('dialog', { name: 'Update templates' });
    expect(within(dialog).getByRole('listitem')).toHaveTextContent('Identified');
    await user.type(within(dialog).getByRole('textbox', { name: 'Template name' }), 'Fix out');
    await user.click(within(dialog).getByRole('button', { name: 'Save template' }));
    await waitFor(() => expect(mock.callsTo('SaveUpdateTemplate')).toHaveLength(1));
    expect(mock.callsTo('SaveUpdateTemplate')[0].variables).toEqual({
      input: { accountId: 'acc1', name: 'Fix out', title: 'Slow orders', status: 'IDENTIFIED', message: 'A fix is out; we watch {component}.' },
    });
    expect(mock.callsTo('PostIncidentUpdate')).toHaveLength(0);
  }, 30_000);

  it('fills {component}', () => {
    expect(fillTemplate('Trouble on {component}', ['API', 'DB'])).toBe('Trouble on API, DB');
    expect(fillTemplate('Trouble on {component}', [])).toBe('Trouble on the service');
  });
});
