package scalr

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Approval decisions (design §7.3).
const (
	DecisionApproved = "approved"
	DecisionDenied   = "denied"
	DecisionPending  = "pending"
)

// ErrApprovalAnswer reports an approval endpoint answer that is neither final nor pending: the
// request is retried like a delivery (design §7.3).
var ErrApprovalAnswer = errors.New("scalr: unusable approval answer")

// ParseApprovalAnswer reads an approval endpoint's answer (design §7.3):
//
//   - 200 or 201 with {"approval_status":"approved"|"denied","message":…} → that decision, final;
//   - 202 with {"approval_status":"pending"} → DecisionPending;
//   - 102 Processing → DecisionPending, whatever the body;
//   - anything else (another status, a body that is not a JSON object, a missing or unexpected
//     approval_status, e.g. "pending" with 200 or "approved" with 202) → an error wrapping
//     ErrApprovalAnswer: retry.
//
// approval_status is matched after trimming spaces and ignoring case. message is returned when it
// is a JSON string and ignored otherwise (a decision is not retried over a malformed message).
// The same function reads approval callbacks (§7.4), which carry the 200 form.
func ParseApprovalAnswer(status int, body []byte) (decision, message string, err error) {
	if status == http.StatusProcessing {
		return DecisionPending, "", nil
	}
	var want []string
	switch status {
	case http.StatusOK, http.StatusCreated:
		want = []string{DecisionApproved, DecisionDenied}
	case http.StatusAccepted:
		want = []string{DecisionPending}
	default:
		return "", "", fmt.Errorf("%w: status %d", ErrApprovalAnswer, status)
	}
	var answer struct {
		ApprovalStatus *string `json:"approval_status"`
		Message        any     `json:"message"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return "", "", fmt.Errorf("%w: status %d: body is not a JSON object: %v", ErrApprovalAnswer, status, err)
	}
	if answer.ApprovalStatus == nil {
		return "", "", fmt.Errorf("%w: status %d: no approval_status", ErrApprovalAnswer, status)
	}
	got := strings.ToLower(strings.TrimSpace(*answer.ApprovalStatus))
	for _, w := range want {
		if got == w {
			message, _ = answer.Message.(string)
			return got, message, nil
		}
	}
	return "", "", fmt.Errorf("%w: status %d with approval_status %q (want %s)", ErrApprovalAnswer, status, *answer.ApprovalStatus, strings.Join(want, " or "))
}
