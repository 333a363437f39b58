package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
)

// Password used for every test user; long enough for the password rules.
const testPassword = "correct horse battery"

// testClock is a settable clock for Store.SetClock. It stands still unless advanced, so tests
// decide when time passes. Its start has a nanosecond part on purpose: PostgreSQL keeps
// microseconds, SQLite keeps nanoseconds, and cursors must survive both.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Now().UTC().Truncate(time.Second).Add(123456789 * time.Nanosecond)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// hintRecorder is a Publisher that records every hint and whether the audit entry it names
// was already visible to another connection (that is, committed) when it was published.
type hintRecorder struct {
	db *models.DB

	mu      sync.Mutex
	hints   []models.Hint
	visible []bool
}

func (r *hintRecorder) Publish(ctx context.Context, h models.Hint) {
	// A bounded wait: on SQLite (one connection) a publish from inside the transaction would
	// otherwise wait for the connection forever instead of failing the test.
	qctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var n int64
	err := r.db.WithContext(qctx).Raw("SELECT count(*) FROM audit_entries WHERE id = ? AND account_id = ?", h.ID, h.AccountID).Scan(&n).Error
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hints = append(r.hints, h)
	r.visible = append(r.visible, err == nil && n == 1)
}

// Hints returns the recorded hints and, for each, whether its entry was committed.
func (r *hintRecorder) Hints() ([]models.Hint, []bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]models.Hint(nil), r.hints...), append([]bool(nil), r.visible...)
}

// Reset forgets the recorded hints.
func (r *hintRecorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hints, r.visible = nil, nil
}

// fixture bundles the services of one test database.
type fixture struct {
	DB    *models.DB
	Store *models.Store
	Auth  *models.Auth
	Pub   *hintRecorder
	Clock *testClock
	Key   []byte

	// Set by MustInstalled: the first-run administrator and their account.
	Admin      *models.User
	AdminActor *models.Actor
	Account    *models.Account
}

var testJWTKey = []byte("0123456789abcdef0123456789abcdef-test-key")

// MustServices returns the services on db, before first-run setup.
func MustServices(tb testing.TB, db *models.DB) *fixture {
	tb.Helper()
	pub := &hintRecorder{db: db}
	clock := newTestClock()
	store := models.NewStore(db, pub)
	store.SetClock(clock.Now)
	auth, err := models.NewAuth(store, testJWTKey)
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{DB: db, Store: store, Auth: auth, Pub: pub, Clock: clock, Key: testJWTKey}
}

// MustInstalled returns the services on db after first-run setup; recorded hints are reset.
func MustInstalled(tb testing.TB, db *models.DB) *fixture {
	tb.Helper()
	f := MustServices(tb, db)
	u, err := f.Auth.Setup(context.Background(), models.SetupInput{
		Email: "admin@example.com", Name: "Ada Admin", Password: testPassword, AccountName: "Acme",
	})
	if err != nil {
		tb.Fatalf("setup: %v", err)
	}
	f.Admin, f.AdminActor = u, actorOf(u)
	accs, err := f.Store.ListAccounts(context.Background(), f.AdminActor)
	if err != nil || len(accs) != 1 {
		tb.Fatalf("accounts after setup: %v %v", accs, err)
	}
	f.Account = &accs[0].Account
	f.Pub.Reset()
	return f
}

// actorOf is the actor of a user signed in with a session.
func actorOf(u *models.User) *models.Actor {
	return &models.Actor{UserID: u.ID, UserName: u.Name, IsSystemAdmin: u.IsSystemAdmin}
}

// MustAccount creates an account as the system administrator (who becomes its owner).
func (f *fixture) MustAccount(tb testing.TB, name string) *models.Account {
	tb.Helper()
	acc, err := f.Store.CreateAccount(context.Background(), f.AdminActor, name)
	if err != nil {
		tb.Fatalf("create account %q: %v", name, err)
	}
	return acc
}

// MustMember adds the user with email (created when new) to the account with role, as the
// system administrator, and returns the user's session actor and the membership.
func (f *fixture) MustMember(tb testing.TB, accountID, email string, role models.Role) (*models.Actor, *models.Membership) {
	tb.Helper()
	ctx := context.Background()
	name, pw := email, testPassword
	m, err := f.Store.AddMember(ctx, f.AdminActor, models.AddMemberInput{AccountID: accountID, Email: email, Role: role, Name: &name, Password: &pw})
	if err != nil {
		tb.Fatalf("add member %s: %v", email, err)
	}
	var u models.User
	if err := f.DB.Where("id = ?", m.UserID).Take(&u).Error; err != nil {
		tb.Fatal(err)
	}
	return actorOf(&u), m
}

// MustEnvironment creates an environment as actor a.
func (f *fixture) MustEnvironment(tb testing.TB, a *models.Actor, accountID, name string) *models.Environment {
	tb.Helper()
	env, err := f.Store.CreateEnvironment(context.Background(), a, accountID, models.EnvironmentInput{Name: &name})
	if err != nil {
		tb.Fatalf("create environment %q: %v", name, err)
	}
	return env
}

// MustAPIToken creates an API token as actor a and returns it with its secret.
func (f *fixture) MustAPIToken(tb testing.TB, a *models.Actor, in models.CreateAPITokenInput) (*models.APIToken, string) {
	tb.Helper()
	t, secret, err := f.Store.CreateAPIToken(context.Background(), a, in)
	if err != nil {
		tb.Fatalf("create API token %q: %v", in.Name, err)
	}
	return t, secret
}

// MustCount counts rows of table matching where.
func (f *fixture) MustCount(tb testing.TB, table, where string, args ...any) int64 {
	tb.Helper()
	var n int64
	q := "SELECT count(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	if err := f.DB.Raw(q, args...).Scan(&n).Error; err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

// MustAudit returns the account's audit entries with action, oldest first.
func (f *fixture) MustAudit(tb testing.TB, accountID, action string) []models.AuditEntry {
	tb.Helper()
	var es []models.AuditEntry
	if err := f.DB.Where("account_id = ? AND action = ?", accountID, action).Order("created_at, id").Find(&es).Error; err != nil {
		tb.Fatal(err)
	}
	return es
}

// wantCode fails the test unless err is an application error with code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := models.CodeOf(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// wantField fails the test unless err is an application error with code about field.
func wantField(tb testing.TB, err error, code, field string) {
	tb.Helper()
	wantCode(tb, err, code)
	var e *models.Error
	if !errors.As(err, &e) || e.Field != field {
		tb.Fatalf("error %v: field = %q, want %q", err, fieldOf(err), field)
	}
}

func fieldOf(err error) string {
	var e *models.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

func mustNoErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }
