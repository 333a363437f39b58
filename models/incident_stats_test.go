package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestIncidentStatistics(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "API")
		a := f.MustIncident(t, f.AdminActor, comp.ID, "a", models.SeverityHigh)
		b := f.MustIncident(t, f.AdminActor, comp.ID, "b", models.SeverityLow)
		f.MustIncident(t, f.AdminActor, comp.ID, "c", models.SeverityLow) // stays open
		f.Clock.Advance(time.Minute)
		_, err := f.Store.AcknowledgeIncident(ctx, f.AdminActor, a.ID)
		mustNoErr(t, err)
		f.Clock.Advance(2 * time.Minute)
		_, err = f.Store.AcknowledgeIncident(ctx, f.AdminActor, b.ID)
		mustNoErr(t, err)
		_, err = f.Store.ResolveIncident(ctx, f.AdminActor, a.ID, "")
		mustNoErr(t, err)

		st, err := f.Store.IncidentStatistics(ctx, f.AdminActor, acc, models.IncidentQuery{})
		mustNoErr(t, err)
		// MTTA over a (60 s) and b (180 s); MTTR over a (180 s).
		wantEqual(t, "counts", []int{st.Count, st.Acknowledged, st.Resolved}, []int{3, 2, 1})
		wantEqual(t, "mtta", *st.MTTA, 2*time.Minute)
		wantEqual(t, "mttr", *st.MTTR, 3*time.Minute)

		st, err = f.Store.IncidentStatistics(ctx, f.AdminActor, acc, models.IncidentQuery{Severities: []models.Severity{models.SeverityLow}})
		mustNoErr(t, err)
		wantEqual(t, "low: mtta", *st.MTTA, 3*time.Minute)
		if st.MTTR != nil {
			t.Fatalf("no low incident resolved, MTTR %v", *st.MTTR)
		}
	})
}
