package models_test

import (
	"testing"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestPGArray: a list passed as one array parameter reaches PostgreSQL element for element,
// whatever the elements hold (quotes, backslashes, commas, braces, spaces, the word NULL, empty).
func TestPGArray(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	for _, in := range [][]string{
		{},
		{"critical", "high"},
		{`a"b`, `c\d`, `e,f`, `{g}`, ` h `, "NULL", "", `\"`, "ünï"},
	} {
		var out []string
		mustNoErr(t, db.Raw("SELECT x FROM unnest(?::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n", models.PGArray(in)).Scan(&out).Error)
		if len(in) == 0 && len(out) == 0 {
			continue
		}
		wantEqual(t, "elements", out, in)
	}
}
