package graph

import (
	"github.com/switchboard-hub/switchboard/graph/model"
	"github.com/switchboard-hub/switchboard/models"
)

// pageComponentInputs converts a page's component list (nil: unchanged).
func pageComponentInputs(in []*model.StatusPageComponentInput) *[]models.PageComponentInput {
	if in == nil {
		return nil
	}
	out := make([]models.PageComponentInput, len(in))
	for i, c := range in {
		out[i] = models.PageComponentInput{ComponentID: c.ComponentID, Group: deref(c.Group), DisplayName: deref(c.DisplayName)}
	}
	return &out
}
