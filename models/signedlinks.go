package models

import (
	"context"
	"errors"
	"time"

	"github.com/switchboard-hub/switchboard/models/signedlink"
)

// Signed single-use links (models/signedlink makes and checks them; the store records their
// use). One helper for every link that acts without a login: acknowledge or resolve from a mail,
// invitations, subscription confirmations, address verification.

// SetLinkKey sets the key of signed links (32+ bytes, derived for this purpose alone).
func (s *Store) SetLinkKey(key []byte) error {
	l, err := signedlink.New(key)
	if err != nil {
		return err
	}
	s.linker = l
	return nil
}

// Errors of signed links, as the application's typed errors.
var (
	errLinkInvalid = Errorf(EINVALID, "this link is not valid")
	errLinkExpired = Errorf(EINVALID, "this link has expired")
	errLinkUsed    = Errorf(ECONFLICT, "this link has already been used")
)

// IssueLink signs a link token for a purpose and subject, valid for ttl.
func (s *Store) IssueLink(purpose, subject, actor string, ttl time.Duration) (string, error) {
	tok, _, err := s.linker.Sign(purpose, subject, actor, ttl, s.now())
	return tok, err
}

// PeekLink checks a link without using it (the confirmation page a GET shows: mail scanners
// fetch links, so only a POST acts).
func (s *Store) PeekLink(ctx context.Context, token, purpose string) (signedlink.Claims, error) {
	c, err := s.linker.Verify(token, purpose, s.now())
	switch {
	case errors.Is(err, signedlink.ErrExpired):
		return c, errLinkExpired
	case err != nil:
		return c, errLinkInvalid
	}
	var n int64
	if err := s.db.WithContext(ctx).Table("link_uses").Where("link_id = ?", c.ID).Count(&n).Error; err != nil {
		return c, err
	}
	if n > 0 {
		return c, errLinkUsed
	}
	return c, nil
}

// consumeLink checks a link and records its use in tx, so the action it authorises and its use
// commit together; a second use (even concurrent) fails with ECONFLICT.
func (s *Store) consumeLink(tx *Tx, token, purpose string) (signedlink.Claims, error) {
	c, err := s.linker.Verify(token, purpose, s.now())
	switch {
	case errors.Is(err, signedlink.ErrExpired):
		return c, errLinkExpired
	case err != nil:
		return c, errLinkInvalid
	}
	res := tx.Exec("INSERT INTO link_uses (link_id, purpose, used_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (link_id) DO NOTHING",
		c.ID, c.Purpose, s.now(), c.ExpiresAt())
	if res.Error != nil {
		return c, res.Error
	}
	if res.RowsAffected == 0 {
		return c, errLinkUsed
	}
	return c, nil
}

// ConsumeLink uses a link in its own transaction, running act (the action it authorises) in
// the same transaction: if act fails, the link stays unused.
func (s *Store) ConsumeLink(ctx context.Context, token, purpose string, act func(tx *Tx, c signedlink.Claims) error) error {
	return s.db.Tx(ctx, func(tx *Tx) error {
		c, err := s.consumeLink(tx, token, purpose)
		if err != nil {
			return err
		}
		if act == nil {
			return nil
		}
		return act(tx, c)
	})
}

// PurgeLinkUses deletes records of links past their expiry (they are refused as expired).
func (s *Store) PurgeLinkUses(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM link_uses WHERE expires_at < ?", s.now().Add(-time.Hour))
	return res.RowsAffected, res.Error
}
