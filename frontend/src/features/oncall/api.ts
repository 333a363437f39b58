import { graphql } from '@/gql';

export { OnCallNowQuery, SetEscalationPolicyMutation } from '@/lib/escalation';


export const PersonFields = graphql(`
  fragment PersonFields on User {
    id
    name
    email
  }
`);

export const ShiftFields = graphql(`
  fragment ShiftFields on ScheduleShift {
    startsAt
    endsAt
    user {
      ...PersonFields
    }
    layer {
      id
      name
      position
    }
    override {
      id
    }
  }
`);

export const LayerFields = graphql(`
  fragment LayerFields on ScheduleLayer {
    id
    name
    position
    rotation
    length
    handOff
    handOffDay
    startsAt
    endsAt
    participants {
      ...PersonFields
    }
    restrictions {
      days
      from
      to
    }
  }
`);

export const PolicyFields = graphql(`
  fragment PolicyFields on EscalationPolicy {
    id
    accountId
    name
    description
    repeat
    slackChannel
    updatedAt
    levels {
      id
      position
      timeoutMinutes
      targets {
        id
        schedule {
          id
          name
        }
        user {
          ...PersonFields
        }
      }
    }
    components {
      id
      name
    }
  }
`);

export const ScheduleFields = graphql(`
  fragment ScheduleFields on Schedule {
    id
    accountId
    name
    description
    timeZone
    updatedAt
    layers {
      ...LayerFields
    }
  }
`);

export const SchedulesQuery = graphql(`
  query Schedules($accountId: ID!) {
    account(id: $accountId) {
      id
      myRole
      schedules {
        id
        name
        description
        timeZone
        onCallAt {
          ...ShiftFields
        }
      }
    }
  }
`);

export const CalendarFeedFields = graphql(`
  fragment CalendarFeedFields on CalendarFeed {
    id
    tokenPrefix
    createdAt
    lastUsedAt
    revokedAt
    schedule {
      id
    }
    user {
      id
    }
  }
`);

export const ScheduleQuery = graphql(`
  query Schedule($accountId: ID!, $id: ID!, $from: Time!, $to: Time!) {
    account(id: $accountId) {
      id
      myRole
      members {
        id
        user {
          ...PersonFields
        }
      }
      schedule(id: $id) {
        ...ScheduleFields
        overrides {
          id
          startsAt
          endsAt
          createdBy
          user {
            ...PersonFields
          }
        }
        finalSchedule(from: $from, to: $to) {
          ...ShiftFields
        }
        policies {
          id
          name
        }
      }
      calendarFeeds {
        ...CalendarFeedFields
      }
    }
  }
`);

export const CreateScheduleMutation = graphql(`
  mutation CreateSchedule($input: CreateScheduleInput!) {
    createSchedule(input: $input) {
      schedule {
        ...ScheduleFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateScheduleMutation = graphql(`
  mutation UpdateSchedule($input: UpdateScheduleInput!) {
    updateSchedule(input: $input) {
      schedule {
        ...ScheduleFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteScheduleMutation = graphql(`
  mutation DeleteSchedule($id: ID!) {
    deleteSchedule(id: $id) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateOverrideMutation = graphql(`
  mutation CreateScheduleOverride($input: CreateScheduleOverrideInput!) {
    createScheduleOverride(input: $input) {
      override {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteOverrideMutation = graphql(`
  mutation DeleteScheduleOverride($id: ID!) {
    deleteScheduleOverride(id: $id) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateCalendarFeedMutation = graphql(`
  mutation CreateCalendarFeed($input: CreateCalendarFeedInput!) {
    createCalendarFeed(input: $input) {
      url
      feed {
        id
        tokenPrefix
        createdAt
        lastUsedAt
        revokedAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const RevokeCalendarFeedMutation = graphql(`
  mutation RevokeCalendarFeed($id: ID!) {
    revokeCalendarFeed(id: $id) {
      feed {
        id
        revokedAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const PoliciesQuery = graphql(`
  query EscalationPolicies($accountId: ID!) {
    account(id: $accountId) {
      id
      myRole
      escalationPolicies {
        ...PolicyFields
      }
    }
  }
`);

export const PolicyQuery = graphql(`
  query EscalationPolicy($accountId: ID!, $id: ID!) {
    account(id: $accountId) {
      id
      myRole
      escalationPolicy(id: $id) {
        ...PolicyFields
      }
    }
  }
`);

/** The pick-lists of the policy editor: schedules and members. */
export const PolicyTargetOptionsQuery = graphql(`
  query PolicyTargetOptions($accountId: ID!) {
    account(id: $accountId) {
      id
      schedules {
        id
        name
      }
      members {
        id
        user {
          ...PersonFields
        }
      }
    }
  }
`);

export const CreatePolicyMutation = graphql(`
  mutation CreateEscalationPolicy($input: CreateEscalationPolicyInput!) {
    createEscalationPolicy(input: $input) {
      policy {
        ...PolicyFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdatePolicyMutation = graphql(`
  mutation UpdateEscalationPolicy($input: UpdateEscalationPolicyInput!) {
    updateEscalationPolicy(input: $input) {
      policy {
        ...PolicyFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeletePolicyMutation = graphql(`
  mutation DeleteEscalationPolicy($id: ID!) {
    deleteEscalationPolicy(id: $id) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ContactMethodFields = graphql(`
  fragment ContactMethodFields on ContactMethod {
    id
    kind
    label
    address
    isPrimary
    verified
    disabled
    createdAt
    endpoint {
      id
      name
    }
  }
`);

export const MyOnCallQuery = graphql(`
  query MyOnCall($accountId: ID!) {
    me {
      user {
        id
        contactMethods {
          ...ContactMethodFields
        }
        notificationRules {
          id
          delayMinutes
          contactMethod {
            id
          }
        }
      }
    }
    account(id: $accountId) {
      id
      myRole
      myShifts(days: 14) {
        ...ShiftFields
        layer {
          id
          name
        }
      }
      myOpenPages {
        id
        title
        severity
        status
        openedAt
        component {
          id
          name
        }
      }
      calendarFeeds {
        ...CalendarFeedFields
      }
    }
  }
`);

export const MyNotificationsQuery = graphql(`
  query MyNotifications($accountId: ID!, $first: Int!, $after: String) {
    account(id: $accountId) {
      id
      myNotifications(first: $first, after: $after) {
        edges {
          cursor
          node {
            id
            reason
            channel
            recipient
            level
            status
            attempts
            lastError
            createdAt
            sentAt
            incident {
              id
              title
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

/** Endpoints a contact method of kind ENDPOINT may use (the account's). */
export const ContactEndpointsQuery = graphql(`
  query ContactEndpoints($scope: ScopeInput!) {
    endpoints(scope: $scope) {
      id
      name
    }
  }
`);

/** The caller's Slack member id in the account's workspace, found by their email (null: none). */
export const MySlackUserIdQuery = graphql(`
  query MySlackUserId($accountId: ID!) {
    account(id: $accountId) {
      id
      mySlackUserId
      slackWorkspace {
        connected
        teamName
      }
    }
  }
`);

export const CreateContactMethodMutation = graphql(`
  mutation CreateContactMethod($input: CreateContactMethodInput!) {
    createContactMethod(input: $input) {
      contactMethod {
        ...ContactMethodFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateContactMethodMutation = graphql(`
  mutation UpdateContactMethod($input: UpdateContactMethodInput!) {
    updateContactMethod(input: $input) {
      contactMethod {
        ...ContactMethodFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteContactMethodMutation = graphql(`
  mutation DeleteContactMethod($id: ID!) {
    deleteContactMethod(id: $id) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ResendVerificationMutation = graphql(`
  mutation ResendContactVerification($id: ID!) {
    resendContactVerification(id: $id) {
      contactMethod {
        ...ContactMethodFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SendTestNotificationMutation = graphql(`
  mutation SendTestNotification($contactMethodId: ID!) {
    sendTestNotification(contactMethodId: $contactMethodId) {
      notification {
        id
        status
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SetNotificationRulesMutation = graphql(`
  mutation SetNotificationRules($rules: [NotificationRuleInput!]!) {
    setNotificationRules(rules: $rules) {
      rules {
        id
        delayMinutes
        contactMethod {
          id
        }
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const schedulesContext = { additionalTypenames: ['Schedule', 'ScheduleOverride', 'CalendarFeed'] };
export const SetPolicySlackChannelMutation = graphql(`
  mutation SetEscalationPolicySlackChannel($input: SetEscalationPolicySlackChannelInput!) {
    setEscalationPolicySlackChannel(input: $input) {
      policy {
        ...PolicyFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const policiesContext = { additionalTypenames: ['EscalationPolicy', 'Component', 'AwsIntegration'] };
export const contactContext = { additionalTypenames: ['ContactMethod', 'NotificationRule', 'CalendarFeed'] };
