package models

import (
	"context"
	"time"
)

// Overview is an account's landing page (issue 9): what is wrong now and what is left to set up.
type Overview struct {
	// OpenBySeverity counts open incidents (test incidents apart) per severity.
	OpenBySeverity map[Severity]int
	// ComponentIDs of components that are not operational, worst first.
	DegradedComponentIDs []string
	// FailingEndpointIDs are the account's endpoints that are paused, failing or disabled by
	// the breaker (not the ones a user turned off).
	FailingEndpointIDs []string
	// FailedDeliveries24h counts deliveries of the account that failed in the last 24 hours.
	FailedDeliveries24h int
	// Setup checklist: component → integration → endpoint → webhook.
	HasComponent, HasIntegration, HasEndpoint, HasWebhook bool
}

// AccountOverview computes the landing page of an account. Viewers and up.
func (s *Store) AccountOverview(ctx context.Context, a *Actor, accountID string) (*Overview, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	o := &Overview{OpenBySeverity: map[Severity]int{}}
	var open []struct {
		Severity Severity
		N        int
	}
	if err := db.Model(&Incident{}).Select("severity, count(*) AS n").
		Where("account_id = ? AND status <> ? AND NOT is_test", accountID, IncidentResolved).Group("severity").Scan(&open).Error; err != nil {
		return nil, err
	}
	for _, r := range open {
		o.OpenBySeverity[r.Severity] = r.N
	}
	var compIDs []string
	if err := db.Model(&Component{}).Where("account_id = ?", accountID).Order("name").Pluck("id", &compIDs).Error; err != nil {
		return nil, err
	}
	o.HasComponent = len(compIDs) > 0
	if len(compIDs) > 0 {
		st, err := s.ComponentStatuses(ctx, compIDs)
		if err != nil {
			return nil, err
		}
		for _, rank := range []ComponentStatus{StatusMajorOutage, StatusPartialOutage, StatusDegradedPerformance, StatusUnderMaintenance} {
			for _, id := range compIDs {
				if st[id] == rank {
					o.DegradedComponentIDs = append(o.DegradedComponentIDs, id)
				}
			}
		}
	}
	if err := db.Model(&Endpoint{}).Where("account_id = ? AND (paused_at IS NOT NULL OR consecutive_failures > 0 OR (active = ? AND inactive_reason <> ''))", accountID, false).
		Order("name").Limit(50).Pluck("id", &o.FailingEndpointIDs).Error; err != nil {
		return nil, err
	}
	var n int64
	if err := db.Model(&Delivery{}).Where("account_id = ? AND status = ? AND updated_at >= ?", accountID, DeliveryFailed, s.now().Add(-24*time.Hour)).
		Count(&n).Error; err != nil {
		return nil, err
	}
	o.FailedDeliveries24h = int(n)
	exists := func(model any, where string, args ...any) (bool, error) {
		var n int64
		err := db.Model(model).Where(where, args...).Limit(1).Count(&n).Error
		return n > 0, err
	}
	var err error
	if o.HasIntegration, err = exists(&AWSIntegration{}, "account_id = ? AND deleted_at IS NULL", accountID); err != nil {
		return nil, err
	}
	if o.HasEndpoint, err = exists(&Endpoint{}, "account_id = ?", accountID); err != nil {
		return nil, err
	}
	if o.HasWebhook, err = exists(&Webhook{}, "account_id = ?", accountID); err != nil {
		return nil, err
	}
	return o, nil
}
