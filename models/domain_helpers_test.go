package models_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
)

// fakeEnqueuer records the deliveries the store hands to the queue.
type fakeEnqueuer struct {
	mu   sync.Mutex
	refs []models.DeliveryRef
}

func (e *fakeEnqueuer) EnqueueDeliveries(_ context.Context, ds []models.DeliveryRef) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refs = append(e.refs, ds...)
}

// Take returns the ids enqueued since the last Take.
func (e *fakeEnqueuer) Take() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, len(e.refs))
	for i, r := range e.refs {
		ids[i] = r.ID
	}
	e.refs = nil
	return ids
}

// domainFixture is the installed services with an encryption key and a recording enqueuer.
type domainFixture struct {
	*fixture
	Enq *fakeEnqueuer
}

// hintCounter is a Publisher that only counts hints by kind: the domain tests do not need
// hintRecorder's commit check, which costs a query per hint.
type hintCounter struct {
	mu     sync.Mutex
	byKind map[string]int
}

func (c *hintCounter) Publish(_ context.Context, h models.Hint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byKind[h.Kind]++
}

// MustDomain returns installed services ready for endpoints and deliveries.
func MustDomain(tb testing.TB, db *models.DB) *domainFixture {
	tb.Helper()
	f := MustInstalled(tb, db)
	// The same services on a cheaper publisher.
	f.Store = models.NewStore(db, &hintCounter{byKind: map[string]int{}})
	f.Store.SetClock(f.Clock.Now)
	auth, err := models.NewAuth(f.Store, f.Key)
	mustNoErr(tb, err)
	f.Auth = auth
	mustNoErr(tb, f.Store.SetEncryptionKey(mustRandom(tb, 32)))
	enq := &fakeEnqueuer{}
	f.Store.SetEnqueuer(enq)
	return &domainFixture{fixture: f, Enq: enq}
}

func mustRandom(tb testing.TB, n int) []byte {
	tb.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return b
}

// MustComponent creates a component as the system administrator.
func (f *domainFixture) MustComponent(tb testing.TB, accountID, name string) *models.Component {
	tb.Helper()
	c, err := f.Store.CreateComponent(context.Background(), f.AdminActor, accountID, models.ComponentInput{Name: &name})
	if err != nil {
		tb.Fatalf("create component %q: %v", name, err)
	}
	return c
}

// MustIncident opens an incident by hand as actor a.
func (f *domainFixture) MustIncident(tb testing.TB, a *models.Actor, componentID, title string, sev models.Severity) *models.Incident {
	tb.Helper()
	inc, err := f.Store.CreateIncident(context.Background(), a, models.IncidentInput{ComponentID: componentID, Title: title, Severity: sev})
	if err != nil {
		tb.Fatalf("create incident %q: %v", title, err)
	}
	return inc
}

// MustIntegration creates an AWS integration and returns it with its token.
func (f *domainFixture) MustIntegration(tb testing.TB, accountID, componentID, name string) (*models.AWSIntegration, string) {
	tb.Helper()
	integ, token, err := f.Store.CreateAWSIntegration(context.Background(), f.AdminActor, models.AWSIntegrationInput{
		AccountID: accountID, Name: &name, ComponentID: &componentID,
	})
	if err != nil {
		tb.Fatalf("create integration %q: %v", name, err)
	}
	return integ, token
}

// MustFarm creates a farm in env as the system administrator.
func (f *domainFixture) MustFarm(tb testing.TB, envID, name string) *models.Farm {
	tb.Helper()
	email := "owner-" + strings.ToLower(name) + "@example.com"
	fm, err := f.Store.CreateFarm(context.Background(), f.AdminActor, models.FarmInput{EnvironmentID: envID, Name: &name, OwnerEmail: &email})
	if err != nil {
		tb.Fatalf("create farm %q: %v", name, err)
	}
	return fm
}

// MustServer creates a farm role (alias) in the farm and one server of it.
func (f *domainFixture) MustServer(tb testing.TB, farmID, alias, hostname string) (*models.FarmRole, *models.Server) {
	tb.Helper()
	ctx := context.Background()
	role := "base-ubuntu"
	os := "ubuntu-24.04"
	fr, err := f.Store.CreateFarmRole(ctx, f.AdminActor, models.FarmRoleInput{FarmID: farmID, Alias: &alias, RoleName: &role, OS: &os})
	if err != nil {
		tb.Fatalf("create farm role %q: %v", alias, err)
	}
	ip, priv := "203.0.113.7", "10.0.0.7"
	sv, err := f.Store.CreateServer(ctx, f.AdminActor, models.ServerInput{FarmRoleID: fr.ID, Hostname: &hostname, PublicIP: &ip, PrivateIP: &priv})
	if err != nil {
		tb.Fatalf("create server %q: %v", hostname, err)
	}
	return fr, sv
}

// MustEndpoint creates an endpoint as actor a and returns it with its signing key.
func (f *domainFixture) MustEndpoint(tb testing.TB, a *models.Actor, scope models.ScopeKey, name string, shared bool) (*models.Endpoint, string) {
	tb.Helper()
	u := "https://hooks.example.com/" + strings.ToLower(name) + "/" + uuid.NewString()[:8]
	e, key, err := f.Store.CreateEndpoint(context.Background(), a, models.EndpointInput{Scope: scope, Name: &name, URL: &u, Shared: &shared})
	if err != nil {
		tb.Fatalf("create endpoint %q: %v", name, err)
	}
	return e, key
}

// MustWebhook creates an active webhook as actor a.
func (f *domainFixture) MustWebhook(tb testing.TB, a *models.Actor, scope models.ScopeKey, name string, events []string, endpointIDs []string, mod func(*models.WebhookInput)) *models.Webhook {
	tb.Helper()
	in := models.WebhookInput{Scope: scope, Name: &name, Events: events, EndpointIDs: endpointIDs}
	if mod != nil {
		mod(&in)
	}
	h, err := f.Store.CreateWebhook(context.Background(), a, in)
	if err != nil {
		tb.Fatalf("create webhook %q: %v", name, err)
	}
	return h
}

// MustCustomEvent defines a custom event as actor a.
func (f *domainFixture) MustCustomEvent(tb testing.TB, a *models.Actor, scope models.ScopeKey, name string) *models.CustomEvent {
	tb.Helper()
	ev, err := f.Store.CreateCustomEvent(context.Background(), a, models.CustomEventInput{Scope: scope, Name: name})
	if err != nil {
		tb.Fatalf("create custom event %q: %v", name, err)
	}
	return ev
}

// MustFire fires an event about a farm (and optionally a server) as the system administrator.
func (f *domainFixture) MustFire(tb testing.TB, name, farmID, serverID string, params map[string]string) *models.Event {
	tb.Helper()
	ev, err := f.Store.FireEvent(context.Background(), f.AdminActor, models.FireEventRequest{Name: name, FarmID: farmID, ServerID: serverID, Parameters: params})
	if err != nil {
		tb.Fatalf("fire %s: %v", name, err)
	}
	return ev
}

// MustDeliveries returns the deliveries of an event, by id.
func (f *domainFixture) MustDeliveries(tb testing.TB, eventID string) []models.Delivery {
	tb.Helper()
	var ds []models.Delivery
	if err := f.DB.Where("event_id = ?", eventID).Order("id").Find(&ds).Error; err != nil {
		tb.Fatal(err)
	}
	return ds
}

// MustDelivery reloads a delivery.
func (f *domainFixture) MustDelivery(tb testing.TB, id string) *models.Delivery {
	tb.Helper()
	var d models.Delivery
	if err := f.DB.Where("id = ?", id).Take(&d).Error; err != nil {
		tb.Fatalf("load delivery %s: %v", id, err)
	}
	return &d
}

// MustEvents returns the events matching where, oldest first.
func (f *domainFixture) MustEvents(tb testing.TB, where string, args ...any) []models.Event {
	tb.Helper()
	var es []models.Event
	if err := f.DB.Where(where, args...).Order("created_at, id").Find(&es).Error; err != nil {
		tb.Fatal(err)
	}
	return es
}

// eventNames lists the names of events in order.
func eventNames(es []models.Event) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}

// pairsOf returns "webhookID/endpointID" for each delivery, sorted.
func pairsOf(ds []models.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = deref(d.WebhookID) + "/" + deref(d.EndpointID)
	}
	slices.Sort(out)
	return out
}

func pair(h *models.Webhook, e *models.Endpoint) string { return h.ID + "/" + e.ID }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// storedVars is an event's stored variables: built-ins, and the resolved user variables.
type storedVars struct {
	Builtin map[string]string `json:"builtin"`
	User    []struct {
		Name   string
		Value  string
		Hidden bool
	} `json:"user"`
}

func mustVars(tb testing.TB, ev *models.Event) *storedVars {
	tb.Helper()
	var v storedVars
	if err := json.Unmarshal([]byte(ev.Variables), &v); err != nil {
		tb.Fatalf("event variables %q: %v", ev.Variables, err)
	}
	return &v
}

func (v *storedVars) user(name string) (string, bool) {
	for _, u := range v.User {
		if u.Name == name {
			return u.Value, true
		}
	}
	return "", false
}

// payload is a decoded Scalr webhook body.
type payload struct {
	EventName       string            `json:"eventName"`
	EventID         string            `json:"eventId"`
	Timestamp       string            `json:"timestamp"`
	ConfigurationID string            `json:"configurationId"`
	Data            map[string]string `json:"data"`
	UserData        string            `json:"userData"`
	EndpointID      string            `json:"endpointId"`
	RequestID       string            `json:"requestId"`
	Operation       string            `json:"operation"`
}

func mustPayload(tb testing.TB, body []byte) *payload {
	tb.Helper()
	var p payload
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		tb.Fatalf("payload %s: %v", body, err)
	}
	return &p
}

// topKeys returns the top-level keys of a JSON object in wire order.
func topKeys(tb testing.TB, body []byte) []string {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		tb.Fatalf("not an object: %s", body)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			tb.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			tb.Fatal(err)
		}
	}
	return keys
}

// MustFailInserts makes every insert into table (optionally only rows matching when, an SQL
// condition on NEW) fail until the returned function is called, so tests can see what a
// transaction that fails at that step leaves behind.
func (f *domainFixture) MustFailInserts(tb testing.TB, table, when string) func() {
	tb.Helper()
	name := "sbtest_fail_" + table
	var stmts []string
	if f.DB.Dialect == models.Postgres {
		w := ""
		if when != "" {
			w = " WHEN (" + when + ")"
		}
		stmts = []string{
			`CREATE OR REPLACE FUNCTION sbtest_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`,
			fmt.Sprintf("CREATE TRIGGER %s BEFORE INSERT ON %s FOR EACH ROW%s EXECUTE FUNCTION sbtest_fail()", name, table, w),
		}
	} else {
		w := ""
		if when != "" {
			w = " WHEN " + when
		}
		stmts = []string{fmt.Sprintf("CREATE TRIGGER %s BEFORE INSERT ON %s%s BEGIN SELECT RAISE(ABORT, 'injected failure'); END", name, table, w)}
	}
	for _, s := range stmts {
		if err := f.DB.Exec(s).Error; err != nil {
			tb.Fatalf("%s: %v", s, err)
		}
	}
	drop := "DROP TRIGGER " + name
	if f.DB.Dialect == models.Postgres {
		drop += " ON " + table
	}
	done := false
	undo := func() {
		if done {
			return
		}
		done = true
		if err := f.DB.Exec(drop).Error; err != nil {
			tb.Fatalf("%s: %v", drop, err)
		}
	}
	tb.Cleanup(undo)
	return undo
}

// Alarm construction for ingestion tests.

const testTopic = "arn:aws:sns:us-east-1:123456789012:alarms"

func newAlarm(name string, state cloudwatch.State, at time.Time) *cloudwatch.Alarm {
	return &cloudwatch.Alarm{
		Name: name, AccountID: "123456789012", ARN: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + name,
		RegionName: "US East (N. Virginia)", Region: "us-east-1", NewState: state,
		Reason: fmt.Sprintf("Threshold crossed: %s at %s", state, at.Format(time.RFC3339Nano)), StateChangeTime: at,
		Kind: cloudwatch.KindMetric, Metric: &cloudwatch.Metric{Namespace: "AWS/EC2", Name: "CPUUtilization"},
	}
}

func notification(topic string) models.SNSMessage {
	return models.SNSMessage{ID: uuid.NewString(), Type: "Notification", TopicArn: topic}
}

// MustIngest applies one notification and returns its result.
func (f *domainFixture) MustIngest(tb testing.TB, integ *models.AWSIntegration, m models.SNSMessage, a *cloudwatch.Alarm) *models.IngestResult {
	tb.Helper()
	res, err := f.Store.IngestNotification(context.Background(), integ, m, a, "")
	if err != nil {
		tb.Fatalf("ingest %s %s: %v", a.Name, a.NewState, err)
	}
	return res
}

// MustTimeline returns an incident's timeline kinds and bodies.
func (f *domainFixture) MustTimeline(tb testing.TB, incidentID string) []models.TimelineEntry {
	tb.Helper()
	m, err := f.Store.TimelinesByIncident(context.Background(), []string{incidentID})
	mustNoErr(tb, err)
	return m[incidentID]
}

func timelineKinds(es []models.TimelineEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Kind
	}
	return out
}

// wantEqual fails unless got equals want (compared as %v).
func wantEqual[T any](tb testing.TB, what string, got, want T) {
	tb.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		tb.Fatalf("%s = %v, want %v", what, got, want)
	}
}

// wantMessage fails unless err's message contains every part.
func wantMessage(tb testing.TB, err error, parts ...string) {
	tb.Helper()
	msg := models.ErrorMessage(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			tb.Fatalf("message %q does not mention %q", msg, p)
		}
	}
}
