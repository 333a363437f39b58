package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestIncidents_Lifecycle(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "Checkout")
		member, _ := f.MustMember(t, acc, "inc-member@example.com", models.RoleMember)
		viewer, _ := f.MustMember(t, acc, "inc-viewer@example.com", models.RoleViewer)
		incidentEvents := func(t *testing.T, id string) []string {
			t.Helper()
			return eventNames(f.MustEvents(t, "incident_id = ?", id))
		}

		t.Run("OKLifecycle", func(t *testing.T) {
			inc, err := f.Store.CreateIncident(ctx, member, models.IncidentInput{ComponentID: comp.ID, Title: " Payments failing ", Severity: models.SeverityHigh, Description: "cards declined"})
			mustNoErr(t, err)
			if inc.Title != "Payments failing" || inc.Status != models.IncidentTriggered || inc.Source != models.SourceManual || inc.OpenedBy != member.Label() || inc.AccountID != acc {
				t.Fatalf("incident = %+v", inc)
			}
			wantEqual(t, "events after open", incidentEvents(t, inc.ID), []string{models.EventIncidentOpened})
			f.Clock.Advance(time.Second)

			ack, err := f.Store.AcknowledgeIncident(ctx, member, inc.ID)
			mustNoErr(t, err)
			if ack.Status != models.IncidentAcknowledged || ack.AcknowledgedAt == nil || deref(ack.AcknowledgedBy) != member.Label() {
				t.Fatalf("acknowledged = %+v", ack)
			}
			f.Clock.Advance(time.Second)
			note, err := f.Store.AddIncidentNote(ctx, member, inc.ID, "  rolled back deploy  ")
			mustNoErr(t, err)
			wantEqual(t, "note body", note.Body, "rolled back deploy")
			f.Clock.Advance(time.Second)
			res, err := f.Store.ResolveIncident(ctx, f.AdminActor, inc.ID, "fixed by rollback")
			mustNoErr(t, err)
			if res.Status != models.IncidentResolved || res.ResolvedAt == nil || deref(res.ResolvedBy) != f.AdminActor.Label() {
				t.Fatalf("resolved = %+v", res)
			}
			f.Clock.Advance(time.Second)
			_, err = f.Store.AddIncidentNote(ctx, member, inc.ID, "post-mortem: add a canary")
			mustNoErr(t, err)

			tl := f.MustTimeline(t, inc.ID)
			wantEqual(t, "timeline", timelineKinds(tl), []string{"opened", "acknowledged", "note", "resolved", "note"})
			wantEqual(t, "opened body", tl[0].Body, "cards declined")
			wantEqual(t, "resolved body", tl[3].Body, "fixed by rollback")
			wantEqual(t, "ack actor", tl[1].ActorLabel, member.Label())
			wantEqual(t, "ack actor id", deref(tl[1].ActorUserID), member.UserID)
			// Notes emit no event; the three changes emit one each, in order.
			evs := f.MustEvents(t, "incident_id = ?", inc.ID)
			wantEqual(t, "events", eventNames(evs), []string{models.EventIncidentOpened, models.EventIncidentAcknowledged, models.EventIncidentResolved})
			for i, want := range []string{"triggered", "acknowledged", "resolved"} {
				v := mustVars(t, &evs[i])
				wantEqual(t, "SCALR_INCIDENT_STATUS of "+evs[i].Name, v.Builtin["SCALR_INCIDENT_STATUS"], want)
				wantEqual(t, "SCALR_INCIDENT_COMPONENT_NAME", v.Builtin["SCALR_INCIDENT_COMPONENT_NAME"], "Checkout")
				wantEqual(t, "SCALR_INCIDENT_TITLE", v.Builtin["SCALR_INCIDENT_TITLE"], "Payments failing")
				if evs[i].AccountID != acc || deref(evs[i].IncidentID) != inc.ID {
					t.Fatalf("event = %+v", evs[i])
				}
			}
			if n := len(f.MustAudit(t, acc, "incident.opened")); n == 0 {
				t.Fatal("no incident.opened audit entry")
			}
		})

		t.Run("ErrConflictingTransitions", func(t *testing.T) {
			inc := f.MustIncident(t, member, comp.ID, "transitions", models.SeverityLow)
			// Resolve straight from triggered is fine.
			_, err := f.Store.ResolveIncident(ctx, member, inc.ID, "")
			mustNoErr(t, err)
			_, err = f.Store.ResolveIncident(ctx, member, inc.ID, "")
			wantCode(t, err, models.ECONFLICT)
			_, err = f.Store.AcknowledgeIncident(ctx, member, inc.ID)
			wantCode(t, err, models.ECONFLICT)

			inc2 := f.MustIncident(t, member, comp.ID, "double ack", models.SeverityLow)
			_, err = f.Store.AcknowledgeIncident(ctx, member, inc2.ID)
			mustNoErr(t, err)
			_, err = f.Store.AcknowledgeIncident(ctx, member, inc2.ID)
			wantCode(t, err, models.ECONFLICT)
			wantEqual(t, "timeline", timelineKinds(f.MustTimeline(t, inc.ID)), []string{"opened", "resolved"})
			wantEqual(t, "timeline 2", timelineKinds(f.MustTimeline(t, inc2.ID)), []string{"opened", "acknowledged"})
			wantEqual(t, "events", incidentEvents(t, inc.ID), []string{models.EventIncidentOpened, models.EventIncidentResolved})
			wantEqual(t, "events 2", incidentEvents(t, inc2.ID), []string{models.EventIncidentOpened, models.EventIncidentAcknowledged})
		})

		t.Run("ErrViewerCannotAct", func(t *testing.T) {
			inc := f.MustIncident(t, member, comp.ID, "viewer tries", models.SeverityMedium)
			_, err := f.Store.CreateIncident(ctx, viewer, models.IncidentInput{ComponentID: comp.ID, Title: "nope", Severity: models.SeverityLow})
			wantCode(t, err, models.EFORBIDDEN)
			_, err = f.Store.AcknowledgeIncident(ctx, viewer, inc.ID)
			wantCode(t, err, models.EFORBIDDEN)
			_, err = f.Store.ResolveIncident(ctx, viewer, inc.ID, "")
			wantCode(t, err, models.EFORBIDDEN)
			_, err = f.Store.AddIncidentNote(ctx, viewer, inc.ID, "hi")
			wantCode(t, err, models.EFORBIDDEN)
			got, err := f.Store.GetIncident(ctx, viewer, inc.ID)
			mustNoErr(t, err)
			wantEqual(t, "status", got.Status, models.IncidentTriggered)
			wantEqual(t, "timeline", timelineKinds(f.MustTimeline(t, inc.ID)), []string{"opened"})
		})

		t.Run("ErrInvalidInput", func(t *testing.T) {
			_, err := f.Store.CreateIncident(ctx, member, models.IncidentInput{ComponentID: comp.ID, Title: " ", Severity: models.SeverityLow})
			wantField(t, err, models.EINVALID, "title")
			_, err = f.Store.CreateIncident(ctx, member, models.IncidentInput{ComponentID: comp.ID, Title: "x", Severity: "urgent"})
			wantField(t, err, models.EINVALID, "severity")
			_, err = f.Store.CreateIncident(ctx, member, models.IncidentInput{ComponentID: "00000000-0000-7000-8000-000000000000", Title: "x", Severity: models.SeverityLow})
			wantField(t, err, models.ENOTFOUND, "componentId")
			inc := f.MustIncident(t, member, comp.ID, "empty note", models.SeverityLow)
			_, err = f.Store.AddIncidentNote(ctx, member, inc.ID, "   ")
			wantField(t, err, models.EINVALID, "body")
		})

		t.Run("OKSourceAPIForTokens", func(t *testing.T) {
			_, secret := f.MustAPIToken(t, f.AdminActor, models.CreateAPITokenInput{AccountID: acc, Name: "pager", Role: models.RoleMember})
			tokActor, err := f.Auth.ActorForAPIToken(ctx, secret)
			mustNoErr(t, err)
			inc := f.MustIncident(t, tokActor, comp.ID, "from the API", models.SeverityLow)
			wantEqual(t, "source", inc.Source, models.SourceAPI)
		})

		// Each change and its event stand or fall together.
		t.Run("OKRollbackLeavesNothing", func(t *testing.T) {
			comp2 := f.MustComponent(t, acc, "Rollback")
			events0 := f.MustCount(t, "events", "")
			undo := f.MustFailInserts(t, "audit_entries", "")
			_, err := f.Store.CreateIncident(ctx, member, models.IncidentInput{ComponentID: comp2.ID, Title: "never", Severity: models.SeverityHigh})
			if err == nil {
				t.Fatal("create succeeded with a failing audit insert")
			}
			undo()
			wantEqual(t, "incidents", f.MustCount(t, "incidents", "component_id = ?", comp2.ID), int64(0))
			wantEqual(t, "events", f.MustCount(t, "events", ""), events0)

			inc := f.MustIncident(t, member, comp2.ID, "sticky", models.SeverityHigh)
			undo = f.MustFailInserts(t, "events", "NEW.name = 'IncidentAcknowledged'")
			_, err = f.Store.AcknowledgeIncident(ctx, member, inc.ID)
			if err == nil {
				t.Fatal("acknowledge succeeded with a failing event insert")
			}
			undo()
			got, err := f.Store.GetIncident(ctx, member, inc.ID)
			mustNoErr(t, err)
			wantEqual(t, "status after failed ack", got.Status, models.IncidentTriggered)
			wantEqual(t, "timeline after failed ack", timelineKinds(f.MustTimeline(t, inc.ID)), []string{"opened"})

			// Resolve fails after its event was written (at the delivery insert): no event stays.
			ep, _ := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: acc}, "rollback-hook", false)
			f.MustWebhook(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: acc}, "on resolve", []string{models.EventIncidentResolved}, []string{ep.ID}, nil)
			undo = f.MustFailInserts(t, "deliveries", "")
			_, err = f.Store.ResolveIncident(ctx, member, inc.ID, "nope")
			if err == nil {
				t.Fatal("resolve succeeded with a failing delivery insert")
			}
			undo()
			got, err = f.Store.GetIncident(ctx, member, inc.ID)
			mustNoErr(t, err)
			wantEqual(t, "status after failed resolve", got.Status, models.IncidentTriggered)
			wantEqual(t, "events after failed resolve", incidentEvents(t, inc.ID), []string{models.EventIncidentOpened})
			wantEqual(t, "timeline after failed resolve", timelineKinds(f.MustTimeline(t, inc.ID)), []string{"opened"})
			f.Enq.Take()

			// And without the failure the same resolve writes event, delivery and enqueue.
			_, err = f.Store.ResolveIncident(ctx, member, inc.ID, "ok now")
			mustNoErr(t, err)
			evs := f.MustEvents(t, "incident_id = ? AND name = ?", inc.ID, models.EventIncidentResolved)
			if len(evs) != 1 {
				t.Fatalf("%d IncidentResolved events", len(evs))
			}
			ds := f.MustDeliveries(t, evs[0].ID)
			if len(ds) != 1 {
				t.Fatalf("%d deliveries", len(ds))
			}
			wantEqual(t, "enqueued", f.Enq.Take(), []string{ds[0].ID})
		})

		t.Run("OKConcurrentResolvesOneWins", func(t *testing.T) {
			inc := f.MustIncident(t, member, comp.ID, "race", models.SeverityCritical)
			const n = 10
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = f.Store.ResolveIncident(ctx, member, inc.ID, fmt.Sprintf("resolver %d", i))
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch models.CodeOf(err) {
				case "":
					won++
				case models.ECONFLICT:
				default:
					t.Fatalf("resolve: %v", err)
				}
			}
			wantEqual(t, "winners", won, 1)
			wantEqual(t, "timeline", timelineKinds(f.MustTimeline(t, inc.ID)), []string{"opened", "resolved"})
			wantEqual(t, "events", incidentEvents(t, inc.ID), []string{models.EventIncidentOpened, models.EventIncidentResolved})
		})
	})
}

func TestIncidents_List(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.MustAccount(t, "Listing").ID
		web, api := f.MustComponent(t, acc, "Web"), f.MustComponent(t, acc, "API")
		_, secret := f.MustAPIToken(t, f.AdminActor, models.CreateAPITokenInput{AccountID: acc, Name: "api", Role: models.RoleMember})
		tok, err := f.Auth.ActorForAPIToken(ctx, secret)
		mustNoErr(t, err)

		start := f.Clock.Now()
		type spec struct {
			title string
			comp  *models.Component
			sev   models.Severity
			actor *models.Actor
			end   string // "", "ack", "resolve"
		}
		specs := []spec{
			{"100% CPU on db_1", web, models.SeverityCritical, f.AdminActor, ""},
			{"100 CPU on dbX1", web, models.SeverityHigh, f.AdminActor, "ack"},
			{"disk_full on web", api, models.SeverityMedium, tok, "resolve"},
			{"diskXfull on web", api, models.SeverityLow, tok, ""},
			{`back\slash title`, api, models.SeverityLow, f.AdminActor, "resolve"},
		}
		byTitle := map[string]*models.Incident{}
		for _, s := range specs {
			f.Clock.Advance(time.Minute)
			inc := f.MustIncident(t, s.actor, s.comp.ID, s.title, s.sev)
			switch s.end {
			case "ack":
				_, err := f.Store.AcknowledgeIncident(ctx, f.AdminActor, inc.ID)
				mustNoErr(t, err)
			case "resolve":
				_, err := f.Store.ResolveIncident(ctx, f.AdminActor, inc.ID, "")
				mustNoErr(t, err)
			}
			byTitle[s.title] = inc
		}
		list := func(t *testing.T, q models.IncidentQuery) []string {
			t.Helper()
			p, err := f.Store.ListIncidents(ctx, f.AdminActor, acc, q, 200, "")
			mustNoErr(t, err)
			var out []string
			for _, i := range p.Items {
				out = append(out, i.Title)
			}
			return out
		}

		t.Run("OKFilters", func(t *testing.T) {
			for _, c := range []struct {
				name string
				q    models.IncidentQuery
				want []string
			}{
				{"all newest first", models.IncidentQuery{}, []string{`back\slash title`, "diskXfull on web", "disk_full on web", "100 CPU on dbX1", "100% CPU on db_1"}},
				{"open", models.IncidentQuery{Statuses: []models.IncidentStatus{models.IncidentTriggered, models.IncidentAcknowledged}}, []string{"diskXfull on web", "100 CPU on dbX1", "100% CPU on db_1"}},
				{"acknowledged", models.IncidentQuery{Statuses: []models.IncidentStatus{models.IncidentAcknowledged}}, []string{"100 CPU on dbX1"}},
				{"severity", models.IncidentQuery{Severities: []models.Severity{models.SeverityCritical, models.SeverityLow}}, []string{`back\slash title`, "diskXfull on web", "100% CPU on db_1"}},
				{"source api", models.IncidentQuery{Sources: []models.IncidentSource{models.SourceAPI}}, []string{"diskXfull on web", "disk_full on web"}},
				{"source manual", models.IncidentQuery{Sources: []models.IncidentSource{models.SourceManual}}, []string{`back\slash title`, "100 CPU on dbX1", "100% CPU on db_1"}},
				{"component", models.IncidentQuery{ComponentID: web.ID}, []string{"100 CPU on dbX1", "100% CPU on db_1"}},
				{"bad component id", models.IncidentQuery{ComponentID: "nope"}, nil},
				{"opened after", models.IncidentQuery{OpenedAfter: ptr(start.Add(3 * time.Minute))}, []string{`back\slash title`, "diskXfull on web", "disk_full on web"}},
				{"opened before", models.IncidentQuery{OpenedBefore: ptr(start.Add(3 * time.Minute))}, []string{"100 CPU on dbX1", "100% CPU on db_1"}},
				{"window", models.IncidentQuery{OpenedAfter: ptr(start.Add(2 * time.Minute)), OpenedBefore: ptr(start.Add(4 * time.Minute))}, []string{"disk_full on web", "100 CPU on dbX1"}},
				{"search case-insensitive", models.IncidentQuery{Search: "  CPU ON  "}, []string{"100 CPU on dbX1", "100% CPU on db_1"}},
				{"search percent is literal", models.IncidentQuery{Search: "100%"}, []string{"100% CPU on db_1"}},
				{"search underscore is literal", models.IncidentQuery{Search: "db_1"}, []string{"100% CPU on db_1"}},
				{"search underscore is literal 2", models.IncidentQuery{Search: "disk_"}, []string{"disk_full on web"}},
				{"search backslash is literal", models.IncidentQuery{Search: `k\s`}, []string{`back\slash title`}},
				{"search and status", models.IncidentQuery{Search: "disk", Statuses: []models.IncidentStatus{models.IncidentResolved}}, []string{"disk_full on web"}},
			} {
				wantEqual(t, c.name, list(t, c.q), c.want)
			}
		})

		t.Run("OKPaginationExactlyOnce", func(t *testing.T) {
			acc2 := f.MustAccount(t, "Paging").ID
			comp := f.MustComponent(t, acc2, "Paged")
			// Bursts of 4 incidents share one opened_at: the cursor has to break ties by id.
			ids := map[string]bool{}
			for i := range 30 {
				if i%4 == 0 {
					f.Clock.Advance(time.Millisecond)
				}
				sev := models.SeverityLow
				if i%3 == 0 {
					sev = models.SeverityHigh
				}
				ids[f.MustIncident(t, f.AdminActor, comp.ID, fmt.Sprintf("paged %02d", i), sev).ID] = true
			}
			for _, c := range []struct {
				q    models.IncidentQuery
				want int
			}{{models.IncidentQuery{}, 30}, {models.IncidentQuery{Severities: []models.Severity{models.SeverityHigh}}, 10}} {
				for _, size := range []int{1, 4, 7, 31} {
					seen := map[string]bool{}
					var prev *models.Incident
					after := ""
					for pages := 0; ; pages++ {
						if pages > 40 {
							t.Fatal("pagination does not end")
						}
						p, err := f.Store.ListIncidents(ctx, f.AdminActor, acc2, c.q, size, after)
						mustNoErr(t, err)
						for i, inc := range p.Items {
							if seen[inc.ID] || !ids[inc.ID] {
								t.Fatalf("size %d: incident %s seen twice or foreign", size, inc.ID)
							}
							seen[inc.ID] = true
							if prev != nil && (inc.OpenedAt.After(prev.OpenedAt) || inc.OpenedAt.Equal(prev.OpenedAt) && inc.ID > prev.ID) {
								t.Fatalf("size %d: not newest first", size)
							}
							prev = &p.Items[i]
						}
						if !p.HasNextPage {
							break
						}
						after = p.Cursors[len(p.Cursors)-1]
					}
					if len(seen) != c.want {
						t.Fatalf("size %d: saw %d incidents, want %d", size, len(seen), c.want)
					}
				}
			}
			_, err := f.Store.ListIncidents(ctx, f.AdminActor, acc2, models.IncidentQuery{}, 10, "garbage")
			wantField(t, err, models.EINVALID, "after")
		})

		t.Run("OKViewerLists", func(t *testing.T) {
			viewer, _ := f.MustMember(t, acc, "list-viewer@example.com", models.RoleViewer)
			p, err := f.Store.ListIncidents(ctx, viewer, acc, models.IncidentQuery{}, 10, "")
			mustNoErr(t, err)
			wantEqual(t, "count", len(p.Items), len(specs))
		})
	})
}

// An incident's events name who caused them: the person, the API token, the alarm's
// integration — never "system" for a person's acknowledge.
func TestIncidentEventsNameTheActor(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := MustInstalled(t, db)
		ctx := context.Background()
		name := "API"
		comp, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Account.ID, models.ComponentInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		inc, err := f.Store.CreateIncident(ctx, f.AdminActor, models.IncidentInput{ComponentID: comp.ID, Title: "down", Severity: models.SeverityHigh})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.AcknowledgeIncident(ctx, f.AdminActor, inc.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.ResolveIncident(ctx, f.AdminActor, inc.ID, ""); err != nil {
			t.Fatal(err)
		}
		var evs []models.Event
		if err := db.Where("incident_id = ?", inc.ID).Order("created_at, name").Find(&evs).Error; err != nil {
			t.Fatal(err)
		}
		if len(evs) != 3 {
			t.Fatalf("%d events", len(evs))
		}
		for _, ev := range evs {
			if ev.Source != f.AdminActor.Label() || ev.Source == "system" {
				t.Fatalf("%s: source %q, want %q", ev.Name, ev.Source, f.AdminActor.Label())
			}
		}
	})
}
