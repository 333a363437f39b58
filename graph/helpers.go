package graph

import "github.com/switchboard-hub/switchboard/graph/model"

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
