package models

import (
	"context"
	"fmt"
	"strings"
)

// farmTransition is one lifecycle step: from which statuses, the event recorded before the
// change (if any), the new status and the event recorded after.
type farmTransition struct {
	verb   string
	from   []FarmStatus
	before string
	to     FarmStatus
	after  string
}

var (
	transitionLaunch    = farmTransition{"launch", []FarmStatus{FarmTerminated}, "BeforeFarmLaunch", FarmRunning, "FarmLaunched"}
	transitionTerminate = farmTransition{"terminate", []FarmStatus{FarmRunning, FarmSuspended}, "BeforeFarmTerminate", FarmTerminated, "FarmTerminated"}
	transitionSuspend   = farmTransition{"suspend", []FarmStatus{FarmRunning}, "", FarmSuspended, "FarmSuspended"}
	transitionResume    = farmTransition{"resume", []FarmStatus{FarmSuspended}, "", FarmRunning, "FarmResumed"}
)

// LaunchFarm launches a terminated farm: BeforeFarmLaunch, then running and FarmLaunched.
// Members and up.
func (s *Store) LaunchFarm(ctx context.Context, a *Actor, id string) (*Farm, error) {
	return s.moveFarm(ctx, a, id, transitionLaunch)
}

// TerminateFarm terminates a running or suspended farm. Members and up.
func (s *Store) TerminateFarm(ctx context.Context, a *Actor, id string) (*Farm, error) {
	return s.moveFarm(ctx, a, id, transitionTerminate)
}

// SuspendFarm suspends a running farm. Members and up.
func (s *Store) SuspendFarm(ctx context.Context, a *Actor, id string) (*Farm, error) {
	return s.moveFarm(ctx, a, id, transitionSuspend)
}

// ResumeFarm resumes a suspended farm. Members and up.
func (s *Store) ResumeFarm(ctx context.Context, a *Actor, id string) (*Farm, error) {
	return s.moveFarm(ctx, a, id, transitionResume)
}

func (s *Store) moveFarm(ctx context.Context, a *Actor, id string, t farmTransition) (*Farm, error) {
	var f Farm
	if err := s.getScoped(ctx, a, &f, id, "farm", RoleMember); err != nil {
		return nil, err
	}
	var env Environment
	if err := s.db.WithContext(ctx).Where("id = ?", f.EnvironmentID).Take(&env).Error; err != nil {
		return nil, err
	}
	needed, err := approvalNeeded(&env, &f, t)
	if err != nil {
		return nil, err
	}
	if needed {
		var refs []DeliveryRef
		err := s.db.Tx(ctx, func(tx *Tx) error {
			if err := s.markLaunchedBy(tx, a, &f, t); err != nil {
				return err
			}
			req, r, err := s.requestApproval(tx, a, &f, &env, t)
			if err != nil {
				return err
			}
			refs = r
			return s.audit(tx, a, f.AccountID, "farm."+t.verb+"_requested", "farm", f.ID,
				fmt.Sprintf("%s asked to %s farm %q; waiting for approval (request %s)", a.Label(), t.verb, f.Name, req.ID))
		})
		if err != nil {
			return nil, err
		}
		s.enqueueAfter(ctx, refs)
		return &f, nil
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := s.markLaunchedBy(tx, a, &f, t); err != nil {
			return err
		}
		if t.before != "" {
			if _, err := s.recordEvent(tx, eventSpec{name: t.before, farm: &f, source: a.Label()}); err != nil {
				return err
			}
		}
		if err := s.setFarmStatus(tx, &f, t); err != nil {
			return err
		}
		if _, err := s.recordEvent(tx, eventSpec{name: t.after, farm: &f, source: a.Label()}); err != nil {
			return err
		}
		return s.audit(tx, a, f.AccountID, "farm."+t.verb, "farm", f.ID, fmt.Sprintf("%s %s farm %q", a.Label(), pastTense(t.verb), f.Name))
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// markLaunchedBy records who launches the farm (SCALR_LAUNCHED_BY_EMAIL) when t is a launch:
// the email of the signed-in user or of the API token's owner, empty for the system. It is set
// when the launch is asked for, so BeforeFarmLaunch (and the approval request) carry it too.
func (s *Store) markLaunchedBy(tx *Tx, a *Actor, f *Farm, t farmTransition) error {
	if t.verb != transitionLaunch.verb {
		return nil
	}
	email := ""
	if a != nil && a.UserID != "" {
		var emails []string
		if err := tx.Model(&User{}).Where("id = ?", a.UserID).Pluck("email", &emails).Error; err != nil {
			return err
		}
		if len(emails) > 0 {
			email = emails[0]
		}
	}
	if err := tx.Model(&Farm{}).Where("id = ?", f.ID).UpdateColumn("launched_by_email", email).Error; err != nil {
		return err
	}
	f.LaunchedByEmail = email
	return nil
}

// setFarmStatus moves the farm if it is still in one of the from statuses (a concurrent change
// wins; this one gets ECONFLICT).
func (s *Store) setFarmStatus(tx *Tx, f *Farm, t farmTransition) error {
	changes := map[string]any{"status": t.to, "updated_at": s.now()}
	if t.to == FarmRunning {
		changes["launched_once"] = true
	}
	res := tx.Model(&Farm{}).Where("id = ? AND status IN ?", f.ID, t.from).Updates(changes)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return Errorf(ECONFLICT, "farm %q is %s and cannot %s now", f.Name, strings.ReplaceAll(string(f.Status), "_", " "), t.verb)
	}
	f.Status = t.to
	if t.to == FarmRunning {
		f.LaunchedOnce = true
	}
	s.hint(tx, HintFarm, f.ID, f.AccountID)
	return nil
}

func pastTense(verb string) string {
	switch verb {
	case "launch":
		return "launched"
	case "terminate":
		return "terminated"
	case "suspend":
		return "suspended"
	case "resume":
		return "resumed"
	}
	return verb + "ed"
}
