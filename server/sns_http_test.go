package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/server"
	"github.com/switchboard-hub/switchboard/server/servertest"
	"github.com/switchboard-hub/switchboard/server/sns/snstest"
)

const (
	topicA = "arn:aws:sns:us-east-1:123456789012:prod-alarms"
	topicB = "arn:aws:sns:us-east-1:123456789012:other-alarms"
	alarmA = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-5xx"
)

// snsEnv is a running Switchboard with a fake SNS it trusts, an account with a component and an
// AWS integration.
type snsEnv struct {
	m           *server.Main
	c           *servertest.Client
	fake        *snstest.Fake
	accountID   string
	componentID string
	integID     string
	hookURL     string
}

func mustSNSEnv(t *testing.T, o startOpts) *snsEnv {
	t.Helper()
	fake, err := snstest.New(snstest.Options{CertDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	fake.Start()
	t.Cleanup(fake.Close)
	if o.env == nil {
		o.env = map[string]string{}
	}
	o.env["SWITCHBOARD_SNS_CERT_DIR"] = fake.CertDir
	o.env["SWITCHBOARD_SNS_ENDPOINT"] = fake.URL()
	prev := o.beforeServe
	o.beforeServe = func(m *server.Main) {
		m.SNSHTTPClient = fake.Client()
		if prev != nil {
			prev(m)
		}
	}
	m, c := MustStart(t, o)
	MustSetup(t, c)
	a := accountOf(t, c)
	env := &snsEnv{m: m, c: c, fake: fake, accountID: a.accountID}
	var cc struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	if err := c.MustOK(ctxT(t), `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "API"}) { component { id } } }`, map[string]any{"a": a.accountID}, &cc); err != nil {
		t.Fatal(err)
	}
	env.componentID = cc.CreateComponent.Component.ID
	env.integID, env.hookURL = env.createIntegration(t, "prod", "")
	return env
}

func (e *snsEnv) createIntegration(t *testing.T, name, expectedTopic string) (string, string) {
	t.Helper()
	var d struct {
		CreateAwsIntegration struct {
			Integration struct{ ID string }
			WebhookURL  string
			Errors      []struct{ Message string }
		}
	}
	in := map[string]any{"accountId": e.accountID, "name": name, "componentId": e.componentID}
	if expectedTopic != "" {
		in["expectedTopicArn"] = expectedTopic
	}
	if err := e.c.MustOK(ctxT(t), `mutation($in: CreateAwsIntegrationInput!) { createAwsIntegration(input: $in) { integration { id } webhookUrl errors { message } } }`, map[string]any{"in": in}, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.CreateAwsIntegration.Errors) > 0 {
		t.Fatalf("createAwsIntegration: %+v", d.CreateAwsIntegration.Errors)
	}
	// The URL is built on the public URL; tests post to the server's real address.
	u, _ := url.Parse(d.CreateAwsIntegration.WebhookURL)
	return d.CreateAwsIntegration.Integration.ID, e.c.BaseURL + u.Path
}

func (e *snsEnv) post(t *testing.T, hook string, body []byte) *servertest.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "text/plain; charset=UTF-8") // what SNS sends
	req.Header.Set("x-amz-sns-message-type", "Notification")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &servertest.Response{Status: resp.StatusCode, Body: b}
}

func (e *snsEnv) mustPost(t *testing.T, body []byte, want int) {
	t.Helper()
	if r := e.post(t, e.hookURL, body); r.Status != want {
		t.Fatalf("want %d, got %d %s", want, r.Status, r.Body)
	}
}

func (e *snsEnv) confirm(t *testing.T, topic string) {
	t.Helper()
	body, err := e.fake.SignSubscriptionConfirmation(topic, "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	e.mustPost(t, body, 200)
}

// alarmMessage is a CloudWatch metric alarm state change as CloudWatch writes it.
func alarmMessage(arn, name, oldState, newState string, at time.Time) string {
	m := map[string]any{
		"AlarmName": name, "AlarmDescription": nil, "AWSAccountId": "123456789012",
		"AlarmConfigurationUpdatedTimestamp": "2024-01-01T00:00:00.000+0000",
		"NewStateValue":                      newState, "NewStateReason": "Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).",
		"StateChangeTime": at.UTC().Format("2006-01-02T15:04:05.000-0700"),
		"Region":          "US East (N. Virginia)", "AlarmArn": arn, "OldStateValue": oldState,
		"Trigger": map[string]any{"MetricName": "5XXError", "Namespace": "AWS/ApiGateway", "StatisticType": "Statistic",
			"Statistic": "SUM", "Period": 60, "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanThreshold",
			"Threshold": 10.0, "Dimensions": []map[string]string{{"name": "ApiName", "value": "prod"}}},
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func (e *snsEnv) alarm(t *testing.T, topic, arn, oldState, newState string, at time.Time) []byte {
	t.Helper()
	name := arn[strings.LastIndex(arn, ":")+1:]
	body, err := e.fake.SignNotification(topic, fmt.Sprintf(`%s: "%s" in US East (N. Virginia)`, newState, name), alarmMessage(arn, name, oldState, newState, at), "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

type incidentRow struct {
	ID, Title, Status, Source, SourceKey string
}

func (e *snsEnv) incidents(t *testing.T) []incidentRow {
	t.Helper()
	var d struct {
		Account struct {
			Incidents struct {
				Edges []struct{ Node incidentRow }
			}
		}
	}
	if err := e.c.MustOK(ctxT(t), `query($a: ID!) { account(id: $a) { incidents(first: 200) { edges { node { id title status source sourceKey } } } } }`, map[string]any{"a": e.accountID}, &d); err != nil {
		t.Fatal(err)
	}
	out := make([]incidentRow, len(d.Account.Incidents.Edges))
	for i, edge := range d.Account.Incidents.Edges {
		out[i] = edge.Node
	}
	return out
}

func countStatus(rows []incidentRow, status string) int {
	n := 0
	for _, r := range rows {
		if r.Status == status {
			n++
		}
	}
	return n
}

type integState struct {
	State, TopicArn, SubscriptionArn, LastRejectionReason string
	Stats                                                 struct{ Opened, Resolved, NoChange, OutOfOrder, Ignored, Confirmations, Rejected int }
	RecentRejections                                      []struct{ ReasonCode, Reason string }
}

func (e *snsEnv) integration(t *testing.T, id string) integState {
	t.Helper()
	var d struct{ AwsIntegration integState }
	if err := e.c.MustOK(ctxT(t), `query($id: ID!) { awsIntegration(id: $id) { state topicArn subscriptionArn lastRejectionReason
		stats { opened resolved noChange outOfOrder ignored confirmations rejected } recentRejections { reasonCode reason } } }`, map[string]any{"id": id}, &d); err != nil {
		t.Fatal(err)
	}
	return d.AwsIntegration
}

func TestSNSAlarmLifecycle(t *testing.T) {
	e := mustSNSEnv(t, startOpts{})
	t0 := time.Now().Add(-10 * time.Minute)

	// Before confirmation the integration waits; confirmation pins the topic.
	if st := e.integration(t, e.integID); st.State != "PENDING_CONFIRMATION" || st.TopicArn != "" {
		t.Fatalf("new integration: %+v", st)
	}
	e.confirm(t, topicA)
	st := e.integration(t, e.integID)
	if st.State != "CONFIRMED" || st.TopicArn != topicA || !strings.HasPrefix(st.SubscriptionArn, topicA+":") {
		t.Fatalf("after confirmation: %+v", st)
	}
	if calls := e.fake.Confirmations(); len(calls) != 1 || calls[0].Action != "ConfirmSubscription" {
		t.Fatalf("want one ConfirmSubscription call, got %+v", calls)
	}

	steps := []struct {
		name          string
		old, new      string
		at            time.Time
		open, resolve int // incidents in each state afterwards
	}{
		{"OK→ALARM opens", "OK", "ALARM", t0, 1, 0},
		{"ALARM→ALARM dedups", "ALARM", "ALARM", t0.Add(time.Minute), 1, 0},
		{"ALARM→OK resolves", "ALARM", "OK", t0.Add(2 * time.Minute), 0, 1},
		{"OK→INSUFFICIENT_DATA does nothing", "OK", "INSUFFICIENT_DATA", t0.Add(3 * time.Minute), 0, 1},
		{"INSUFFICIENT_DATA→ALARM opens", "INSUFFICIENT_DATA", "ALARM", t0.Add(4 * time.Minute), 1, 1},
		{"an older OK after a newer ALARM does not resolve", "ALARM", "OK", t0.Add(3*time.Minute + 30*time.Second), 1, 1},
		{"INSUFFICIENT_DATA while open does nothing", "ALARM", "INSUFFICIENT_DATA", t0.Add(5 * time.Minute), 1, 1},
		{"OK resolves the second one", "INSUFFICIENT_DATA", "OK", t0.Add(6 * time.Minute), 0, 2},
	}
	for _, s := range steps {
		e.mustPost(t, e.alarm(t, topicA, alarmA, s.old, s.new, s.at), 200)
		rows := e.incidents(t)
		open := countStatus(rows, "TRIGGERED") + countStatus(rows, "ACKNOWLEDGED")
		if open != s.open || countStatus(rows, "RESOLVED") != s.resolve {
			t.Fatalf("%s: want %d open and %d resolved, got %+v", s.name, s.open, s.resolve, rows)
		}
	}
	rows := e.incidents(t)
	for _, r := range rows {
		if r.Source != "AWS_CLOUDWATCH" || r.SourceKey != alarmA || r.Title != "api-5xx" {
			t.Fatalf("incident fields: %+v", r)
		}
	}
	st = e.integration(t, e.integID)
	if st.Stats.Opened != 2 || st.Stats.Resolved != 2 || st.Stats.OutOfOrder != 1 || st.Stats.NoChange != 3 || st.Stats.Confirmations != 1 {
		t.Fatalf("stats: %+v", st.Stats)
	}

	t.Run("ErrWrongTopic", func(t *testing.T) {
		r := e.post(t, e.hookURL, e.alarm(t, topicB, alarmA, "OK", "ALARM", time.Now()))
		if r.Status != 403 {
			t.Fatalf("want 403, got %d %s", r.Status, r.Body)
		}
		st := e.integration(t, e.integID)
		if !strings.Contains(st.LastRejectionReason, topicB) || len(st.RecentRejections) == 0 || st.RecentRejections[0].ReasonCode != "wrong_topic" {
			t.Fatalf("the rejection must be recorded with its reason: %+v", st)
		}
		if countStatus(e.incidents(t), "TRIGGERED") != 0 {
			t.Fatal("a message from another topic opened an incident")
		}
	})

	t.Run("DuplicateMessageID", func(t *testing.T) {
		body, _ := e.fake.SignNotification(topicA, "", alarmMessage(alarmA, "api-5xx", "OK", "ALARM", time.Now().Add(-time.Minute)), "dup-message-1", time.Time{})
		e.mustPost(t, body, 200)
		before := e.incidents(t)
		// The same MessageId again, even with a later alarm state, is a duplicate.
		body2, _ := e.fake.SignNotification(topicA, "", alarmMessage(alarmA, "api-5xx", "ALARM", "OK", time.Now()), "dup-message-1", time.Time{})
		e.mustPost(t, body2, 200)
		if after := e.incidents(t); countStatus(after, "TRIGGERED") != countStatus(before, "TRIGGERED") || countStatus(before, "TRIGGERED") != 1 {
			t.Fatalf("duplicate MessageId changed incidents: before %+v after %+v", before, after)
		}
	})

	t.Run("NotAnAlarm", func(t *testing.T) {
		body, _ := e.fake.SignNotification(topicA, "hello", `{"hello": "world"}`, "", time.Time{})
		e.mustPost(t, body, 200)
		if st := e.integration(t, e.integID); st.Stats.Ignored != 1 {
			t.Fatalf("want one ignored message, got %+v", st.Stats)
		}
	})

	t.Run("Unsubscribe", func(t *testing.T) {
		before := len(e.fake.Confirmations())
		body, _ := e.fake.SignUnsubscribeConfirmation(topicA, "", time.Time{})
		e.mustPost(t, body, 200)
		if st := e.integration(t, e.integID); st.State != "UNSUBSCRIBED" {
			t.Fatalf("want UNSUBSCRIBED, got %+v", st)
		}
		if after := len(e.fake.Confirmations()); after != before {
			t.Fatal("an UnsubscribeConfirmation's SubscribeURL must never be fetched")
		}
	})
}

func TestSNSRefusals(t *testing.T) {
	e := mustSNSEnv(t, startOpts{})
	e.confirm(t, topicA)
	good := e.alarm(t, topicA, alarmA, "OK", "ALARM", time.Now())

	mutate := func(body []byte, fn func(map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		fn(m)
		b, _ := json.Marshal(m)
		return b
	}
	cases := []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"raw delivery", []byte(`{"AlarmName":"x"}`), 400, ""},
		{"not json", []byte(`hello`), 400, "malformed"},
		{"signature version 1", mutate(good, func(m map[string]any) { m["SignatureVersion"] = "1" }), 400, "unsupported_signature_version"},
		{"tampered message", mutate(good, func(m map[string]any) { m["Message"] = strings.Replace(m["Message"].(string), "ALARM", "OK", 1) }), 400, "bad_signature"},
		{"evil cert host", mutate(good, func(m map[string]any) {
			m["SigningCertURL"] = "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"
		}), 400, "bad_cert_url"},
		{"stale", func() []byte {
			b, _ := e.fake.SignNotification(topicA, "", alarmMessage(alarmA, "api-5xx", "OK", "ALARM", time.Now()), "", time.Now().Add(-3*time.Hour))
			return b
		}(), 400, "stale"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(t, e.hookURL, tc.body)
			if r.Status != tc.status || (tc.code != "" && !strings.Contains(string(r.Body), tc.code)) {
				t.Fatalf("want %d %s, got %d %s", tc.status, tc.code, r.Status, r.Body)
			}
		})
	}
	st := e.integration(t, e.integID)
	if st.Stats.Rejected != len(cases) {
		t.Fatalf("want %d recorded rejections, got %+v", len(cases), st.Stats)
	}
	for _, rj := range st.RecentRejections {
		if rj.ReasonCode == "unsupported_signature_version" && !strings.Contains(rj.Reason, "SignatureVersion") {
			t.Fatalf("the version rejection must name the fix: %q", rj.Reason)
		}
	}
	if n := len(e.incidents(t)); n != 0 {
		t.Fatalf("refused messages opened %d incidents", n)
	}
	// The genuine message still works afterwards.
	e.mustPost(t, good, 200)
	if countStatus(e.incidents(t), "TRIGGERED") != 1 {
		t.Fatal("the genuine message did not open an incident")
	}

	t.Run("ExpectedTopicIsEnforced", func(t *testing.T) {
		id, hook := e.createIntegration(t, "expects-b", topicB)
		body, _ := e.fake.SignSubscriptionConfirmation(topicA, "", time.Time{})
		if r := e.post(t, hook, body); r.Status != 403 {
			t.Fatalf("confirmation from an unexpected topic: want 403, got %d %s", r.Status, r.Body)
		}
		if st := e.integration(t, id); st.TopicArn != "" || st.State != "PENDING_CONFIRMATION" {
			t.Fatalf("an unexpected topic was pinned: %+v", st)
		}
	})

	t.Run("ConfirmationFailureIsRetried", func(t *testing.T) {
		id, hook := e.createIntegration(t, "flaky", "")
		e.fake.FailNext(1, 503)
		body, _ := e.fake.SignSubscriptionConfirmation(topicA, "confirm-1", time.Time{})
		if r := e.post(t, hook, body); r.Status < 500 {
			t.Fatalf("a failed ConfirmSubscription must answer 5xx so SNS redelivers, got %d", r.Status)
		}
		if r := e.post(t, hook, body); r.Status != 200 {
			t.Fatalf("redelivery: want 200, got %d %s", r.Status, r.Body)
		}
		if st := e.integration(t, id); st.State != "CONFIRMED" {
			t.Fatalf("after redelivery: %+v", st)
		}
	})
}

func TestSNSDeletedAndRotatedURLs(t *testing.T) {
	e := mustSNSEnv(t, startOpts{})
	e.confirm(t, topicA)
	body := e.alarm(t, topicA, alarmA, "OK", "ALARM", time.Now())

	var rot struct {
		RotateAwsIntegrationUrl struct{ WebhookURL string }
	}
	if err := e.c.MustOK(ctxT(t), `mutation($id: ID!) { rotateAwsIntegrationUrl(input: {id: $id}) { webhookUrl } }`, map[string]any{"id": e.integID}, &rot); err != nil {
		t.Fatal(err)
	}
	if r := e.post(t, e.hookURL, body); r.Status != 404 || len(r.Body) != 0 {
		t.Fatalf("rotated-away URL: want an empty 404, got %d %q", r.Status, r.Body)
	}
	u, _ := url.Parse(rot.RotateAwsIntegrationUrl.WebhookURL)
	newHook := e.c.BaseURL + u.Path
	if r := e.post(t, newHook, body); r.Status != 200 {
		t.Fatalf("new URL: want 200, got %d %s", r.Status, r.Body)
	}
	if err := e.c.MustOK(ctxT(t), `mutation($id: ID!) { deleteAwsIntegration(input: {id: $id}) { deletedId } }`, map[string]any{"id": e.integID}, nil); err != nil {
		t.Fatal(err)
	}
	if r := e.post(t, newHook, e.alarm(t, topicA, alarmA, "ALARM", "OK", time.Now())); r.Status != 404 {
		t.Fatalf("deleted integration: want 404, got %d", r.Status)
	}
	if r := e.post(t, e.c.BaseURL+"/webhooks/aws/sbi_nosuchtoken", body); r.Status != 404 {
		t.Fatalf("unknown token: want 404, got %d", r.Status)
	}
}

// TestSNSConcurrentCopies posts 200 copies of one message at once: one incident.
func TestSNSConcurrentCopies(t *testing.T) {
	for _, embedded := range []bool{false, true} {
		t.Run(map[bool]string{false: "postgres", true: "sqlite"}[embedded], func(t *testing.T) {
			e := mustSNSEnv(t, startOpts{embedded: embedded})
			e.confirm(t, topicA)
			body := e.alarm(t, topicA, alarmA, "OK", "ALARM", time.Now())
			var wg sync.WaitGroup
			statuses := make(chan int, 200)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
			for range 200 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := client.Post(e.hookURL, "text/plain", strings.NewReader(string(body)))
					if err != nil {
						statuses <- -1
						return
					}
					resp.Body.Close()
					statuses <- resp.StatusCode
				}()
			}
			wg.Wait()
			close(statuses)
			for s := range statuses {
				if s != 200 {
					t.Fatalf("a copy was answered %d", s)
				}
			}
			if rows := e.incidents(t); len(rows) != 1 {
				t.Fatalf("want exactly one incident, got %d", len(rows))
			}
		})
	}
}

// TestSNSConcurrentConfirmationsPinOneTopic sends SubscriptionConfirmations of two different
// topics at once to an unpinned integration. The pin is decided before any SubscribeURL is
// fetched: exactly one topic is confirmed at (fake) AWS, the other is refused without a fetch.
// (They used to both confirm at AWS before the pin decided, leaving a live subscription of a
// topic the integration then refuses.)
func TestSNSConcurrentConfirmationsPinOneTopic(t *testing.T) {
	e := mustSNSEnv(t, startOpts{})
	// The fetches overlap for certain when the fake answers slowly.
	e.fake.SetConfirmDelay(500 * time.Millisecond)
	bodies := map[string][]byte{}
	for _, topic := range []string{topicA, topicB} {
		b, err := e.fake.SignSubscriptionConfirmation(topic, "", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		bodies[topic] = b
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[string]int{}
	)
	for topic, body := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.post(t, e.hookURL, body)
			mu.Lock()
			statuses[topic] = r.Status
			mu.Unlock()
		}()
	}
	wg.Wait()
	calls := e.fake.Confirmations()
	if len(calls) != 1 {
		t.Fatalf("SubscribeURL fetched %d times; want exactly once", len(calls))
	}
	winner, loser := topicA, topicB
	if calls[0].TopicARN == topicB {
		winner, loser = topicB, topicA
	}
	if statuses[winner] != 200 || statuses[loser] != 403 {
		t.Fatalf("statuses %v; want 200 for the confirmed topic %s and 403 for %s", statuses, winner, loser)
	}
	st := e.integration(t, e.integID)
	if st.TopicArn != winner || st.SubscriptionArn == "" {
		t.Fatalf("integration pinned to %q (subscription %q); want %s, confirmed", st.TopicArn, st.SubscriptionArn, winner)
	}
}

// TestSNSFailedConfirmationReleasesPin: a confirmation whose SubscribeURL AWS refuses for good
// (403: an expired or foreign token) leaves no pin behind, so the right topic then confirms
// (the pin used to stay on a topic never confirmed, refusing the right one until the URL was
// rotated).
func TestSNSFailedConfirmationReleasesPin(t *testing.T) {
	e := mustSNSEnv(t, startOpts{})
	wrong, err := e.fake.SignSubscriptionConfirmation(topicB, "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.FailNext(1, http.StatusForbidden)
	if r := e.post(t, e.hookURL, wrong); r.Status < 500 {
		t.Fatalf("a confirmation AWS refused: want 5xx so SNS may redeliver, got %d %s", r.Status, r.Body)
	}
	if st := e.integration(t, e.integID); st.TopicArn != "" || st.SubscriptionArn != "" {
		t.Fatalf("after a failed confirmation the integration is pinned to %q (subscription %q); want unpinned", st.TopicArn, st.SubscriptionArn)
	}
	right, err := e.fake.SignSubscriptionConfirmation(topicA, "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.post(t, e.hookURL, right); r.Status != http.StatusOK {
		t.Fatalf("the right topic's confirmation: %d %s", r.Status, r.Body)
	}
	if st := e.integration(t, e.integID); st.TopicArn != topicA || st.SubscriptionArn == "" {
		t.Fatalf("integration pinned to %q (subscription %q); want %s, confirmed", st.TopicArn, st.SubscriptionArn, topicA)
	}
}

// TestSNSDatabaseOutage cuts the database connection: SNS gets 5xx (so it redelivers), and the
// redelivery after the outage opens the incident.
func TestSNSDatabaseOutage(t *testing.T) {
	dbURL := modeltest.MustPostgresURL(t)
	proxy := mustTCPProxy(t, dbURL)
	e := mustSNSEnv(t, startOpts{env: map[string]string{"SWITCHBOARD_DATABASE_URL": proxy.url}})
	e.confirm(t, topicA)
	body := e.alarm(t, topicA, alarmA, "OK", "ALARM", time.Now())

	proxy.cut()
	r := e.post(t, e.hookURL, body)
	if r.Status != 503 {
		t.Fatalf("during the outage: want 503, got %d %s", r.Status, r.Body)
	}
	proxy.restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r = e.post(t, e.hookURL, body)
		if r.Status == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r.Status != 200 {
		t.Fatalf("redelivery after the outage: want 200, got %d %s", r.Status, r.Body)
	}
	if rows := e.incidents(t); len(rows) != 1 || rows[0].Status != "TRIGGERED" {
		t.Fatalf("want one open incident after redelivery, got %+v", rows)
	}
}

// TestSNSLiveSubscription: a GraphQL subscriber sees the incident open and resolve.
func TestSNSLiveSubscription(t *testing.T) {
	e := mustSNSEnv(t, startOpts{})
	e.confirm(t, topicA)
	ctx := ctxT(t)
	sub, err := servertest.Subscribe(ctx, e.c.BaseURL, e.c.Token, `subscription($a: ID!) { incidentChanged(accountId: $a) { kind incident { id title status component { name status } } } }`, map[string]any{"a": e.accountID})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	time.Sleep(100 * time.Millisecond)
	next := func(want string) map[string]any {
		t.Helper()
		select {
		case raw, ok := <-sub.Events:
			if !ok {
				t.Fatalf("subscription ended: %v", sub.Err())
			}
			var d struct{ IncidentChanged map[string]any }
			_ = json.Unmarshal(raw, &d)
			if d.IncidentChanged["kind"] != want {
				t.Fatalf("want %s, got %s", want, raw)
			}
			return d.IncidentChanged
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s event", want)
		}
		return nil
	}
	e.mustPost(t, e.alarm(t, topicA, alarmA, "OK", "ALARM", time.Now().Add(-time.Second)), 200)
	opened := next("OPENED")
	inc := opened["incident"].(map[string]any)
	if inc["title"] != "api-5xx" || inc["component"].(map[string]any)["status"] != "PARTIAL_OUTAGE" {
		t.Fatalf("opened: %+v", inc)
	}
	e.mustPost(t, e.alarm(t, topicA, alarmA, "ALARM", "OK", time.Now()), 200)
	resolved := next("RESOLVED")
	inc = resolved["incident"].(map[string]any)
	if inc["status"] != "RESOLVED" || inc["component"].(map[string]any)["status"] != "OPERATIONAL" {
		t.Fatalf("resolved: %+v", inc)
	}
}

// TestSNSRealFixture posts a genuine AWS-signed SignatureVersion 2 message through HTTP, with
// AWS's certificate pinned and the verifier's clock at the message's time.
func TestSNSRealFixture(t *testing.T) {
	const rel = "../testdata/sns/messages/javasdkv2-notification-nosubject-sv2.json"
	body, err := os.ReadFile(rel)
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Timestamp, TopicArn string }
	_ = json.Unmarshal(body, &env)
	ts, _ := time.Parse(time.RFC3339Nano, env.Timestamp)
	certDir, _ := filepath.Abs("../testdata/sns/certs")
	_, c := MustStart(t, startOpts{
		env:         map[string]string{"SWITCHBOARD_SNS_CERT_DIR": certDir},
		beforeServe: func(m *server.Main) { m.SNSClock = func() time.Time { return ts } },
	})
	MustSetup(t, c)
	a := accountOf(t, c)
	e := &snsEnv{c: c, accountID: a.accountID}
	var cc struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	if err := c.MustOK(ctxT(t), `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "API"}) { component { id } } }`, map[string]any{"a": a.accountID}, &cc); err != nil {
		t.Fatal(err)
	}
	e.componentID = cc.CreateComponent.Component.ID
	id, hook := e.createIntegration(t, "real", "")
	if r := e.post(t, hook, body); r.Status != 200 {
		t.Fatalf("genuine AWS message: want 200, got %d %s", r.Status, r.Body)
	}
	st := e.integration(t, id)
	if st.Stats.Ignored != 1 || st.TopicArn != "" {
		t.Fatalf("a genuine non-alarm message is recorded as ignored and pins nothing: %+v", st)
	}
	_ = env.TopicArn
}

// tcpProxy forwards to PostgreSQL and can cut every connection, to simulate an outage.
type tcpProxy struct {
	url    string
	target string
	ln     net.Listener
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func mustTCPProxy(t *testing.T, dbURL string) *tcpProxy {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{target: u.Host, ln: ln}
	u.Host = ln.Addr().String()
	p.url = u.String()
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

func (p *tcpProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}

func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *tcpProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// TestSNSGroupCommit sends the transitions of several alarms at once, each message as three
// concurrent copies and each alarm's messages in order (the next once the previous is
// answered), with a late transition in between; the edge applies them in groups (group
// commit). The incidents and the integration's counts are exact, every request is answered
// 200, and every notification is counted in a group. With SWITCHBOARD_SNS_GROUP_LANES=0 each
// notification has its own transaction, with the same results.
func TestSNSGroupCommit(t *testing.T) {
	for _, c := range []struct {
		name     string
		embedded bool
		lanes    string
	}{{"postgres", false, ""}, {"sqlite", true, ""}, {"postgres without groups", false, "0"}} {
		t.Run(c.name, func(t *testing.T) {
			o := startOpts{embedded: c.embedded}
			if c.lanes != "" {
				o.env = map[string]string{"SWITCHBOARD_SNS_GROUP_LANES": c.lanes}
			}
			e := mustSNSEnv(t, o)
			e.confirm(t, topicA)
			t0 := time.Now().Add(-10 * time.Minute)
			const alarms, copies = 8, 3
			steps := []struct {
				old, new string
				at       time.Time
			}{
				{"OK", "ALARM", t0},                                     // opens
				{"ALARM", "OK", t0.Add(2 * time.Minute)},                // resolves
				{"OK", "ALARM", t0.Add(3 * time.Minute)},                // opens again
				{"ALARM", "OK", t0.Add(2*time.Minute + 30*time.Second)}, // late: out of order
				{"ALARM", "ALARM", t0.Add(4 * time.Minute)},             // no change
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: alarms * copies}}
			var wg sync.WaitGroup
			errs := make(chan string, alarms*len(steps)*copies)
			for a := range alarms {
				wg.Add(1)
				go func() {
					defer wg.Done()
					arn := fmt.Sprintf("arn:aws:cloudwatch:us-east-1:123456789012:alarm:grouped-%02d", a)
					for _, s := range steps {
						body := e.alarm(t, topicA, arn, s.old, s.new, s.at)
						var cw sync.WaitGroup
						for range copies {
							cw.Add(1)
							go func() {
								defer cw.Done()
								resp, err := client.Post(e.hookURL, "text/plain", strings.NewReader(string(body)))
								if err != nil {
									errs <- err.Error()
									return
								}
								resp.Body.Close()
								if resp.StatusCode != 200 {
									errs <- fmt.Sprintf("%s %s→%s answered %d", arn, s.old, s.new, resp.StatusCode)
								}
							}()
						}
						cw.Wait()
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if t.Failed() {
				return
			}
			rows := e.incidents(t)
			if len(rows) != 2*alarms || countStatus(rows, "TRIGGERED") != alarms || countStatus(rows, "RESOLVED") != alarms {
				t.Fatalf("want %d incidents, %d open: got %+v", 2*alarms, alarms, rows)
			}
			st := e.integration(t, e.integID)
			if st.Stats.Opened != 2*alarms || st.Stats.Resolved != alarms || st.Stats.OutOfOrder != alarms || st.Stats.NoChange != alarms {
				t.Fatalf("stats: %+v", st.Stats)
			}
			r, err := e.c.Do(ctxT(t), "GET", "/metrics", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var groups, notifications float64
			for _, line := range strings.Split(string(r.Body), "\n") {
				if v, ok := strings.CutPrefix(line, "switchboard_sns_group_size_count "); ok {
					fmt.Sscan(v, &groups)
				}
				if v, ok := strings.CutPrefix(line, "switchboard_sns_group_size_sum "); ok {
					fmt.Sscan(v, &notifications)
				}
			}
			// Every notification went through a group. How many shared one depends on timing
			// (2 ms of linger on a loaded machine); TestIngestGroups_Concurrent asserts grouping
			// with a linger long enough to be sure.
			want := float64(alarms * len(steps) * copies)
			if c.lanes == "0" {
				want = 0 // no groups
			}
			if notifications != want {
				t.Fatalf("%v notifications in %v groups; want %v", notifications, groups, want)
			}
			t.Logf("%v notifications in %v groups", notifications, groups)
		})
	}
}
