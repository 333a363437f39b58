/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Accounts {\n    accounts {\n      id\n      name\n      myRole\n    }\n  }\n": typeof types.AccountsDocument,
    "\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateAccountDocument,
    "\n  mutation UpdateAccount($input: UpdateAccountInput!) {\n    updateAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateAccountDocument,
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    action\n    actorLabel\n    targetType\n    targetId\n    summary\n    createdAt\n    actor {\n      id\n      name\n      email\n    }\n  }\n": typeof types.AuditEntryFieldsFragmentDoc,
    "\n  query Activity($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      auditLog(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...AuditEntryFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.ActivityDocument,
    "\n  subscription AccountActivity($accountId: ID!) {\n    accountActivity(accountId: $accountId) {\n      ...AuditEntryFields\n    }\n  }\n": typeof types.AccountActivityDocument,
    "\n  query ApiTokens($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      apiTokens {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n        createdBy {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": typeof types.ApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      apiToken {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      apiToken {\n        id\n        status\n        revokedAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  fragment ComponentFields on Component {\n    id\n    accountId\n    name\n    description\n    group\n    status\n    statusOverride\n    openIncidentCount\n    createdAt\n    updatedAt\n  }\n": typeof types.ComponentFieldsFragmentDoc,
    "\n  query Components($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      components {\n        ...ComponentFields\n      }\n    }\n  }\n": typeof types.ComponentsDocument,
    "\n  mutation CreateComponent($input: CreateComponentInput!) {\n    createComponent(input: $input) {\n      component {\n        ...ComponentFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateComponentDocument,
    "\n  mutation UpdateComponent($input: UpdateComponentInput!) {\n    updateComponent(input: $input) {\n      component {\n        ...ComponentFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateComponentDocument,
    "\n  mutation DeleteComponent($input: DeleteComponentInput!) {\n    deleteComponent(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteComponentDocument,
    "\n  fragment DeliveryListFields on Delivery {\n    id\n    eventName\n    status\n    attempts\n    maxAttempts\n    nextAttemptAt\n    lastStatusCode\n    lastError\n    createdAt\n    completedAt\n    event {\n      id\n    }\n    webhook {\n      id\n      name\n    }\n    endpoint {\n      id\n      name\n      url\n    }\n  }\n": typeof types.DeliveryListFieldsFragmentDoc,
    "\n  query Deliveries($accountId: ID!, $filter: DeliveryFilter, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      deliveries(filter: $filter, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...DeliveryListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.DeliveriesDocument,
    "\n  subscription DeliveryChanged($accountId: ID!) {\n    deliveryChanged(accountId: $accountId) {\n      ...DeliveryListFields\n    }\n  }\n": typeof types.DeliveryChangedDocument,
    "\n  query Delivery($id: ID!) {\n    delivery(id: $id) {\n      ...DeliveryListFields\n      payload\n      attemptDetails {\n        id\n        number\n        startedAt\n        finishedAt\n        durationMs\n        url\n        remoteAddr\n        requestHeaders {\n          key\n          value\n        }\n        statusCode\n        responseHeaders {\n          key\n          value\n        }\n        responseBody\n        errorClass\n        errorMessage\n      }\n    }\n  }\n": typeof types.DeliveryDocument,
    "\n  query DeliveryStats($accountId: ID!, $hours: Int!) {\n    account(id: $accountId) {\n      id\n      deliveryStats(hours: $hours) {\n        start\n        succeeded\n        failed\n        pending\n      }\n    }\n  }\n": typeof types.DeliveryStatsDocument,
    "\n  query DeliveryFilterOptions($account: ScopeInput!, $environment: ScopeInput!, $withEnvironment: Boolean!) {\n    accountWebhooks: webhooks(scope: $account) {\n      id\n      name\n    }\n    accountEndpoints: endpoints(scope: $account) {\n      id\n      name\n    }\n    environmentWebhooks: webhooks(scope: $environment) @include(if: $withEnvironment) {\n      id\n      name\n    }\n    environmentEndpoints: endpoints(scope: $environment) @include(if: $withEnvironment) {\n      id\n      name\n    }\n  }\n": typeof types.DeliveryFilterOptionsDocument,
    "\n  mutation ResendDelivery($input: ResendDeliveryInput!) {\n    resendDelivery(input: $input) {\n      delivery {\n        ...DeliveryListFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ResendDeliveryDocument,
    "\n  mutation RetryFailedDeliveries($input: RetryFailedDeliveriesInput!) {\n    retryFailedDeliveries(input: $input) {\n      queued\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RetryFailedDeliveriesDocument,
    "\n  fragment EndpointFields on Endpoint {\n    id\n    scope\n    scopeId\n    name\n    url\n    format\n    active\n    shared\n    inactiveReason\n    createdAt\n    updatedAt\n    webhooks {\n      id\n      name\n    }\n  }\n": typeof types.EndpointFieldsFragmentDoc,
    "\n  query Endpoints($scope: ScopeInput!) {\n    endpoints(scope: $scope) {\n      ...EndpointFields\n    }\n  }\n": typeof types.EndpointsDocument,
    "\n  mutation CreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      signingKey\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateEndpointDocument,
    "\n  mutation RotateEndpointKey($input: EndpointIdInput!) {\n    rotateEndpointKey(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      signingKey\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RotateEndpointKeyDocument,
    "\n  mutation UpdateEndpoint($input: UpdateEndpointInput!) {\n    updateEndpoint(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateEndpointDocument,
    "\n  mutation DeleteEndpoint($input: EndpointIdInput!) {\n    deleteEndpoint(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteEndpointDocument,
    "\n  mutation SendTestEvent($input: EndpointIdInput!) {\n    sendTestEvent(input: $input) {\n      delivery {\n        id\n        status\n        attempts\n        maxAttempts\n        lastStatusCode\n        lastError\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.SendTestEventDocument,
    "\n  query TestDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attempts\n      maxAttempts\n      lastStatusCode\n      lastError\n      nextAttemptAt\n      completedAt\n    }\n  }\n": typeof types.TestDeliveryDocument,
    "\n  query Environments($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      environments {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n    }\n  }\n": typeof types.EnvironmentsDocument,
    "\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateEnvironmentDocument,
    "\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateEnvironmentDocument,
    "\n  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {\n    deleteEnvironment(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteEnvironmentDocument,
    "\n  fragment EventListFields on Event {\n    id\n    name\n    source\n    environmentId\n    farmId\n    serverId\n    incidentId\n    createdAt\n    deliveryCounts {\n      succeeded\n      pending\n      failed\n    }\n  }\n": typeof types.EventListFieldsFragmentDoc,
    "\n  query Events($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      myRole\n      events(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...EventListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.EventsDocument,
    "\n  query Event($id: ID!) {\n    event(id: $id) {\n      ...EventListFields\n      accountId\n      variables {\n        key\n        value\n      }\n    }\n  }\n": typeof types.EventDocument,
    "\n  query Farms($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      myRole\n      farms(environmentId: $environmentId) {\n        id\n        name\n        description\n        ownerEmail\n        status\n        updatedAt\n        environment {\n          id\n          name\n        }\n        roles {\n          id\n        }\n        servers {\n          id\n        }\n      }\n    }\n  }\n": typeof types.FarmsDocument,
    "\n  fragment VariableFields on Variable {\n    id\n    scope\n    scopeId\n    name\n    value\n    hidden\n    locked\n    updatedAt\n  }\n": typeof types.VariableFieldsFragmentDoc,
    "\n  query Farm($id: ID!) {\n    farm(id: $id) {\n      id\n      accountId\n      name\n      description\n      ownerEmail\n      status\n      launchedOnce\n      createdAt\n      updatedAt\n      environment {\n        id\n        name\n      }\n      roles {\n        id\n        farmId\n        alias\n        roleName\n        os\n        createdAt\n      }\n      servers {\n        id\n        farmRoleId\n        hostname\n        serverType\n        cloudLocation\n        cloudZone\n        cloudServerId\n        publicIp\n        privateIp\n        status\n        instanceIndex\n        updatedAt\n      }\n    }\n  }\n": typeof types.FarmDocument,
    "\n  fragment FarmStateFields on Farm {\n    id\n    status\n    launchedOnce\n    updatedAt\n  }\n": typeof types.FarmStateFieldsFragmentDoc,
    "\n  mutation LaunchFarm($input: FarmIdInput!) {\n    launchFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.LaunchFarmDocument,
    "\n  mutation TerminateFarm($input: FarmIdInput!) {\n    terminateFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.TerminateFarmDocument,
    "\n  mutation SuspendFarm($input: FarmIdInput!) {\n    suspendFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.SuspendFarmDocument,
    "\n  mutation ResumeFarm($input: FarmIdInput!) {\n    resumeFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ResumeFarmDocument,
    "\n  mutation CreateFarm($input: CreateFarmInput!) {\n    createFarm(input: $input) {\n      farm {\n        id\n        name\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateFarmDocument,
    "\n  mutation DeleteFarm($input: FarmIdInput!) {\n    deleteFarm(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteFarmDocument,
    "\n  mutation CreateFarmRole($input: CreateFarmRoleInput!) {\n    createFarmRole(input: $input) {\n      farmRole {\n        id\n        alias\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateFarmRoleDocument,
    "\n  mutation CreateServer($input: CreateServerInput!) {\n    createServer(input: $input) {\n      server {\n        id\n        hostname\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateServerDocument,
    "\n  mutation DeleteServer($input: DeleteServerInput!) {\n    deleteServer(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteServerDocument,
    "\n  query Variables($scope: ScopeInput!) {\n    variables(scope: $scope) {\n      ...VariableFields\n    }\n  }\n": typeof types.VariablesDocument,
    "\n  mutation SetVariable($input: SetVariableInput!) {\n    setVariable(input: $input) {\n      variable {\n        ...VariableFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.SetVariableDocument,
    "\n  mutation DeleteVariable($input: DeleteVariableInput!) {\n    deleteVariable(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteVariableDocument,
    "\n  fragment IncidentListFields on Incident {\n    id\n    title\n    severity\n    status\n    source\n    openedAt\n    openedBy\n    acknowledgedAt\n    acknowledgedBy\n    resolvedAt\n    resolvedBy\n    updatedAt\n    component {\n      id\n      name\n    }\n  }\n": typeof types.IncidentListFieldsFragmentDoc,
    "\n  query Incidents($accountId: ID!, $filter: IncidentFilter, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      incidents(filter: $filter, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...IncidentListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.IncidentsDocument,
    "\n  subscription IncidentChanged($accountId: ID!) {\n    incidentChanged(accountId: $accountId) {\n      kind\n      incident {\n        ...IncidentListFields\n      }\n    }\n  }\n": typeof types.IncidentChangedDocument,
    "\n  fragment IncidentDetailFields on Incident {\n    id\n    accountId\n    title\n    severity\n    status\n    source\n    sourceKey\n    openedAt\n    openedBy\n    acknowledgedAt\n    acknowledgedBy\n    resolvedAt\n    resolvedBy\n    updatedAt\n    component {\n      id\n      name\n      status\n    }\n    integration {\n      id\n      name\n    }\n    alarm {\n      name\n      description\n      arn\n      awsAccountId\n      region\n      regionName\n      kind\n      newState\n      oldState\n      reason\n      stateChangeTime\n      metricNamespace\n      metricName\n      rule\n    }\n    timeline {\n      id\n      kind\n      actorLabel\n      body\n      createdAt\n      actor {\n        id\n        name\n        email\n      }\n    }\n  }\n": typeof types.IncidentDetailFieldsFragmentDoc,
    "\n  query Incident($id: ID!) {\n    incident(id: $id) {\n      ...IncidentDetailFields\n    }\n  }\n": typeof types.IncidentDocument,
    "\n  subscription IncidentDetailChanged($accountId: ID!) {\n    incidentChanged(accountId: $accountId) {\n      kind\n      incident {\n        id\n        updatedAt\n      }\n    }\n  }\n": typeof types.IncidentDetailChangedDocument,
    "\n  mutation CreateIncident($input: CreateIncidentInput!) {\n    createIncident(input: $input) {\n      incident {\n        ...IncidentListFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateIncidentDocument,
    "\n  mutation AcknowledgeIncident($input: AcknowledgeIncidentInput!) {\n    acknowledgeIncident(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.AcknowledgeIncidentDocument,
    "\n  mutation ResolveIncident($input: ResolveIncidentInput!) {\n    resolveIncident(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ResolveIncidentDocument,
    "\n  mutation AddIncidentNote($input: AddIncidentNoteInput!) {\n    addIncidentNote(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.AddIncidentNoteDocument,
    "\n  fragment IntegrationListFields on AwsIntegration {\n    id\n    name\n    state\n    defaultSeverity\n    tokenPrefix\n    expectedTopicArn\n    topicArn\n    lastRejectionReason\n    lastRejectionAt\n    createdAt\n    component {\n      id\n      name\n    }\n    stats {\n      opened\n      resolved\n      rejected\n      lastMessageAt\n      lastOutcome\n    }\n  }\n": typeof types.IntegrationListFieldsFragmentDoc,
    "\n  query AwsIntegrations($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      awsIntegrations {\n        ...IntegrationListFields\n      }\n    }\n  }\n": typeof types.AwsIntegrationsDocument,
    "\n  fragment IntegrationDetailFields on AwsIntegration {\n    id\n    accountId\n    name\n    state\n    defaultSeverity\n    tokenPrefix\n    expectedTopicArn\n    topicArn\n    subscriptionArn\n    confirmedAt\n    unsubscribedAt\n    lastRejectionReason\n    lastRejectionAt\n    createdAt\n    component {\n      id\n      name\n    }\n    stats {\n      opened\n      resolved\n      noChange\n      outOfOrder\n      ignored\n      confirmations\n      rejected\n      lastMessageAt\n      lastOutcome\n    }\n    recentMessages(first: 20) {\n      messageId\n      type\n      outcome\n      detail\n      receivedAt\n    }\n    recentRejections(first: 20) {\n      id\n      reasonCode\n      reason\n      messageType\n      topicArn\n      receivedAt\n    }\n  }\n": typeof types.IntegrationDetailFieldsFragmentDoc,
    "\n  query AwsIntegration($id: ID!) {\n    awsIntegration(id: $id) {\n      ...IntegrationDetailFields\n    }\n  }\n": typeof types.AwsIntegrationDocument,
    "\n  mutation CreateAwsIntegration($input: CreateAwsIntegrationInput!) {\n    createAwsIntegration(input: $input) {\n      integration {\n        ...IntegrationListFields\n      }\n      webhookUrl\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateAwsIntegrationDocument,
    "\n  mutation RotateAwsIntegrationUrl($input: RotateAwsIntegrationUrlInput!) {\n    rotateAwsIntegrationUrl(input: $input) {\n      integration {\n        ...IntegrationDetailFields\n      }\n      webhookUrl\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RotateAwsIntegrationUrlDocument,
    "\n  mutation UpdateAwsIntegration($input: UpdateAwsIntegrationInput!) {\n    updateAwsIntegration(input: $input) {\n      integration {\n        ...IntegrationDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateAwsIntegrationDocument,
    "\n  mutation DeleteAwsIntegration($input: DeleteAwsIntegrationInput!) {\n    deleteAwsIntegration(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteAwsIntegrationDocument,
    "\n  query Members($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      name\n      myRole\n      members {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      membership {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.AddMemberDocument,
    "\n  mutation UpdateMemberRole($input: UpdateMemberRoleInput!) {\n    updateMemberRole(input: $input) {\n      membership {\n        id\n        role\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RemoveMemberDocument,
    "\n  query Profile {\n    me {\n      authMethod\n      user {\n        id\n        email\n        name\n        isSystemAdmin\n        createdAt\n        memberships {\n          id\n          role\n          account {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.ProfileDocument,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      user {\n        id\n        name\n        email\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateProfileDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ok\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ChangePasswordDocument,
    "\n  fragment WebhookFields on Webhook {\n    id\n    scope\n    scopeId\n    name\n    events\n    farmIds\n    timeoutSeconds\n    maxAttempts\n    skipPrivateVariables\n    userData\n    active\n    createdAt\n    updatedAt\n    endpoints {\n      id\n      name\n      url\n      active\n    }\n  }\n": typeof types.WebhookFieldsFragmentDoc,
    "\n  query Webhooks($scope: ScopeInput!) {\n    webhooks(scope: $scope) {\n      ...WebhookFields\n    }\n  }\n": typeof types.WebhooksDocument,
    "\n  query Webhook($id: ID!) {\n    webhook(id: $id) {\n      ...WebhookFields\n    }\n  }\n": typeof types.WebhookDocument,
    "\n  query EventCatalog($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      eventCatalog(environmentId: $environmentId) {\n        name\n        description\n        category\n        custom {\n          id\n          scope\n        }\n      }\n    }\n  }\n": typeof types.EventCatalogDocument,
    "\n  query UsableEndpoints($scope: ScopeInput!) {\n    usableEndpoints(scope: $scope) {\n      id\n      name\n      url\n      scope\n      format\n      active\n      shared\n    }\n  }\n": typeof types.UsableEndpointsDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      webhook {\n        ...WebhookFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($input: UpdateWebhookInput!) {\n    updateWebhook(input: $input) {\n      webhook {\n        ...WebhookFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($input: WebhookIdInput!) {\n    deleteWebhook(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteWebhookDocument,
    "\n  query CustomEvents($scope: ScopeInput!) {\n    customEvents(scope: $scope) {\n      id\n      scope\n      scopeId\n      name\n      description\n      createdAt\n    }\n  }\n": typeof types.CustomEventsDocument,
    "\n  mutation CreateCustomEvent($input: CreateCustomEventInput!) {\n    createCustomEvent(input: $input) {\n      customEvent {\n        id\n        name\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateCustomEventDocument,
    "\n  mutation DeleteCustomEvent($input: DeleteCustomEventInput!) {\n    deleteCustomEvent(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteCustomEventDocument,
    "\n  query AccountRole($id: ID!) {\n    account(id: $id) {\n      id\n      name\n      myRole\n    }\n  }\n": typeof types.AccountRoleDocument,
    "\n  query ComponentOptions($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      components {\n        id\n        name\n        group\n      }\n    }\n  }\n": typeof types.ComponentOptionsDocument,
    "\n  query EnvironmentOptions($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      environments {\n        id\n        name\n      }\n    }\n  }\n": typeof types.EnvironmentOptionsDocument,
    "\n  query FarmOptions($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      farms(environmentId: $environmentId) {\n        id\n        name\n        environment {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.FarmOptionsDocument,
};
const documents: Documents = {
    "\n  query Accounts {\n    accounts {\n      id\n      name\n      myRole\n    }\n  }\n": types.AccountsDocument,
    "\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateAccountDocument,
    "\n  mutation UpdateAccount($input: UpdateAccountInput!) {\n    updateAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateAccountDocument,
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    action\n    actorLabel\n    targetType\n    targetId\n    summary\n    createdAt\n    actor {\n      id\n      name\n      email\n    }\n  }\n": types.AuditEntryFieldsFragmentDoc,
    "\n  query Activity($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      auditLog(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...AuditEntryFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.ActivityDocument,
    "\n  subscription AccountActivity($accountId: ID!) {\n    accountActivity(accountId: $accountId) {\n      ...AuditEntryFields\n    }\n  }\n": types.AccountActivityDocument,
    "\n  query ApiTokens($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      apiTokens {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n        createdBy {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": types.ApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      apiToken {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      apiToken {\n        id\n        status\n        revokedAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RevokeApiTokenDocument,
    "\n  fragment ComponentFields on Component {\n    id\n    accountId\n    name\n    description\n    group\n    status\n    statusOverride\n    openIncidentCount\n    createdAt\n    updatedAt\n  }\n": types.ComponentFieldsFragmentDoc,
    "\n  query Components($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      components {\n        ...ComponentFields\n      }\n    }\n  }\n": types.ComponentsDocument,
    "\n  mutation CreateComponent($input: CreateComponentInput!) {\n    createComponent(input: $input) {\n      component {\n        ...ComponentFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateComponentDocument,
    "\n  mutation UpdateComponent($input: UpdateComponentInput!) {\n    updateComponent(input: $input) {\n      component {\n        ...ComponentFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateComponentDocument,
    "\n  mutation DeleteComponent($input: DeleteComponentInput!) {\n    deleteComponent(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteComponentDocument,
    "\n  fragment DeliveryListFields on Delivery {\n    id\n    eventName\n    status\n    attempts\n    maxAttempts\n    nextAttemptAt\n    lastStatusCode\n    lastError\n    createdAt\n    completedAt\n    event {\n      id\n    }\n    webhook {\n      id\n      name\n    }\n    endpoint {\n      id\n      name\n      url\n    }\n  }\n": types.DeliveryListFieldsFragmentDoc,
    "\n  query Deliveries($accountId: ID!, $filter: DeliveryFilter, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      deliveries(filter: $filter, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...DeliveryListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.DeliveriesDocument,
    "\n  subscription DeliveryChanged($accountId: ID!) {\n    deliveryChanged(accountId: $accountId) {\n      ...DeliveryListFields\n    }\n  }\n": types.DeliveryChangedDocument,
    "\n  query Delivery($id: ID!) {\n    delivery(id: $id) {\n      ...DeliveryListFields\n      payload\n      attemptDetails {\n        id\n        number\n        startedAt\n        finishedAt\n        durationMs\n        url\n        remoteAddr\n        requestHeaders {\n          key\n          value\n        }\n        statusCode\n        responseHeaders {\n          key\n          value\n        }\n        responseBody\n        errorClass\n        errorMessage\n      }\n    }\n  }\n": types.DeliveryDocument,
    "\n  query DeliveryStats($accountId: ID!, $hours: Int!) {\n    account(id: $accountId) {\n      id\n      deliveryStats(hours: $hours) {\n        start\n        succeeded\n        failed\n        pending\n      }\n    }\n  }\n": types.DeliveryStatsDocument,
    "\n  query DeliveryFilterOptions($account: ScopeInput!, $environment: ScopeInput!, $withEnvironment: Boolean!) {\n    accountWebhooks: webhooks(scope: $account) {\n      id\n      name\n    }\n    accountEndpoints: endpoints(scope: $account) {\n      id\n      name\n    }\n    environmentWebhooks: webhooks(scope: $environment) @include(if: $withEnvironment) {\n      id\n      name\n    }\n    environmentEndpoints: endpoints(scope: $environment) @include(if: $withEnvironment) {\n      id\n      name\n    }\n  }\n": types.DeliveryFilterOptionsDocument,
    "\n  mutation ResendDelivery($input: ResendDeliveryInput!) {\n    resendDelivery(input: $input) {\n      delivery {\n        ...DeliveryListFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ResendDeliveryDocument,
    "\n  mutation RetryFailedDeliveries($input: RetryFailedDeliveriesInput!) {\n    retryFailedDeliveries(input: $input) {\n      queued\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RetryFailedDeliveriesDocument,
    "\n  fragment EndpointFields on Endpoint {\n    id\n    scope\n    scopeId\n    name\n    url\n    format\n    active\n    shared\n    inactiveReason\n    createdAt\n    updatedAt\n    webhooks {\n      id\n      name\n    }\n  }\n": types.EndpointFieldsFragmentDoc,
    "\n  query Endpoints($scope: ScopeInput!) {\n    endpoints(scope: $scope) {\n      ...EndpointFields\n    }\n  }\n": types.EndpointsDocument,
    "\n  mutation CreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      signingKey\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateEndpointDocument,
    "\n  mutation RotateEndpointKey($input: EndpointIdInput!) {\n    rotateEndpointKey(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      signingKey\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RotateEndpointKeyDocument,
    "\n  mutation UpdateEndpoint($input: UpdateEndpointInput!) {\n    updateEndpoint(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateEndpointDocument,
    "\n  mutation DeleteEndpoint($input: EndpointIdInput!) {\n    deleteEndpoint(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteEndpointDocument,
    "\n  mutation SendTestEvent($input: EndpointIdInput!) {\n    sendTestEvent(input: $input) {\n      delivery {\n        id\n        status\n        attempts\n        maxAttempts\n        lastStatusCode\n        lastError\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.SendTestEventDocument,
    "\n  query TestDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attempts\n      maxAttempts\n      lastStatusCode\n      lastError\n      nextAttemptAt\n      completedAt\n    }\n  }\n": types.TestDeliveryDocument,
    "\n  query Environments($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      environments {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n    }\n  }\n": types.EnvironmentsDocument,
    "\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateEnvironmentDocument,
    "\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateEnvironmentDocument,
    "\n  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {\n    deleteEnvironment(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteEnvironmentDocument,
    "\n  fragment EventListFields on Event {\n    id\n    name\n    source\n    environmentId\n    farmId\n    serverId\n    incidentId\n    createdAt\n    deliveryCounts {\n      succeeded\n      pending\n      failed\n    }\n  }\n": types.EventListFieldsFragmentDoc,
    "\n  query Events($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      myRole\n      events(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...EventListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.EventsDocument,
    "\n  query Event($id: ID!) {\n    event(id: $id) {\n      ...EventListFields\n      accountId\n      variables {\n        key\n        value\n      }\n    }\n  }\n": types.EventDocument,
    "\n  query Farms($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      myRole\n      farms(environmentId: $environmentId) {\n        id\n        name\n        description\n        ownerEmail\n        status\n        updatedAt\n        environment {\n          id\n          name\n        }\n        roles {\n          id\n        }\n        servers {\n          id\n        }\n      }\n    }\n  }\n": types.FarmsDocument,
    "\n  fragment VariableFields on Variable {\n    id\n    scope\n    scopeId\n    name\n    value\n    hidden\n    locked\n    updatedAt\n  }\n": types.VariableFieldsFragmentDoc,
    "\n  query Farm($id: ID!) {\n    farm(id: $id) {\n      id\n      accountId\n      name\n      description\n      ownerEmail\n      status\n      launchedOnce\n      createdAt\n      updatedAt\n      environment {\n        id\n        name\n      }\n      roles {\n        id\n        farmId\n        alias\n        roleName\n        os\n        createdAt\n      }\n      servers {\n        id\n        farmRoleId\n        hostname\n        serverType\n        cloudLocation\n        cloudZone\n        cloudServerId\n        publicIp\n        privateIp\n        status\n        instanceIndex\n        updatedAt\n      }\n    }\n  }\n": types.FarmDocument,
    "\n  fragment FarmStateFields on Farm {\n    id\n    status\n    launchedOnce\n    updatedAt\n  }\n": types.FarmStateFieldsFragmentDoc,
    "\n  mutation LaunchFarm($input: FarmIdInput!) {\n    launchFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.LaunchFarmDocument,
    "\n  mutation TerminateFarm($input: FarmIdInput!) {\n    terminateFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.TerminateFarmDocument,
    "\n  mutation SuspendFarm($input: FarmIdInput!) {\n    suspendFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.SuspendFarmDocument,
    "\n  mutation ResumeFarm($input: FarmIdInput!) {\n    resumeFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ResumeFarmDocument,
    "\n  mutation CreateFarm($input: CreateFarmInput!) {\n    createFarm(input: $input) {\n      farm {\n        id\n        name\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateFarmDocument,
    "\n  mutation DeleteFarm($input: FarmIdInput!) {\n    deleteFarm(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteFarmDocument,
    "\n  mutation CreateFarmRole($input: CreateFarmRoleInput!) {\n    createFarmRole(input: $input) {\n      farmRole {\n        id\n        alias\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateFarmRoleDocument,
    "\n  mutation CreateServer($input: CreateServerInput!) {\n    createServer(input: $input) {\n      server {\n        id\n        hostname\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateServerDocument,
    "\n  mutation DeleteServer($input: DeleteServerInput!) {\n    deleteServer(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteServerDocument,
    "\n  query Variables($scope: ScopeInput!) {\n    variables(scope: $scope) {\n      ...VariableFields\n    }\n  }\n": types.VariablesDocument,
    "\n  mutation SetVariable($input: SetVariableInput!) {\n    setVariable(input: $input) {\n      variable {\n        ...VariableFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.SetVariableDocument,
    "\n  mutation DeleteVariable($input: DeleteVariableInput!) {\n    deleteVariable(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteVariableDocument,
    "\n  fragment IncidentListFields on Incident {\n    id\n    title\n    severity\n    status\n    source\n    openedAt\n    openedBy\n    acknowledgedAt\n    acknowledgedBy\n    resolvedAt\n    resolvedBy\n    updatedAt\n    component {\n      id\n      name\n    }\n  }\n": types.IncidentListFieldsFragmentDoc,
    "\n  query Incidents($accountId: ID!, $filter: IncidentFilter, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      incidents(filter: $filter, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...IncidentListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.IncidentsDocument,
    "\n  subscription IncidentChanged($accountId: ID!) {\n    incidentChanged(accountId: $accountId) {\n      kind\n      incident {\n        ...IncidentListFields\n      }\n    }\n  }\n": types.IncidentChangedDocument,
    "\n  fragment IncidentDetailFields on Incident {\n    id\n    accountId\n    title\n    severity\n    status\n    source\n    sourceKey\n    openedAt\n    openedBy\n    acknowledgedAt\n    acknowledgedBy\n    resolvedAt\n    resolvedBy\n    updatedAt\n    component {\n      id\n      name\n      status\n    }\n    integration {\n      id\n      name\n    }\n    alarm {\n      name\n      description\n      arn\n      awsAccountId\n      region\n      regionName\n      kind\n      newState\n      oldState\n      reason\n      stateChangeTime\n      metricNamespace\n      metricName\n      rule\n    }\n    timeline {\n      id\n      kind\n      actorLabel\n      body\n      createdAt\n      actor {\n        id\n        name\n        email\n      }\n    }\n  }\n": types.IncidentDetailFieldsFragmentDoc,
    "\n  query Incident($id: ID!) {\n    incident(id: $id) {\n      ...IncidentDetailFields\n    }\n  }\n": types.IncidentDocument,
    "\n  subscription IncidentDetailChanged($accountId: ID!) {\n    incidentChanged(accountId: $accountId) {\n      kind\n      incident {\n        id\n        updatedAt\n      }\n    }\n  }\n": types.IncidentDetailChangedDocument,
    "\n  mutation CreateIncident($input: CreateIncidentInput!) {\n    createIncident(input: $input) {\n      incident {\n        ...IncidentListFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateIncidentDocument,
    "\n  mutation AcknowledgeIncident($input: AcknowledgeIncidentInput!) {\n    acknowledgeIncident(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.AcknowledgeIncidentDocument,
    "\n  mutation ResolveIncident($input: ResolveIncidentInput!) {\n    resolveIncident(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ResolveIncidentDocument,
    "\n  mutation AddIncidentNote($input: AddIncidentNoteInput!) {\n    addIncidentNote(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.AddIncidentNoteDocument,
    "\n  fragment IntegrationListFields on AwsIntegration {\n    id\n    name\n    state\n    defaultSeverity\n    tokenPrefix\n    expectedTopicArn\n    topicArn\n    lastRejectionReason\n    lastRejectionAt\n    createdAt\n    component {\n      id\n      name\n    }\n    stats {\n      opened\n      resolved\n      rejected\n      lastMessageAt\n      lastOutcome\n    }\n  }\n": types.IntegrationListFieldsFragmentDoc,
    "\n  query AwsIntegrations($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      awsIntegrations {\n        ...IntegrationListFields\n      }\n    }\n  }\n": types.AwsIntegrationsDocument,
    "\n  fragment IntegrationDetailFields on AwsIntegration {\n    id\n    accountId\n    name\n    state\n    defaultSeverity\n    tokenPrefix\n    expectedTopicArn\n    topicArn\n    subscriptionArn\n    confirmedAt\n    unsubscribedAt\n    lastRejectionReason\n    lastRejectionAt\n    createdAt\n    component {\n      id\n      name\n    }\n    stats {\n      opened\n      resolved\n      noChange\n      outOfOrder\n      ignored\n      confirmations\n      rejected\n      lastMessageAt\n      lastOutcome\n    }\n    recentMessages(first: 20) {\n      messageId\n      type\n      outcome\n      detail\n      receivedAt\n    }\n    recentRejections(first: 20) {\n      id\n      reasonCode\n      reason\n      messageType\n      topicArn\n      receivedAt\n    }\n  }\n": types.IntegrationDetailFieldsFragmentDoc,
    "\n  query AwsIntegration($id: ID!) {\n    awsIntegration(id: $id) {\n      ...IntegrationDetailFields\n    }\n  }\n": types.AwsIntegrationDocument,
    "\n  mutation CreateAwsIntegration($input: CreateAwsIntegrationInput!) {\n    createAwsIntegration(input: $input) {\n      integration {\n        ...IntegrationListFields\n      }\n      webhookUrl\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateAwsIntegrationDocument,
    "\n  mutation RotateAwsIntegrationUrl($input: RotateAwsIntegrationUrlInput!) {\n    rotateAwsIntegrationUrl(input: $input) {\n      integration {\n        ...IntegrationDetailFields\n      }\n      webhookUrl\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RotateAwsIntegrationUrlDocument,
    "\n  mutation UpdateAwsIntegration($input: UpdateAwsIntegrationInput!) {\n    updateAwsIntegration(input: $input) {\n      integration {\n        ...IntegrationDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateAwsIntegrationDocument,
    "\n  mutation DeleteAwsIntegration($input: DeleteAwsIntegrationInput!) {\n    deleteAwsIntegration(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteAwsIntegrationDocument,
    "\n  query Members($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      name\n      myRole\n      members {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n    }\n  }\n": types.MembersDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      membership {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.AddMemberDocument,
    "\n  mutation UpdateMemberRole($input: UpdateMemberRoleInput!) {\n    updateMemberRole(input: $input) {\n      membership {\n        id\n        role\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RemoveMemberDocument,
    "\n  query Profile {\n    me {\n      authMethod\n      user {\n        id\n        email\n        name\n        isSystemAdmin\n        createdAt\n        memberships {\n          id\n          role\n          account {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.ProfileDocument,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      user {\n        id\n        name\n        email\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateProfileDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ok\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ChangePasswordDocument,
    "\n  fragment WebhookFields on Webhook {\n    id\n    scope\n    scopeId\n    name\n    events\n    farmIds\n    timeoutSeconds\n    maxAttempts\n    skipPrivateVariables\n    userData\n    active\n    createdAt\n    updatedAt\n    endpoints {\n      id\n      name\n      url\n      active\n    }\n  }\n": types.WebhookFieldsFragmentDoc,
    "\n  query Webhooks($scope: ScopeInput!) {\n    webhooks(scope: $scope) {\n      ...WebhookFields\n    }\n  }\n": types.WebhooksDocument,
    "\n  query Webhook($id: ID!) {\n    webhook(id: $id) {\n      ...WebhookFields\n    }\n  }\n": types.WebhookDocument,
    "\n  query EventCatalog($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      eventCatalog(environmentId: $environmentId) {\n        name\n        description\n        category\n        custom {\n          id\n          scope\n        }\n      }\n    }\n  }\n": types.EventCatalogDocument,
    "\n  query UsableEndpoints($scope: ScopeInput!) {\n    usableEndpoints(scope: $scope) {\n      id\n      name\n      url\n      scope\n      format\n      active\n      shared\n    }\n  }\n": types.UsableEndpointsDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      webhook {\n        ...WebhookFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($input: UpdateWebhookInput!) {\n    updateWebhook(input: $input) {\n      webhook {\n        ...WebhookFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($input: WebhookIdInput!) {\n    deleteWebhook(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteWebhookDocument,
    "\n  query CustomEvents($scope: ScopeInput!) {\n    customEvents(scope: $scope) {\n      id\n      scope\n      scopeId\n      name\n      description\n      createdAt\n    }\n  }\n": types.CustomEventsDocument,
    "\n  mutation CreateCustomEvent($input: CreateCustomEventInput!) {\n    createCustomEvent(input: $input) {\n      customEvent {\n        id\n        name\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateCustomEventDocument,
    "\n  mutation DeleteCustomEvent($input: DeleteCustomEventInput!) {\n    deleteCustomEvent(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteCustomEventDocument,
    "\n  query AccountRole($id: ID!) {\n    account(id: $id) {\n      id\n      name\n      myRole\n    }\n  }\n": types.AccountRoleDocument,
    "\n  query ComponentOptions($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      components {\n        id\n        name\n        group\n      }\n    }\n  }\n": types.ComponentOptionsDocument,
    "\n  query EnvironmentOptions($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      environments {\n        id\n        name\n      }\n    }\n  }\n": types.EnvironmentOptionsDocument,
    "\n  query FarmOptions($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      farms(environmentId: $environmentId) {\n        id\n        name\n        environment {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.FarmOptionsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Accounts {\n    accounts {\n      id\n      name\n      myRole\n    }\n  }\n"): (typeof documents)["\n  query Accounts {\n    accounts {\n      id\n      name\n      myRole\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAccount($input: UpdateAccountInput!) {\n    updateAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAccount($input: UpdateAccountInput!) {\n    updateAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    action\n    actorLabel\n    targetType\n    targetId\n    summary\n    createdAt\n    actor {\n      id\n      name\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment AuditEntryFields on AuditEntry {\n    id\n    action\n    actorLabel\n    targetType\n    targetId\n    summary\n    createdAt\n    actor {\n      id\n      name\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Activity($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      auditLog(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...AuditEntryFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Activity($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      auditLog(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...AuditEntryFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AccountActivity($accountId: ID!) {\n    accountActivity(accountId: $accountId) {\n      ...AuditEntryFields\n    }\n  }\n"): (typeof documents)["\n  subscription AccountActivity($accountId: ID!) {\n    accountActivity(accountId: $accountId) {\n      ...AuditEntryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiTokens($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      apiTokens {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n        createdBy {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiTokens($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      apiTokens {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n        createdBy {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      apiToken {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      apiToken {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      apiToken {\n        id\n        status\n        revokedAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      apiToken {\n        id\n        status\n        revokedAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ComponentFields on Component {\n    id\n    accountId\n    name\n    description\n    group\n    status\n    statusOverride\n    openIncidentCount\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment ComponentFields on Component {\n    id\n    accountId\n    name\n    description\n    group\n    status\n    statusOverride\n    openIncidentCount\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Components($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      components {\n        ...ComponentFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Components($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      components {\n        ...ComponentFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateComponent($input: CreateComponentInput!) {\n    createComponent(input: $input) {\n      component {\n        ...ComponentFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateComponent($input: CreateComponentInput!) {\n    createComponent(input: $input) {\n      component {\n        ...ComponentFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateComponent($input: UpdateComponentInput!) {\n    updateComponent(input: $input) {\n      component {\n        ...ComponentFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateComponent($input: UpdateComponentInput!) {\n    updateComponent(input: $input) {\n      component {\n        ...ComponentFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteComponent($input: DeleteComponentInput!) {\n    deleteComponent(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteComponent($input: DeleteComponentInput!) {\n    deleteComponent(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DeliveryListFields on Delivery {\n    id\n    eventName\n    status\n    attempts\n    maxAttempts\n    nextAttemptAt\n    lastStatusCode\n    lastError\n    createdAt\n    completedAt\n    event {\n      id\n    }\n    webhook {\n      id\n      name\n    }\n    endpoint {\n      id\n      name\n      url\n    }\n  }\n"): (typeof documents)["\n  fragment DeliveryListFields on Delivery {\n    id\n    eventName\n    status\n    attempts\n    maxAttempts\n    nextAttemptAt\n    lastStatusCode\n    lastError\n    createdAt\n    completedAt\n    event {\n      id\n    }\n    webhook {\n      id\n      name\n    }\n    endpoint {\n      id\n      name\n      url\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Deliveries($accountId: ID!, $filter: DeliveryFilter, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      deliveries(filter: $filter, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...DeliveryListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Deliveries($accountId: ID!, $filter: DeliveryFilter, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      deliveries(filter: $filter, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...DeliveryListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DeliveryChanged($accountId: ID!) {\n    deliveryChanged(accountId: $accountId) {\n      ...DeliveryListFields\n    }\n  }\n"): (typeof documents)["\n  subscription DeliveryChanged($accountId: ID!) {\n    deliveryChanged(accountId: $accountId) {\n      ...DeliveryListFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Delivery($id: ID!) {\n    delivery(id: $id) {\n      ...DeliveryListFields\n      payload\n      attemptDetails {\n        id\n        number\n        startedAt\n        finishedAt\n        durationMs\n        url\n        remoteAddr\n        requestHeaders {\n          key\n          value\n        }\n        statusCode\n        responseHeaders {\n          key\n          value\n        }\n        responseBody\n        errorClass\n        errorMessage\n      }\n    }\n  }\n"): (typeof documents)["\n  query Delivery($id: ID!) {\n    delivery(id: $id) {\n      ...DeliveryListFields\n      payload\n      attemptDetails {\n        id\n        number\n        startedAt\n        finishedAt\n        durationMs\n        url\n        remoteAddr\n        requestHeaders {\n          key\n          value\n        }\n        statusCode\n        responseHeaders {\n          key\n          value\n        }\n        responseBody\n        errorClass\n        errorMessage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeliveryStats($accountId: ID!, $hours: Int!) {\n    account(id: $accountId) {\n      id\n      deliveryStats(hours: $hours) {\n        start\n        succeeded\n        failed\n        pending\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeliveryStats($accountId: ID!, $hours: Int!) {\n    account(id: $accountId) {\n      id\n      deliveryStats(hours: $hours) {\n        start\n        succeeded\n        failed\n        pending\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeliveryFilterOptions($account: ScopeInput!, $environment: ScopeInput!, $withEnvironment: Boolean!) {\n    accountWebhooks: webhooks(scope: $account) {\n      id\n      name\n    }\n    accountEndpoints: endpoints(scope: $account) {\n      id\n      name\n    }\n    environmentWebhooks: webhooks(scope: $environment) @include(if: $withEnvironment) {\n      id\n      name\n    }\n    environmentEndpoints: endpoints(scope: $environment) @include(if: $withEnvironment) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query DeliveryFilterOptions($account: ScopeInput!, $environment: ScopeInput!, $withEnvironment: Boolean!) {\n    accountWebhooks: webhooks(scope: $account) {\n      id\n      name\n    }\n    accountEndpoints: endpoints(scope: $account) {\n      id\n      name\n    }\n    environmentWebhooks: webhooks(scope: $environment) @include(if: $withEnvironment) {\n      id\n      name\n    }\n    environmentEndpoints: endpoints(scope: $environment) @include(if: $withEnvironment) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResendDelivery($input: ResendDeliveryInput!) {\n    resendDelivery(input: $input) {\n      delivery {\n        ...DeliveryListFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResendDelivery($input: ResendDeliveryInput!) {\n    resendDelivery(input: $input) {\n      delivery {\n        ...DeliveryListFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryFailedDeliveries($input: RetryFailedDeliveriesInput!) {\n    retryFailedDeliveries(input: $input) {\n      queued\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RetryFailedDeliveries($input: RetryFailedDeliveriesInput!) {\n    retryFailedDeliveries(input: $input) {\n      queued\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EndpointFields on Endpoint {\n    id\n    scope\n    scopeId\n    name\n    url\n    format\n    active\n    shared\n    inactiveReason\n    createdAt\n    updatedAt\n    webhooks {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment EndpointFields on Endpoint {\n    id\n    scope\n    scopeId\n    name\n    url\n    format\n    active\n    shared\n    inactiveReason\n    createdAt\n    updatedAt\n    webhooks {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Endpoints($scope: ScopeInput!) {\n    endpoints(scope: $scope) {\n      ...EndpointFields\n    }\n  }\n"): (typeof documents)["\n  query Endpoints($scope: ScopeInput!) {\n    endpoints(scope: $scope) {\n      ...EndpointFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      signingKey\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      signingKey\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateEndpointKey($input: EndpointIdInput!) {\n    rotateEndpointKey(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      signingKey\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateEndpointKey($input: EndpointIdInput!) {\n    rotateEndpointKey(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      signingKey\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateEndpoint($input: UpdateEndpointInput!) {\n    updateEndpoint(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateEndpoint($input: UpdateEndpointInput!) {\n    updateEndpoint(input: $input) {\n      endpoint {\n        ...EndpointFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteEndpoint($input: EndpointIdInput!) {\n    deleteEndpoint(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteEndpoint($input: EndpointIdInput!) {\n    deleteEndpoint(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendTestEvent($input: EndpointIdInput!) {\n    sendTestEvent(input: $input) {\n      delivery {\n        id\n        status\n        attempts\n        maxAttempts\n        lastStatusCode\n        lastError\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SendTestEvent($input: EndpointIdInput!) {\n    sendTestEvent(input: $input) {\n      delivery {\n        id\n        status\n        attempts\n        maxAttempts\n        lastStatusCode\n        lastError\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TestDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attempts\n      maxAttempts\n      lastStatusCode\n      lastError\n      nextAttemptAt\n      completedAt\n    }\n  }\n"): (typeof documents)["\n  query TestDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attempts\n      maxAttempts\n      lastStatusCode\n      lastError\n      nextAttemptAt\n      completedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Environments($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      environments {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query Environments($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      environments {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {\n    deleteEnvironment(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {\n    deleteEnvironment(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventListFields on Event {\n    id\n    name\n    source\n    environmentId\n    farmId\n    serverId\n    incidentId\n    createdAt\n    deliveryCounts {\n      succeeded\n      pending\n      failed\n    }\n  }\n"): (typeof documents)["\n  fragment EventListFields on Event {\n    id\n    name\n    source\n    environmentId\n    farmId\n    serverId\n    incidentId\n    createdAt\n    deliveryCounts {\n      succeeded\n      pending\n      failed\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Events($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      myRole\n      events(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...EventListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Events($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      myRole\n      events(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...EventListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Event($id: ID!) {\n    event(id: $id) {\n      ...EventListFields\n      accountId\n      variables {\n        key\n        value\n      }\n    }\n  }\n"): (typeof documents)["\n  query Event($id: ID!) {\n    event(id: $id) {\n      ...EventListFields\n      accountId\n      variables {\n        key\n        value\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Farms($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      myRole\n      farms(environmentId: $environmentId) {\n        id\n        name\n        description\n        ownerEmail\n        status\n        updatedAt\n        environment {\n          id\n          name\n        }\n        roles {\n          id\n        }\n        servers {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Farms($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      myRole\n      farms(environmentId: $environmentId) {\n        id\n        name\n        description\n        ownerEmail\n        status\n        updatedAt\n        environment {\n          id\n          name\n        }\n        roles {\n          id\n        }\n        servers {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment VariableFields on Variable {\n    id\n    scope\n    scopeId\n    name\n    value\n    hidden\n    locked\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment VariableFields on Variable {\n    id\n    scope\n    scopeId\n    name\n    value\n    hidden\n    locked\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Farm($id: ID!) {\n    farm(id: $id) {\n      id\n      accountId\n      name\n      description\n      ownerEmail\n      status\n      launchedOnce\n      createdAt\n      updatedAt\n      environment {\n        id\n        name\n      }\n      roles {\n        id\n        farmId\n        alias\n        roleName\n        os\n        createdAt\n      }\n      servers {\n        id\n        farmRoleId\n        hostname\n        serverType\n        cloudLocation\n        cloudZone\n        cloudServerId\n        publicIp\n        privateIp\n        status\n        instanceIndex\n        updatedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query Farm($id: ID!) {\n    farm(id: $id) {\n      id\n      accountId\n      name\n      description\n      ownerEmail\n      status\n      launchedOnce\n      createdAt\n      updatedAt\n      environment {\n        id\n        name\n      }\n      roles {\n        id\n        farmId\n        alias\n        roleName\n        os\n        createdAt\n      }\n      servers {\n        id\n        farmRoleId\n        hostname\n        serverType\n        cloudLocation\n        cloudZone\n        cloudServerId\n        publicIp\n        privateIp\n        status\n        instanceIndex\n        updatedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment FarmStateFields on Farm {\n    id\n    status\n    launchedOnce\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment FarmStateFields on Farm {\n    id\n    status\n    launchedOnce\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LaunchFarm($input: FarmIdInput!) {\n    launchFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LaunchFarm($input: FarmIdInput!) {\n    launchFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TerminateFarm($input: FarmIdInput!) {\n    terminateFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation TerminateFarm($input: FarmIdInput!) {\n    terminateFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SuspendFarm($input: FarmIdInput!) {\n    suspendFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SuspendFarm($input: FarmIdInput!) {\n    suspendFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeFarm($input: FarmIdInput!) {\n    resumeFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeFarm($input: FarmIdInput!) {\n    resumeFarm(input: $input) {\n      farm {\n        ...FarmStateFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateFarm($input: CreateFarmInput!) {\n    createFarm(input: $input) {\n      farm {\n        id\n        name\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateFarm($input: CreateFarmInput!) {\n    createFarm(input: $input) {\n      farm {\n        id\n        name\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteFarm($input: FarmIdInput!) {\n    deleteFarm(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteFarm($input: FarmIdInput!) {\n    deleteFarm(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateFarmRole($input: CreateFarmRoleInput!) {\n    createFarmRole(input: $input) {\n      farmRole {\n        id\n        alias\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateFarmRole($input: CreateFarmRoleInput!) {\n    createFarmRole(input: $input) {\n      farmRole {\n        id\n        alias\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateServer($input: CreateServerInput!) {\n    createServer(input: $input) {\n      server {\n        id\n        hostname\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateServer($input: CreateServerInput!) {\n    createServer(input: $input) {\n      server {\n        id\n        hostname\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteServer($input: DeleteServerInput!) {\n    deleteServer(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteServer($input: DeleteServerInput!) {\n    deleteServer(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Variables($scope: ScopeInput!) {\n    variables(scope: $scope) {\n      ...VariableFields\n    }\n  }\n"): (typeof documents)["\n  query Variables($scope: ScopeInput!) {\n    variables(scope: $scope) {\n      ...VariableFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetVariable($input: SetVariableInput!) {\n    setVariable(input: $input) {\n      variable {\n        ...VariableFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SetVariable($input: SetVariableInput!) {\n    setVariable(input: $input) {\n      variable {\n        ...VariableFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteVariable($input: DeleteVariableInput!) {\n    deleteVariable(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteVariable($input: DeleteVariableInput!) {\n    deleteVariable(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IncidentListFields on Incident {\n    id\n    title\n    severity\n    status\n    source\n    openedAt\n    openedBy\n    acknowledgedAt\n    acknowledgedBy\n    resolvedAt\n    resolvedBy\n    updatedAt\n    component {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment IncidentListFields on Incident {\n    id\n    title\n    severity\n    status\n    source\n    openedAt\n    openedBy\n    acknowledgedAt\n    acknowledgedBy\n    resolvedAt\n    resolvedBy\n    updatedAt\n    component {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Incidents($accountId: ID!, $filter: IncidentFilter, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      incidents(filter: $filter, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...IncidentListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Incidents($accountId: ID!, $filter: IncidentFilter, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      incidents(filter: $filter, first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...IncidentListFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IncidentChanged($accountId: ID!) {\n    incidentChanged(accountId: $accountId) {\n      kind\n      incident {\n        ...IncidentListFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription IncidentChanged($accountId: ID!) {\n    incidentChanged(accountId: $accountId) {\n      kind\n      incident {\n        ...IncidentListFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IncidentDetailFields on Incident {\n    id\n    accountId\n    title\n    severity\n    status\n    source\n    sourceKey\n    openedAt\n    openedBy\n    acknowledgedAt\n    acknowledgedBy\n    resolvedAt\n    resolvedBy\n    updatedAt\n    component {\n      id\n      name\n      status\n    }\n    integration {\n      id\n      name\n    }\n    alarm {\n      name\n      description\n      arn\n      awsAccountId\n      region\n      regionName\n      kind\n      newState\n      oldState\n      reason\n      stateChangeTime\n      metricNamespace\n      metricName\n      rule\n    }\n    timeline {\n      id\n      kind\n      actorLabel\n      body\n      createdAt\n      actor {\n        id\n        name\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment IncidentDetailFields on Incident {\n    id\n    accountId\n    title\n    severity\n    status\n    source\n    sourceKey\n    openedAt\n    openedBy\n    acknowledgedAt\n    acknowledgedBy\n    resolvedAt\n    resolvedBy\n    updatedAt\n    component {\n      id\n      name\n      status\n    }\n    integration {\n      id\n      name\n    }\n    alarm {\n      name\n      description\n      arn\n      awsAccountId\n      region\n      regionName\n      kind\n      newState\n      oldState\n      reason\n      stateChangeTime\n      metricNamespace\n      metricName\n      rule\n    }\n    timeline {\n      id\n      kind\n      actorLabel\n      body\n      createdAt\n      actor {\n        id\n        name\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Incident($id: ID!) {\n    incident(id: $id) {\n      ...IncidentDetailFields\n    }\n  }\n"): (typeof documents)["\n  query Incident($id: ID!) {\n    incident(id: $id) {\n      ...IncidentDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IncidentDetailChanged($accountId: ID!) {\n    incidentChanged(accountId: $accountId) {\n      kind\n      incident {\n        id\n        updatedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription IncidentDetailChanged($accountId: ID!) {\n    incidentChanged(accountId: $accountId) {\n      kind\n      incident {\n        id\n        updatedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateIncident($input: CreateIncidentInput!) {\n    createIncident(input: $input) {\n      incident {\n        ...IncidentListFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateIncident($input: CreateIncidentInput!) {\n    createIncident(input: $input) {\n      incident {\n        ...IncidentListFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgeIncident($input: AcknowledgeIncidentInput!) {\n    acknowledgeIncident(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AcknowledgeIncident($input: AcknowledgeIncidentInput!) {\n    acknowledgeIncident(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveIncident($input: ResolveIncidentInput!) {\n    resolveIncident(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResolveIncident($input: ResolveIncidentInput!) {\n    resolveIncident(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddIncidentNote($input: AddIncidentNoteInput!) {\n    addIncidentNote(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddIncidentNote($input: AddIncidentNoteInput!) {\n    addIncidentNote(input: $input) {\n      incident {\n        ...IncidentDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IntegrationListFields on AwsIntegration {\n    id\n    name\n    state\n    defaultSeverity\n    tokenPrefix\n    expectedTopicArn\n    topicArn\n    lastRejectionReason\n    lastRejectionAt\n    createdAt\n    component {\n      id\n      name\n    }\n    stats {\n      opened\n      resolved\n      rejected\n      lastMessageAt\n      lastOutcome\n    }\n  }\n"): (typeof documents)["\n  fragment IntegrationListFields on AwsIntegration {\n    id\n    name\n    state\n    defaultSeverity\n    tokenPrefix\n    expectedTopicArn\n    topicArn\n    lastRejectionReason\n    lastRejectionAt\n    createdAt\n    component {\n      id\n      name\n    }\n    stats {\n      opened\n      resolved\n      rejected\n      lastMessageAt\n      lastOutcome\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AwsIntegrations($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      awsIntegrations {\n        ...IntegrationListFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query AwsIntegrations($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      awsIntegrations {\n        ...IntegrationListFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IntegrationDetailFields on AwsIntegration {\n    id\n    accountId\n    name\n    state\n    defaultSeverity\n    tokenPrefix\n    expectedTopicArn\n    topicArn\n    subscriptionArn\n    confirmedAt\n    unsubscribedAt\n    lastRejectionReason\n    lastRejectionAt\n    createdAt\n    component {\n      id\n      name\n    }\n    stats {\n      opened\n      resolved\n      noChange\n      outOfOrder\n      ignored\n      confirmations\n      rejected\n      lastMessageAt\n      lastOutcome\n    }\n    recentMessages(first: 20) {\n      messageId\n      type\n      outcome\n      detail\n      receivedAt\n    }\n    recentRejections(first: 20) {\n      id\n      reasonCode\n      reason\n      messageType\n      topicArn\n      receivedAt\n    }\n  }\n"): (typeof documents)["\n  fragment IntegrationDetailFields on AwsIntegration {\n    id\n    accountId\n    name\n    state\n    defaultSeverity\n    tokenPrefix\n    expectedTopicArn\n    topicArn\n    subscriptionArn\n    confirmedAt\n    unsubscribedAt\n    lastRejectionReason\n    lastRejectionAt\n    createdAt\n    component {\n      id\n      name\n    }\n    stats {\n      opened\n      resolved\n      noChange\n      outOfOrder\n      ignored\n      confirmations\n      rejected\n      lastMessageAt\n      lastOutcome\n    }\n    recentMessages(first: 20) {\n      messageId\n      type\n      outcome\n      detail\n      receivedAt\n    }\n    recentRejections(first: 20) {\n      id\n      reasonCode\n      reason\n      messageType\n      topicArn\n      receivedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AwsIntegration($id: ID!) {\n    awsIntegration(id: $id) {\n      ...IntegrationDetailFields\n    }\n  }\n"): (typeof documents)["\n  query AwsIntegration($id: ID!) {\n    awsIntegration(id: $id) {\n      ...IntegrationDetailFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAwsIntegration($input: CreateAwsIntegrationInput!) {\n    createAwsIntegration(input: $input) {\n      integration {\n        ...IntegrationListFields\n      }\n      webhookUrl\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAwsIntegration($input: CreateAwsIntegrationInput!) {\n    createAwsIntegration(input: $input) {\n      integration {\n        ...IntegrationListFields\n      }\n      webhookUrl\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateAwsIntegrationUrl($input: RotateAwsIntegrationUrlInput!) {\n    rotateAwsIntegrationUrl(input: $input) {\n      integration {\n        ...IntegrationDetailFields\n      }\n      webhookUrl\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateAwsIntegrationUrl($input: RotateAwsIntegrationUrlInput!) {\n    rotateAwsIntegrationUrl(input: $input) {\n      integration {\n        ...IntegrationDetailFields\n      }\n      webhookUrl\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAwsIntegration($input: UpdateAwsIntegrationInput!) {\n    updateAwsIntegration(input: $input) {\n      integration {\n        ...IntegrationDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAwsIntegration($input: UpdateAwsIntegrationInput!) {\n    updateAwsIntegration(input: $input) {\n      integration {\n        ...IntegrationDetailFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAwsIntegration($input: DeleteAwsIntegrationInput!) {\n    deleteAwsIntegration(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteAwsIntegration($input: DeleteAwsIntegrationInput!) {\n    deleteAwsIntegration(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      name\n      myRole\n      members {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Members($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      name\n      myRole\n      members {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      membership {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      membership {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMemberRole($input: UpdateMemberRoleInput!) {\n    updateMemberRole(input: $input) {\n      membership {\n        id\n        role\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMemberRole($input: UpdateMemberRoleInput!) {\n    updateMemberRole(input: $input) {\n      membership {\n        id\n        role\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Profile {\n    me {\n      authMethod\n      user {\n        id\n        email\n        name\n        isSystemAdmin\n        createdAt\n        memberships {\n          id\n          role\n          account {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Profile {\n    me {\n      authMethod\n      user {\n        id\n        email\n        name\n        isSystemAdmin\n        createdAt\n        memberships {\n          id\n          role\n          account {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      user {\n        id\n        name\n        email\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      user {\n        id\n        name\n        email\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ok\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ok\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookFields on Webhook {\n    id\n    scope\n    scopeId\n    name\n    events\n    farmIds\n    timeoutSeconds\n    maxAttempts\n    skipPrivateVariables\n    userData\n    active\n    createdAt\n    updatedAt\n    endpoints {\n      id\n      name\n      url\n      active\n    }\n  }\n"): (typeof documents)["\n  fragment WebhookFields on Webhook {\n    id\n    scope\n    scopeId\n    name\n    events\n    farmIds\n    timeoutSeconds\n    maxAttempts\n    skipPrivateVariables\n    userData\n    active\n    createdAt\n    updatedAt\n    endpoints {\n      id\n      name\n      url\n      active\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhooks($scope: ScopeInput!) {\n    webhooks(scope: $scope) {\n      ...WebhookFields\n    }\n  }\n"): (typeof documents)["\n  query Webhooks($scope: ScopeInput!) {\n    webhooks(scope: $scope) {\n      ...WebhookFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhook($id: ID!) {\n    webhook(id: $id) {\n      ...WebhookFields\n    }\n  }\n"): (typeof documents)["\n  query Webhook($id: ID!) {\n    webhook(id: $id) {\n      ...WebhookFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventCatalog($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      eventCatalog(environmentId: $environmentId) {\n        name\n        description\n        category\n        custom {\n          id\n          scope\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query EventCatalog($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      eventCatalog(environmentId: $environmentId) {\n        name\n        description\n        category\n        custom {\n          id\n          scope\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsableEndpoints($scope: ScopeInput!) {\n    usableEndpoints(scope: $scope) {\n      id\n      name\n      url\n      scope\n      format\n      active\n      shared\n    }\n  }\n"): (typeof documents)["\n  query UsableEndpoints($scope: ScopeInput!) {\n    usableEndpoints(scope: $scope) {\n      id\n      name\n      url\n      scope\n      format\n      active\n      shared\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      webhook {\n        ...WebhookFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      webhook {\n        ...WebhookFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhook($input: UpdateWebhookInput!) {\n    updateWebhook(input: $input) {\n      webhook {\n        ...WebhookFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhook($input: UpdateWebhookInput!) {\n    updateWebhook(input: $input) {\n      webhook {\n        ...WebhookFields\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook($input: WebhookIdInput!) {\n    deleteWebhook(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteWebhook($input: WebhookIdInput!) {\n    deleteWebhook(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomEvents($scope: ScopeInput!) {\n    customEvents(scope: $scope) {\n      id\n      scope\n      scopeId\n      name\n      description\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query CustomEvents($scope: ScopeInput!) {\n    customEvents(scope: $scope) {\n      id\n      scope\n      scopeId\n      name\n      description\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCustomEvent($input: CreateCustomEventInput!) {\n    createCustomEvent(input: $input) {\n      customEvent {\n        id\n        name\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCustomEvent($input: CreateCustomEventInput!) {\n    createCustomEvent(input: $input) {\n      customEvent {\n        id\n        name\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCustomEvent($input: DeleteCustomEventInput!) {\n    deleteCustomEvent(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteCustomEvent($input: DeleteCustomEventInput!) {\n    deleteCustomEvent(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountRole($id: ID!) {\n    account(id: $id) {\n      id\n      name\n      myRole\n    }\n  }\n"): (typeof documents)["\n  query AccountRole($id: ID!) {\n    account(id: $id) {\n      id\n      name\n      myRole\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ComponentOptions($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      components {\n        id\n        name\n        group\n      }\n    }\n  }\n"): (typeof documents)["\n  query ComponentOptions($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      components {\n        id\n        name\n        group\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EnvironmentOptions($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      environments {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query EnvironmentOptions($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      environments {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FarmOptions($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      farms(environmentId: $environmentId) {\n        id\n        name\n        environment {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FarmOptions($accountId: ID!, $environmentId: ID) {\n    account(id: $accountId) {\n      id\n      farms(environmentId: $environmentId) {\n        id\n        name\n        environment {\n          id\n          name\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;