package graph

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/switchboard-hub/switchboard/models"
)

// Loaders batch the lookups of list-of-parents fields (a membership's user, an account's
// environments…) into one query per field per request.
type Loaders struct {
	Users             *dataloader.Loader[string, *models.User]
	Accounts          *dataloader.Loader[string, *models.Account]
	Environments      *dataloader.Loader[string, []models.Environment]
	Components        *dataloader.Loader[string, *models.Component]
	ComponentStatuses *dataloader.Loader[string, models.ComponentStatus]
	OpenCounts        *dataloader.Loader[string, int]
	Timelines         *dataloader.Loader[string, []models.TimelineEntry]
	Integrations      *dataloader.Loader[string, *models.AWSIntegration]
	Events            *dataloader.Loader[string, *models.Event]
	SubjectNames      *dataloader.Loader[string, string]
	Endpoints         *dataloader.Loader[string, *models.Endpoint]
	WebhookEndpoints  *dataloader.Loader[string, []string]
	Attempts          *dataloader.Loader[string, []models.DeliveryAttempt]
	DeliveryCounts    *dataloader.Loader[string, models.DeliveryCounts]
	PendingApprovals  *dataloader.Loader[string, *models.ApprovalRequest]
	Incidents         *dataloader.Loader[string, *models.Incident]
	Routes            *dataloader.Loader[string, *models.IntegrationRoute]
	// On-call configuration.
	Schedules      *dataloader.Loader[string, *models.Schedule]
	ScheduleLayers *dataloader.Loader[string, []models.ScheduleLayer]
	Policies       *dataloader.Loader[string, *models.EscalationPolicy]
	PolicyLevels   *dataloader.Loader[string, []models.PolicyLevel]
	LevelTargets   *dataloader.Loader[string, []models.EscalationTarget]
	ContactMethods *dataloader.Loader[string, *models.ContactMethod]
	PolicyComps    *dataloader.Loader[string, []models.Component]
	SchedPolicies  *dataloader.Loader[string, []models.EscalationPolicy]
	// OnCallAt is keyed by onCallKey(schedule, at).
	OnCallAt *dataloader.Loader[string, *models.ResolvedShift]

	// The Slack app.
	ComponentSlackChannels *dataloader.Loader[string, string]
	PolicySlackChannels    *dataloader.Loader[string, string]
	SlackMessages          *dataloader.Loader[string, []models.SlackMessage]

	// Status pages: public incidents and uptime (statuspage_loaders.go).
	PublicIncidents *publicIncidentLoaders
	// Status pages: the components of maintenance windows.
	MaintenanceComps *dataloader.Loader[string, []models.Component]
}

type loadersKey struct{}

func newLoaders(store *models.Store) *Loaders {
	opts := func() []dataloader.Option[string, *models.User] {
		return []dataloader.Option[string, *models.User]{dataloader.WithWait[string, *models.User](time.Millisecond)}
	}
	return &Loaders{
		Users: dataloader.NewBatchedLoader(mapBatch(store.UsersByID), opts()...),
		Accounts: dataloader.NewBatchedLoader(mapBatch(store.AccountsByID),
			dataloader.WithWait[string, *models.Account](time.Millisecond)),
		Environments:      valueLoader(store.EnvironmentsByAccount),
		Components:        dataloader.NewBatchedLoader(mapBatch(store.ComponentsByID), dataloader.WithWait[string, *models.Component](time.Millisecond)),
		ComponentStatuses: valueLoader(store.ComponentStatuses),
		OpenCounts:        valueLoader(store.OpenIncidentCounts),
		Timelines:         valueLoader(store.TimelinesByIncident),
		Integrations:      dataloader.NewBatchedLoader(mapBatch(store.IntegrationsByID), dataloader.WithWait[string, *models.AWSIntegration](time.Millisecond)),
		Events:            dataloader.NewBatchedLoader(mapBatch(store.EventsByID), dataloader.WithWait[string, *models.Event](time.Millisecond)),
		SubjectNames:      valueLoader(store.SubjectNames),
		Endpoints:         dataloader.NewBatchedLoader(mapBatch(store.EndpointsByID), dataloader.WithWait[string, *models.Endpoint](time.Millisecond)),
		WebhookEndpoints:  valueLoader(store.WebhookEndpointIDs),
		Attempts:          valueLoader(store.AttemptsByDelivery),
		DeliveryCounts:    valueLoader(store.DeliveryCountsByEvent),
		PendingApprovals:  dataloader.NewBatchedLoader(mapBatch(store.PendingApprovals), dataloader.WithWait[string, *models.ApprovalRequest](time.Millisecond)),
		Incidents:         dataloader.NewBatchedLoader(mapBatch(store.IncidentsByID), dataloader.WithWait[string, *models.Incident](time.Millisecond)),
		Routes:            dataloader.NewBatchedLoader(mapBatch(store.RoutesByID), dataloader.WithWait[string, *models.IntegrationRoute](time.Millisecond)),
		Schedules:         dataloader.NewBatchedLoader(mapBatch(store.SchedulesByID), dataloader.WithWait[string, *models.Schedule](time.Millisecond)),
		ScheduleLayers:    valueLoader(store.LayersBySchedule),
		Policies:          dataloader.NewBatchedLoader(mapBatch(store.EscalationPoliciesByID), dataloader.WithWait[string, *models.EscalationPolicy](time.Millisecond)),
		PolicyLevels:      valueLoader(store.LevelsByPolicy),
		LevelTargets:      valueLoader(store.TargetsByLevel),
		ContactMethods:    dataloader.NewBatchedLoader(mapBatch(store.ContactMethodsByID), dataloader.WithWait[string, *models.ContactMethod](time.Millisecond)),
		PolicyComps:       valueLoader(store.ComponentsByPolicy),
		SchedPolicies:     valueLoader(store.PoliciesBySchedule),
		OnCallAt:          valueLoader(onCallBatch(store)),

		ComponentSlackChannels: valueLoader(store.ComponentSlackChannels),
		PolicySlackChannels:    valueLoader(store.PolicySlackChannels),
		SlackMessages:          valueLoader(store.SlackMessagesByIncident),

		PublicIncidents:  newPublicIncidentLoaders(store),
		MaintenanceComps: valueLoader(store.MaintenanceComponentsByWindow),
	}
}

// valueLoader adapts a "load these ids into a map of values" store method; a missing id loads
// as the zero value (no environments, operational, zero open incidents…).
func valueLoader[V any](load func(context.Context, []string) (map[string]V, error)) *dataloader.Loader[string, V] {
	return dataloader.NewBatchedLoader(func(ctx context.Context, keys []string) []*dataloader.Result[V] {
		m, err := load(ctx, keys)
		out := make([]*dataloader.Result[V], len(keys))
		for i, k := range keys {
			out[i] = &dataloader.Result[V]{Data: m[k], Error: err}
		}
		return out
	}, dataloader.WithWait[string, V](time.Millisecond))
}

// mapBatch adapts a "load these ids into a map" store method to a batch function; a missing id
// loads as nil.
func mapBatch[V any](load func(context.Context, []string) (map[string]*V, error)) dataloader.BatchFunc[string, *V] {
	return func(ctx context.Context, keys []string) []*dataloader.Result[*V] {
		m, err := load(ctx, keys)
		out := make([]*dataloader.Result[*V], len(keys))
		for i, k := range keys {
			out[i] = &dataloader.Result[*V]{Data: m[k], Error: err}
		}
		return out
	}
}

// WithLoaders gives each request its own loaders, so nothing is cached across requests or
// across users. A websocket lives as long as its connection, so it gets none: its loaders'
// caches would serve stale data to every later subscription event.
func WithLoaders(store *models.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), loadersKey{}, newLoaders(store))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func loadersFrom(ctx context.Context, store *models.Store) *Loaders {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l
	}
	// Websocket operations (subscriptions) run outside the HTTP middleware.
	return newLoaders(store)
}

// loadAll loads several ids through a loader, in order, skipping ids that load as nil.
func loadAll[V any](ctx context.Context, l *dataloader.Loader[string, *V], ids []string) ([]*V, error) {
	vs, errs := l.LoadMany(ctx, ids)()
	out := make([]*V, 0, len(vs))
	for i, v := range vs {
		if len(errs) > i && errs[i] != nil {
			return nil, errs[i]
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

// onCallKey names "who is on call on this schedule at this time" for the OnCallAt loader.
func onCallKey(scheduleID string, at time.Time) string {
	return scheduleID + "|" + at.UTC().Format(time.RFC3339Nano)
}

// onCallBatch answers many onCallKey questions: one batch per distinct time.
func onCallBatch(store *models.Store) func(context.Context, []string) (map[string]*models.ResolvedShift, error) {
	return func(ctx context.Context, keys []string) (map[string]*models.ResolvedShift, error) {
		byTime := map[string][]string{}
		var ids []string
		for _, k := range keys {
			id, at, _ := strings.Cut(k, "|")
			byTime[at] = append(byTime[at], id)
			ids = append(ids, id)
		}
		schs, err := store.SchedulesByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[string]*models.ResolvedShift, len(keys))
		for at, sids := range byTime {
			t, err := time.Parse(time.RFC3339Nano, at)
			if err != nil {
				return nil, err
			}
			var list []*models.Schedule
			for _, id := range sids {
				if sch := schs[id]; sch != nil {
					list = append(list, sch)
				}
			}
			m, err := store.OnCallAtMany(ctx, list, t)
			if err != nil {
				return nil, err
			}
			for id, sh := range m {
				out[onCallKey(id, t)] = sh
			}
		}
		return out, nil
	}
}
