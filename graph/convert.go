package graph

import (
	"github.com/switchboard-hub/switchboard/graph/model"
	"github.com/switchboard-hub/switchboard/models"
)

// The GraphQL input types are generated with pointers for nullable fields; the services take
// plain values. Converting here (rather than autobinding the domain structs) keeps an explicit
// null from arriving as the string "null".

func scopeKey(in *model.ScopeInput) models.ScopeKey {
	if in == nil {
		return models.ScopeKey{}
	}
	return models.ScopeKey{Scope: in.Scope, ID: deref(in.ID)}
}

func incidentQuery(f *model.IncidentFilter) models.IncidentQuery {
	if f == nil {
		return models.IncidentQuery{}
	}
	return models.IncidentQuery{Statuses: f.Statuses, Severities: f.Severities, Sources: f.Sources, ComponentID: deref(f.ComponentID),
		OpenedAfter: f.OpenedAfter, OpenedBefore: f.OpenedBefore, Search: deref(f.Search), Tests: f.Tests}
}

func deliveryQuery(f *model.DeliveryFilter) models.DeliveryQuery {
	if f == nil {
		return models.DeliveryQuery{}
	}
	return models.DeliveryQuery{WebhookID: deref(f.WebhookID), EndpointID: deref(f.EndpointID), EventID: deref(f.EventID),
		EventNames: f.EventNames, Statuses: f.Statuses, ResponseClasses: f.ResponseClasses, Since: f.Since, Until: f.Until, Search: deref(f.Search)}
}

func eventQuery(f *model.EventFilter) models.EventQuery {
	if f == nil {
		return models.EventQuery{}
	}
	return models.EventQuery{Names: f.Names, Subjects: f.Subjects, SubjectID: deref(f.SubjectID), Since: f.Since, Until: f.Until}
}

func auditQuery(f *model.AuditFilter) models.AuditQuery {
	if f == nil {
		return models.AuditQuery{}
	}
	return models.AuditQuery{Categories: f.Categories, ActorUserID: deref(f.ActorID), TargetID: deref(f.TargetID),
		Since: f.Since, Until: f.Until, Search: deref(f.Search)}
}

func deliveryConnection(p *models.Page[models.Delivery]) *model.DeliveryConnection {
	conn := &model.DeliveryConnection{Edges: make([]*model.DeliveryEdge, len(p.Items)), PageInfo: pageInfo(p.HasNextPage, p.Cursors)}
	for i := range p.Items {
		conn.Edges[i] = &model.DeliveryEdge{Cursor: p.Cursors[i], Node: &p.Items[i]}
	}
	return conn
}

func fireEventRequest(in model.FireEventInput) (models.FireEventRequest, error) {
	req := models.FireEventRequest{Name: in.Name, FarmID: deref(in.FarmID), ServerID: deref(in.ServerID), Parameters: map[string]string{},
		IdempotencyKey: deref(in.IdempotencyKey)}
	for _, kv := range in.Parameters {
		if _, dup := req.Parameters[kv.Key]; dup {
			return req, models.FieldError(models.EINVALID, "parameters", "parameter %s is given twice", kv.Key)
		}
		req.Parameters[kv.Key] = kv.Value
	}
	return req, nil
}
