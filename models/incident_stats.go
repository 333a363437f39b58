package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// IncidentStats are the response figures of a filtered set of incidents.
type IncidentStats struct {
	Count        int
	Acknowledged int
	Resolved     int
	// MTTA and MTTR are the mean times from opening to acknowledgement and to resolution, over
	// the incidents that got there; nil when none did.
	MTTA *time.Duration
	MTTR *time.Duration
}

// IncidentStatistics computes MTTA and MTTR over the incidents matching f. Viewers and up.
func (s *Store) IncidentStatistics(ctx context.Context, a *Actor, accountID string, f IncidentQuery) (*IncidentStats, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	// Test incidents are counted apart: only asking for them (Tests true) counts them.
	if f.Tests == nil {
		real := false
		f.Tests = &real
	}
	// Seconds between two timestamps, per dialect.
	secs := func(from, to string) string {
		if s.db.Dialect == Postgres {
			return fmt.Sprintf("EXTRACT(EPOCH FROM (%s - %s))", to, from)
		}
		return fmt.Sprintf("(julianday(%s) - julianday(%s)) * 86400.0", to, from)
	}
	var row struct {
		N, Acked, Resolved int
		Mtta, Mttr         *float64
	}
	sel := strings.Join([]string{
		"count(*) AS n",
		"count(acknowledged_at) AS acked",
		"count(resolved_at) AS resolved",
		"avg(" + secs("opened_at", "acknowledged_at") + ") AS mtta",
		"avg(" + secs("opened_at", "resolved_at") + ") AS mttr",
	}, ", ")
	if err := incidentFilter(s.db.WithContext(ctx).Model(&Incident{}), accountID, f).Select(sel).Scan(&row).Error; err != nil {
		return nil, err
	}
	st := &IncidentStats{Count: row.N, Acknowledged: row.Acked, Resolved: row.Resolved}
	dur := func(v *float64) *time.Duration {
		if v == nil {
			return nil
		}
		d := time.Duration(*v * float64(time.Second)).Round(time.Second)
		return &d
	}
	st.MTTA, st.MTTR = dur(row.Mtta), dur(row.Mttr)
	return st, nil
}

// BulkResult is the outcome of one incident of a bulk action.
type BulkResult struct {
	ID       string
	Incident *Incident
	Err      error
}

// MaxBulk bounds one bulk action.
const MaxBulk = 100

// BulkIncidentAction acknowledges or resolves many incidents, each in its own transaction (one
// that cannot be changed does not hold back the others); every result says what happened.
func (s *Store) BulkIncidentAction(ctx context.Context, a *Actor, ids []string, resolve bool) ([]BulkResult, error) {
	if len(ids) == 0 {
		return nil, FieldError(EINVALID, "ids", "choose at least one incident")
	}
	if len(ids) > MaxBulk {
		return nil, FieldError(EINVALID, "ids", "at most %d incidents at once", MaxBulk)
	}
	seen := map[string]bool{}
	out := make([]BulkResult, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		var inc *Incident
		var err error
		if resolve {
			inc, err = s.ResolveIncident(ctx, a, id, "")
		} else {
			inc, err = s.AcknowledgeIncident(ctx, a, id)
		}
		if err != nil && !IsAppError(err) {
			return nil, err
		}
		out = append(out, BulkResult{ID: id, Incident: inc, Err: err})
	}
	return out, nil
}
