package scalr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Approval operations (design §7.2).
const (
	OperationLaunch    = "farm.approval.launch"
	OperationTerminate = "farm.approval.terminate"
)

// ErrInvalidPayload reports a payload that cannot be put on the wire (bad id, missing name…).
var ErrInvalidPayload = errors.New("scalr: invalid payload")

// Payload is one webhook body (design §6.3). Build Data with ResolveVariables and UserData with
// Interpolate; encode with Encode.
type Payload struct {
	EventName       string
	EventID         string    // lowercase dashed UUID
	Timestamp       time.Time // when the event was recorded; rendered with FormatDate
	ConfigurationID string    // the webhook's id, lowercase dashed UUID
	Data            map[string]string
	UserData        string // already interpolated
	EndpointID      string // lowercase dashed UUID
}

// ApprovalPayload is the body of an approval request (design §7.2): the §6.3 keys followed by
// requestId and operation.
type ApprovalPayload struct {
	Payload
	RequestID string // the approval request's id, lowercase dashed UUID
	Operation string // OperationLaunch or OperationTerminate
}

// Field order is the wire order: encoding/json writes struct fields in declaration order and
// flattens an embedded struct in place.
type wirePayload struct {
	EventName       string            `json:"eventName"`
	EventID         string            `json:"eventId"`
	Timestamp       string            `json:"timestamp"`
	ConfigurationID string            `json:"configurationId"`
	Data            map[string]string `json:"data"`
	UserData        string            `json:"userData"`
	EndpointID      string            `json:"endpointId"`
}

type wireApproval struct {
	wirePayload
	RequestID string `json:"requestId"`
	Operation string `json:"operation"`
}

// Encode returns the frozen body bytes: compact JSON, keys in §6.3 order, data keys sorted, no
// HTML escaping, no trailing newline. It fails with ErrInvalidPayload when the event name is empty
// or an id is not a lowercase dashed UUID.
func (p Payload) Encode() ([]byte, error) {
	w, err := p.wire()
	if err != nil {
		return nil, err
	}
	return encodeJSON(w)
}

// Encode returns the approval body bytes: Payload.Encode's object with "requestId" and then
// "operation" after "endpointId".
func (p ApprovalPayload) Encode() ([]byte, error) {
	w, err := p.Payload.wire()
	if err != nil {
		return nil, err
	}
	if err := checkUUID("requestId", p.RequestID); err != nil {
		return nil, err
	}
	if p.Operation != OperationLaunch && p.Operation != OperationTerminate {
		return nil, fmt.Errorf("%w: operation %q is neither %q nor %q", ErrInvalidPayload, p.Operation, OperationLaunch, OperationTerminate)
	}
	return encodeJSON(wireApproval{wirePayload: w, RequestID: p.RequestID, Operation: p.Operation})
}

func (p Payload) wire() (wirePayload, error) {
	if p.EventName == "" {
		return wirePayload{}, fmt.Errorf("%w: empty eventName", ErrInvalidPayload)
	}
	for _, id := range []struct{ name, value string }{
		{"eventId", p.EventID}, {"configurationId", p.ConfigurationID}, {"endpointId", p.EndpointID},
	} {
		if err := checkUUID(id.name, id.value); err != nil {
			return wirePayload{}, err
		}
	}
	data := p.Data
	if data == nil {
		data = map[string]string{} // `{}`, never `null`
	}
	return wirePayload{
		EventName:       p.EventName,
		EventID:         p.EventID,
		Timestamp:       FormatDate(p.Timestamp),
		ConfigurationID: p.ConfigurationID,
		Data:            data,
		UserData:        p.UserData,
		EndpointID:      p.EndpointID,
	}, nil
}

// encodeJSON encodes v with HTML escaping off and without the Encoder's trailing newline.
// encoding/json sorts map keys, which makes `data` deterministic.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("scalr: encode: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

func checkUUID(name, s string) error {
	if !IsUUID(s) {
		return fmt.Errorf("%w: %s %q is not a lowercase dashed UUID", ErrInvalidPayload, name, s)
	}
	return nil
}

// IsUUID reports whether s is a UUID in lowercase dashed form (8-4-4-4-12 hex digits). Version and
// variant bits are not checked.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}
