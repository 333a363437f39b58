package graph

import (
	"context"
	"strings"

	"github.com/switchboard-hub/switchboard/graph/model"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/schedule"
)

// nilIfNotFound answers "not found" as a null result (the account's single-object fields).
func nilIfNotFound(err error) error {
	if models.CodeOf(err) == models.ENOTFOUND {
		return nil
	}
	return err
}

func contactPayload(m *models.ContactMethod, err error) (*model.ContactMethodPayload, error) {
	errs, err := userErrors(err)
	if err != nil || len(errs) > 0 {
		return &model.ContactMethodPayload{Errors: errs}, err
	}
	return &model.ContactMethodPayload{ContactMethod: m, Errors: errs}, nil
}

func layerInputs(in []*model.ScheduleLayerInput) []models.LayerInput {
	out := make([]models.LayerInput, 0, len(in))
	for _, l := range in {
		if l == nil {
			continue
		}
		li := models.LayerInput{ID: l.ID, Name: l.Name, Rotation: schedule.Rotation(strings.ToLower(string(l.Rotation))), Length: l.Length,
			HandOff: l.HandOff, HandOffDay: l.HandOffDay, ParticipantIDs: l.ParticipantIds, StartsAt: l.StartsAt, EndsAt: l.EndsAt}
		for _, r := range l.Restrictions {
			if r != nil {
				li.Restrictions = append(li.Restrictions, models.LayerRestriction{Days: r.Days, From: r.From, To: r.To})
			}
		}
		out = append(out, li)
	}
	return out
}

func levelInputs(in []*model.EscalationLevelInput) []models.LevelInput {
	out := make([]models.LevelInput, 0, len(in))
	for _, l := range in {
		if l == nil {
			continue
		}
		li := models.LevelInput{TimeoutMinutes: l.TimeoutMinutes}
		for _, t := range l.Targets {
			if t != nil {
				li.Targets = append(li.Targets, models.TargetInput{ScheduleID: t.ScheduleID, UserID: t.UserID})
			}
		}
		out = append(out, li)
	}
	return out
}

// shift converts a resolved shift; nil when its person is gone.
func (r *Resolver) shift(ctx context.Context, s *models.ResolvedShift) (*model.ScheduleShift, error) {
	u, err := loadersFrom(ctx, r.Store).Users.Load(ctx, s.UserID)()
	if err != nil || u == nil {
		return nil, err
	}
	return &model.ScheduleShift{User: u, StartsAt: s.Start, EndsAt: s.End, Layer: s.Layer, Override: s.Override}, nil
}

func (r *Resolver) shifts(ctx context.Context, ss []models.ResolvedShift) ([]*model.ScheduleShift, error) {
	out := make([]*model.ScheduleShift, 0, len(ss))
	for i := range ss {
		sh, err := r.shift(ctx, &ss[i])
		if err != nil {
			return nil, err
		}
		if sh != nil {
			out = append(out, sh)
		}
	}
	return out, nil
}

// policyOf loads the policy attached to a component or integration (same account as its
// parent, which the caller sees).
func (r *Resolver) policyOf(ctx context.Context, id *string) (*models.EscalationPolicy, error) {
	if id == nil {
		return nil, nil
	}
	return loadersFrom(ctx, r.Store).Policies.Load(ctx, *id)()
}
