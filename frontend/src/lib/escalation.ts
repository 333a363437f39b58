import { graphql } from '@/gql';

// Documents several features share: attaching a policy, and who is on call now.

export const SetEscalationPolicyMutation = graphql(`
  mutation SetEscalationPolicy($input: SetEscalationPolicyInput!) {
    setEscalationPolicy(input: $input) {
      component {
        id
        escalationPolicy {
          id
          name
        }
      }
      integration {
        id
        escalationPolicy {
          id
          name
        }
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const OnCallNowQuery = graphql(`
  query OnCallNow($accountId: ID!) {
    account(id: $accountId) {
      id
      onCallNow {
        user {
          id
          name
          email
        }
        schedule {
          id
          name
        }
        shift {
          startsAt
          endsAt
          override {
            id
          }
        }
      }
    }
  }
`);

export const policiesContext = { additionalTypenames: ['EscalationPolicy', 'Component', 'AwsIntegration'] };
export const onCallContext = { additionalTypenames: ['Schedule', 'ScheduleOverride'] };
