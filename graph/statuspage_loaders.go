package graph

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/switchboard-hub/switchboard/graph/model"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/uptime"
)

// publicIncidentLoaders batch the status pages' public incident and uptime lookups (issue 11).
type publicIncidentLoaders struct {
	ByIncident *dataloader.Loader[string, *models.PublicIncident]
	Updates    *dataloader.Loader[string, []models.PublicIncidentUpdate]
	Components *dataloader.Loader[string, []models.AffectedComponent]
	// Pages: the account's pages that show the public incident.
	Pages *dataloader.Loader[string, []models.StatusPage]
	// Uptime is keyed by uptimeKey(component, days, kind).
	Uptime *dataloader.Loader[string, []uptime.Day]
}

func newPublicIncidentLoaders(store *models.Store) *publicIncidentLoaders {
	return &publicIncidentLoaders{
		ByIncident: dataloader.NewBatchedLoader(mapBatch(store.PublicIncidentsByIncident), dataloader.WithWait[string, *models.PublicIncident](time.Millisecond)),
		Updates:    valueLoader(store.PublicIncidentUpdates),
		Components: valueLoader(store.PublicIncidentComponents),
		Pages:      valueLoader(store.PublicIncidentPages),
		Uptime:     valueLoader(uptimeBatch(store)),
	}
}

func uptimeKey(componentID string, days int, kind models.StatusKind) string {
	return fmt.Sprintf("%s|%d|%s", componentID, days, kind)
}

// uptimeBatch answers many uptimeKey questions: one query per distinct (days, kind).
func uptimeBatch(store *models.Store) func(context.Context, []string) (map[string][]uptime.Day, error) {
	return func(ctx context.Context, keys []string) (map[string][]uptime.Day, error) {
		groups := map[string][]string{}
		for _, k := range keys {
			id, rest, _ := strings.Cut(k, "|")
			groups[rest] = append(groups[rest], id)
		}
		out := make(map[string][]uptime.Day, len(keys))
		for rest, ids := range groups {
			d, kind, _ := strings.Cut(rest, "|")
			days, err := strconv.Atoi(d)
			if err != nil {
				return nil, err
			}
			m, err := store.ComponentUptime(ctx, ids, models.StatusKind(kind), days, time.UTC)
			if err != nil {
				return nil, err
			}
			for id, ds := range m {
				out[uptimeKey(id, days, models.StatusKind(kind))] = ds
			}
		}
		return out, nil
	}
}

// uptimeDays maps the computed days to the GraphQL type.
func uptimeDays(ds []uptime.Day) []*model.UptimeDay {
	out := make([]*model.UptimeDay, len(ds))
	for i, d := range ds {
		out[i] = &model.UptimeDay{
			Date: d.Date, Percent: d.Percent,
			MajorSeconds: int(d.Major / time.Second), PartialSeconds: int(d.Partial / time.Second),
			DegradedSeconds: int(d.Degraded / time.Second), MaintenanceSeconds: int(d.Maintenance / time.Second),
			Worst: models.ComponentStatus(d.Worst),
		}
	}
	return out
}

// affectedInput maps the GraphQL affected components (nil stays nil: "unchanged").
func affectedInput(in []*model.AffectedComponentInput) []models.AffectedComponent {
	if in == nil {
		return nil
	}
	out := make([]models.AffectedComponent, 0, len(in))
	for _, c := range in {
		if c != nil {
			out = append(out, models.AffectedComponent{ComponentID: c.ComponentID, Status: c.Status})
		}
	}
	return out
}
