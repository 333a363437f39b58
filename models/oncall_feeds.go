package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Calendar feeds: a read-only iCalendar URL of a schedule or of one person's shifts in an
// account, behind a secret token (only its hash is kept, like API tokens), revocable. Members
// and up create feeds; a person revokes their own, admins any of the account.

// CalendarFeedPrefix starts every feed token (tells it apart from other secrets in a leak scan).
const CalendarFeedPrefix = "sbcal_"

// Feed ranges: the feed shows the last FeedPastDays and the next FeedFutureDays.
const (
	FeedPastDays   = 7
	FeedFutureDays = 60
	feedGrid       = 30 * 24 * time.Hour
)

// ListCalendarFeeds returns the account's feeds the actor may see (admins: all; others: the
// ones they created), newest first.
func (s *Store) ListCalendarFeeds(ctx context.Context, a *Actor, accountID string) ([]CalendarFeed, error) {
	role, err := s.Require(ctx, a, accountID, RoleViewer)
	if err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	if !role.AtLeast(RoleAdmin) {
		q = q.Where("created_by = ?", a.UserID)
	}
	var fs []CalendarFeed
	err = q.Order("created_at DESC, id DESC").Find(&fs).Error
	return fs, err
}

// CreateCalendarFeed makes a feed and returns its secret token, shown once. With a schedule:
// that schedule's feed; without: the actor's own shifts in the account. Members and up,
// signed in (not API tokens).
func (s *Store) CreateCalendarFeed(ctx context.Context, a *Actor, accountID string, scheduleID *string) (*CalendarFeed, string, error) {
	if _, err := s.Require(ctx, a, accountID, RoleMember); err != nil {
		return nil, "", err
	}
	if a.UserID == "" {
		return nil, "", Errorf(EFORBIDDEN, "calendar feeds belong to people")
	}
	if a.TokenID != "" {
		// A feed's secret URL would outlive the token's revocation.
		return nil, "", Errorf(EFORBIDDEN, "API tokens cannot create calendar feeds: sign in to the console")
	}
	now := s.now()
	creator := a.UserID
	f := &CalendarFeed{ID: newID(), AccountID: accountID, CreatedBy: &creator, CreatedAt: now}
	what := "their shifts"
	if scheduleID != nil {
		sch, err := s.GetSchedule(ctx, a, *scheduleID)
		if err != nil || sch.AccountID != accountID {
			return nil, "", FieldError(ENOTFOUND, "scheduleId", "schedule not found in this account")
		}
		f.ScheduleID = &sch.ID
		what = fmt.Sprintf("schedule %q", sch.Name)
	} else {
		f.UserID = &creator
	}
	secret := CalendarFeedPrefix + randomSecret(32)
	f.TokenHash, f.TokenPrefix = hashToken(secret), secret[:len(CalendarFeedPrefix)+6]
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(f).Error; err != nil {
			return err
		}
		return s.audit(tx, a, accountID, "calendar_feed.created", "calendar_feed", f.ID, fmt.Sprintf("%s created a calendar feed of %s", a.Label(), what))
	})
	if err != nil {
		return nil, "", err
	}
	return f, secret, nil
}

// RevokeCalendarFeed revokes a feed at once: its URL answers 404. The feed's creator or an
// admin.
func (s *Store) RevokeCalendarFeed(ctx context.Context, a *Actor, id string) (*CalendarFeed, error) {
	var f CalendarFeed
	if err := s.getScoped(ctx, a, &f, id, "calendar feed", RoleViewer); err != nil {
		return nil, err
	}
	role, err := s.Require(ctx, a, f.AccountID, RoleViewer)
	if err != nil {
		return nil, err
	}
	own := f.CreatedBy != nil && *f.CreatedBy == a.UserID
	if !own && !role.AtLeast(RoleAdmin) {
		return nil, notFound("calendar feed")
	}
	if f.RevokedAt != nil {
		return &f, nil
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&CalendarFeed{}).Where("id = ? AND revoked_at IS NULL", f.ID).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return s.audit(tx, a, f.AccountID, "calendar_feed.revoked", "calendar_feed", f.ID, fmt.Sprintf("%s revoked calendar feed %s…", a.Label(), f.TokenPrefix))
	})
	if err != nil {
		return nil, err
	}
	f.RevokedAt = &now
	return &f, nil
}

// CalendarFeedContent is what a feed shows: its title, the zone, and the shifts with the names
// of the people.
type CalendarFeedContent struct {
	Feed     CalendarFeed
	Title    string
	TimeZone string
	Shifts   []FeedShift
}

// FeedShift is one shift of a feed.
type FeedShift struct {
	ResolvedShift
	ScheduleName string
	UserName     string
	UserEmail    string
}

// ReadCalendarFeed resolves a feed token into its shifts over the last FeedPastDays and the
// next FeedFutureDays, and records its use. A token that is unknown or revoked, or whose person
// is no longer a member, is ENOTFOUND.
func (s *Store) ReadCalendarFeed(ctx context.Context, token string) (*CalendarFeedContent, error) {
	db := s.db.WithContext(ctx)
	var f CalendarFeed
	if err := db.Where("token_hash = ? AND revoked_at IS NULL", hashToken(token)).Take(&f).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("calendar feed")
		}
		return nil, err
	}
	// The feed's creator must still belong to the account: leaving an account ends its feeds.
	if f.CreatedBy == nil {
		return nil, notFound("calendar feed")
	}
	if members, err := memberSet(db, f.AccountID, []string{*f.CreatedBy}); err != nil {
		return nil, err
	} else if !members[*f.CreatedBy] {
		return nil, notFound("calendar feed")
	}
	now := s.now()
	from, to := now.Add(-FeedPastDays*24*time.Hour), now.Add(FeedFutureDays*24*time.Hour)
	out := &CalendarFeedContent{Feed: f, TimeZone: "UTC"}
	var schs []Schedule
	q := db.Where("account_id = ?", f.AccountID)
	if f.ScheduleID != nil {
		q = q.Where("id = ?", *f.ScheduleID)
	}
	if err := q.Order("lower(name), id").Find(&schs).Error; err != nil {
		return nil, err
	}
	if f.ScheduleID != nil {
		if len(schs) == 0 {
			return nil, notFound("calendar feed")
		}
		out.Title, out.TimeZone = "On call: "+schs[0].Name, schs[0].TimeZone
	} else {
		var u User
		if err := db.Select("name").Where("id = ?", *f.UserID).Take(&u).Error; err != nil {
			return nil, err
		}
		out.Title = "On call: " + u.Name
	}
	users := map[string]*User{}
	// A wider range than shown, so the first and last shifts keep their true bounds (and
	// their UIDs) as the window moves. Its start is on a 30-day grid: a stretch that began
	// before it (one person for months) keeps its start, and UID, for weeks at least.
	calcFrom := from.Add(-shiftContextWindow).Truncate(feedGrid)
	all, err := finalShifts(db, ptrsOf(schs), calcFrom, to.Add(shiftContextWindow))
	if err != nil {
		return nil, err
	}
	for i, shifts := range all {
		for _, sh := range shifts {
			if (f.UserID != nil && sh.UserID != *f.UserID) || !sh.End.After(from) || !sh.Start.Before(to) {
				continue
			}
			users[sh.UserID] = nil
			out.Shifts = append(out.Shifts, FeedShift{ResolvedShift: sh, ScheduleName: schs[i].Name})
		}
	}
	if len(users) > 0 {
		ids := make([]string, 0, len(users))
		for id := range users {
			ids = append(ids, id)
		}
		m, err := loadByID(db, ids, func(u *User) string { return u.ID })
		if err != nil {
			return nil, err
		}
		for i := range out.Shifts {
			if u := m[out.Shifts[i].UserID]; u != nil {
				out.Shifts[i].UserName, out.Shifts[i].UserEmail = u.Name, u.Email
			}
		}
	}
	if err := db.Model(&CalendarFeed{}).Where("id = ?", f.ID).Update("last_used_at", now).Error; err != nil {
		return nil, err
	}
	return out, nil
}
