package models

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// BcryptCost is the bcrypt work factor. Tests lower it.
var BcryptCost = bcrypt.DefaultCost

// Token lifetimes.
const (
	AccessTokenTTL  = 15 * time.Minute
	RefreshTokenTTL = 30 * 24 * time.Hour
)

// APITokenPrefix starts every API token secret, so scanners and people can recognise them.
const APITokenPrefix = "sbt_"

// PasswordComparer compares a password with a bcrypt hash (bcrypt.CompareHashAndPassword).
// Tests wrap the real one to see which comparisons a sign-in made.
type PasswordComparer func(hash, password []byte) error

// dummyHashes holds, per bcrypt cost, a hash that a login naming an unknown user is compared
// against, so that unknown users, wrong passwords and over-long passwords all do the same
// bcrypt work and take the same time. NewAuth builds it (a sign-in never does: the first
// unknown email would otherwise pay for generating it, twice the work of any other answer).
var (
	dummyHashes      sync.Map // int (cost) -> []byte
	dummyGenerations atomic.Int64
)

func dummyHash(cost int) []byte {
	if h, ok := dummyHashes.Load(cost); ok {
		return h.([]byte)
	}
	h, err := bcrypt.GenerateFromPassword([]byte("switchboard-timing-equaliser"), cost)
	if err != nil {
		panic(fmt.Sprintf("bcrypt: %v", err))
	}
	dummyGenerations.Add(1)
	actual, _ := dummyHashes.LoadOrStore(cost, h)
	return actual.([]byte)
}

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func randomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Auth issues and checks credentials: passwords, JWT access tokens, rotating refresh tokens
// and API tokens.
type Auth struct {
	store   *Store
	jwtKey  []byte
	issuer  string
	compare PasswordComparer
	ttl     time.Duration
	// dummy is compared against for an unknown email: a hash of the configured cost.
	dummy []byte
	// wg counts failed sign-ins being recorded in the background.
	wg sync.WaitGroup
}

// NewAuth returns an Auth that signs access tokens with key (at least 32 bytes).
func NewAuth(store *Store, jwtKey []byte) (*Auth, error) {
	if len(jwtKey) < 32 {
		return nil, errors.New("JWT signing key must be at least 32 bytes")
	}
	return &Auth{store: store, jwtKey: jwtKey, issuer: "switchboard", compare: bcrypt.CompareHashAndPassword, ttl: AccessTokenTTL,
		dummy: dummyHash(BcryptCost)}, nil
}

// SetPasswordComparer replaces the bcrypt comparison (tests wrap the real one to count it).
func (au *Auth) SetPasswordComparer(f PasswordComparer) { au.compare = f }

// SetAccessTokenTTL sets the lifetime of the access tokens issued from now on (tests shorten it).
func (au *Auth) SetAccessTokenTTL(d time.Duration) { au.ttl = d }

// checkHash compares password with hash, always doing the bcrypt work, also for a password
// longer than bcrypt reads (refused, but only after the same work as any other wrong password,
// so the answer's timing does not tell a known email from an unknown one).
func (au *Auth) checkHash(hash []byte, password string) bool {
	ok := au.compare(hash, []byte(password)) == nil
	return ok && len(password) <= MaxPasswordLen
}

// SetupRequired reports whether first-run setup is still open (no user exists).
func (au *Auth) SetupRequired(ctx context.Context) (bool, error) {
	var n int64
	if err := au.store.db.WithContext(ctx).Model(&User{}).Count(&n).Error; err != nil {
		return false, err
	}
	return n == 0, nil
}

// SetupInput is the first administrator and their account.
type SetupInput struct {
	Email, Name, Password, AccountName string
}

// Setup creates the first user (a system administrator), an account they own and a
// "production" environment. It succeeds once: ECONFLICT afterwards, even for racing requests.
func (au *Auth) Setup(ctx context.Context, in SetupInput) (*User, error) {
	email, err := cleanEmail(in.Email)
	if err != nil {
		return nil, err
	}
	name, err := cleanName("name", in.Name, 100)
	if err != nil {
		return nil, err
	}
	accountName, err := cleanName("accountName", in.AccountName, 100)
	if err != nil {
		return nil, err
	}
	if err := checkPassword("password", in.Password); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), BcryptCost)
	if err != nil {
		return nil, err
	}
	s := au.store
	now := s.now()
	u := &User{ID: newID(), Email: email, Name: name, PasswordHash: string(hash), IsSystemAdmin: true, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		var users int64
		if err := tx.Model(&User{}).Count(&users).Error; err != nil {
			return err
		}
		if users > 0 {
			return Errorf(ECONFLICT, "Switchboard is already set up; sign in instead")
		}
		if err := tx.Exec("INSERT INTO installation (id, setup_at) VALUES (1, ?)", now).Error; err != nil {
			if isUniqueViolation(err) {
				return Errorf(ECONFLICT, "Switchboard is already set up; sign in instead")
			}
			return err
		}
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		if err := insertPrimaryContact(tx.DB, u); err != nil {
			return err
		}
		acc := &Account{ID: newID(), Name: accountName, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(acc).Error; err != nil {
			return err
		}
		if err := tx.Create(&Membership{ID: newID(), AccountID: acc.ID, UserID: u.ID, Role: RoleOwner, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
			return err
		}
		env := &Environment{ID: newID(), AccountID: acc.ID, Name: "production", ApprovalExpiryMinutes: DefaultApprovalExpiryMinutes, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(env).Error; err != nil {
			return err
		}
		actor := &Actor{UserID: u.ID, UserName: u.Name}
		return s.audit(tx, actor, acc.ID, "account.created", "account", acc.ID, fmt.Sprintf("%s set up Switchboard with account %q", u.Name, acc.Name))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// CreateUser creates a user from the shell (`switchboard admin create-user`). The first user
// created this way also completes first-run setup, exactly like the console.
func (au *Auth) CreateUser(ctx context.Context, email, name, password string, systemAdmin bool) (*User, error) {
	required, err := au.SetupRequired(ctx)
	if err != nil {
		return nil, err
	}
	if required {
		return au.Setup(ctx, SetupInput{Email: email, Name: name, Password: password, AccountName: "Default"})
	}
	return au.store.createUser(ctx, au.store.db.DB, email, name, password, systemAdmin)
}

func (s *Store) createUser(ctx context.Context, db *gorm.DB, email, name, password string, systemAdmin bool) (*User, error) {
	email, err := cleanEmail(email)
	if err != nil {
		return nil, err
	}
	name, err = cleanName("name", name, 100)
	if err != nil {
		return nil, err
	}
	if err := checkPassword("password", password); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return nil, err
	}
	now := s.now()
	u := &User{ID: newID(), Email: email, Name: name, PasswordHash: string(hash), IsSystemAdmin: systemAdmin, CreatedAt: now, UpdatedAt: now}
	// The user and their primary contact method (the account email) are written together.
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		return insertPrimaryContact(tx, u)
	})
	if err != nil {
		if isUniqueViolation(err) {
			return nil, FieldError(ECONFLICT, "email", "a user with this email already exists")
		}
		return nil, err
	}
	return u, nil
}

// ResetPassword sets a user's password from the shell and signs out all their sessions.
func (au *Auth) ResetPassword(ctx context.Context, email, password string) error {
	if err := checkPassword("password", password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return err
	}
	return au.store.db.Tx(ctx, func(tx *Tx) error {
		var u User
		if err := tx.Where("lower(email) = lower(?)", strings.TrimSpace(email)).Take(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return notFound("user")
			}
			return err
		}
		if err := tx.Model(&u).Updates(map[string]any{"password_hash": string(hash), "updated_at": au.store.now()}).Error; err != nil {
			return err
		}
		return au.store.revokeUserSessions(tx, u.ID)
	})
}

// Login checks an email and password. Unknown users and wrong passwords give the same error
// and take the same time.
func (au *Auth) Login(ctx context.Context, email, password string) (*User, error) {
	return au.LoginFrom(ctx, email, password, "")
}

// LoginFrom is Login from a client address: a known person's sign-in, and a wrong password
// given for them, are recorded in the activity of every account they belong to
// (user.signed_in, user.sign_in_failed), naming the address. Unknown addresses record nothing.
//
// A wrong password is recorded after the answer, in the background: recording it in line
// would make a wrong password for a real address slower than one for an unknown address, and
// so tell them apart. A failed record is logged; it never changes the answer (the caller's
// rate limit counts the attempt either way).
func (au *Auth) LoginFrom(ctx context.Context, email, password, remote string) (*User, error) {
	u, err := au.login(ctx, email, password)
	if err != nil {
		if u != nil && CodeOf(err) == EUNAUTHORIZED {
			bg := context.WithoutCancel(ctx)
			au.wg.Add(1)
			go func() {
				defer au.wg.Done()
				rctx, cancel := context.WithTimeout(bg, 10*time.Second)
				defer cancel()
				if rerr := au.recordSignIn(rctx, u, remote, false); rerr != nil {
					slog.Default().WarnContext(rctx, "could not record a failed sign-in", "user_id", u.ID, "err", rerr)
				}
			}()
		}
		return nil, err
	}
	if rerr := au.recordSignIn(ctx, u, remote, true); rerr != nil {
		slog.Default().WarnContext(ctx, "could not record a sign-in", "user_id", u.ID, "err", rerr)
	}
	return u, nil
}

// WaitRecorded waits for the failed sign-ins being recorded in the background (tests, shutdown).
func (au *Auth) WaitRecorded() { au.wg.Wait() }

// recordSignIn writes the sign-in (or the failed attempt) into each of u's accounts.
func (au *Auth) recordSignIn(ctx context.Context, u *User, remote string, ok bool) error {
	s := au.store
	var accounts []string
	if err := s.db.WithContext(ctx).Model(&Membership{}).Where("user_id = ?", u.ID).Pluck("account_id", &accounts).Error; err != nil {
		return err
	}
	if len(accounts) == 0 {
		return nil
	}
	from := ""
	if remote != "" {
		from = " from " + remote
	}
	a := &Actor{UserID: u.ID, UserName: u.Name}
	action, summary := "user.signed_in", fmt.Sprintf("%s signed in%s", userLabel(u), from)
	if !ok {
		// Whoever typed it is not known to be the person: the entry is about them (its target),
		// not by them.
		a = &Actor{UserName: "unknown" + from}
		action, summary = "user.sign_in_failed", fmt.Sprintf("A wrong password was given for %s%s", userLabel(u), from)
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		for _, acc := range accounts {
			if err := s.audit(tx, a, acc, action, "user", u.ID, summary); err != nil {
				return err
			}
		}
		return nil
	})
}

// login checks the password; for a wrong one it returns the user with the error.
func (au *Auth) login(ctx context.Context, email, password string) (*User, error) {
	bad := Errorf(EUNAUTHORIZED, "invalid email or password")
	var u User
	err := au.store.db.WithContext(ctx).Where("lower(email) = lower(?)", strings.TrimSpace(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		au.checkHash(au.dummy, password)
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if !au.checkHash([]byte(u.PasswordHash), password) {
		return &u, bad
	}
	return &u, nil
}

// Session is what a sign-in or a refresh returns.
type Session struct {
	User         *User
	AccessToken  string
	ExpiresAt    time.Time
	RefreshToken string
}

// StartSession issues an access token and the first refresh token of a new family.
func (au *Auth) StartSession(ctx context.Context, u *User) (*Session, error) {
	family := newID()
	refresh, err := au.store.newRefreshToken(ctx, au.store.db.DB, u.ID, family)
	if err != nil {
		return nil, err
	}
	access, exp, err := au.issueAccessToken(u.ID, family)
	if err != nil {
		return nil, err
	}
	return &Session{User: u, AccessToken: access, ExpiresAt: exp, RefreshToken: refresh}, nil
}

func (s *Store) newRefreshToken(ctx context.Context, db *gorm.DB, userID, family string) (string, error) {
	secret := randomSecret(32)
	now := s.now()
	rt := &RefreshToken{ID: newID(), UserID: userID, FamilyID: family, TokenHash: hashToken(secret), CreatedAt: now, ExpiresAt: now.Add(RefreshTokenTTL)}
	if err := db.WithContext(ctx).Create(rt).Error; err != nil {
		return "", err
	}
	return secret, nil
}

// Refresh exchanges a refresh token for a new session. The presented token is used up; if a
// used token is presented again the whole family is revoked, because one of the two
// presenters holds a stolen copy.
func (au *Auth) Refresh(ctx context.Context, refreshToken string) (*Session, error) {
	bad := Errorf(EUNAUTHORIZED, "session expired; sign in again")
	if refreshToken == "" {
		return nil, bad
	}
	s := au.store
	var (
		user   User
		secret string
		family string
		reused bool
	)
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var rt RefreshToken
		if err := tx.Where("token_hash = ?", hashToken(refreshToken)).Take(&rt).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return bad
			}
			return err
		}
		now := s.now()
		if rt.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
			return bad
		}
		if rt.UsedAt != nil {
			reused = true
			return nil
		}
		// Conditional update: of two concurrent refreshes with the same token, one wins.
		res := tx.Model(&RefreshToken{}).Where("id = ? AND used_at IS NULL", rt.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			reused = true
			return nil
		}
		if err := tx.Where("id = ?", rt.UserID).Take(&user).Error; err != nil {
			return err
		}
		var err error
		family = rt.FamilyID
		secret, err = s.newRefreshToken(ctx, tx.DB, rt.UserID, rt.FamilyID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if reused {
		if err := s.db.WithContext(ctx).Model(&RefreshToken{}).
			Where("family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ?) AND revoked_at IS NULL", hashToken(refreshToken)).
			Update("revoked_at", s.now()).Error; err != nil {
			return nil, err
		}
		return nil, bad
	}
	access, exp, err := au.issueAccessToken(user.ID, family)
	if err != nil {
		return nil, err
	}
	return &Session{User: &user, AccessToken: access, ExpiresAt: exp, RefreshToken: secret}, nil
}

// Logout revokes the refresh token's whole family. Unknown tokens are ignored.
func (au *Auth) Logout(ctx context.Context, refreshToken string) error {
	if refreshToken == "" {
		return nil
	}
	s := au.store
	return s.db.WithContext(ctx).Model(&RefreshToken{}).
		Where("family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ?) AND revoked_at IS NULL", hashToken(refreshToken)).
		Update("revoked_at", s.now()).Error
}

func (s *Store) revokeUserSessions(tx *Tx, userID string) error {
	return tx.Model(&RefreshToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", s.now()).Error
}

type accessClaims struct {
	jwt.RegisteredClaims
	Typ string `json:"typ"`
	// Sid is the session (refresh-token family) the token was issued for.
	Sid string `json:"sid,omitempty"`
}

// IssueAccessToken signs a short-lived HS256 access token for the user, outside any session.
func (au *Auth) IssueAccessToken(userID string) (string, time.Time, error) {
	return au.issueAccessToken(userID, "")
}

// issueAccessToken signs an access token of the session (refresh-token family) sid.
func (au *Auth) issueAccessToken(userID, sid string) (string, time.Time, error) {
	now := au.store.now()
	exp := now.Add(au.ttl)
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: au.issuer, Subject: userID, Audience: jwt.ClaimStrings{"switchboard-api"},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(exp), ID: newID(),
		},
		Typ: "access",
		Sid: sid,
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(au.jwtKey)
	return tok, exp, err
}

// ActorForAccessToken verifies a JWT access token and returns its actor. Only HS256 tokens
// signed with our key, for our audience, unexpired, are accepted ("alg": "none" and algorithm
// confusion are refused by the parser's method allow-list).
func (au *Auth) ActorForAccessToken(ctx context.Context, token string) (*Actor, error) {
	var claims accessClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return au.jwtKey, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(au.issuer), jwt.WithAudience("switchboard-api"),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(au.store.now), jwt.WithLeeway(5*time.Second))
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, Errorf(EUNAUTHORIZED, "access token expired")
		}
		return nil, Errorf(EUNAUTHORIZED, "invalid access token")
	}
	if claims.Typ != "access" || !validID(claims.Subject) {
		return nil, Errorf(EUNAUTHORIZED, "invalid access token")
	}
	var u User
	if err := au.store.db.WithContext(ctx).Where("id = ?", claims.Subject).Take(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, Errorf(EUNAUTHORIZED, "invalid access token")
		}
		return nil, err
	}
	return &Actor{UserID: u.ID, UserName: u.Name, IsSystemAdmin: u.IsSystemAdmin,
		SessionID: claims.Sid, SessionExpiresAt: claims.ExpiresAt.Time}, nil
}

// SessionActive reports whether a session actor's session still stands: the user exists and,
// for a token issued for a session, that session (refresh-token family) has a token that is
// neither revoked nor expired. Logout revokes the family, a password change or reset revokes
// every family of the user, removing the user deletes them. Open websockets re-check this.
func (au *Auth) SessionActive(ctx context.Context, a *Actor) (bool, error) {
	if a == nil || a.UserID == "" {
		return false, nil
	}
	db := au.store.db.WithContext(ctx)
	var users int64
	if err := db.Model(&User{}).Where("id = ?", a.UserID).Count(&users).Error; err != nil {
		return false, err
	}
	if users == 0 {
		return false, nil
	}
	if a.SessionID == "" {
		return true, nil
	}
	var live int64
	if err := db.Model(&RefreshToken{}).
		Where("family_id = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ?", a.SessionID, a.UserID, au.store.now()).
		Count(&live).Error; err != nil {
		return false, err
	}
	return live > 0, nil
}

// ActorForAPIToken looks up an API token secret and returns its actor.
func (au *Auth) ActorForAPIToken(ctx context.Context, secret string) (*Actor, error) {
	bad := Errorf(EUNAUTHORIZED, "invalid API token")
	if !strings.HasPrefix(secret, APITokenPrefix) || len(secret) > 100 {
		return nil, bad
	}
	s := au.store
	// The token and its creator's name in one statement (every API call by token pays it).
	var found []struct {
		APIToken
		CreatorName *string
	}
	if err := s.db.WithContext(ctx).Table("api_tokens").Select("api_tokens.*, users.name AS creator_name").
		Joins("LEFT JOIN users ON users.id = api_tokens.created_by").
		Where("api_tokens.token_hash = ?", hashToken(secret)).Limit(1).Scan(&found).Error; err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, bad
	}
	t := found[0].APIToken
	// The hash lookup already matched; the constant-time compare guards against a future
	// lookup by prefix.
	if !hmac.Equal([]byte(t.TokenHash), []byte(hashToken(secret))) {
		return nil, bad
	}
	now := s.now()
	switch t.Status(now) {
	case APITokenRevoked:
		return nil, Errorf(EUNAUTHORIZED, "API token revoked")
	case APITokenExpired:
		return nil, Errorf(EUNAUTHORIZED, "API token expired")
	}
	if t.CreatedBy == nil || found[0].CreatorName == nil {
		return nil, Errorf(EUNAUTHORIZED, "API token's creator no longer exists")
	}
	// Recording every use would turn each API read into a write; a minute's precision is enough.
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		_ = s.db.WithContext(ctx).Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now).Error
	}
	return &Actor{UserID: *t.CreatedBy, UserName: *found[0].CreatorName, TokenID: t.ID, TokenName: t.Name, TokenAccountID: t.AccountID, TokenRole: t.Role}, nil
}

// ChangePassword changes the actor's password and revokes every refresh token of the user.
func (au *Auth) ChangePassword(ctx context.Context, a *Actor, current, next string) error {
	if a == nil || a.UserID == "" {
		return Errorf(EUNAUTHORIZED, "authentication required")
	}
	if a.TokenID != "" {
		return Errorf(EFORBIDDEN, "API tokens cannot change passwords")
	}
	var u User
	if err := au.store.db.WithContext(ctx).Where("id = ?", a.UserID).Take(&u).Error; err != nil {
		return err
	}
	if !au.checkHash([]byte(u.PasswordHash), current) {
		return FieldError(EINVALID, "currentPassword", "current password is wrong")
	}
	if err := checkPassword("newPassword", next); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), BcryptCost)
	if err != nil {
		return err
	}
	return au.store.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"password_hash": string(hash), "updated_at": au.store.now()}).Error; err != nil {
			return err
		}
		return au.store.revokeUserSessions(tx, u.ID)
	})
}
