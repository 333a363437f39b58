package models

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// AWSIntegration receives CloudWatch alarms through SNS at its own webhook URL and opens
// incidents on its component.
type AWSIntegration struct {
	ID                  string `gorm:"primaryKey"`
	AccountID           string
	Name                string
	ComponentID         string
	DefaultSeverity     Severity
	TokenHash           string `json:"-"`
	TokenPrefix         string
	ExpectedTopicArn    string
	TopicArn            string
	SubscriptionArn     string
	ConfirmedAt         *time.Time
	UnsubscribedAt      *time.Time
	LastRejectionReason string
	LastRejectionAt     *time.Time
	DeletedAt           *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
	// EscalationPolicyID overrides the component's policy for incidents this integration opens.
	EscalationPolicyID *string
}

// TableName names the table.
func (AWSIntegration) TableName() string { return "aws_integrations" }

func (i *AWSIntegration) accountOf() string { return i.AccountID }

// IntegrationState summarises where an integration is in its setup.
type IntegrationState string

const (
	IntegrationPending      IntegrationState = "pending_confirmation"
	IntegrationConfirmed    IntegrationState = "confirmed"
	IntegrationUnsubscribed IntegrationState = "unsubscribed"
)

// State of the integration.
func (i *AWSIntegration) State() IntegrationState {
	switch {
	case i.UnsubscribedAt != nil && (i.ConfirmedAt == nil || i.UnsubscribedAt.After(*i.ConfirmedAt)):
		return IntegrationUnsubscribed
	case i.ConfirmedAt != nil:
		return IntegrationConfirmed
	}
	return IntegrationPending
}

// Valid reports whether s is a known state.
func (s IntegrationState) Valid() bool {
	return s == IntegrationPending || s == IntegrationConfirmed || s == IntegrationUnsubscribed
}

// MarshalGQL implements the GraphQL enum encoding.
func (s IntegrationState) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *IntegrationState) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, IntegrationState.Valid, "integration state")
	return err
}

// SNSReceipt records one accepted SNS message (never its payload).
type SNSReceipt struct {
	IntegrationID string `gorm:"primaryKey"`
	MessageID     string `gorm:"primaryKey"`
	Type          string
	Outcome       string
	Detail        string
	ReceivedAt    time.Time
	// AlarmName, IncidentID and RouteID say which alarm a message carried, the incident it
	// opened or resolved and the routing rule it matched; Facts are the alarm's matching facts
	// (JSON of routing.Facts), kept so rules can be tried on recent messages.
	AlarmName  string
	IncidentID *string
	RouteID    *string
	Facts      *string
}

// TableName names the table.
func (SNSReceipt) TableName() string { return "sns_receipts" }

// SNSRejection records one refused SNS request and why.
type SNSRejection struct {
	ID            string `gorm:"primaryKey"`
	IntegrationID string
	ReasonCode    string
	Reason        string
	MessageType   string
	TopicArn      string
	ReceivedAt    time.Time
}

// TableName names the table.
func (SNSRejection) TableName() string { return "sns_rejections" }

// Receipt outcomes.
const (
	OutcomeOpened       = "opened"       // an incident was opened
	OutcomeResolved     = "resolved"     // an incident was resolved
	OutcomeNoChange     = "no_change"    // a valid transition with nothing to do (ALARM while open, OK while closed, INSUFFICIENT_DATA)
	OutcomeOutOfOrder   = "out_of_order" // older than the last applied transition of the alarm
	OutcomeIgnored      = "ignored"      // not a CloudWatch alarm
	OutcomeConfirmed    = "confirmed"    // subscription confirmed
	OutcomeUnsubscribed = "unsubscribed" // unsubscribe recorded
	OutcomeDuplicate    = "duplicate"    // MessageId seen before: answered 200, nothing done
)

// IntegrationTokenPrefix starts every integration token, so a leaked URL is recognisable.
const IntegrationTokenPrefix = "sbi_"

var topicArnRe = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$`)

// AWSIntegrationInput creates or changes an integration; nil fields stay unchanged.
type AWSIntegrationInput struct {
	AccountID        string
	Name             *string
	ComponentID      *string
	ExpectedTopicArn *string
	DefaultSeverity  *Severity
}

func (s *Store) cleanIntegration(ctx context.Context, a *Actor, accountID string, in AWSIntegrationInput) (AWSIntegrationInput, error) {
	if in.Name != nil {
		n, err := cleanName("name", *in.Name, 100)
		if err != nil {
			return in, err
		}
		in.Name = &n
	}
	if in.ComponentID != nil {
		c, err := s.GetComponent(ctx, a, *in.ComponentID)
		if err != nil || c.AccountID != accountID {
			return in, FieldError(EINVALID, "componentId", "choose a component of this account")
		}
	}
	if in.ExpectedTopicArn != nil {
		t := strings.TrimSpace(*in.ExpectedTopicArn)
		if t != "" && !topicArnRe.MatchString(t) {
			return in, FieldError(EINVALID, "expectedTopicArn", "enter an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:alarms")
		}
		in.ExpectedTopicArn = &t
	}
	if in.DefaultSeverity != nil && !in.DefaultSeverity.Valid() {
		return in, FieldError(EINVALID, "defaultSeverity", "unknown severity")
	}
	return in, nil
}

func newIntegrationToken() (token, hash, prefix string) {
	token = IntegrationTokenPrefix + randomSecret(32)
	return token, hashToken(token), token[:len(IntegrationTokenPrefix)+6]
}

// CreateAWSIntegration creates an integration and returns its webhook token, which is shown
// once: only its hash is stored. Admins and owners.
func (s *Store) CreateAWSIntegration(ctx context.Context, a *Actor, in AWSIntegrationInput) (*AWSIntegration, string, error) {
	if _, err := s.Require(ctx, a, in.AccountID, RoleAdmin); err != nil {
		return nil, "", err
	}
	if in.Name == nil {
		return nil, "", FieldError(EINVALID, "name", "name is required")
	}
	if in.ComponentID == nil {
		return nil, "", FieldError(EINVALID, "componentId", "choose the component alarms open incidents on")
	}
	in, err := s.cleanIntegration(ctx, a, in.AccountID, in)
	if err != nil {
		return nil, "", err
	}
	token, hash, prefix := newIntegrationToken()
	now := s.now()
	integ := &AWSIntegration{ID: newID(), AccountID: in.AccountID, Name: *in.Name, ComponentID: *in.ComponentID,
		DefaultSeverity: SeverityHigh, TokenHash: hash, TokenPrefix: prefix, CreatedAt: now, UpdatedAt: now}
	if in.ExpectedTopicArn != nil {
		integ.ExpectedTopicArn = *in.ExpectedTopicArn
	}
	if in.DefaultSeverity != nil {
		integ.DefaultSeverity = *in.DefaultSeverity
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(integ).Error; err != nil {
			return err
		}
		s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		return s.audit(tx, a, integ.AccountID, "aws_integration.created", "aws_integration", integ.ID, fmt.Sprintf("%s created AWS integration %q", a.Label(), integ.Name))
	})
	if err != nil {
		return nil, "", err
	}
	return integ, token, nil
}

// UpdateAWSIntegration changes name, component, expected topic or default severity. Admins.
func (s *Store) UpdateAWSIntegration(ctx context.Context, a *Actor, id string, in AWSIntegrationInput) (*AWSIntegration, error) {
	integ, err := s.GetAWSIntegration(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, integ.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	if in, err = s.cleanIntegration(ctx, a, integ.AccountID, in); err != nil {
		return nil, err
	}
	if in.ExpectedTopicArn != nil && *in.ExpectedTopicArn != "" && integ.TopicArn != "" && *in.ExpectedTopicArn != integ.TopicArn {
		return nil, FieldError(ECONFLICT, "expectedTopicArn", "the integration is pinned to %s; rotate its URL to start over with another topic", integ.TopicArn)
	}
	changes := map[string]any{"updated_at": s.now()}
	if in.Name != nil {
		changes["name"], integ.Name = *in.Name, *in.Name
	}
	if in.ComponentID != nil {
		changes["component_id"], integ.ComponentID = *in.ComponentID, *in.ComponentID
	}
	if in.ExpectedTopicArn != nil {
		changes["expected_topic_arn"], integ.ExpectedTopicArn = *in.ExpectedTopicArn, *in.ExpectedTopicArn
	}
	if in.DefaultSeverity != nil {
		changes["default_severity"], integ.DefaultSeverity = *in.DefaultSeverity, *in.DefaultSeverity
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&AWSIntegration{}).Where("id = ?", integ.ID).Updates(changes).Error; err != nil {
			return err
		}
		s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		return s.audit(tx, a, integ.AccountID, "aws_integration.updated", "aws_integration", integ.ID, fmt.Sprintf("%s updated AWS integration %q", a.Label(), integ.Name))
	})
	if err != nil {
		return nil, err
	}
	return integ, nil
}

// RotateAWSIntegrationToken replaces the webhook token: the old URL answers 404 at once. The
// topic pin and subscription are cleared, because a new SNS subscription to the new URL must be
// confirmed. Admins and owners.
func (s *Store) RotateAWSIntegrationToken(ctx context.Context, a *Actor, id string) (*AWSIntegration, string, error) {
	integ, err := s.GetAWSIntegration(ctx, a, id)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.Require(ctx, a, integ.AccountID, RoleAdmin); err != nil {
		return nil, "", err
	}
	token, hash, prefix := newIntegrationToken()
	now := s.now()
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&AWSIntegration{}).Where("id = ?", integ.ID).Updates(map[string]any{
			"token_hash": hash, "token_prefix": prefix, "topic_arn": "", "subscription_arn": "",
			"confirmed_at": nil, "unsubscribed_at": nil, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		return s.audit(tx, a, integ.AccountID, "aws_integration.rotated", "aws_integration", integ.ID, fmt.Sprintf("%s rotated the URL of AWS integration %q", a.Label(), integ.Name))
	})
	if err != nil {
		return nil, "", err
	}
	integ.TokenHash, integ.TokenPrefix, integ.TopicArn, integ.SubscriptionArn, integ.ConfirmedAt, integ.UnsubscribedAt = hash, prefix, "", "", nil, nil
	return integ, token, nil
}

// DeleteAWSIntegration deletes an integration: its URL answers 404 at once. Its incidents stay.
func (s *Store) DeleteAWSIntegration(ctx context.Context, a *Actor, id string) error {
	integ, err := s.GetAWSIntegration(ctx, a, id)
	if err != nil {
		return err
	}
	if _, err := s.Require(ctx, a, integ.AccountID, RoleAdmin); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		// The token hash is replaced too, so the old URL can never match again.
		if err := tx.Model(&AWSIntegration{}).Where("id = ?", integ.ID).Updates(map[string]any{
			"deleted_at": s.now(), "token_hash": "deleted:" + integ.ID, "updated_at": s.now(),
		}).Error; err != nil {
			return err
		}
		s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		return s.audit(tx, a, integ.AccountID, "aws_integration.deleted", "aws_integration", integ.ID, fmt.Sprintf("%s deleted AWS integration %q", a.Label(), integ.Name))
	})
}

// GetAWSIntegration returns an integration the actor can see (not deleted).
func (s *Store) GetAWSIntegration(ctx context.Context, a *Actor, id string) (*AWSIntegration, error) {
	var integ AWSIntegration
	if err := s.getScoped(ctx, a, &integ, id, "AWS integration", RoleViewer); err != nil {
		return nil, err
	}
	if integ.DeletedAt != nil {
		return nil, notFound("AWS integration")
	}
	return &integ, nil
}

// ListAWSIntegrations returns the account's integrations. Viewers and up.
func (s *Store) ListAWSIntegrations(ctx context.Context, a *Actor, accountID string) ([]AWSIntegration, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	var out []AWSIntegration
	err := s.db.WithContext(ctx).Where("account_id = ? AND deleted_at IS NULL", accountID).Order("lower(name), id").Find(&out).Error
	return out, err
}

// IntegrationByToken finds the live integration of a webhook token (the SNS edge; no actor).
func (s *Store) IntegrationByToken(ctx context.Context, token string) (*AWSIntegration, error) {
	if !strings.HasPrefix(token, IntegrationTokenPrefix) || len(token) > 100 {
		return nil, notFound("integration")
	}
	var integ AWSIntegration
	err := s.db.WithContext(ctx).Where("token_hash = ? AND deleted_at IS NULL", hashToken(token)).Limit(1).Find(&integ).Error
	if err != nil {
		return nil, err
	}
	if integ.ID == "" {
		return nil, notFound("integration")
	}
	return &integ, nil
}

// IntegrationStats are counts of accepted messages by outcome, and the newest receipt.
type IntegrationStats struct {
	ByOutcome map[string]int
	// Tests counts test alarms sent (their receipts are not in ByOutcome).
	Tests         int
	Rejected      int
	LastMessageAt *time.Time
	LastOutcome   string
}

// IntegrationStats reads the counts from the receipts (callers pass a visible integration).
func (s *Store) IntegrationStats(ctx context.Context, integrationID string) (*IntegrationStats, error) {
	var rows []struct {
		Outcome string
		Test    bool
		N       int
	}
	db := s.db.WithContext(ctx)
	if err := db.Model(&SNSReceipt{}).Select("outcome, detail = ? AS test, count(*) AS n", ReceiptTest).Where("integration_id = ?", integrationID).
		Group("outcome, test").Scan(&rows).Error; err != nil {
		return nil, err
	}
	st := &IntegrationStats{ByOutcome: map[string]int{}}
	for _, r := range rows {
		if r.Test {
			// Test alarms are counted apart (one per ALARM/OK pair's ALARM).
			if r.Outcome == OutcomeOpened {
				st.Tests += r.N
			}
			continue
		}
		st.ByOutcome[r.Outcome] = r.N
	}
	var rej int64
	if err := db.Model(&SNSRejection{}).Where("integration_id = ?", integrationID).Count(&rej).Error; err != nil {
		return nil, err
	}
	st.Rejected = int(rej)
	var last []SNSReceipt
	// A test alarm did not come through SNS: it says nothing of whether SNS reaches the URL.
	if err := db.Where("integration_id = ? AND detail <> ?", integrationID, ReceiptTest).Order("received_at DESC").Limit(1).Find(&last).Error; err != nil {
		return nil, err
	}
	if len(last) == 1 {
		st.LastMessageAt, st.LastOutcome = &last[0].ReceivedAt, last[0].Outcome
	}
	return st, nil
}

// RecentReceipts returns the newest receipts of an integration (callers pass a visible one).
func (s *Store) RecentReceipts(ctx context.Context, integrationID string, limit int) ([]SNSReceipt, error) {
	var out []SNSReceipt
	err := s.db.WithContext(ctx).Where("integration_id = ?", integrationID).Order("received_at DESC").Limit(limit).Find(&out).Error
	return out, err
}

// RecentRejections returns the newest rejections of an integration.
func (s *Store) RecentRejections(ctx context.Context, integrationID string, limit int) ([]SNSRejection, error) {
	var out []SNSRejection
	err := s.db.WithContext(ctx).Where("integration_id = ?", integrationID).Order("received_at DESC").Limit(limit).Find(&out).Error
	return out, err
}

// keepRejections bounds the rejection history per integration: a misconfigured topic can send
// many, and only the recent ones help anyone.
const keepRejections = 100

// RecordSNSRejection records why a request was refused, so the console can show it.
func (s *Store) RecordSNSRejection(ctx context.Context, integ *AWSIntegration, code, reason, msgType, topicArn string) error {
	now := s.now()
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(&SNSRejection{ID: newID(), IntegrationID: integ.ID, ReasonCode: code, Reason: reason, MessageType: msgType, TopicArn: topicArn, ReceivedAt: now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&AWSIntegration{}).Where("id = ?", integ.ID).Updates(map[string]any{"last_rejection_reason": reason, "last_rejection_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM sns_rejections WHERE integration_id = ? AND id NOT IN
			(SELECT id FROM sns_rejections WHERE integration_id = ? ORDER BY received_at DESC LIMIT ?)`, integ.ID, integ.ID, keepRejections).Error; err != nil {
			return err
		}
		s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		return nil
	})
}

// IntegrationsByID loads integrations, deleted ones included (an incident keeps showing which
// integration opened it). Callers pass integrations the actor may see.
func (s *Store) IntegrationsByID(ctx context.Context, ids []string) (map[string]*AWSIntegration, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *AWSIntegration) string { return r.ID })
}
