import { graphql } from '@/gql';

export const AccountOverviewQuery = graphql(`
  query AccountOverview($accountId: ID!) {
    account(id: $accountId) {
      id
      name
      overview {
        openIncidents {
          severity
          count
        }
        degradedComponents {
          id
          name
          status
        }
        failingEndpoints {
          id
          name
          scope
          scopeId
          health {
            state
            reason
          }
        }
        failedDeliveries24h
        checklist {
          hasComponent
          hasIntegration
          hasEndpoint
          hasWebhook
          done
        }
      }
    }
  }
`);

/** The overview only needs to know that something changed; it refetches then. */
export const OverviewIncidentChangedSubscription = graphql(`
  subscription OverviewIncidentChanged($accountId: ID!) {
    incidentChanged(accountId: $accountId) {
      kind
      incident {
        id
        updatedAt
      }
    }
  }
`);

/** Refetched after any mutation of these (creating the first component ticks the checklist). */
export const overviewContext = {
  additionalTypenames: ['Incident', 'Component', 'AwsIntegration', 'Endpoint', 'Webhook'],
};
