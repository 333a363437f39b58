package graph

import (
	"github.com/switchboard-hub/switchboard/graph/model"
	"github.com/switchboard-hub/switchboard/models"
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
	u := r.PublicURL + "/webhooks/aws/" + token
	return &model.AWSIntegrationURLPayload{Integration: integ, WebhookURL: &u, Errors: errs}, nil
}
