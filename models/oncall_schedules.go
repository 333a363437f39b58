package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/schedule"
)

// Schedules, their layers and overrides (issue 10, docs/oncall.md). Admins edit schedules;
// viewers read them; members and up put people on call with overrides. The math is in
// models/schedule.

// Schedule limits.
const (
	maxLayers          = 20
	maxRestrictions    = 14
	maxMyShiftsDays    = 90
	shiftContextWindow = 31 * 24 * time.Hour
)

// LayerInput is one layer of a schedule; ID keeps an existing layer (its shifts keep their
// origin), nil makes a new one.
type LayerInput struct {
	ID             *string
	Name           *string
	Rotation       schedule.Rotation
	Length         int
	HandOff        string
	HandOffDay     *int
	ParticipantIDs []string
	StartsAt       time.Time
	EndsAt         *time.Time
	Restrictions   []LayerRestriction
}

// ScheduleInput creates or changes a schedule; nil fields stay. Layers, when given, replaces
// every layer (lowest first).
type ScheduleInput struct {
	Name        *string
	Description *string
	TimeZone    *string
	Layers      *[]LayerInput
}

// ListSchedules returns the account's schedules by name. Viewers and up.
func (s *Store) ListSchedules(ctx context.Context, a *Actor, accountID string) ([]Schedule, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	var out []Schedule
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("lower(name), id").Find(&out).Error
	return out, err
}

// GetSchedule returns a schedule the actor can see.
func (s *Store) GetSchedule(ctx context.Context, a *Actor, id string) (*Schedule, error) {
	var sch Schedule
	if err := s.getScoped(ctx, a, &sch, id, "schedule", RoleViewer); err != nil {
		return nil, err
	}
	return &sch, nil
}

// SchedulesByID loads schedules in one query. Callers pass schedules the actor may see.
func (s *Store) SchedulesByID(ctx context.Context, ids []string) (map[string]*Schedule, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *Schedule) string { return r.ID })
}

// ScheduleLayers returns a schedule's layers, lowest first. The caller has the schedule.
func (s *Store) ScheduleLayers(ctx context.Context, scheduleID string) ([]ScheduleLayer, error) {
	var ls []ScheduleLayer
	err := s.db.WithContext(ctx).Where("schedule_id = ?", scheduleID).Order("position, id").Find(&ls).Error
	return ls, err
}

// LayersBySchedule loads the layers of many schedules in one query (dataloader).
func (s *Store) LayersBySchedule(ctx context.Context, ids []string) (map[string][]ScheduleLayer, error) {
	var ls []ScheduleLayer
	if err := s.db.WithContext(ctx).Where("schedule_id IN ?", ids).Order("position, id").Find(&ls).Error; err != nil {
		return nil, err
	}
	out := map[string][]ScheduleLayer{}
	for _, l := range ls {
		out[l.ScheduleID] = append(out[l.ScheduleID], l)
	}
	return out, nil
}

// ScheduleOverrides returns a schedule's overrides that end after from, oldest first.
func (s *Store) ScheduleOverrides(ctx context.Context, scheduleID string, from time.Time) ([]ScheduleOverride, error) {
	var os []ScheduleOverride
	err := s.db.WithContext(ctx).Where("schedule_id = ? AND ends_at > ?", scheduleID, from.UTC()).Order("starts_at, created_at, id").Find(&os).Error
	return os, err
}

// ParticipantIDs decodes a layer's participants.
func (l *ScheduleLayer) ParticipantIDs() []string {
	var ids []string
	_ = json.Unmarshal([]byte(l.Participants), &ids)
	return ids
}

// RestrictionList decodes a layer's restrictions.
func (l *ScheduleLayer) RestrictionList() []LayerRestriction {
	var rs []LayerRestriction
	_ = json.Unmarshal([]byte(l.Restrictions), &rs)
	return rs
}

// scheduleField maps a field of the schedule math to the GraphQL input's name.
func scheduleField(prefix, f string) string {
	switch f {
	case "participants":
		f = "participantIds"
	case "start":
		f = "startsAt"
	case "end":
		f = "endsAt"
	}
	return prefix + f
}

// asFieldError turns a schedule.FieldError into an EINVALID FieldError under prefix.
func asFieldError(prefix string, err error) error {
	var fe *schedule.FieldError
	if errors.As(err, &fe) {
		return FieldError(EINVALID, scheduleField(prefix, fe.Field), "%s", fe.Message)
	}
	return FieldError(EINVALID, strings.TrimSuffix(prefix, "."), "%s", err.Error())
}

// buildLayers validates layer inputs and makes their rows (ids kept where given and known).
func buildLayers(db *gorm.DB, accountID, scheduleID string, known map[string]bool, in []LayerInput, now time.Time) ([]ScheduleLayer, error) {
	if len(in) > maxLayers {
		return nil, FieldError(EINVALID, "layers", "a schedule has at most %d layers", maxLayers)
	}
	out := make([]ScheduleLayer, 0, len(in))
	var everyone []string
	seenIDs := map[string]bool{}
	for i, li := range in {
		prefix := fmt.Sprintf("layers.%d.", i)
		row := ScheduleLayer{ID: newID(), ScheduleID: scheduleID, Position: i, Rotation: li.Rotation, Length: li.Length,
			StartsAt: li.StartsAt.UTC(), CreatedAt: now, UpdatedAt: now, HandOffDay: int(time.Monday)}
		if li.ID != nil {
			if !known[*li.ID] || seenIDs[*li.ID] {
				return nil, FieldError(ENOTFOUND, prefix+"id", "layer not found in this schedule")
			}
			seenIDs[*li.ID] = true
			row.ID = *li.ID
		}
		if li.Name != nil {
			n, err := cleanLabel(prefix+"name", *li.Name)
			if err != nil {
				return nil, err
			}
			row.Name = n
		}
		hand, err := schedule.ParseClock(li.HandOff)
		if err != nil {
			return nil, FieldError(EINVALID, prefix+"handOff", "%s", err.Error())
		}
		row.HandOff = hand.String()
		if li.HandOffDay != nil {
			if *li.HandOffDay < 0 || *li.HandOffDay > 6 {
				return nil, FieldError(EINVALID, prefix+"handOffDay", "the hand-off day is 0 (Sunday) to 6")
			}
			row.HandOffDay = *li.HandOffDay
		}
		if li.EndsAt != nil {
			e := li.EndsAt.UTC()
			row.EndsAt = &e
		}
		sl := schedule.Layer{ID: row.ID, Rotation: li.Rotation, Length: li.Length, HandOff: hand, HandOffDay: time.Weekday(row.HandOffDay),
			Participants: li.ParticipantIDs, Start: row.StartsAt, End: row.EndsAt}
		if len(li.Restrictions) > maxRestrictions {
			return nil, FieldError(EINVALID, prefix+"restrictions", "a layer has at most %d restrictions", maxRestrictions)
		}
		rs := make([]LayerRestriction, 0, len(li.Restrictions))
		for j, r := range li.Restrictions {
			from, err := schedule.ParseClock(r.From)
			if err != nil {
				return nil, FieldError(EINVALID, fmt.Sprintf("%srestrictions.%d.from", prefix, j), "%s", err.Error())
			}
			to, err := schedule.ParseClock(r.To)
			if err != nil {
				return nil, FieldError(EINVALID, fmt.Sprintf("%srestrictions.%d.to", prefix, j), "%s", err.Error())
			}
			sr := schedule.Restriction{From: from, To: to}
			days := []int{}
			seenDay := map[int]bool{}
			for _, d := range r.Days {
				if d < 0 || d > 6 {
					return nil, FieldError(EINVALID, fmt.Sprintf("%srestrictions.%d.days", prefix, j), "a day is 0 (Sunday) to 6")
				}
				if !seenDay[d] {
					seenDay[d] = true
					days = append(days, d)
					sr.Days = append(sr.Days, time.Weekday(d))
				}
			}
			sort.Ints(days)
			sl.Restrictions = append(sl.Restrictions, sr)
			rs = append(rs, LayerRestriction{Days: days, From: from.String(), To: to.String()})
		}
		if err := sl.Validate(); err != nil {
			return nil, asFieldError(prefix, err)
		}
		p, _ := json.Marshal(li.ParticipantIDs)
		r, _ := json.Marshal(rs)
		row.Participants, row.Restrictions = string(p), string(r)
		out = append(out, row)
		everyone = append(everyone, li.ParticipantIDs...)
	}
	// Every participant must be a member of the account.
	if len(everyone) > 0 {
		members, err := memberSet(db, accountID, everyone)
		if err != nil {
			return nil, err
		}
		for i, li := range in {
			for _, p := range li.ParticipantIDs {
				if !members[p] {
					return nil, FieldError(EINVALID, fmt.Sprintf("layers.%d.participantIds", i), "every participant must be a member of the account")
				}
			}
		}
	}
	return out, nil
}

// memberSet says which of the users are members of the account.
func memberSet(db *gorm.DB, accountID string, userIDs []string) (map[string]bool, error) {
	var valid []string
	for _, u := range userIDs {
		if validID(u) {
			valid = append(valid, u)
		}
	}
	out := map[string]bool{}
	if len(valid) == 0 {
		return out, nil
	}
	var ids []string
	if err := db.Model(&Membership{}).Where("account_id = ? AND user_id IN ?", accountID, valid).Pluck("user_id", &ids).Error; err != nil {
		return nil, err
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

func cleanScheduleFields(in *ScheduleInput) error {
	if in.Name != nil {
		n, err := cleanName("name", *in.Name, 100)
		if err != nil {
			return err
		}
		in.Name = &n
	}
	if in.Description != nil {
		d, err := cleanText("description", *in.Description, 2000)
		if err != nil {
			return err
		}
		in.Description = &d
	}
	if in.TimeZone != nil {
		loc, err := schedule.LoadZone(*in.TimeZone)
		if err != nil {
			return asFieldError("", err)
		}
		z := loc.String()
		in.TimeZone = &z
	}
	return nil
}

// CreateSchedule creates a schedule with its layers. Admins and owners.
func (s *Store) CreateSchedule(ctx context.Context, a *Actor, accountID string, in ScheduleInput) (*Schedule, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, FieldError(EINVALID, "name", "name is required")
	}
	if in.TimeZone == nil {
		return nil, FieldError(EINVALID, "timeZone", "name an IANA time zone such as Europe/Berlin")
	}
	if err := cleanScheduleFields(&in); err != nil {
		return nil, err
	}
	now := s.now()
	sch := &Schedule{ID: newID(), AccountID: accountID, Name: *in.Name, TimeZone: *in.TimeZone, CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		sch.Description = *in.Description
	}
	var layers []ScheduleLayer
	if in.Layers != nil {
		var err error
		if layers, err = buildLayers(s.db.WithContext(ctx), accountID, sch.ID, nil, *in.Layers, now); err != nil {
			return nil, err
		}
	}
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(sch).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "a schedule named %q already exists", sch.Name)
			}
			return err
		}
		if len(layers) > 0 {
			if err := tx.Create(&layers).Error; err != nil {
				return err
			}
		}
		return s.audit(tx, a, accountID, "schedule.created", "schedule", sch.ID, fmt.Sprintf("%s created schedule %q", a.Label(), sch.Name))
	})
	if err != nil {
		return nil, err
	}
	return sch, nil
}

// UpdateSchedule changes a schedule; given layers replace all layers (ids kept where given).
// Admins and owners.
func (s *Store) UpdateSchedule(ctx context.Context, a *Actor, id string, in ScheduleInput) (*Schedule, error) {
	sch, err := s.GetSchedule(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, sch.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	if err := cleanScheduleFields(&in); err != nil {
		return nil, err
	}
	now := s.now()
	var layers []ScheduleLayer
	if in.Layers != nil {
		var ids []string
		if err := s.db.WithContext(ctx).Model(&ScheduleLayer{}).Where("schedule_id = ?", sch.ID).Pluck("id", &ids).Error; err != nil {
			return nil, err
		}
		known := map[string]bool{}
		for _, id := range ids {
			known[id] = true
		}
		if layers, err = buildLayers(s.db.WithContext(ctx), sch.AccountID, sch.ID, known, *in.Layers, now); err != nil {
			return nil, err
		}
	}
	changes := map[string]any{"updated_at": now}
	var what []string
	if in.Name != nil && *in.Name != sch.Name {
		what = append(what, fmt.Sprintf("renamed it to %q", *in.Name))
		changes["name"], sch.Name = *in.Name, *in.Name
	}
	if in.Description != nil && *in.Description != sch.Description {
		what = append(what, "changed the description")
		changes["description"], sch.Description = *in.Description, *in.Description
	}
	if in.TimeZone != nil && *in.TimeZone != sch.TimeZone {
		what = append(what, "moved it to "+*in.TimeZone)
		changes["time_zone"], sch.TimeZone = *in.TimeZone, *in.TimeZone
	}
	if in.Layers != nil {
		what = append(what, fmt.Sprintf("set %d layer(s)", len(layers)))
	}
	if len(what) == 0 {
		return sch, nil
	}
	sch.UpdatedAt = now
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&Schedule{}).Where("id = ?", sch.ID).Updates(changes).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "a schedule named %q already exists", sch.Name)
			}
			return err
		}
		if in.Layers != nil {
			keep := make([]string, 0, len(layers))
			for _, l := range layers {
				keep = append(keep, l.ID)
			}
			del := tx.Where("schedule_id = ?", sch.ID)
			if len(keep) > 0 {
				del = del.Where("id NOT IN ?", keep)
			}
			if err := del.Delete(&ScheduleLayer{}).Error; err != nil {
				return err
			}
			for i := range layers {
				l := &layers[i]
				res := tx.Model(&ScheduleLayer{}).Where("id = ? AND schedule_id = ?", l.ID, sch.ID).Updates(map[string]any{
					"position": l.Position, "name": l.Name, "rotation": l.Rotation, "length": l.Length, "hand_off": l.HandOff,
					"hand_off_day": l.HandOffDay, "participants": l.Participants, "starts_at": l.StartsAt, "ends_at": l.EndsAt,
					"restrictions": l.Restrictions, "updated_at": now,
				})
				if res.Error != nil {
					return res.Error
				}
				if res.RowsAffected == 0 {
					if err := tx.Create(l).Error; err != nil {
						return err
					}
				}
			}
		}
		return s.audit(tx, a, sch.AccountID, "schedule.updated", "schedule", sch.ID, fmt.Sprintf("%s %s of schedule %q", a.Label(), strings.Join(what, ", "), sch.Name))
	})
	if err != nil {
		return nil, err
	}
	return sch, nil
}

// policiesTargeting names the policies that target a schedule or a user (where is "schedule_id"
// or "user_id"), by name.
func policiesTargeting(db *gorm.DB, column, id string) ([]string, error) {
	var names []string
	err := db.Model(&EscalationPolicy{}).Distinct("escalation_policies.name").
		Joins("JOIN escalation_levels l ON l.policy_id = escalation_policies.id").
		Joins("JOIN escalation_targets t ON t.level_id = l.id").
		Where("t."+column+" = ?", id).Order("escalation_policies.name").Pluck("escalation_policies.name", &names).Error
	return names, err
}

// DeleteSchedule deletes a schedule. Refused while a policy targets it (the error names the
// policies). Admins and owners.
func (s *Store) DeleteSchedule(ctx context.Context, a *Actor, id string) error {
	sch, err := s.GetSchedule(ctx, a, id)
	if err != nil {
		return err
	}
	if _, err := s.Require(ctx, a, sch.AccountID, RoleAdmin); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		names, err := policiesTargeting(tx.DB, "schedule_id", sch.ID)
		if err != nil {
			return err
		}
		if len(names) > 0 {
			return Errorf(ECONFLICT, "schedule %q is targeted by escalation policy(ies) %s: take it out of them first", sch.Name, quoteList(names))
		}
		if err := tx.Where("id = ?", sch.ID).Delete(&Schedule{}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, sch.AccountID, "schedule.deleted", "schedule", sch.ID, fmt.Sprintf("%s deleted schedule %q", a.Label(), sch.Name))
	})
}

// OverrideInput puts a person on call over a range.
type OverrideInput struct {
	ScheduleID string
	UserID     string
	StartsAt   time.Time
	EndsAt     time.Time
}

// CreateScheduleOverride puts a member on call over a range. Members and up.
func (s *Store) CreateScheduleOverride(ctx context.Context, a *Actor, in OverrideInput) (*ScheduleOverride, error) {
	sch, err := s.GetSchedule(ctx, a, in.ScheduleID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, sch.AccountID, RoleMember); err != nil {
		return nil, err
	}
	o := schedule.Override{UserID: in.UserID, Start: in.StartsAt.UTC(), End: in.EndsAt.UTC()}
	if err := o.Validate(); err != nil {
		return nil, asFieldError("", err)
	}
	members, err := memberSet(s.db.WithContext(ctx), sch.AccountID, []string{in.UserID})
	if err != nil {
		return nil, err
	}
	if !members[in.UserID] {
		return nil, FieldError(EINVALID, "userId", "the person must be a member of the account")
	}
	row := &ScheduleOverride{ID: newID(), ScheduleID: sch.ID, UserID: in.UserID, StartsAt: o.Start, EndsAt: o.End, CreatedBy: a.Label(), CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		email, err := userEmail(tx, in.UserID)
		if err != nil {
			return err
		}
		return s.audit(tx, a, sch.AccountID, "schedule.override_created", "schedule", sch.ID,
			fmt.Sprintf("%s put %s on call on %q from %s to %s", a.Label(), email, sch.Name, o.Start.Format(time.RFC3339), o.End.Format(time.RFC3339)))
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}

// DeleteScheduleOverride deletes an override. Members and up.
func (s *Store) DeleteScheduleOverride(ctx context.Context, a *Actor, id string) error {
	if !validID(id) {
		return notFound("override")
	}
	var o ScheduleOverride
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&o).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return notFound("override")
		}
		return err
	}
	sch, err := s.GetSchedule(ctx, a, o.ScheduleID)
	if err != nil {
		if CodeOf(err) == ENOTFOUND {
			return notFound("override")
		}
		return err
	}
	if _, err := s.Require(ctx, a, sch.AccountID, RoleMember); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("id = ?", o.ID).Delete(&ScheduleOverride{}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, sch.AccountID, "schedule.override_deleted", "schedule", sch.ID, fmt.Sprintf("%s removed an override of %q", a.Label(), sch.Name))
	})
}

// ResolvedShift is a stretch of a final schedule with the rows it comes from.
type ResolvedShift struct {
	ScheduleID string
	UserID     string
	Start      time.Time
	End        time.Time
	// Layer is set for a shift of a layer, Override for an override.
	Layer    *ScheduleLayer
	Override *ScheduleOverride
}

// loadedSchedule is a schedule's rows and their schedule-math form.
type loadedSchedule struct {
	sch       *Schedule
	calc      *schedule.Schedule
	layers    []ScheduleLayer
	overrides []ScheduleOverride
}

// loadSchedules reads the layers of many schedules and their overrides that matter in
// [from, to) in two queries.
func loadSchedules(db *gorm.DB, schs []*Schedule, from, to time.Time) (map[string]*loadedSchedule, error) {
	out := make(map[string]*loadedSchedule, len(schs))
	ids := make([]string, 0, len(schs))
	for _, sch := range schs {
		loc, err := schedule.LoadZone(sch.TimeZone)
		if err != nil {
			return nil, err
		}
		out[sch.ID] = &loadedSchedule{sch: sch, calc: &schedule.Schedule{Zone: loc}}
		ids = append(ids, sch.ID)
	}
	if len(ids) == 0 {
		return out, nil
	}
	var layers []ScheduleLayer
	if err := db.Where("schedule_id IN ?", ids).Order("position, id").Find(&layers).Error; err != nil {
		return nil, err
	}
	var overrides []ScheduleOverride
	if err := db.Where("schedule_id IN ? AND ends_at > ? AND starts_at < ?", ids, from.UTC(), to.UTC()).
		Order("created_at, id").Find(&overrides).Error; err != nil {
		return nil, err
	}
	for _, l := range layers {
		ls := out[l.ScheduleID]
		sl, err := l.toSchedule()
		if err != nil {
			return nil, fmt.Errorf("schedule %s layer %s: %w", l.ScheduleID, l.ID, err)
		}
		ls.layers = append(ls.layers, l)
		ls.calc.Layers = append(ls.calc.Layers, sl)
	}
	for _, o := range overrides {
		ls := out[o.ScheduleID]
		ls.overrides = append(ls.overrides, o)
		ls.calc.Overrides = append(ls.calc.Overrides, schedule.Override{ID: o.ID, UserID: o.UserID, Start: o.StartsAt, End: o.EndsAt})
	}
	return out, nil
}

// loadScheduleRows is loadSchedule that also returns the rows.
func loadScheduleRows(db *gorm.DB, sch *Schedule, from, to time.Time) (*schedule.Schedule, []ScheduleLayer, []ScheduleOverride, error) {
	m, err := loadSchedules(db, []*Schedule{sch}, from, to)
	if err != nil {
		return nil, nil, nil, err
	}
	l := m[sch.ID]
	return l.calc, l.layers, l.overrides, nil
}

func checkRange(from, to time.Time) error {
	if !to.After(from) || to.Sub(from) > schedule.MaxRange {
		return FieldError(EINVALID, "to", "the range must end after it starts and span at most 366 days")
	}
	return nil
}

// final computes the final schedule over [from, to) with the shifts' rows (the overrides loaded
// must cover the range).
func (l *loadedSchedule) final(from, to time.Time) ([]ResolvedShift, error) {
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	shifts, err := l.calc.Final(from.UTC(), to.UTC())
	if errors.Is(err, schedule.ErrRange) {
		return nil, FieldError(EINVALID, "to", "%s", err.Error())
	}
	if err != nil {
		return nil, err
	}
	byLayer := map[string]*ScheduleLayer{}
	for i := range l.layers {
		byLayer[l.layers[i].ID] = &l.layers[i]
	}
	byOverride := map[string]*ScheduleOverride{}
	for i := range l.overrides {
		byOverride[l.overrides[i].ID] = &l.overrides[i]
	}
	out := make([]ResolvedShift, 0, len(shifts))
	for _, sh := range shifts {
		r := ResolvedShift{ScheduleID: l.sch.ID, UserID: sh.UserID, Start: sh.Start.UTC(), End: sh.End.UTC()}
		if sh.Origin == schedule.OriginOverride {
			r.Override = byOverride[sh.OverrideID]
		} else {
			r.Layer = byLayer[sh.Origin]
		}
		out = append(out, r)
	}
	return out, nil
}

// shiftAt returns the shift on call at t (its bounds looked for within a month either side),
// or nil for nobody. The overrides loaded must cover that month either side.
func (l *loadedSchedule) shiftAt(t time.Time) (*ResolvedShift, error) {
	shifts, err := l.final(t.Add(-shiftContextWindow), t.Add(shiftContextWindow))
	if err != nil {
		return nil, err
	}
	for i := range shifts {
		if !t.Before(shifts[i].Start) && t.Before(shifts[i].End) {
			return &shifts[i], nil
		}
	}
	return nil, nil
}

// finalShifts computes the final schedules of many schedules over [from, to) (three queries in
// all), in the order of schs.
func finalShifts(db *gorm.DB, schs []*Schedule, from, to time.Time) ([][]ResolvedShift, error) {
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	loaded, err := loadSchedules(db, schs, from, to)
	if err != nil {
		return nil, err
	}
	out := make([][]ResolvedShift, len(schs))
	for i, sch := range schs {
		if out[i], err = loaded[sch.ID].final(from, to); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OnCallAtMany says who is on call at t on each of the schedules (nil: nobody), reading them in
// two queries. The caller has the schedules.
func (s *Store) OnCallAtMany(ctx context.Context, schs []*Schedule, t time.Time) (map[string]*ResolvedShift, error) {
	t = t.UTC()
	loaded, err := loadSchedules(s.db.WithContext(ctx), schs, t.Add(-shiftContextWindow), t.Add(shiftContextWindow))
	if err != nil {
		return nil, err
	}
	out := make(map[string]*ResolvedShift, len(schs))
	for _, sch := range schs {
		if out[sch.ID], err = loaded[sch.ID].shiftAt(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func ptrsOf[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// FinalSchedule returns the final schedule over [from, to) (at most 366 days). The caller has
// the schedule.
func (s *Store) FinalSchedule(ctx context.Context, sch *Schedule, from, to time.Time) ([]ResolvedShift, error) {
	all, err := finalShifts(s.db.WithContext(ctx), []*Schedule{sch}, from, to)
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// OnCallAt returns who is on call on the schedule at t with the shift, or nil for nobody. The
// caller has the schedule.
func (s *Store) OnCallAt(ctx context.Context, sch *Schedule, t time.Time) (*ResolvedShift, error) {
	m, err := s.OnCallAtMany(ctx, []*Schedule{sch}, t)
	if err != nil {
		return nil, err
	}
	return m[sch.ID], nil
}

// OnCallNow returns everyone on call now across the account's schedules, by schedule name.
// Viewers and up.
func (s *Store) OnCallNow(ctx context.Context, a *Actor, accountID string) ([]ResolvedShift, error) {
	schs, err := s.ListSchedules(ctx, a, accountID)
	if err != nil {
		return nil, err
	}
	m, err := s.OnCallAtMany(ctx, ptrsOf(schs), s.now())
	if err != nil {
		return nil, err
	}
	var out []ResolvedShift
	for i := range schs {
		if sh := m[schs[i].ID]; sh != nil {
			out = append(out, *sh)
		}
	}
	return out, nil
}

// MyShifts returns the actor's shifts in the account from now over the next days (1–90),
// in time order. Viewers and up.
func (s *Store) MyShifts(ctx context.Context, a *Actor, accountID string, days int) ([]ResolvedShift, error) {
	if days < 1 || days > maxMyShiftsDays {
		return nil, FieldError(EINVALID, "days", "days is 1 to %d", maxMyShiftsDays)
	}
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	if a.UserID == "" {
		return []ResolvedShift{}, nil
	}
	var schs []Schedule
	db := s.db.WithContext(ctx)
	if err := db.Where("account_id = ?", accountID).Order("lower(name), id").Find(&schs).Error; err != nil {
		return nil, err
	}
	now := s.now()
	all, err := finalShifts(db, ptrsOf(schs), now, now.Add(time.Duration(days)*24*time.Hour))
	if err != nil {
		return nil, err
	}
	out := []ResolvedShift{}
	for _, shifts := range all {
		for _, sh := range shifts {
			if sh.UserID == a.UserID {
				out = append(out, sh)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}

// stillNamed says which schedules and policies of the account still name a user: layers'
// participants, overrides that have not ended, policy targets. Member removal is refused while
// any does.
func (s *Store) stillNamed(tx *Tx, accountID, userID string) (schedules, policies []string, err error) {
	var layers []struct {
		Name         string
		Participants string
	}
	if err := tx.Table("schedule_layers").Select("schedules.name, schedule_layers.participants").
		Joins("JOIN schedules ON schedules.id = schedule_layers.schedule_id").
		Where("schedules.account_id = ?", accountID).Scan(&layers).Error; err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, l := range layers {
		var ids []string
		_ = json.Unmarshal([]byte(l.Participants), &ids)
		for _, id := range ids {
			if id == userID && !seen[l.Name] {
				seen[l.Name] = true
				schedules = append(schedules, l.Name)
			}
		}
	}
	var over []string
	if err := tx.Table("schedule_overrides").Select("DISTINCT schedules.name").
		Joins("JOIN schedules ON schedules.id = schedule_overrides.schedule_id").
		Where("schedules.account_id = ? AND schedule_overrides.user_id = ? AND schedule_overrides.ends_at > ?", accountID, userID, s.now()).
		Pluck("schedules.name", &over).Error; err != nil {
		return nil, nil, err
	}
	for _, n := range over {
		if !seen[n] {
			seen[n] = true
			schedules = append(schedules, n)
		}
	}
	sort.Strings(schedules)
	if err := tx.Model(&EscalationPolicy{}).Distinct("escalation_policies.name").
		Joins("JOIN escalation_levels l ON l.policy_id = escalation_policies.id").
		Joins("JOIN escalation_targets t ON t.level_id = l.id").
		Where("escalation_policies.account_id = ? AND t.user_id = ?", accountID, userID).
		Order("escalation_policies.name").Pluck("escalation_policies.name", &policies).Error; err != nil {
		return nil, nil, err
	}
	return schedules, policies, nil
}
