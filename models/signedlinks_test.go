package models_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/signedlink"
)

func TestSignedLinks(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustServices(t, db)
		mustNoErr(t, f.Store.SetLinkKey(bytes.Repeat([]byte{3}, 32)))

		tok, err := f.Store.IssueLink("incident.ack", "inc-1", "user-1", time.Hour)
		mustNoErr(t, err)
		c, err := f.Store.PeekLink(ctx, tok, "incident.ack")
		mustNoErr(t, err)
		wantEqual(t, "subject", c.Subject, "inc-1")
		// Peeking (the GET a mail scanner makes) does not use the link.
		_, err = f.Store.PeekLink(ctx, tok, "incident.ack")
		mustNoErr(t, err)

		// An action that fails leaves the link unused.
		boom := errors.New("boom")
		if err := f.Store.ConsumeLink(ctx, tok, "incident.ack", func(*models.Tx, signedlink.Claims) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("failing action: %v", err)
		}
		_, err = f.Store.PeekLink(ctx, tok, "incident.ack")
		mustNoErr(t, err)

		// Many concurrent uses: exactly one acts.
		var acted atomic.Int32
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = f.Store.ConsumeLink(ctx, tok, "incident.ack", func(_ *models.Tx, c signedlink.Claims) error {
					acted.Add(1)
					return nil
				})
			}(i)
		}
		wg.Wait()
		used := 0
		for _, err := range errs {
			switch {
			case err == nil:
			case models.CodeOf(err) == models.ECONFLICT:
				used++
			default:
				// SQLite serialises writers; a busy error is a refusal too, never a second use.
				used++
			}
		}
		wantEqual(t, "actions", acted.Load(), int32(1))
		wantEqual(t, "refused uses", used, len(errs)-1)
		if _, err := f.Store.PeekLink(ctx, tok, "incident.ack"); models.CodeOf(err) != models.ECONFLICT {
			t.Fatalf("peek after use: %v", err)
		}

		// Another purpose, a forged token, an expired link.
		if err := f.Store.ConsumeLink(ctx, tok, "incident.resolve", nil); models.CodeOf(err) != models.EINVALID {
			t.Fatalf("other purpose: %v", err)
		}
		if err := f.Store.ConsumeLink(ctx, tok+"x", "incident.ack", nil); models.CodeOf(err) != models.EINVALID {
			t.Fatalf("forged: %v", err)
		}
		short, err := f.Store.IssueLink("incident.ack", "inc-2", "", time.Minute)
		mustNoErr(t, err)
		f.Clock.Advance(2 * time.Minute)
		if err := f.Store.ConsumeLink(ctx, short, "incident.ack", nil); models.CodeOf(err) != models.EINVALID {
			t.Fatalf("expired: %v", err)
		}
		// Records of expired links are purged; the link stays refused (as expired).
		f.Clock.Advance(3 * time.Hour)
		n, err := f.Store.PurgeLinkUses(ctx)
		mustNoErr(t, err)
		if n < 1 {
			t.Fatalf("purged %d", n)
		}
		if err := f.Store.ConsumeLink(ctx, tok, "incident.ack", nil); models.CodeOf(err) != models.EINVALID {
			t.Fatalf("purged and expired: %v", err)
		}
	})
}
