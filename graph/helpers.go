package graph

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/switchboard-hub/switchboard/graph/model"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/routing"
)

func ptrs[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func deletePayload(id string, errs []*model.UserError) *model.DeletePayload {
	p := &model.DeletePayload{Errors: errs}
	if len(errs) == 0 {
		p.DeletedID = &id
	}
	return p
}

// nullIfNotFound turns "not found" into a null result, as single-object queries answer.
func nullIfNotFound[T any](v *T, err error) (*T, error) {
	if models.CodeOf(err) == models.ENOTFOUND {
		return nil, nil
	}
	return v, err
}

// smallLimit validates `first` of short, unpaginated lists.
func smallLimit(first *int) (int, error) {
	n := 20
	if first != nil {
		n = *first
	}
	if n < 1 || n > 100 {
		return 0, models.FieldError(models.EINVALID, "first", "first must be between 1 and 100")
	}
	return n, nil
}

// urlPayload shows a new webhook URL once, with the integration it belongs to.
func (r *Resolver) urlPayload(integ *models.AWSIntegration, token string, err error) (*model.AWSIntegrationURLPayload, error) {
	errs, err := userErrors(err)
	if err != nil || len(errs) > 0 {
		return &model.AWSIntegrationURLPayload{Errors: errs}, err
	}
	u := r.Store.Links().SNSWebhook(token)
	return &model.AWSIntegrationURLPayload{Integration: integ, WebhookURL: &u, Errors: errs}, nil
}

func farmPayload(f *models.Farm, err error) (*model.FarmPayload, error) {
	errs, err := userErrors(err)
	return &model.FarmPayload{Farm: f, Errors: errs}, err
}

func serverInput(f *model.ServerFields) models.ServerInput {
	if f == nil {
		return models.ServerInput{}
	}
	return models.ServerInput{Hostname: f.Hostname, ServerType: f.ServerType, CloudLocation: f.CloudLocation, CloudZone: f.CloudZone,
		CloudServerID: f.CloudServerID, ImageID: f.ImageID, PublicIP: f.PublicIP, PrivateIP: f.PrivateIP, Status: f.Status, InstanceIndex: f.InstanceIndex}
}

// keyValues renders a header map (JSON of http.Header) or a plain map as sorted pairs.
func keyValues(m map[string]string) []*model.KeyValue {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*model.KeyValue, len(keys))
	for i, k := range keys {
		out[i] = &model.KeyValue{Key: k, Value: m[k]}
	}
	return out
}

func headerValues(raw *string) []*model.KeyValue {
	if raw == nil {
		return []*model.KeyValue{}
	}
	var h map[string][]string
	if err := json.Unmarshal([]byte(*raw), &h); err != nil {
		return []*model.KeyValue{}
	}
	flat := make(map[string]string, len(h))
	for k, v := range h {
		flat[k] = strings.Join(v, ", ")
	}
	return keyValues(flat)
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func pageInfo(hasNext bool, cursors []string) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: hasNext}
	if len(cursors) > 0 {
		pi.EndCursor = &cursors[len(cursors)-1]
	}
	return pi
}

func endpointKeyPayload(e *models.Endpoint, key string, err error) (*model.EndpointKeyPayload, error) {
	errs, err := userErrors(err)
	if err != nil || len(errs) > 0 {
		return &model.EndpointKeyPayload{Warnings: []string{}, Errors: errs}, err
	}
	return &model.EndpointKeyPayload{Endpoint: e, SigningKey: &key, Warnings: orEmpty(e.Warnings), Errors: errs}, nil
}

func endpointPayload(e *models.Endpoint, err error) (*model.EndpointPayload, error) {
	errs, err := userErrors(err)
	if err != nil || len(errs) > 0 {
		return &model.EndpointPayload{Warnings: []string{}, Errors: errs}, err
	}
	return &model.EndpointPayload{Endpoint: e, Warnings: orEmpty(e.Warnings), Errors: errs}, nil
}

// headerPairs converts custom header input; nil stays nil (unchanged).
func headerPairs(in []*models.HeaderPair) *[]models.HeaderPair {
	if in == nil {
		return nil
	}
	out := make([]models.HeaderPair, 0, len(in))
	for _, h := range in {
		if h != nil {
			out = append(out, *h)
		}
	}
	return &out
}

// rateLimit reads a rate limit input: 0 (or nothing) is unlimited.
func rateLimit(v *float64) *float64 {
	if v == nil || *v == 0 {
		return nil
	}
	return v
}

// routeInputs converts routing rules from the API.
func routeInputs(in []*model.IntegrationRouteInput) []models.RouteInput {
	out := make([]models.RouteInput, len(in))
	for i, r := range in {
		out[i] = models.RouteInput{Name: r.Name, ComponentID: r.ComponentID, Severity: r.Severity, EscalationPolicyID: r.EscalationPolicyID}
		if r.ID != nil {
			out[i].ID = *r.ID
		}
		out[i].Conditions = make([]routing.Condition, len(r.Conditions))
		for j, c := range r.Conditions {
			out[i].Conditions[j] = routing.Condition{Field: c.Field, Op: c.Op, Value: c.Value}
			if c.Dimension != nil {
				out[i].Conditions[j].Dimension = *c.Dimension
			}
		}
	}
	return out
}

func invitationPayload(inv *models.Invitation, err error) (*model.InvitationPayload, error) {
	errs, err := userErrors(err)
	if len(errs) > 0 {
		inv = nil
	}
	return &model.InvitationPayload{Invitation: inv, Errors: errs}, err
}

func durationSeconds(d *time.Duration) *int {
	if d == nil {
		return nil
	}
	n := int(d.Seconds())
	return &n
}

func bulkIncidentPayload(rs []models.BulkResult, err error) (*model.BulkIncidentPayload, error) {
	errs, err := userErrors(err)
	if err != nil || len(errs) > 0 {
		return &model.BulkIncidentPayload{Results: []*model.BulkIncidentResult{}, Errors: errs}, err
	}
	out := make([]*model.BulkIncidentResult, len(rs))
	for i, r := range rs {
		out[i] = &model.BulkIncidentResult{ID: r.ID, Incident: r.Incident}
		if r.Err != nil {
			ue, err := userErrors(r.Err)
			if err != nil {
				return nil, err
			}
			out[i].Incident, out[i].Error = nil, ue[0]
		}
	}
	return &model.BulkIncidentPayload{Results: out, Errors: errs}, nil
}
