package scalr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	eventID    = "3f2a1c9e-8b7d-4e6f-a5b4-c3d2e1f0a9b8"
	webhookID  = "7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	endpointID = "e0d1c2b3-a4f5-4607-9819-2a3b4c5d6e7f"
	requestID  = "11111111-2222-4333-8444-555555555555"
)

// goldenEvent goes through the whole path a delivery takes: variables → data + interpolation →
// payload bytes.
func goldenEvent(skipPrivate bool) Payload {
	builtins := map[string]string{
		"SCALR_EVENT_NAME":      "HostUp",
		"SCALR_EVENT_ID":        eventID,
		"SCALR_FARM_NAME":       "web & <db>",
		"SCALR_SERVER_HOSTNAME": "ip-10-0-0-1",
	}
	user := []Variable{
		{Name: "DOMAIN", Value: "example.com"},
		{Name: "API_TOKEN", Value: "s3cr3t", Hidden: true},
		{Name: "SCALR_FARM_NAME", Value: "spoofed"},                // loses to the built-in
		{Name: "SCALR_EVENT_NAME", Value: "Spoofed", Hidden: true}, // loses, and does not hide it
		{Name: "Zeta", Value: "é ü ☃\u2028"},
		{Name: "alpha", Value: `say "hi"` + "\n"},
		{Name: "DOMAIN", Value: "corp.example.com"}, // narrower scope, last wins
	}
	data, all := ResolveVariables(builtins, user, skipPrivate)
	return Payload{
		EventName:       "HostUp",
		EventID:         eventID,
		Timestamp:       time.Date(2017, 9, 6, 14, 21, 17, 500_000_000, time.FixedZone("CEST", 2*3600)),
		ConfigurationID: webhookID,
		Data:            data,
		UserData:        Interpolate("host={SCALR_SERVER_HOSTNAME}.{DOMAIN} token={API_TOKEN} farm={SCALR_FARM_NAME} missing=[{NOPE}] literal={not a var} {}", all),
		EndpointID:      endpointID,
	}
}

func TestPayloadEncode(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Payload
		want string
	}{
		{
			name: "OKSkipPrivate",
			p:    goldenEvent(true),
			want: `{"eventName":"HostUp","eventId":"3f2a1c9e-8b7d-4e6f-a5b4-c3d2e1f0a9b8","timestamp":"Wed 06 Sep 2017 12:21:17 UTC",` +
				`"configurationId":"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",` +
				`"data":{"DOMAIN":"corp.example.com","SCALR_EVENT_ID":"3f2a1c9e-8b7d-4e6f-a5b4-c3d2e1f0a9b8","SCALR_EVENT_NAME":"HostUp",` +
				`"SCALR_FARM_NAME":"web & <db>","SCALR_SERVER_HOSTNAME":"ip-10-0-0-1","Zeta":"é ü ☃\u2028","alpha":"say \"hi\"\n"},` +
				`"userData":"host=ip-10-0-0-1.corp.example.com token=s3cr3t farm=web & <db> missing=[] literal={not a var} {}",` +
				`"endpointId":"e0d1c2b3-a4f5-4607-9819-2a3b4c5d6e7f"}`,
		},
		{
			name: "OKWithPrivate",
			p:    goldenEvent(false),
			want: `{"eventName":"HostUp","eventId":"3f2a1c9e-8b7d-4e6f-a5b4-c3d2e1f0a9b8","timestamp":"Wed 06 Sep 2017 12:21:17 UTC",` +
				`"configurationId":"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",` +
				`"data":{"API_TOKEN":"s3cr3t","DOMAIN":"corp.example.com","SCALR_EVENT_ID":"3f2a1c9e-8b7d-4e6f-a5b4-c3d2e1f0a9b8","SCALR_EVENT_NAME":"HostUp",` +
				`"SCALR_FARM_NAME":"web & <db>","SCALR_SERVER_HOSTNAME":"ip-10-0-0-1","Zeta":"é ü ☃\u2028","alpha":"say \"hi\"\n"},` +
				`"userData":"host=ip-10-0-0-1.corp.example.com token=s3cr3t farm=web & <db> missing=[] literal={not a var} {}",` +
				`"endpointId":"e0d1c2b3-a4f5-4607-9819-2a3b4c5d6e7f"}`,
		},
		{
			name: "OKEmpty",
			p: Payload{EventName: "FarmLaunched", EventID: eventID, ConfigurationID: webhookID, EndpointID: endpointID,
				Timestamp: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
			want: `{"eventName":"FarmLaunched","eventId":"3f2a1c9e-8b7d-4e6f-a5b4-c3d2e1f0a9b8","timestamp":"Fri 02 Jan 2026 03:04:05 UTC",` +
				`"configurationId":"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","data":{},"userData":"","endpointId":"e0d1c2b3-a4f5-4607-9819-2a3b4c5d6e7f"}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.p.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("payload bytes differ\n got: %s\nwant: %s", got, tc.want)
			}
			// Deterministic: a second encoding (maps iterate randomly) gives the same bytes.
			for range 20 {
				if again, _ := tc.p.Encode(); string(again) != string(got) {
					t.Fatalf("encoding is not deterministic:\n%s\n%s", got, again)
				}
			}
			var round map[string]any
			if err := json.Unmarshal(got, &round); err != nil {
				t.Fatalf("payload is not valid JSON: %v", err)
			}
		})
	}
}

func TestApprovalPayloadEncode(t *testing.T) {
	p := ApprovalPayload{
		Payload: Payload{
			EventName: "BeforeFarmLaunch", EventID: eventID, ConfigurationID: webhookID, EndpointID: endpointID,
			Timestamp: time.Date(2017, 9, 6, 12, 21, 17, 0, time.UTC),
			Data:      map[string]string{"SCALR_FARM_OWNER_EMAIL": "ops@example.com", "SCALR_FARM_NAME": "prod"},
		},
		RequestID: requestID,
		Operation: OperationLaunch,
	}
	want := `{"eventName":"BeforeFarmLaunch","eventId":"3f2a1c9e-8b7d-4e6f-a5b4-c3d2e1f0a9b8","timestamp":"Wed 06 Sep 2017 12:21:17 UTC",` +
		`"configurationId":"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","data":{"SCALR_FARM_NAME":"prod","SCALR_FARM_OWNER_EMAIL":"ops@example.com"},` +
		`"userData":"","endpointId":"e0d1c2b3-a4f5-4607-9819-2a3b4c5d6e7f",` +
		`"requestId":"11111111-2222-4333-8444-555555555555","operation":"farm.approval.launch"}`
	got, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("approval bytes differ\n got: %s\nwant: %s", got, want)
	}
	// The approval body starts with the event payload's bytes minus the closing brace.
	plain, _ := p.Payload.Encode()
	if !strings.HasPrefix(string(got), strings.TrimSuffix(string(plain), "}")+",") {
		t.Errorf("approval body does not extend the event payload:\n%s\n%s", got, plain)
	}
}

func TestEncodeErrInvalidPayload(t *testing.T) {
	ok := Payload{EventName: "HostUp", EventID: eventID, ConfigurationID: webhookID, EndpointID: endpointID}
	if _, err := ok.Encode(); err != nil {
		t.Fatalf("base case: %v", err)
	}
	for name, mutate := range map[string]func(*ApprovalPayload){
		"ErrEventName":       func(p *ApprovalPayload) { p.EventName = "" },
		"ErrUppercaseID":     func(p *ApprovalPayload) { p.EventID = strings.ToUpper(eventID) },
		"ErrBracedID":        func(p *ApprovalPayload) { p.ConfigurationID = "{" + webhookID + "}" },
		"ErrUndashedID":      func(p *ApprovalPayload) { p.EndpointID = strings.ReplaceAll(endpointID, "-", "") },
		"ErrEmptyEndpointID": func(p *ApprovalPayload) { p.EndpointID = "" },
		"ErrMisplacedDash":   func(p *ApprovalPayload) { p.EventID = "3f2a1c9e8-b7d-4e6f-a5b4-c3d2e1f0a9b8" },
		"ErrRequestID":       func(p *ApprovalPayload) { p.RequestID = "req-1" },
		"ErrOperation":       func(p *ApprovalPayload) { p.Operation = "farm.approval.suspend" },
	} {
		t.Run(name, func(t *testing.T) {
			p := ApprovalPayload{Payload: ok, RequestID: requestID, Operation: OperationTerminate}
			if _, err := p.Encode(); err != nil {
				t.Fatalf("base case: %v", err)
			}
			mutate(&p)
			if _, err := p.Encode(); !errors.Is(err, ErrInvalidPayload) {
				t.Fatalf("Encode = %v, want ErrInvalidPayload", err)
			}
		})
	}
}
