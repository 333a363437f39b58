import type { ComponentType } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import AppLayout from './layout/AppLayout';
import AccountScope from './routes/AccountScope';
import { FullPageLoader, GuestOnly, RequireAuth, SetupOnly } from './routes/guards';

// Pages are loaded on demand: each feature is its own chunk.
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const routes: RouteObject[] = [
  {
    hydrateFallbackElement: <FullPageLoader />,
    children: [
      {
        element: <SetupOnly />,
        children: [{ path: 'setup', lazy: page(() => import('@/features/auth/SetupPage')) }],
      },
      {
        element: <GuestOnly />,
        children: [{ path: 'login', lazy: page(() => import('@/features/auth/LoginPage')) }],
      },
      // An invitation link: public, whoever is signed in (the person may have no user yet).
      { path: 'invite/:token', lazy: page(() => import('@/features/auth/InvitePage')) },
      {
        element: <RequireAuth />,
        children: [
          {
            element: <AppLayout />,
            children: [
              { index: true, lazy: page(() => import('@/features/accounts/AccountHomePage')) },
              { path: 'profile', lazy: page(() => import('@/features/profile/ProfilePage')) },
              { path: 'slack/link', lazy: page(() => import('@/features/slack/SlackLinkPage')) },
              // Incident links sent before they named the account.
              {
                path: 'incidents/:incidentId',
                lazy: page(() => import('@/features/incidents/IncidentRedirectPage')),
              },
              {
                path: 'accounts/:accountId',
                element: <AccountScope />,
                children: [
                  { index: true, element: <Navigate to="overview" replace /> },
                  { path: 'overview', lazy: page(() => import('@/features/overview/OverviewPage')) },
                  {
                    path: 'environments',
                    lazy: page(() => import('@/features/environments/EnvironmentsPage')),
                  },
                  { path: 'members', lazy: page(() => import('@/features/members/MembersPage')) },
                  {
                    path: 'api-tokens',
                    lazy: page(() => import('@/features/api-tokens/ApiTokensPage')),
                  },
                  {
                    path: 'api-tokens/new',
                    lazy: page(() => import('@/features/api-tokens/CreateApiTokenPage')),
                  },
                  { path: 'activity', lazy: page(() => import('@/features/activity/ActivityPage')) },
                  { path: 'status-pages', lazy: page(() => import('@/features/statuspages/StatusPagesPage')) },
                  {
                    path: 'status-pages/new',
                    lazy: page(() => import('@/features/statuspages/StatusPageEditorPage')),
                  },
                  {
                    path: 'status-pages/:pageId',
                    lazy: page(() => import('@/features/statuspages/StatusPageEditorPage')),
                  },
                  { path: 'maintenance', lazy: page(() => import('@/features/maintenance/MaintenancePage')) },
                  { path: 'mail', lazy: page(() => import('@/features/mail/OutgoingMailPage')) },
                  { path: 'slack', lazy: page(() => import('@/features/slack/SlackPage')) },
                  { path: 'incidents', lazy: page(() => import('@/features/incidents/IncidentsPage')) },
                  { path: 'incidents/new', lazy: page(() => import('@/features/incidents/NewIncidentPage')) },
                  {
                    path: 'incidents/:incidentId',
                    lazy: page(() => import('@/features/incidents/IncidentDetailPage')),
                  },
                  { path: 'schedules', lazy: page(() => import('@/features/oncall/SchedulesPage')) },
                  { path: 'schedules/:scheduleId', lazy: page(() => import('@/features/oncall/SchedulePage')) },
                  {
                    path: 'escalation-policies',
                    lazy: page(() => import('@/features/oncall/PoliciesPage')),
                  },
                  {
                    path: 'escalation-policies/:policyId',
                    lazy: page(() => import('@/features/oncall/PolicyPage')),
                  },
                  { path: 'my-on-call', lazy: page(() => import('@/features/oncall/MyOnCallPage')) },
                  { path: 'components', lazy: page(() => import('@/features/components/ComponentsPage')) },
                  {
                    path: 'integrations',
                    lazy: page(() => import('@/features/integrations/IntegrationsPage')),
                  },
                  {
                    path: 'integrations/new',
                    lazy: page(() => import('@/features/integrations/NewIntegrationPage')),
                  },
                  {
                    path: 'integrations/:integrationId',
                    lazy: page(() => import('@/features/integrations/IntegrationPage')),
                  },
                  { path: 'farms', lazy: page(() => import('@/features/farms/FarmsPage')) },
                  { path: 'farms/:farmId', lazy: page(() => import('@/features/farms/FarmPage')) },
                  { path: 'approvals', lazy: page(() => import('@/features/approvals/ApprovalsPage')) },
                  {
                    path: 'approvals/:approvalId',
                    lazy: page(() => import('@/features/approvals/ApprovalDetailPage')),
                  },
                  { path: 'variables', lazy: page(() => import('@/features/farms/VariablesPage')) },
                  { path: 'endpoints', lazy: page(() => import('@/features/endpoints/EndpointsPage')) },
                  { path: 'webhooks', lazy: page(() => import('@/features/webhooks/WebhooksPage')) },
                  { path: 'webhooks/new', lazy: page(() => import('@/features/webhooks/WebhookFormPage')) },
                  {
                    path: 'webhooks/:webhookId',
                    lazy: page(() => import('@/features/webhooks/WebhookFormPage')),
                  },
                  { path: 'events', lazy: page(() => import('@/features/events/EventsPage')) },
                  { path: 'events/:eventId', lazy: page(() => import('@/features/events/EventDetailPage')) },
                  { path: 'deliveries', lazy: page(() => import('@/features/deliveries/DeliveriesPage')) },
                ],
              },
              { path: '*', lazy: page(() => import('./routes/NotFound')) },
            ],
          },
        ],
      },
    ],
  },
];
