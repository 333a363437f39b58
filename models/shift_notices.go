package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/switchboard-hub/switchboard/models/schedule"
)

// Shift notices (issue 10 "Email"): a person is told by mail when their on-call shift starts,
// and when an override hands a shift to them. A periodic task looks a minute ahead; each notice
// is a notification (reason shift_start or handoff) keyed by schedule, person, kind and shift
// start, so running the task again never notifies twice.

// ShiftNoticeLookahead is how far ahead shift starts are noticed (the notice goes out at the
// start).
const ShiftNoticeLookahead = time.Minute

// NoticeShifts writes the notices of shifts starting within the lookahead (or in the last five
// minutes, for a task that ran late) and returns how many it wrote.
func (s *Store) NoticeShifts(ctx context.Context) (int, error) {
	now := s.now()
	var schs []Schedule
	if err := s.db.WithContext(ctx).Order("id").Find(&schs).Error; err != nil {
		return 0, err
	}
	from, to := now.Add(-time.Hour), now.Add(ShiftNoticeLookahead+time.Minute)
	n := 0
	for i := range schs {
		sch := &schs[i]
		sc, err := loadSchedule(s.db.DB.WithContext(ctx), sch, from, to)
		if err != nil {
			continue // a schedule that does not load pages nobody either; its editor says why
		}
		shifts, err := sc.Final(from, to)
		if err != nil {
			continue
		}
		for _, sh := range shifts {
			if !sh.Start.After(from) || sh.Start.Before(now.Add(-5*time.Minute)) || sh.Start.After(now.Add(ShiftNoticeLookahead)) {
				continue // clipped at the window (already running), long started, or not yet near
			}
			reason := NotifyShiftStart
			if sh.Origin == schedule.OriginOverride {
				reason = NotifyHandoff
			}
			made, err := s.noticeShift(ctx, sch, sh, reason)
			if err != nil {
				return n, err
			}
			if made {
				n++
			}
		}
	}
	return n, nil
}

func (s *Store) noticeShift(ctx context.Context, sch *Schedule, sh schedule.Shift, reason string) (bool, error) {
	made := false
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var u User
		if err := tx.Where("id = ? AND id IN (SELECT user_id FROM memberships WHERE account_id = ?)", sh.UserID, sch.AccountID).Take(&u).Error; err != nil {
			return nil // no longer a member: nobody to tell
		}
		if _, err := contactPlans(tx.DB, []string{u.ID}); err != nil { // makes the primary method if missing
			return err
		}
		now := s.now()
		start := sh.Start.UTC()
		mid, sid := u.ID, sch.ID
		n := &Notification{ID: newID(), AccountID: sch.AccountID, UserID: u.ID, ContactMethodID: &mid, Reason: reason, Channel: ContactEmail,
			Recipient: u.Email, Status: NotificationPending, NotBefore: start, NextAttemptAt: &start, MaxAttempts: NotificationMaxAttempts,
			ScheduleID: &sid, CreatedAt: now, UpdatedAt: now}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(n)
		if res.Error != nil {
			return res.Error
		}
		made = res.RowsAffected == 1
		return nil
	})
	return made, err
}

// noticeMail is the subject and text of a shift notice.
func noticeMail(o *OutgoingNotification) (subject, text string) {
	at := o.NotBefore.UTC().Format("Mon 2 Jan 15:04 UTC")
	if o.Reason == NotifyHandoff {
		subject = fmt.Sprintf("A shift on %s was handed to you", o.ScheduleName)
		text = fmt.Sprintf("An override puts you on call on the schedule %s from %s.\n", o.ScheduleName, at)
	} else {
		subject = fmt.Sprintf("Your on-call shift on %s starts", o.ScheduleName)
		text = fmt.Sprintf("Your on-call shift on the schedule %s starts at %s.\n", o.ScheduleName, at)
	}
	if c := o.ConsoleURL; c != "" {
		text += "\nSwitchboard: " + c + "\n"
	}
	return subject, text
}
