package server_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server/servertest"
)

// Maintenance windows in the probes are valid ones (a window starts at most a year ahead and
// lasts at most 30 days), so only the tenancy check can refuse them.
var (
	maintStart = time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour).Format(time.RFC3339)
	maintEnd   = time.Now().UTC().Add(30*24*time.Hour + 2*time.Hour).Truncate(time.Hour).Format(time.RFC3339)
	maintLater = time.Now().UTC().Add(31 * 24 * time.Hour).Truncate(time.Hour).Format(time.RFC3339)
)

// isolationCase is an attempt by a user of account A to reach account B through one root field.
type isolationCase struct {
	query string
	vars  func(b bIDs) map[string]any
	// refusal is how a subscription is refused ("not found" unless set): fields of the system
	// scope answer "only system administrators".
	refusal string
}

type bIDs struct {
	account, env, membership, token, audit string
	component, incident, integration       string
	farm, farmRole, server, variable       string
	customEvent, endpoint, webhook, event  string
	delivery, approval, invitation         string
	schedule, override, policy, feed       string
	contact                                string
	// Status pages: B's public incident, one of its updates, an update template.
	publicIncident, publicUpdate, template string
	maintenance                            string
	statusPage, viewer                     string
	subscriber                             string // a status page subscriber
}

func scopeOf(kind string, id func(b bIDs) string) func(b bIDs) map[string]any {
	return func(b bIDs) map[string]any { return map[string]any{"s": map[string]any{"scope": kind, "id": id(b)}} }
}

func accountScope(b bIDs) map[string]any {
	return map[string]any{"s": map[string]any{"scope": "ACCOUNT", "id": b.account}}
}

func byID(id func(b bIDs) string) func(b bIDs) map[string]any {
	return func(b bIDs) map[string]any { return map[string]any{"id": id(b)} }
}

// isolationCases must name every root field of the schema: TestTenantIsolation fails when a new
// field is added without a case here.
var isolationCases = map[string]isolationCase{
	"Query.ok":               {query: `{ ok }`},
	"Query.me":               {query: `{ me { user { id email memberships { id accountId account { id name } } } apiTokenAccountId } }`},
	"Query.accounts":         {query: `{ accounts { id name environments { id name } members { id user { id email memberships { accountId } } } } }`},
	"Query.account":          {query: `query($id: ID!) { account(id: $id) { id name myNotifications { edges { node { id recipient incident { title } } } } myOpenPages { id title escalation { state } } } }`, vars: func(b bIDs) map[string]any { return map[string]any{"id": b.account} }},
	"Query.environment":      {query: `query($id: ID!) { environment(id: $id) { id name } }`, vars: func(b bIDs) map[string]any { return map[string]any{"id": b.env} }},
	"Mutation.createAccount": {query: `mutation { createAccount(input: {name: "Sneaky"}) { account { id } errors { code } } }`},
	"Mutation.updateAccount": {query: `mutation($id: ID!) { updateAccount(input: {id: $id, name: "Owned"}) { account { id name } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.account} }},
	"Mutation.createEnvironment": {query: `mutation($a: ID!) { createEnvironment(input: {accountId: $a, name: "evil"}) { environment { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Mutation.updateEnvironment": {query: `mutation($id: ID!) { updateEnvironment(input: {id: $id, name: "owned"}) { environment { id name } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.env} }},
	"Mutation.deleteEnvironment": {query: `mutation($id: ID!) { deleteEnvironment(input: {id: $id}) { deletedId errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.env} }},
	"Mutation.addMember": {query: `mutation($a: ID!) { addMember(input: {accountId: $a, email: "mallory@example.com", role: OWNER, name: "M", password: "correct horse battery"}) { membership { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Mutation.updateMemberRole": {query: `mutation($id: ID!) { updateMemberRole(input: {membershipId: $id, role: VIEWER}) { membership { id role user { email } } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.membership} }},
	"Mutation.removeMember": {query: `mutation($id: ID!) { removeMember(input: {membershipId: $id}) { deletedId errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.membership} }},
	"Mutation.createApiToken": {query: `mutation($a: ID!) { createApiToken(input: {accountId: $a, name: "x", role: VIEWER}) { secret errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Mutation.revokeApiToken": {query: `mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id name } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.token} }},
	"Mutation.changePassword": {query: `mutation { changePassword(input: {currentPassword: "wrong wrong wrong", newPassword: "another horse battery"}) { ok errors { code } } }`},
	"Mutation.updateProfile":  {query: `mutation { updateProfile(input: {name: "Alice"}) { user { id name } errors { code } } }`},
	"Query.component":         {query: `query($id: ID!) { component(id: $id) { id name } }`, vars: byID(func(b bIDs) string { return b.component })},
	"Query.incident":          {query: `query($id: ID!) { incident(id: $id) { id title } }`, vars: byID(func(b bIDs) string { return b.incident })},
	"Query.awsIntegration":    {query: `query($id: ID!) { awsIntegration(id: $id) { id name } }`, vars: byID(func(b bIDs) string { return b.integration })},
	"Mutation.createComponent": {query: `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "evil"}) { component { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Mutation.updateComponent": {query: `mutation($id: ID!) { updateComponent(input: {id: $id, name: "owned", statusOverride: MAJOR_OUTAGE}) { component { id name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.component })},
	"Mutation.deleteComponent": {query: `mutation($id: ID!) { deleteComponent(input: {id: $id}) { deletedId errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.component })},
	"Mutation.createIncident": {query: `mutation($id: ID!) { createIncident(input: {componentId: $id, title: "evil", severity: LOW}) { incident { id } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.component })},
	"Mutation.acknowledgeIncident": {query: `mutation($id: ID!) { acknowledgeIncident(input: {id: $id}) { incident { id title } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.incident })},
	"Mutation.resolveIncident": {query: `mutation($id: ID!) { resolveIncident(input: {id: $id}) { incident { id title } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.incident })},
	"Mutation.unacknowledgeIncident": {query: `mutation($id: ID!) { unacknowledgeIncident(input: {id: $id}) { incident { id title } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.incident })},
	"Mutation.reassignIncident": {query: `mutation($id: ID!, $u: ID!) { reassignIncident(input: {id: $id, userId: $u}) { incident { id title assignee { email } } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.incident, "u": b.incident} }},
	"Mutation.snoozeIncident": {query: `mutation($id: ID!) { snoozeIncident(input: {id: $id, minutes: 10}) { incident { id title } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.incident })},
	"Mutation.setIncidentPolicy": {query: `mutation($id: ID!) { setIncidentPolicy(input: {id: $id, policyId: null}) { incident { id title escalation { state } } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.incident })},
	"Mutation.escalateIncident": {query: `mutation($id: ID!) { escalateIncident(input: {id: $id}) { incident { id title notifications { recipient } } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.incident })},
	"Mutation.acknowledgeIncidents": {query: `mutation($id: ID!) { acknowledgeIncidents(ids: [$id]) { results { incident { id title } error { code } } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.incident })},
	"Mutation.resolveIncidents": {query: `mutation($id: ID!) { resolveIncidents(ids: [$id]) { results { incident { id title } error { code } } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.incident })},
	"Mutation.addIncidentNote": {query: `mutation($id: ID!) { addIncidentNote(input: {id: $id, body: "evil"}) { entry { id } incident { title } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.incident })},
	"Mutation.createAwsIntegration": {query: `mutation($a: ID!, $c: ID!) { createAwsIntegration(input: {accountId: $a, name: "evil", componentId: $c}) { webhookUrl errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account, "c": b.component} }},
	"Mutation.updateAwsIntegration": {query: `mutation($id: ID!) { updateAwsIntegration(input: {id: $id, name: "owned"}) { integration { id name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.integration })},
	"Mutation.rotateAwsIntegrationUrl": {query: `mutation($id: ID!) { rotateAwsIntegrationUrl(input: {id: $id}) { webhookUrl integration { name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.integration })},
	"Query.tryIntegrationRoutes": {query: `query($id: ID!, $c: ID!) { tryIntegrationRoutes(input: {integrationId: $id, routes: [{name: "x", componentId: $c, conditions: []}]}) { trials { message { alarmName } facts { alarmName } } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.integration, "c": b.component} }},
	"Mutation.setIntegrationRoutes": {query: `mutation($id: ID!, $c: ID!) { setIntegrationRoutes(input: {integrationId: $id, routes: [{name: "evil", componentId: $c, conditions: []}]}) { integration { name routes { id } } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.integration, "c": b.component} }},
	"Mutation.inviteMember": {query: `mutation($a: ID!) { inviteMember(input: {accountId: $a, email: "mallory@example.com", role: OWNER}) { invitation { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Mutation.resendInvitation": {query: `mutation($id: ID!) { resendInvitation(id: $id) { invitation { id email } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.invitation })},
	"Mutation.revokeInvitation": {query: `mutation($id: ID!) { revokeInvitation(id: $id) { invitation { id email } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.invitation })},
	"Mutation.sendTestAlarm": {query: `mutation($id: ID!) { sendTestAlarm(input: {integrationId: $id, endpointIds: []}) { incident { id title } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.integration })},
	"Mutation.deleteAwsIntegration": {query: `mutation($id: ID!) { deleteAwsIntegration(input: {id: $id}) { deletedId errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.integration })},
	"Subscription.incidentChanged": {query: `subscription($a: ID!) { incidentChanged(accountId: $a) { kind incident { id title } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Query.farm":                  {query: `query($id: ID!) { farm(id: $id) { id name } }`, vars: byID(func(b bIDs) string { return b.farm })},
	"Query.variables":             {query: `query($s: ScopeInput!) { variables(scope: $s) { id name value } }`, vars: accountScope},
	"Query.endpoints":             {query: `query($s: ScopeInput!) { endpoints(scope: $s) { id name url } }`, vars: accountScope},
	"Query.usableEndpoints":       {query: `query($s: ScopeInput!) { usableEndpoints(scope: $s) { id name url } }`, vars: accountScope},
	"Query.webhooks":              {query: `query($s: ScopeInput!) { webhooks(scope: $s) { id name } }`, vars: accountScope},
	"Query.customEvents":          {query: `query($s: ScopeInput!) { customEvents(scope: $s) { id name } }`, vars: accountScope},
	"Query.endpoint":              {query: `query($id: ID!) { endpoint(id: $id) { id name url } }`, vars: byID(func(b bIDs) string { return b.endpoint })},
	"Query.webhook":               {query: `query($id: ID!) { webhook(id: $id) { id name } }`, vars: byID(func(b bIDs) string { return b.webhook })},
	"Query.delivery":              {query: `query($id: ID!) { delivery(id: $id) { id payload } }`, vars: byID(func(b bIDs) string { return b.delivery })},
	"Query.event":                 {query: `query($id: ID!) { event(id: $id) { id name variables { key value } } }`, vars: byID(func(b bIDs) string { return b.event })},
	"Query.deliveryRetentionDays": {query: `{ deliveryRetentionDays }`},
	"Mutation.createFarm": {query: `mutation($id: ID!) { createFarm(input: {environmentId: $id, name: "evil"}) { farm { id } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.env })},
	"Mutation.updateFarm": {query: `mutation($id: ID!) { updateFarm(input: {id: $id, name: "owned"}) { farm { id name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.farm })},
	"Mutation.deleteFarm":    {query: `mutation($id: ID!) { deleteFarm(input: {id: $id}) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.farm })},
	"Mutation.launchFarm":    {query: `mutation($id: ID!) { launchFarm(input: {id: $id}) { farm { id name } errors { code } } }`, vars: byID(func(b bIDs) string { return b.farm })},
	"Mutation.terminateFarm": {query: `mutation($id: ID!) { terminateFarm(input: {id: $id}) { farm { id name } errors { code } } }`, vars: byID(func(b bIDs) string { return b.farm })},
	"Mutation.suspendFarm":   {query: `mutation($id: ID!) { suspendFarm(input: {id: $id}) { farm { id name } errors { code } } }`, vars: byID(func(b bIDs) string { return b.farm })},
	"Mutation.resumeFarm":    {query: `mutation($id: ID!) { resumeFarm(input: {id: $id}) { farm { id name } errors { code } } }`, vars: byID(func(b bIDs) string { return b.farm })},
	"Mutation.createFarmRole": {query: `mutation($id: ID!) { createFarmRole(input: {farmId: $id, alias: "evil", roleName: "x"}) { farmRole { id } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.farm })},
	"Mutation.createServer": {query: `mutation($id: ID!) { createServer(input: {farmRoleId: $id, fields: {hostname: "evil"}}) { server { id } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.farmRole })},
	"Mutation.updateServer": {query: `mutation($id: ID!) { updateServer(input: {id: $id, fields: {hostname: "owned"}}) { server { id hostname } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.server })},
	"Mutation.deleteServer": {query: `mutation($id: ID!) { deleteServer(input: {id: $id}) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.server })},
	"Mutation.setVariable": {query: `mutation($s: ScopeInput!) { setVariable(input: {scope: $s, name: "EVIL", value: "x"}) { variable { id } errors { code } } }`,
		vars: scopeOf("FARM", func(b bIDs) string { return b.farm })},
	"Mutation.deleteVariable": {query: `mutation($id: ID!) { deleteVariable(input: {id: $id}) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.variable })},
	"Mutation.createCustomEvent": {query: `mutation($s: ScopeInput!) { createCustomEvent(input: {scope: $s, name: "Evil"}) { customEvent { id } errors { code } } }`,
		vars: accountScope},
	"Mutation.deleteCustomEvent": {query: `mutation($id: ID!) { deleteCustomEvent(input: {id: $id}) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.customEvent })},
	"Mutation.fireEvent": {query: `mutation($id: ID!) { fireEvent(input: {name: "HostUp", serverId: $id}) { event { id } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.server })},
	"Mutation.createEndpoint": {query: `mutation($s: ScopeInput!) { createEndpoint(input: {scope: $s, name: "evil", url: "https://evil.example/"}) { signingKey errors { code } } }`,
		vars: accountScope},
	"Mutation.updateEndpoint": {query: `mutation($id: ID!) { updateEndpoint(input: {id: $id, url: "https://evil.example/"}) { endpoint { id url } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.endpoint })},
	"Mutation.rotateEndpointKey": {query: `mutation($id: ID!) { rotateEndpointKey(input: {id: $id}) { signingKey endpoint { name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.endpoint })},
	"Mutation.finishEndpointKeyRotation": {query: `mutation($id: ID!) { finishEndpointKeyRotation(input: {id: $id}) { endpoint { name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.endpoint })},
	"Mutation.cancelEndpointKeyRotation": {query: `mutation($id: ID!) { cancelEndpointKeyRotation(input: {id: $id}) { endpoint { name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.endpoint })},
	"Mutation.resumeEndpoint": {query: `mutation($id: ID!) { resumeEndpoint(input: {id: $id}) { endpoint { id health { state } } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.endpoint })},
	"Mutation.deleteEndpoint": {query: `mutation($id: ID!) { deleteEndpoint(input: {id: $id}) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.endpoint })},
	"Mutation.sendTestEvent":  {query: `mutation($id: ID!) { sendTestEvent(input: {id: $id}) { delivery { id } errors { code } } }`, vars: byID(func(b bIDs) string { return b.endpoint })},
	"Mutation.createWebhook": {query: `mutation($s: ScopeInput!, $e: ID!) { createWebhook(input: {scope: $s, name: "evil", endpointIds: [$e], events: ["HostUp"]}) { webhook { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any {
			return map[string]any{"s": map[string]any{"scope": "ACCOUNT", "id": b.account}, "e": b.endpoint}
		}},
	"Mutation.updateWebhook": {query: `mutation($id: ID!) { updateWebhook(input: {id: $id, name: "owned"}) { webhook { id name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.webhook })},
	"Mutation.deleteWebhook":  {query: `mutation($id: ID!) { deleteWebhook(input: {id: $id}) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.webhook })},
	"Mutation.resendDelivery": {query: `mutation($id: ID!) { resendDelivery(input: {id: $id}) { delivery { id payload } errors { code } } }`, vars: byID(func(b bIDs) string { return b.delivery })},
	"Mutation.retryFailedDeliveries": {query: `mutation($a: ID!, $e: ID!) { retryFailedDeliveries(input: {accountId: $a, endpointId: $e, since: "2000-01-01T00:00:00Z"}) { queued errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account, "e": b.endpoint} }},
	"Mutation.setDeliveryRetention": {query: `mutation { setDeliveryRetention(input: {days: 1}) { days errors { code } } }`},
	"Subscription.deliveryChanged": {query: `subscription($a: ID!) { deliveryChanged(accountId: $a) { id payload } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	// A system webhook delivers B's events (with B's data) to a system endpoint: only system
	// administrators read or follow those deliveries.
	"Query.systemDeliveries":             {query: `{ systemDeliveries(first: 50) { edges { node { id payload eventName } } } }`},
	"Subscription.systemDeliveryChanged": {query: `subscription { systemDeliveryChanged { id payload } }`, refusal: "only system administrators"},
	"Query.approvalRequest":              {query: `query($id: ID!) { approvalRequest(id: $id) { id farm { name } } }`, vars: byID(func(b bIDs) string { return b.approval })},
	"Mutation.setEnvironmentApprovals": {query: `mutation($e: ID!, $ep: ID!) { setEnvironmentApprovals(input: {environmentId: $e, endpointId: $ep, onFirstLaunch: false, onTerminate: false, expiryMinutes: 5}) { environment { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"e": b.env, "ep": b.endpoint} }},
	"Mutation.cancelApprovalRequest": {query: `mutation($id: ID!) { cancelApprovalRequest(input: {id: $id}) { approvalRequest { id status } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.approval })},
	"Subscription.farmChanged": {query: `subscription($a: ID!) { farmChanged(accountId: $a) { id name } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Subscription.accountActivity": {query: `subscription($a: ID!) { accountActivity(accountId: $a) { id summary } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	// On-call configuration (oncall.graphqls): B's schedules, overrides, policies, feeds and
	// bob's contact methods are out of alice's reach.
	"Mutation.createContactMethod": {query: `mutation { createContactMethod(input: {kind: NTFY, address: "https://ntfy.example/alice"}) { contactMethod { id address } errors { code } } }`},
	"Mutation.updateContactMethod": {query: `mutation($id: ID!) { updateContactMethod(input: {id: $id, label: "owned", disabled: true}) { contactMethod { id address label } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.contact })},
	"Mutation.deleteContactMethod":       {query: `mutation($id: ID!) { deleteContactMethod(id: $id) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.contact })},
	"Mutation.resendContactVerification": {query: `mutation($id: ID!) { resendContactVerification(id: $id) { contactMethod { id address } errors { code } } }`, vars: byID(func(b bIDs) string { return b.contact })},
	"Mutation.setNotificationRules": {query: `mutation($id: ID!) { setNotificationRules(rules: [{contactMethodId: $id, delayMinutes: 0}]) { rules { id contactMethod { address } } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.contact })},
	"Mutation.sendTestNotification": {query: `mutation($id: ID!) { sendTestNotification(contactMethodId: $id) { notification { id recipient } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.contact })},
	"Mutation.createSchedule": {query: `mutation($a: ID!) { createSchedule(input: {accountId: $a, name: "evil", timeZone: "UTC"}) { schedule { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Mutation.updateSchedule": {query: `mutation($id: ID!) { updateSchedule(input: {id: $id, name: "owned", layers: []}) { schedule { id name layers { id } } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.schedule })},
	"Mutation.deleteSchedule": {query: `mutation($id: ID!) { deleteSchedule(id: $id) { deletedId errors { code message } } }`, vars: byID(func(b bIDs) string { return b.schedule })},
	"Mutation.createScheduleOverride": {query: `mutation($s: ID!) { createScheduleOverride(input: {scheduleId: $s, userId: $s, startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-02T00:00:00Z"}) { override { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"s": b.schedule} }},
	"Mutation.deleteScheduleOverride": {query: `mutation($id: ID!) { deleteScheduleOverride(id: $id) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.override })},
	"Mutation.createCalendarFeed": {query: `mutation($a: ID!, $s: ID!) { createCalendarFeed(input: {accountId: $a, scheduleId: $s}) { url feed { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account, "s": b.schedule} }},
	"Mutation.revokeCalendarFeed": {query: `mutation($id: ID!) { revokeCalendarFeed(id: $id) { feed { id tokenPrefix } errors { code } } }`, vars: byID(func(b bIDs) string { return b.feed })},
	"Mutation.createEscalationPolicy": {query: `mutation($a: ID!, $s: ID!) { createEscalationPolicy(input: {accountId: $a, name: "evil", levels: [{timeoutMinutes: 5, targets: [{scheduleId: $s}]}]}) { policy { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account, "s": b.schedule} }},
	"Mutation.updateEscalationPolicy": {query: `mutation($id: ID!) { updateEscalationPolicy(input: {id: $id, name: "owned", repeat: 9}) { policy { id name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.policy })},
	"Mutation.deleteEscalationPolicy": {query: `mutation($id: ID!) { deleteEscalationPolicy(id: $id) { deletedId errors { code message } } }`, vars: byID(func(b bIDs) string { return b.policy })},
	"Mutation.setEscalationPolicy": {query: `mutation($c: ID!) { setEscalationPolicy(input: {targetId: $c, policyId: null}) { component { id name } integration { id name } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"c": b.component} }},

	// The Slack app (graph/schema/slack.graphqls).
	"Mutation.connectSlackWorkspace": {query: `mutation($a: ID!) { connectSlackWorkspace(input: {accountId: $a, botToken: "xoxb-0000000000-evil-token", signingSecret: "0123456789abcdef0123456789abcdef"}) { slack { connected teamName manifest } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Mutation.disconnectSlackWorkspace": {query: `mutation($a: ID!) { disconnectSlackWorkspace(input: {accountId: $a}) { slack { connected } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Mutation.setComponentSlackChannel": {query: `mutation($id: ID!) { setComponentSlackChannel(input: {componentId: $id, channel: "C0EVIL0001"}) { component { id name slackChannel } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.component })},
	"Mutation.setEscalationPolicySlackChannel": {query: `mutation($id: ID!) { setEscalationPolicySlackChannel(input: {policyId: $id, channel: "C0EVIL0001"}) { policy { id name } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.policy })},
	"Mutation.linkSlackUser": {query: `mutation { linkSlackUser(input: {token: "not-a-link"}) { link { id accountId } errors { code } } }`},
	// Status pages: public incident updates, templates, auto-publish (statuspage.graphqls).
	"Query.publicIncident": {query: `query($id: ID!) { publicIncident(id: $id) { id title updates { id message } components { component { name } } incident { title } } }`,
		vars: byID(func(b bIDs) string { return b.publicIncident })},
	"Mutation.postIncidentUpdate": {query: `mutation($i: ID!, $c: ID!) { postIncidentUpdate(input: {incidentId: $i, title: "evil", status: RESOLVED, message: "owned", components: [{componentId: $c, status: MAJOR_OUTAGE}]}) { publicIncident { id title } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"i": b.incident, "c": b.component} }},
	"Mutation.editIncidentUpdate": {query: `mutation($id: ID!) { editIncidentUpdate(input: {id: $id, message: "owned"}) { publicIncident { id title } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.publicUpdate })},
	"Mutation.setPostmortem": {query: `mutation($id: ID!) { setPostmortem(input: {publicIncidentId: $id, postmortem: "owned", publish: true}) { publicIncident { id title } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.publicIncident })},
	"Mutation.saveUpdateTemplate": {query: `mutation($id: ID!, $a: ID!) { saveUpdateTemplate(input: {id: $id, accountId: $a, name: "owned", status: RESOLVED, message: "owned"}) { template { id name message } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"id": b.template, "a": b.account} }},
	"Mutation.deleteUpdateTemplate": {query: `mutation($id: ID!) { deleteUpdateTemplate(id: $id) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.template })},
	"Mutation.setComponentAutoPublish": {query: `mutation($id: ID!) { setComponentAutoPublish(input: {componentId: $id, autoPublish: true, afterMinutes: 1}) { component { id name autoPublish } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.component })},
	// Scheduled maintenance (graph/schema/statuspage.graphqls).
	"Query.maintenanceWindow": {query: `query($id: ID!) { maintenanceWindow(id: $id) { id title message components { id name } } }`,
		vars: byID(func(b bIDs) string { return b.maintenance })},
	"Mutation.createMaintenance": {query: `mutation($a: ID!, $c: ID!) { createMaintenance(input: {accountId: $a, title: "evil", startsAt: "` + maintStart + `", endsAt: "` + maintEnd + `", componentIds: [$c]}) { maintenance { id components { name } } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account, "c": b.component} }},
	"Mutation.updateMaintenance": {query: `mutation($id: ID!) { updateMaintenance(input: {id: $id, title: "owned", endsAt: "` + maintLater + `"}) { maintenance { id title components { name } } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.maintenance })},
	"Mutation.endMaintenance": {query: `mutation($id: ID!) { endMaintenance(id: $id) { maintenance { id title status } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.maintenance })},

	// Status pages (graph/schema/statuspage.graphqls): B's pages, their viewer links and cookies.
	"Query.statusPage": {query: `query($id: ID!) { statusPage(id: $id) { id name slug url components { displayName component { name } } viewers { id label } subscriberCount subscribers { nodes { id address } } } }`,
		vars: byID(func(b bIDs) string { return b.statusPage })},
	"Mutation.createStatusPage": {query: `mutation($a: ID!) { createStatusPage(input: {accountId: $a, name: "evil", slug: "evil-page", visibility: PUBLIC}) { statusPage { id } errors { code } } }`,
		vars: func(b bIDs) map[string]any { return map[string]any{"a": b.account} }},
	"Mutation.updateStatusPage": {query: `mutation($id: ID!) { updateStatusPage(input: {id: $id, name: "owned", visibility: PUBLIC, components: []}) { statusPage { id name slug } errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.statusPage })},
	"Mutation.deleteStatusPage": {query: `mutation($id: ID!) { deleteStatusPage(id: $id) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.statusPage })},
	"Mutation.createViewerLink": {query: `mutation($id: ID!) { createViewerLink(input: {pageId: $id, label: "evil"}) { viewer { id } url errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.statusPage })},
	"Mutation.revokeViewerLink": {query: `mutation($id: ID!) { revokeViewerLink(id: $id) { viewer { id label revokedAt } errors { code } } }`, vars: byID(func(b bIDs) string { return b.viewer })},
	"Mutation.viewerCookieLink": {query: `mutation($id: ID!) { viewerCookieLink(pageId: $id) { url } }`, vars: byID(func(b bIDs) string { return b.statusPage })},
	"Mutation.unlinkSlackUser":  {query: `mutation($id: ID!) { unlinkSlackUser(input: {id: $id}) { deletedId errors { code } } }`, vars: byID(func(b bIDs) string { return b.component })},
	"Mutation.removeSubscriber": {query: `mutation($id: ID!) { removeSubscriber(id: $id) { deletedId errors { code } } }`,
		vars: byID(func(b bIDs) string { return b.subscriber })},
}

// TestTenantIsolation proves a user of one account can read or change nothing of another
// account through any root field, and that looking at a shared colleague does not reveal the
// other account either.
func TestTenantIsolation(t *testing.T) {
	m, root := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, root)
	rootA := accountOf(t, root)

	// Account B, owned by bob; account A gets alice as owner (not a system admin).
	var cb struct {
		CreateAccount struct{ Account struct{ ID string } }
	}
	if err := root.MustOK(ctx, `mutation { createAccount(input: {name: "Beta Corp"}) { account { id } } }`, nil, &cb); err != nil {
		t.Fatal(err)
	}
	rootB := fixture{c: root, accountID: cb.CreateAccount.Account.ID}
	alice, _ := addUser(t, rootA, "alice@example.com", "OWNER")
	bob, bobMembership := addUser(t, rootB, "bob@example.com", "OWNER")
	// carol is in both accounts: alice sees her as a colleague.
	addUser(t, rootA, "carol@example.com", "VIEWER")
	var am struct {
		AddMember struct{ Errors []struct{ Message string } }
	}
	if err := root.MustOK(ctx, `mutation($a: ID!) { addMember(input: {accountId: $a, email: "carol@example.com", role: VIEWER}) { errors { message } } }`, map[string]any{"a": rootB.accountID}, &am); err != nil || len(am.AddMember.Errors) > 0 {
		t.Fatalf("add carol to B: %v %+v", err, am)
	}

	var ce struct {
		CreateEnvironment struct{ Environment struct{ ID string } }
	}
	if err := bob.MustOK(ctx, `mutation($a: ID!) { createEnvironment(input: {accountId: $a, name: "beta-secret-env"}) { environment { id } } }`, map[string]any{"a": rootB.accountID}, &ce); err != nil {
		t.Fatal(err)
	}
	var ct struct {
		CreateApiToken struct{ ApiToken struct{ ID string } }
	}
	if err := bob.MustOK(ctx, `mutation($a: ID!) { createApiToken(input: {accountId: $a, name: "beta-secret-token", role: ADMIN}) { apiToken { id } } }`, map[string]any{"a": rootB.accountID}, &ct); err != nil {
		t.Fatal(err)
	}
	b := bIDs{account: rootB.accountID, env: ce.CreateEnvironment.Environment.ID, membership: bobMembership, token: ct.CreateApiToken.ApiToken.ID}
	var cc struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	if err := bob.MustOK(ctx, `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "beta-secret-component"}) { component { id } } }`, map[string]any{"a": b.account}, &cc); err != nil {
		t.Fatal(err)
	}
	b.component = cc.CreateComponent.Component.ID
	var ci struct {
		CreateIncident struct{ Incident struct{ ID string } }
	}
	if err := bob.MustOK(ctx, `mutation($c: ID!) { createIncident(input: {componentId: $c, title: "beta-secret-incident", severity: HIGH}) { incident { id } } }`, map[string]any{"c": b.component}, &ci); err != nil {
		t.Fatal(err)
	}
	b.incident = ci.CreateIncident.Incident.ID
	var cpi struct {
		PostIncidentUpdate struct {
			PublicIncident struct {
				ID      string
				Updates []struct{ ID string }
			}
		}
	}
	if err := bob.MustOK(ctx, `mutation($i: ID!, $c: ID!) { postIncidentUpdate(input: {incidentId: $i, title: "beta-secret-public-incident", status: INVESTIGATING, message: "beta-secret-update",
		components: [{componentId: $c, status: PARTIAL_OUTAGE}]}) { publicIncident { id updates { id } } } }`, map[string]any{"i": b.incident, "c": b.component}, &cpi); err != nil {
		t.Fatal(err)
	}
	b.publicIncident, b.publicUpdate = cpi.PostIncidentUpdate.PublicIncident.ID, cpi.PostIncidentUpdate.PublicIncident.Updates[0].ID
	var ctpl struct {
		SaveUpdateTemplate struct{ Template struct{ ID string } }
	}
	if err := bob.MustOK(ctx, `mutation($a: ID!) { saveUpdateTemplate(input: {accountId: $a, name: "beta-secret-template", status: IDENTIFIED, message: "beta-secret-template-message"}) { template { id } } }`,
		map[string]any{"a": b.account}, &ctpl); err != nil {
		t.Fatal(err)
	}
	b.template = ctpl.SaveUpdateTemplate.Template.ID
	var cw struct {
		CreateAwsIntegration struct{ Integration struct{ ID string } }
	}
	if err := bob.MustOK(ctx, `mutation($a: ID!, $c: ID!) { createAwsIntegration(input: {accountId: $a, name: "beta-secret-integration", componentId: $c}) { integration { id } } }`, map[string]any{"a": b.account, "c": b.component}, &cw); err != nil {
		t.Fatal(err)
	}
	b.integration = cw.CreateAwsIntegration.Integration.ID
	var cm struct {
		CreateMaintenance struct{ Maintenance struct{ ID string } }
	}
	if err := bob.MustOK(ctx, `mutation($a: ID!, $c: ID!) { createMaintenance(input: {accountId: $a, title: "beta-secret-maintenance", startsAt: "`+maintStart+`", endsAt: "`+maintEnd+`", componentIds: [$c]}) { maintenance { id } } }`,
		map[string]any{"a": b.account, "c": b.component}, &cm); err != nil || cm.CreateMaintenance.Maintenance.ID == "" {
		t.Fatalf("create B's maintenance window: %v", err)
	}
	b.maintenance = cm.CreateMaintenance.Maintenance.ID

	// Inventory, variables, events and webhooks of B.
	var bf struct {
		CreateFarm struct{ Farm struct{ ID string } }
	}
	mustB := func(q string, vars map[string]any, out any) {
		t.Helper()
		if err := bob.MustOK(ctx, q, vars, out); err != nil {
			t.Fatal(err)
		}
	}
	var benv struct {
		Account struct{ Environments []struct{ ID string } }
	}
	mustB(`query($a: ID!) { account(id: $a) { environments { id } } }`, map[string]any{"a": b.account}, &benv)
	mustB(`mutation($e: ID!) { createFarm(input: {environmentId: $e, name: "beta-secret-farm"}) { farm { id } } }`, map[string]any{"e": benv.Account.Environments[0].ID}, &bf)
	b.farm = bf.CreateFarm.Farm.ID
	var br struct {
		CreateFarmRole struct{ FarmRole struct{ ID string } }
	}
	mustB(`mutation($f: ID!) { createFarmRole(input: {farmId: $f, alias: "beta-secret-role", roleName: "r"}) { farmRole { id } } }`, map[string]any{"f": b.farm}, &br)
	b.farmRole = br.CreateFarmRole.FarmRole.ID
	var bs struct {
		CreateServer struct{ Server struct{ ID string } }
	}
	mustB(`mutation($r: ID!) { createServer(input: {farmRoleId: $r, fields: {hostname: "beta-secret-host"}}) { server { id } } }`, map[string]any{"r": b.farmRole}, &bs)
	b.server = bs.CreateServer.Server.ID
	var bv struct {
		SetVariable struct{ Variable struct{ ID string } }
	}
	mustB(`mutation($a: ID!) { setVariable(input: {scope: {scope: ACCOUNT, id: $a}, name: "BETA_SECRET", value: "beta-secret-value", hidden: true}) { variable { id } } }`, map[string]any{"a": b.account}, &bv)
	b.variable = bv.SetVariable.Variable.ID
	var bce struct {
		CreateCustomEvent struct{ CustomEvent struct{ ID string } }
	}
	mustB(`mutation($a: ID!) { createCustomEvent(input: {scope: {scope: ACCOUNT, id: $a}, name: "BetaSecretEvent"}) { customEvent { id } } }`, map[string]any{"a": b.account}, &bce)
	b.customEvent = bce.CreateCustomEvent.CustomEvent.ID
	var bep struct {
		CreateEndpoint struct{ Endpoint struct{ ID string } }
	}
	mustB(`mutation($a: ID!) { createEndpoint(input: {scope: {scope: ACCOUNT, id: $a}, name: "beta-secret-endpoint", url: "https://beta-secret.invalid/hook", shared: true}) { endpoint { id } } }`, map[string]any{"a": b.account}, &bep)
	b.endpoint = bep.CreateEndpoint.Endpoint.ID
	var bw struct {
		CreateWebhook struct{ Webhook struct{ ID string } }
	}
	mustB(`mutation($a: ID!, $e: ID!) { createWebhook(input: {scope: {scope: ACCOUNT, id: $a}, name: "beta-secret-webhook", endpointIds: [$e], events: ["HostUp"]}) { webhook { id } } }`,
		map[string]any{"a": b.account, "e": b.endpoint}, &bw)
	b.webhook = bw.CreateWebhook.Webhook.ID
	// A system webhook on B's events: its deliveries carry B's data to a system endpoint.
	var sysEp struct {
		CreateEndpoint struct{ Endpoint struct{ ID string } }
	}
	if err := root.MustOK(ctx, `mutation { createEndpoint(input: {scope: {scope: SYSTEM}, name: "ops", url: "https://ops.invalid/hook"}) { endpoint { id } } }`, nil, &sysEp); err != nil {
		t.Fatal(err)
	}
	if err := root.MustOK(ctx, `mutation($e: ID!) { createWebhook(input: {scope: {scope: SYSTEM}, name: "ops", endpointIds: [$e], events: ["HostUp"]}) { webhook { id } } }`,
		map[string]any{"e": sysEp.CreateEndpoint.Endpoint.ID}, nil); err != nil {
		t.Fatal(err)
	}
	var bfe struct {
		FireEvent struct{ Event struct{ ID string } }
	}
	mustB(`mutation($s: ID!) { fireEvent(input: {name: "HostUp", serverId: $s}) { event { id } } }`, map[string]any{"s": b.server}, &bfe)
	b.event = bfe.FireEvent.Event.ID
	var bd struct {
		Account struct {
			Deliveries struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	mustB(`query($a: ID!) { account(id: $a) { deliveries(first: 1) { edges { node { id } } } } }`, map[string]any{"a": b.account}, &bd)
	if len(bd.Account.Deliveries.Edges) != 1 {
		t.Fatal("B's event made no delivery")
	}
	b.delivery = bd.Account.Deliveries.Edges[0].Node.ID
	var sysd struct {
		SystemDeliveries struct {
			Edges []struct{ Node struct{ Payload string } }
		}
	}
	if err := root.MustOK(ctx, `{ systemDeliveries { edges { node { payload } } } }`, nil, &sysd); err != nil {
		t.Fatal(err)
	}
	if len(sysd.SystemDeliveries.Edges) != 1 || !strings.Contains(sysd.SystemDeliveries.Edges[0].Node.Payload, "beta-secret-host") {
		t.Fatalf("the system webhook did not deliver B's event: %+v", sysd)
	}
	// A pending approval in B: B's environment requires approval of first launches.
	mustB(`mutation($e: ID!, $ep: ID!) { setEnvironmentApprovals(input: {environmentId: $e, endpointId: $ep, onFirstLaunch: true, onTerminate: true, expiryMinutes: 60}) { environment { id } } }`,
		map[string]any{"e": benv.Account.Environments[0].ID, "ep": b.endpoint}, nil)
	mustB(`mutation($f: ID!) { launchFarm(input: {id: $f}) { farm { status } } }`, map[string]any{"f": b.farm}, nil)
	var ba struct {
		Account struct {
			ApprovalRequests struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	mustB(`query($a: ID!) { account(id: $a) { approvalRequests { edges { node { id } } } } }`, map[string]any{"a": b.account}, &ba)
	b.approval = ba.Account.ApprovalRequests.Edges[0].Node.ID
	// On-call configuration of B: a schedule with a layer and an override, a policy on it
	// attached to B's component, a feed, and bob's ntfy contact method.
	var bme struct {
		Me struct{ User struct{ ID string } }
	}
	mustB(`{ me { user { id } } }`, nil, &bme)
	var bsch struct {
		CreateSchedule struct{ Schedule struct{ ID string } }
	}
	mustB(`mutation($a: ID!, $u: ID!) { createSchedule(input: {accountId: $a, name: "beta-secret-schedule", timeZone: "Europe/Berlin",
		layers: [{name: "beta-secret-layer", rotation: WEEKLY, length: 1, handOff: "09:00", participantIds: [$u], startsAt: "2026-01-05T08:00:00Z"}]}) { schedule { id } } }`,
		map[string]any{"a": b.account, "u": bme.Me.User.ID}, &bsch)
	b.schedule = bsch.CreateSchedule.Schedule.ID
	var bov struct {
		CreateScheduleOverride struct{ Override struct{ ID string } }
	}
	mustB(`mutation($s: ID!, $u: ID!) { createScheduleOverride(input: {scheduleId: $s, userId: $u, startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-02T00:00:00Z"}) { override { id } } }`,
		map[string]any{"s": b.schedule, "u": bme.Me.User.ID}, &bov)
	b.override = bov.CreateScheduleOverride.Override.ID
	var bpol struct {
		CreateEscalationPolicy struct{ Policy struct{ ID string } }
	}
	mustB(`mutation($a: ID!, $s: ID!) { createEscalationPolicy(input: {accountId: $a, name: "beta-secret-policy", levels: [{timeoutMinutes: 5, targets: [{scheduleId: $s}]}]}) { policy { id } } }`,
		map[string]any{"a": b.account, "s": b.schedule}, &bpol)
	b.policy = bpol.CreateEscalationPolicy.Policy.ID
	mustB(`mutation($c: ID!, $p: ID!) { setEscalationPolicy(input: {targetId: $c, policyId: $p}) { component { id } } }`, map[string]any{"c": b.component, "p": b.policy}, nil)
	var bfeed struct {
		CreateCalendarFeed struct{ Feed struct{ ID string } }
	}
	mustB(`mutation($a: ID!, $s: ID!) { createCalendarFeed(input: {accountId: $a, scheduleId: $s}) { feed { id } } }`, map[string]any{"a": b.account, "s": b.schedule}, &bfeed)
	b.feed = bfeed.CreateCalendarFeed.Feed.ID
	var bcm struct {
		CreateContactMethod struct{ ContactMethod struct{ ID string } }
	}
	mustB(`mutation { createContactMethod(input: {kind: NTFY, address: "https://ntfy.example/beta-secret-topic", label: "beta-secret-phone"}) { contactMethod { id } } }`, nil, &bcm)
	b.contact = bcm.CreateContactMethod.ContactMethod.ID
	b.audit = firstAuditID(t, bob, b.account)
	var bi struct {
		InviteMember struct{ Invitation struct{ ID string } }
	}
	mustB(`mutation($a: ID!) { inviteMember(input: {accountId: $a, email: "beta-secret-invitee@example.com", role: VIEWER}) { invitation { id } } }`, map[string]any{"a": b.account}, &bi)
	b.invitation = bi.InviteMember.Invitation.ID
	var bsp struct {
		CreateStatusPage struct{ StatusPage struct{ ID string } }
	}
	mustB(`mutation($a: ID!, $c: ID!) { createStatusPage(input: {accountId: $a, name: "beta-secret-page", slug: "beta-secret-page", visibility: PRIVATE,
		components: [{componentId: $c, group: "beta-secret-group"}]}) { statusPage { id } } }`, map[string]any{"a": b.account, "c": b.component}, &bsp)
	b.statusPage = bsp.CreateStatusPage.StatusPage.ID
	var bvl struct {
		CreateViewerLink struct{ Viewer struct{ ID string } }
	}
	mustB(`mutation($p: ID!) { createViewerLink(input: {pageId: $p, label: "beta-secret-viewer"}) { viewer { id } } }`, map[string]any{"p": b.statusPage}, &bvl)
	b.viewer = bvl.CreateViewerLink.Viewer.ID
	b.subscriber = bSubscriber(t, m, b.account, b.component)

	snapshot := func() string {
		var d json.RawMessage
		if err := bob.MustOK(ctx, `query($a: ID!) { account(id: $a) { id name environments { id name description } members { id role user { email name } }
			apiTokens { id name role status revokedAt } auditLog(first: 200) { edges { node { id action } } }
			components { id name status description } incidents { edges { node { id title status timeline { id body } assignee { id } escalation { state level nextStepAt } notifications { id status } } } }
			incidentStats { count acknowledged resolved mttaSeconds mttrSeconds } overview { failedDeliveries24h checklist { done } }
			invitations { id email status expiresAt }
			awsIntegrations { id name tokenPrefix state routes { id name componentId: component { id } } }
			farms { id name status roles { id alias } servers { id hostname } variables { id name value } pendingApproval { id status } }
			environments { approvalSettings { onFirstLaunch onTerminate expiryMinutes endpoint { id } } }
			events(first: 200) { edges { node { id name } } }
			deliveries(first: 200) { edges { node { id payload } } }
			components { escalationPolicy { id } }
			schedules { id name timeZone layers { id name participants { id } } overrides(from: "2000-01-01T00:00:00Z") { id } policies { id } }
			escalationPolicies { id name repeat levels { timeoutMinutes targets { schedule { id } } } components { id } }
			calendarFeeds { id revokedAt }
			components { publicStatus autoPublish autoPublishAfterMinutes }
			publicIncidents { id title status impact postmortem postmortemPublishedAt updates { id message editedAt components { status } } components { status } }
			updateTemplates { id name title status message }
			maintenanceWindows(includePast: true) { id title message status startsAt endsAt components { id } }
			statusPages { id name slug visibility url components { displayName group } viewers { id label revokedAt } subscriberCount subscribers { nodes { id address } } } } }`, map[string]any{"a": b.account}, &d); err != nil {
			t.Fatal(err)
		}
		var me json.RawMessage
		if err := bob.MustOK(ctx, `{ me { user { contactMethods { id label address disabled verified } notificationRules { id delayMinutes } } } }`, nil, &me); err != nil {
			t.Fatal(err)
		}
		return string(d) + string(me)
	}
	before := snapshot()
	secrets := []string{"Beta Corp", "beta-secret", "BetaSecret", "BETA_SECRET", "bob@example.com", b.account, b.env, b.membership, b.token, b.audit, b.component, b.incident, b.integration,
		b.farm, b.farmRole, b.server, b.variable, b.customEvent, b.endpoint, b.webhook, b.event, b.delivery, b.approval, b.invitation,
		b.schedule, b.override, b.policy, b.feed, b.contact, b.publicIncident, b.publicUpdate, b.template, b.maintenance,
		b.statusPage, b.viewer, b.subscriber}

	// askAlice sends alice's query and fails if the answer reveals anything of B.
	askAlice := func(t *testing.T, query string, vars map[string]any) string {
		t.Helper()
		r, err := alice.GraphQL(ctx, query, vars)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(r)
		for _, s := range secrets {
			if strings.Contains(string(body), s) {
				t.Fatalf("response reveals %q of account B: %s", s, body)
			}
		}
		return string(body)
	}

	// Every root field must have a case.
	fields := rootFields(t, alice)
	var missing []string
	for _, f := range fields {
		if _, ok := isolationCases[f]; !ok {
			missing = append(missing, f)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("isolationCases lacks root fields %v: add a case for each new field", missing)
	}

	for _, name := range fields {
		tc := isolationCases[name]
		t.Run(name, func(t *testing.T) {
			var vars map[string]any
			if tc.vars != nil {
				vars = tc.vars(b)
			}
			if strings.HasPrefix(name, "Subscription.") {
				sub, err := servertest.Subscribe(ctx, alice.BaseURL, alice.Token, tc.query, vars)
				if err != nil {
					return // refused at once: fine
				}
				defer sub.Close()
				select {
				case ev, ok := <-sub.Events:
					if ok {
						t.Fatalf("subscription to B delivered %s", ev)
					}
					refusal := tc.refusal
					if refusal == "" {
						refusal = "not found"
					}
					if sub.Err() == nil || !strings.Contains(sub.Err().Error(), refusal) {
						t.Fatalf("want the subscription refused with not found, got %v", sub.Err())
					}
				case <-time.After(5 * time.Second):
					t.Fatal("subscription to B was neither refused nor closed")
				}
				return
			}
			askAlice(t, tc.query, vars)
		})
	}

	// Account fields of on-call (reached from root `account`): B's account is not found, and
	// B's ids looked up or referenced from A's own account reveal nothing and change nothing.
	t.Run("Account.oncall", func(t *testing.T) {
		now := time.Now().UTC().Format(time.RFC3339)
		for _, q := range []struct {
			query string
			vars  map[string]any
		}{
			{`query($a: ID!) { account(id: $a) { schedules { id name } escalationPolicies { id name } onCallNow { user { email } schedule { name } }
				myShifts { startsAt } calendarFeeds { id tokenPrefix } } }`, map[string]any{"a": b.account}},
			{`query($a: ID!, $s: ID!, $p: ID!, $f: Time!) { account(id: $a) { schedule(id: $s) { id name finalSchedule(from: $f, to: $f) { user { email } } }
				escalationPolicy(id: $p) { id name } } }`, map[string]any{"a": rootA.accountID, "s": b.schedule, "p": b.policy, "f": now}},
			{`mutation($a: ID!, $s: ID!) { createEscalationPolicy(input: {accountId: $a, name: "cross", levels: [{timeoutMinutes: 5, targets: [{scheduleId: $s}]}]}) { policy { id levels { targets { schedule { name } } } } errors { code } } }`,
				map[string]any{"a": rootA.accountID, "s": b.schedule}},
			{`mutation($a: ID!, $p: ID!) { createEscalationPolicy(input: {accountId: $a, name: "cross-user", levels: [{timeoutMinutes: 5, targets: [{userId: $p}]}]}) { policy { id } errors { code } } }`,
				map[string]any{"a": rootA.accountID, "p": bme.Me.User.ID}},
			{`mutation($a: ID!, $u: ID!) { createSchedule(input: {accountId: $a, name: "cross", timeZone: "UTC", layers: [{rotation: DAILY, length: 1, handOff: "09:00", participantIds: [$u], startsAt: "2026-01-01T00:00:00Z"}]}) { schedule { id } errors { code } } }`,
				map[string]any{"a": rootA.accountID, "u": bme.Me.User.ID}},
			{`mutation($a: ID!, $s: ID!) { createCalendarFeed(input: {accountId: $a, scheduleId: $s}) { url errors { code } } }`, map[string]any{"a": rootA.accountID, "s": b.schedule}},
			{`mutation($e: ID!) { createContactMethod(input: {kind: ENDPOINT, endpointId: $e}) { contactMethod { id endpoint { name } } errors { code } } }`,
				map[string]any{"e": b.endpoint}},
			// Maintenance in A naming B's component; B's window read from A's account.
			{`mutation($a: ID!, $c: ID!) { createMaintenance(input: {accountId: $a, title: "cross", startsAt: "` + maintStart + `", endsAt: "` + maintEnd + `", componentIds: [$c]}) { maintenance { id components { name } } errors { code } } }`,
				map[string]any{"a": rootA.accountID, "c": b.component}},
			{`query($a: ID!) { account(id: $a) { maintenanceWindows(includePast: true) { id title components { name } } } }`, map[string]any{"a": b.account}},
		} {
			body := askAlice(t, q.query, q.vars)
			if strings.Contains(body, `"id"`) && strings.Contains(q.query, "cross") {
				t.Fatalf("a cross-account reference was accepted: %s", body)
			}
		}
	})

	// An API token of account A cannot reach B either, even though its creator could.
	var tok struct {
		CreateApiToken struct{ Secret string }
	}
	if err := root.MustOK(ctx, `mutation($a: ID!) { createApiToken(input: {accountId: $a, name: "root-a", role: OWNER}) { secret } }`, map[string]any{"a": rootA.accountID}, &tok); err != nil {
		t.Fatal(err)
	}
	api := &servertest.Client{BaseURL: root.BaseURL, HTTP: root.HTTP, Token: tok.CreateApiToken.Secret}
	r, _ := api.GraphQL(ctx, `query($a: ID!) { account(id: $a) { id name } accounts { id name } }`, map[string]any{"a": b.account})
	if body, _ := json.Marshal(r); strings.Contains(string(body), "Beta Corp") {
		t.Fatalf("API token of A reached B: %s", body)
	}

	assertSubscriberIntact(t, m, b.subscriber)
	if after := snapshot(); after != before {
		t.Fatalf("account B changed:\nbefore %s\nafter  %s", before, after)
	}
}

func firstAuditID(t *testing.T, c *servertest.Client, accountID string) string {
	t.Helper()
	var d struct {
		Account struct {
			AuditLog struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	if err := c.MustOK(context.Background(), `query($a: ID!) { account(id: $a) { auditLog(first: 1) { edges { node { id } } } } }`, map[string]any{"a": accountID}, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Account.AuditLog.Edges) == 0 {
		t.Fatal("no audit entries")
	}
	return d.Account.AuditLog.Edges[0].Node.ID
}

// rootFields lists "Query.x", "Mutation.y", "Subscription.z" from introspection.
func rootFields(t *testing.T, c *servertest.Client) []string {
	t.Helper()
	var d struct {
		Schema struct {
			QueryType, MutationType, SubscriptionType *struct {
				Name   string
				Fields []struct{ Name string }
			}
		} `json:"__schema"`
	}
	q := `{ __schema { queryType { name fields { name } } mutationType { name fields { name } } subscriptionType { name fields { name } } } }`
	if err := c.MustOK(context.Background(), q, nil, &d); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, typ := range []*struct {
		Name   string
		Fields []struct{ Name string }
	}{d.Schema.QueryType, d.Schema.MutationType, d.Schema.SubscriptionType} {
		if typ == nil {
			continue
		}
		for _, f := range typ.Fields {
			out = append(out, typ.Name+"."+f.Name)
		}
	}
	return out
}

var _ = context.Background
