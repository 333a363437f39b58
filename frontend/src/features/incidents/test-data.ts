/** An incident as the list query returns it, for component tests. */
export const inc = (id: string, title: string, over: Record<string, unknown> = {}) => ({
  __typename: 'Incident',
  id,
  title,
  severity: 'HIGH',
  status: 'TRIGGERED',
  source: 'MANUAL',
  openedAt: '2026-01-01T10:00:00Z',
  openedBy: 'Ada',
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  updatedAt: '2026-01-01T10:00:00Z',
  isTest: false,
  component: { __typename: 'Component', id: 'c1', name: 'Checkout' },
  ...over,
});
