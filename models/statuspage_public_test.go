package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// The snapshot reads a page's components in order and groups, their published status, the
// public incidents and maintenance that name them (and none that do not), in both dialects.
func TestStatusPageSnapshot(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustPageFixture(t, db)
		ctx := context.Background()
		name := "Queue"
		c3, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Acc, models.ComponentInput{Name: &name})
		mustNoErr(t, err)
		// API in Core, Web ungrouped, Queue in Core again: it joins Core's group.
		_, err = f.Store.UpdateStatusPage(ctx, f.AdminActor, f.Page.ID, models.StatusPageInput{Components: &[]models.PageComponentInput{
			{ComponentID: f.C1.ID, Group: "Core", DisplayName: "Public API"}, {ComponentID: f.C2.ID}, {ComponentID: c3.ID, Group: "Core"},
		}})
		mustNoErr(t, err)
		now := f.Clock.Now()
		mustNoErr(t, f.DB.Model(&models.Component{}).Where("id = ?", f.C1.ID).Update("public_status", models.StatusMajorOutage).Error)
		onPage, offPage, old := "0190f0f0-0000-7000-8000-0000000000a1", "0190f0f0-0000-7000-8000-0000000000a2", "0190f0f0-0000-7000-8000-0000000000a3"
		oldAt := now.AddDate(0, 0, -120)
		other := "Other"
		c4, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Acc, models.ComponentInput{Name: &other})
		mustNoErr(t, err)
		mustNoErr(t, f.DB.Create(&[]models.PublicIncident{
			{ID: onPage, AccountID: f.Acc, Title: "On the page", Status: models.PublicInvestigating, Impact: models.ImpactMajor, CreatedAt: now, UpdatedAt: now},
			{ID: offPage, AccountID: f.Acc, Title: "Elsewhere", Status: models.PublicInvestigating, Impact: models.ImpactMinor, CreatedAt: now, UpdatedAt: now},
			{ID: old, AccountID: f.Acc, Title: "Long ago", Status: models.PublicResolved, Impact: models.ImpactMinor, CreatedAt: oldAt, UpdatedAt: oldAt, ResolvedAt: &oldAt},
		}).Error)
		mustNoErr(t, f.DB.Create(&[]models.PublicIncidentComponent{
			{PublicIncidentID: onPage, ComponentID: f.C1.ID, Status: models.StatusMajorOutage},
			{PublicIncidentID: onPage, ComponentID: c4.ID, Status: models.StatusMajorOutage},
			{PublicIncidentID: offPage, ComponentID: c4.ID, Status: models.StatusDegradedPerformance},
			{PublicIncidentID: old, ComponentID: f.C1.ID, Status: models.StatusOperational},
		}).Error)
		mustNoErr(t, f.DB.Create(&[]models.PublicIncidentUpdate{
			{ID: "0190f0f0-0000-7000-8000-0000000000b1", PublicIncidentID: onPage, Status: models.PublicInvestigating, Message: "first", Components: "[]", AuthorLabel: "x", CreatedAt: now.Add(-time.Minute)},
			{ID: "0190f0f0-0000-7000-8000-0000000000b2", PublicIncidentID: onPage, Status: models.PublicIdentified, Message: "second", Components: "[]", AuthorLabel: "x", CreatedAt: now},
		}).Error)
		w1, w2 := "0190f0f0-0000-7000-8000-0000000000c1", "0190f0f0-0000-7000-8000-0000000000c2"
		mustNoErr(t, f.DB.Create(&[]models.MaintenanceWindow{
			{ID: w1, AccountID: f.Acc, Title: "Soon", StartsAt: now.Add(time.Hour), EndsAt: now.Add(2 * time.Hour), Status: models.MaintenanceScheduled, CreatedAt: now, UpdatedAt: now},
			{ID: w2, AccountID: f.Acc, Title: "Cancelled", StartsAt: now.Add(time.Hour), EndsAt: now.Add(2 * time.Hour), Status: models.MaintenanceCancelled, CreatedAt: now, UpdatedAt: now},
		}).Error)
		mustNoErr(t, f.DB.Create(&[]models.MaintenanceComponent{{WindowID: w1, ComponentID: c3.ID}, {WindowID: w2, ComponentID: c3.ID}}).Error)

		s, err := f.Store.StatusPageSnapshot(ctx, f.Page.ID)
		mustNoErr(t, err)
		if len(s.Groups) != 2 || s.Groups[0].Name != "Core" || len(s.Groups[0].Components) != 2 || s.Groups[1].Name != "" {
			t.Fatalf("groups %+v", s.Groups)
		}
		if c := s.Groups[0].Components[0]; c.Name != "Public API" || c.Status != models.StatusMajorOutage {
			t.Fatalf("first component %+v", c)
		}
		if c := s.Component(f.C2.ID); c == nil || c.Status != models.StatusOperational || c.Name != "Web" {
			t.Fatalf("web %+v", c)
		}
		if len(s.Incidents) != 1 || s.Incidents[0].ID != onPage || len(s.Incidents[0].Updates) != 2 || s.Incidents[0].Updates[0].Message != "first" {
			t.Fatalf("incidents %+v", s.Incidents)
		}
		if cs := s.Incidents[0].Components; len(cs) != 1 || cs[0].ComponentID != f.C1.ID {
			t.Fatalf("an incident shows only the page's components: %+v", cs)
		}
		if len(s.Maintenance) != 2 || s.Maintenance[0].ID != w1 && s.Maintenance[1].ID != w1 || len(s.Maintenance[0].ComponentIDs) != 1 {
			t.Fatalf("maintenance %+v", s.Maintenance)
		}
		if s.Loc.String() != "UTC" {
			t.Fatalf("zone %v", s.Loc)
		}
		_, err = f.Store.StatusPageSnapshot(ctx, "0190f0f0-0000-7000-8000-0000000000ff")
		wantCode(t, err, models.ENOTFOUND)
	})
}
