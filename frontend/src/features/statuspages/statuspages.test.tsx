import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rollup, worstStatus } from '@/lib/public-status';
import { createMockClient, type Handler } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import StatusPageEditorPage from './StatusPageEditorPage';
import StatusPagesPage from './StatusPagesPage';
import { componentsInput, groupsOf, move, slugify } from './form';

const components = [
  { id: 'c1', name: 'API', group: '', publicStatus: 'OPERATIONAL' },
  { id: 'c2', name: 'Database', group: '', publicStatus: 'MAJOR_OUTAGE' },
  { id: 'c3', name: 'CDN', group: '', publicStatus: 'UNDER_MAINTENANCE' },
];
const componentOptions = () => ({ account: { id: 'acc1', myRole: 'ADMIN', components } });

const page = (over: Record<string, unknown> = {}) => ({
  __typename: 'StatusPage',
  id: 'p1',
  accountId: 'acc1',
  name: 'Acme',
  slug: 'acme',
  headline: '',
  logoUrl: '',
  brandColor: '',
  supportUrl: '',
  customHost: null,
  visibility: 'PUBLIC',
  timeZone: 'UTC',
  url: 'http://sb.test/status/acme',
  subscriberCount: 2,
  updatedAt: '2026-12-01T00:00:00Z',
  components: [
    { group: 'Core', position: 2, displayName: 'Database', component: { id: 'c2', name: 'Database', publicStatus: 'MAJOR_OUTAGE' } },
    { group: 'Core', position: 1, displayName: 'Public API', component: { id: 'c1', name: 'API', publicStatus: 'OPERATIONAL' } },
    { group: 'Edge', position: 3, displayName: 'CDN', component: { id: 'c3', name: 'CDN', publicStatus: 'UNDER_MAINTENANCE' } },
  ],
  viewers: [],
  ...over,
});

const subscribers = () => ({
  statusPage: {
    id: 'p1',
    subscriberCount: 1,
    subscribers: {
      totalCount: 2,
      pageInfo: { hasNextPage: false, endCursor: null },
      nodes: [
        {
          id: 's1',
          kind: 'EMAIL',
          address: 'a***@example.com',
          topics: ['INCIDENTS', 'MAINTENANCE'],
          components: [],
          createdAt: '2026-12-01T00:00:00Z',
          confirmedAt: '2026-12-01T00:05:00Z',
          lastError: '',
        },
        {
          id: 's2',
          kind: 'WEBHOOK',
          address: 'https://hooks.example.com/…',
          topics: ['COMPONENT_STATUS'],
          components: [{ id: 'c1', name: 'API' }],
          createdAt: '2026-12-01T00:00:00Z',
          confirmedAt: null,
          lastError: '',
        },
      ],
    },
  },
});

function renderEditor(url: string, handlers: Record<string, Handler>) {
  const mock = createMockClient({ PageComponentOptions: componentOptions, StatusSubscribers: subscribers, ...handlers });
  renderRoute(null, {
    client: mock.client,
    routes: [
      { path: '/accounts/:accountId/status-pages/new', element: <StatusPageEditorPage /> },
      { path: '/accounts/:accountId/status-pages/:pageId', element: <StatusPageEditorPage /> },
    ],
    url,
  });
  return mock;
}

async function pick(user: ReturnType<typeof userEvent.setup>, label: string, option: string) {
  await user.click(screen.getByRole('textbox', { name: label }));
  await user.click(await screen.findByRole('option', { name: option }));
}

afterEach(() => vi.restoreAllMocks());

describe('status pages list', () => {
  it('shows name, slug, visibility, public link and subscriber count', async () => {
    const mock = createMockClient({
      StatusPages: () => ({
        account: {
          id: 'acc1',
          myRole: 'ADMIN',
          statusPages: [
            { id: 'p1', name: 'Acme', slug: 'acme', visibility: 'PUBLIC', url: 'http://sb.test/status/acme', customHost: null, subscriberCount: 12 },
            { id: 'p2', name: 'Partners', slug: 'partners', visibility: 'PRIVATE', url: 'http://sb.test/status/partners', customHost: null, subscriberCount: 0 },
          ],
        },
      }),
    });
    renderRoute(<StatusPagesPage />, { client: mock.client, path: '/accounts/:accountId/status-pages', url: '/accounts/acc1/status-pages' });
    const rows = await screen.findAllByTestId('status-page-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByRole('link', { name: 'Acme' })).toHaveAttribute('href', '/accounts/acc1/status-pages/p1');
    expect(within(rows[0]).getByTestId('public-link')).toHaveAttribute('href', 'http://sb.test/status/acme');
    expect(within(rows[0]).getByRole('button', { name: 'Copy http://sb.test/status/acme' })).toBeInTheDocument();
    expect(rows[0]).toHaveTextContent('12');
    expect(rows[1]).toHaveTextContent('Private');
    expect(screen.getByRole('link', { name: 'New status page' })).toBeInTheDocument();
  });
});

describe('status page editor', () => {
  it('builds groups, previews them live and creates the page in order', async () => {
    const user = userEvent.setup();
    const mock = renderEditor('/accounts/acc1/status-pages/new', {
      CreateStatusPage: () => ({ createStatusPage: { statusPage: page(), errors: [] } }),
    });
    const form = await screen.findByRole('form', { name: 'Status page' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Acme Cloud');
    expect(within(form).getByRole('textbox', { name: 'Slug' })).toHaveValue('acme-cloud');
    const preview = screen.getByRole('region', { name: 'Preview' });
    expect(preview).toHaveTextContent('Preview');
    expect(within(preview).getByTestId('preview-banner')).toHaveTextContent('All Systems Operational');

    await user.type(within(form).getByRole('textbox', { name: 'Group 1 name' }), 'Core');
    await pick(user, 'Add a component to group 1', 'API');
    await pick(user, 'Add a component to group 1', 'Database');
    expect(within(preview).getByTestId('preview-banner')).toHaveTextContent('✕ Major System Outage');
    expect(within(preview).getAllByTestId('preview-component').map((e) => e.textContent)).toEqual([
      'API✓Operational',
      'Database✕Major outage',
    ]);
    // Reorder: Database first.
    await user.click(screen.getByRole('button', { name: 'Move Database up' }));
    expect(within(preview).getAllByTestId('preview-component')[0]).toHaveTextContent('Database');

    await user.click(screen.getByRole('button', { name: 'Add group' }));
    await user.type(within(form).getByRole('textbox', { name: 'Group 2 name' }), 'Edge');
    await pick(user, 'Add a component to group 2', 'CDN');
    expect(within(preview).getAllByTestId('preview-group')).toHaveLength(2);
    // Move the Edge group above Core, then remove the API.
    await user.click(screen.getByRole('button', { name: 'Move group Edge up' }));
    await user.click(screen.getByRole('button', { name: 'Remove API' }));
    expect(within(preview).getAllByTestId('preview-component').map((e) => e.textContent)).toEqual([
      'CDN◆Under maintenance',
      'Database✕Major outage',
    ]);

    await user.click(within(form).getByRole('button', { name: 'Create status page' }));
    await waitFor(() => expect(mock.callsTo('CreateStatusPage')).toHaveLength(1));
    expect(mock.callsTo('CreateStatusPage')[0].variables).toEqual({
      input: {
        accountId: 'acc1',
        name: 'Acme Cloud',
        slug: 'acme-cloud',
        headline: '',
        logoUrl: '',
        supportUrl: '',
        customHost: null,
        visibility: 'PUBLIC',
        components: [
          { componentId: 'c3', group: 'Edge' },
          { componentId: 'c2', group: 'Core' },
        ],
      },
    });
  }, 60_000);

  it('shows the typed errors on their fields: slug taken, host in use', async () => {
    const user = userEvent.setup();
    renderEditor('/accounts/acc1/status-pages/new', {
      CreateStatusPage: () => ({
        createStatusPage: {
          statusPage: null,
          errors: [
            { code: 'CONFLICT', field: 'slug', message: 'the slug "acme" is taken: choose another' },
            { code: 'CONFLICT', field: 'customHost', message: 'status.acme.com is used by another page' },
          ],
        },
      }),
    });
    const form = await screen.findByRole('form', { name: 'Status page' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Acme');
    await user.type(within(form).getByRole('textbox', { name: 'Custom host' }), 'status.acme.com');
    await user.click(within(form).getByRole('button', { name: 'Create status page' }));
    const slug = within(form).getByRole('textbox', { name: 'Slug' });
    await waitFor(() => expect(slug).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText('the slug "acme" is taken: choose another')).toBeInTheDocument();
    expect(within(form).getByRole('textbox', { name: 'Custom host' })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('status.acme.com is used by another page')).toBeInTheDocument();
    await waitFor(() => expect(slug).toHaveFocus());
  }, 60_000);

  it('refuses a slug that is not URL-safe before asking the server', async () => {
    const user = userEvent.setup();
    const mock = renderEditor('/accounts/acc1/status-pages/new', {});
    const form = await screen.findByRole('form', { name: 'Status page' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Acme');
    const slug = within(form).getByRole('textbox', { name: 'Slug' });
    await user.clear(slug);
    await user.type(slug, 'Acme Status!');
    await user.click(within(form).getByRole('button', { name: 'Create status page' }));
    expect(await screen.findByText('Use lower-case letters, digits and single dashes')).toBeInTheDocument();
    expect(mock.callsTo('CreateStatusPage')).toHaveLength(0);
  }, 30_000);

  it('loads a page into groups in position order and saves it', async () => {
    const user = userEvent.setup();
    const mock = renderEditor('/accounts/acc1/status-pages/p1', {
      StatusPage: () => ({ statusPage: page() }),
      UpdateStatusPage: () => ({ updateStatusPage: { statusPage: page(), errors: [] } }),
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Acme' })).toBeInTheDocument();
    expect(screen.getAllByTestId('public-link')[0]).toHaveAttribute('href', 'http://sb.test/status/acme');
    expect(screen.getByRole('link', { name: 'Open page' })).toHaveAttribute('href', 'http://sb.test/status/acme');
    const preview = screen.getByRole('region', { name: 'Preview' });
    await waitFor(() =>
      expect(within(preview).getAllByTestId('preview-component').map((e) => e.textContent)).toEqual([
        'Public API✓Operational',
        'Database✕Major outage',
        'CDN◆Under maintenance',
      ]),
    );
    expect(screen.getByRole('textbox', { name: 'Display name of API' })).toHaveValue('Public API');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mock.callsTo('UpdateStatusPage')).toHaveLength(1));
    expect((mock.callsTo('UpdateStatusPage')[0].variables.input as { components: unknown }).components).toEqual([
      { componentId: 'c1', group: 'Core', displayName: 'Public API' },
      { componentId: 'c2', group: 'Core' },
      { componentId: 'c3', group: 'Edge' },
    ]);
    // Subscribers: count, masked addresses as given, topics, pending.
    const table = await screen.findByRole('table', { name: 'Subscribers' });
    const rows = within(table).getAllByTestId('subscriber-row');
    expect(rows[0]).toHaveTextContent('a***@example.com');
    expect(rows[0]).toHaveTextContent('IncidentsMaintenance');
    expect(rows[1]).toHaveTextContent('Pending');
    expect(rows[1]).toHaveTextContent('API');
  }, 60_000);

  it('private page: creates a viewer link shown once, revokes one, and opens the page through a cookie link', async () => {
    const user = userEvent.setup();
    const viewer = { id: 'v1', label: 'Globex', tokenPrefix: 'spv_ab12', createdAt: '2026-12-01T00:00:00Z', lastUsedAt: null, revokedAt: null };
    const mock = renderEditor('/accounts/acc1/status-pages/p1', {
      StatusPage: () => ({ statusPage: page({ visibility: 'PRIVATE', viewers: [viewer] }) }),
      CreateViewerLink: () => ({
        createViewerLink: {
          url: 'http://sb.test/status/acme?viewer=spv_secret',
          viewer: { ...viewer, id: 'v2', label: 'Initech' },
          errors: [],
        },
      }),
      RevokeViewerLink: () => ({ revokeViewerLink: { viewer: { id: 'v1', revokedAt: '2026-12-02T00:00:00Z' }, errors: [] } }),
      ViewerCookieLink: () => ({ viewerCookieLink: { url: 'http://sb.test/status/acme?viewer=cookie' } }),
    });
    await screen.findByRole('heading', { level: 1, name: 'Acme' });
    await user.type(screen.getByRole('textbox', { name: 'Who the link is for' }), 'Initech');
    await user.click(screen.getByRole('button', { name: 'Create link' }));
    expect(await screen.findByTestId('viewer-link-url')).toHaveTextContent('http://sb.test/status/acme?viewer=spv_secret');
    expect(mock.callsTo('CreateViewerLink')[0].variables).toEqual({ input: { pageId: 'p1', label: 'Initech' } });
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByTestId('viewer-link-url')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Revoke the link for Globex' }));
    await user.click(await screen.findByRole('button', { name: 'Revoke link' }));
    await waitFor(() => expect(mock.callsTo('RevokeViewerLink')[0]?.variables).toEqual({ id: 'v1' }));

    const tab = { location: { href: '' }, close: vi.fn() };
    const open = vi.spyOn(window, 'open').mockReturnValue(tab as unknown as Window);
    await user.click(screen.getByRole('button', { name: 'Open page' }));
    await waitFor(() => expect(tab.location.href).toBe('http://sb.test/status/acme?viewer=cookie'));
    expect(open).toHaveBeenCalledWith('about:blank', '_blank');
    expect(mock.callsTo('ViewerCookieLink')[0].variables).toEqual({ pageId: 'p1' });
  }, 60_000);

  it('exports subscribers as CSV with the bearer token, and removes one', async () => {
    const user = userEvent.setup();
    const fetchMock = vi.fn(async () => new Response('kind,address\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }));
    vi.stubGlobal('fetch', fetchMock);
    const createObjectURL = vi.fn(() => 'blob:csv');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const mock = renderEditor('/accounts/acc1/status-pages/p1', {
      StatusPage: () => ({ statusPage: page() }),
      RemoveSubscriber: () => ({ removeSubscriber: { deletedId: 's1', errors: [] } }),
    });
    await screen.findByRole('table', { name: 'Subscribers' });
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/status-pages/p1/subscribers.csv');
    expect((init.headers as Record<string, string>).Authorization).toMatch(/^Bearer token-/);
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(createObjectURL).toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Remove a***@example.com' }));
    await user.click(await screen.findByRole('button', { name: 'Remove subscriber' }));
    await waitFor(() => expect(mock.callsTo('RemoveSubscriber')[0]?.variables).toEqual({ id: 's1' }));
    vi.unstubAllGlobals();
  }, 60_000);
});

describe('status page rules', () => {
  it('rolls the banner up as the public page does', () => {
    expect(rollup([]).text).toBe('All Systems Operational');
    expect(rollup(['OPERATIONAL', 'UNDER_MAINTENANCE']).text).toBe('Service Under Maintenance');
    expect(rollup(['DEGRADED_PERFORMANCE', 'UNDER_MAINTENANCE']).text).toBe('Minor Service Outage');
    expect(rollup(['PARTIAL_OUTAGE']).text).toBe('Partial System Outage');
    expect(rollup(['OPERATIONAL'], ['CRITICAL']).text).toBe('Major System Outage');
    expect(worstStatus(['UNDER_MAINTENANCE', 'DEGRADED_PERFORMANCE'])).toBe('DEGRADED_PERFORMANCE');
  });

  it('groups by first appearance, sends components in order, slugs and moves', () => {
    const groups = groupsOf(page().components as never);
    expect(groups.map((g) => [g.name, g.items.map((i) => i.componentId)])).toEqual([
      ['Core', ['c1', 'c2']],
      ['Edge', ['c3']],
    ]);
    expect(componentsInput(groups).map((c) => c.componentId)).toEqual(['c1', 'c2', 'c3']);
    expect(slugify('  Ácme  Cloud — EU! ')).toBe('acme-cloud-eu');
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(move([1, 2, 3], 2, -1)).toEqual([1, 3, 2]);
  });
});
