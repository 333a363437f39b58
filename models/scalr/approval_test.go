package scalr

import (
	"errors"
	"testing"
)

func TestParseApprovalAnswer(t *testing.T) {
	for _, tc := range []struct {
		name         string
		status       int
		body         string
		wantDecision string
		wantMessage  string
		wantErr      bool
	}{
		{"OKApproved200", 200, `{"approval_status":"approved","message":"go ahead"}`, DecisionApproved, "go ahead", false},
		{"OKDenied201", 201, `{"approval_status":"denied","message":"change freeze"}`, DecisionDenied, "change freeze", false},
		{"OKNoMessage", 200, `{"approval_status":"approved"}`, DecisionApproved, "", false},
		{"OKCaseAndSpace", 200, `{"approval_status":" Denied "}`, DecisionDenied, "", false},
		{"OKMessageNotString", 200, `{"approval_status":"denied","message":42}`, DecisionDenied, "", false},
		{"OKExtraFields", 201, `{"ticket":"CHG-1","approval_status":"approved","message":"ok"}`, DecisionApproved, "ok", false},
		{"OKPending202", 202, `{"approval_status":"pending"}`, DecisionPending, "", false},
		{"OKPending202Message", 202, `{"approval_status":"pending","message":"queued in CAB"}`, DecisionPending, "queued in CAB", false},
		{"OKProcessing102", 102, ``, DecisionPending, "", false},
		{"OKProcessing102AnyBody", 102, `garbage`, DecisionPending, "", false},
		{"ErrPendingWith200", 200, `{"approval_status":"pending"}`, "", "", true},
		{"ErrApprovedWith202", 202, `{"approval_status":"approved"}`, "", "", true},
		{"Err202EmptyBody", 202, ``, "", "", true},
		{"ErrUnknownStatusValue", 200, `{"approval_status":"maybe"}`, "", "", true},
		{"ErrNoApprovalStatus", 200, `{"message":"approved"}`, "", "", true},
		{"ErrApprovalStatusNotString", 200, `{"approval_status":true}`, "", "", true},
		{"ErrNullBody", 200, `null`, "", "", true},
		{"ErrArrayBody", 200, `["approved"]`, "", "", true},
		{"ErrNotJSON", 200, `approved`, "", "", true},
		{"ErrEmpty200", 200, ``, "", "", true},
		{"Err204", 204, ``, "", "", true},
		{"Err100", 100, ``, "", "", true},
		{"Err302", 302, `{"approval_status":"approved"}`, "", "", true},
		{"Err400", 400, `{"approval_status":"denied"}`, "", "", true},
		{"Err500", 500, `{"approval_status":"approved"}`, "", "", true},
		{"Err503", 503, ``, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			decision, message, err := ParseApprovalAnswer(tc.status, []byte(tc.body))
			if tc.wantErr {
				if !errors.Is(err, ErrApprovalAnswer) {
					t.Fatalf("err = %v, want ErrApprovalAnswer", err)
				}
				if decision != "" || message != "" {
					t.Fatalf("error came with decision %q message %q", decision, message)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if decision != tc.wantDecision || message != tc.wantMessage {
				t.Fatalf("got (%q, %q), want (%q, %q)", decision, message, tc.wantDecision, tc.wantMessage)
			}
		})
	}
}
