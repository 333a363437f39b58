package scalr

import (
	"maps"
	"testing"
)

func TestInterpolate(t *testing.T) {
	vars := map[string]string{
		"A":          "1",
		"HOST_NAME":  "web-1",
		"lower_9":    "x",
		"BRACES":     "{A}",
		"EMPTY":      "",
		"UNI":        "☃",
		"SCALR_FARM": "prod",
	}
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"no placeholders", "no placeholders"},
		{"{A}", "1"},
		{"{A}{A}", "11"},
		{"x{HOST_NAME}y", "xweb-1y"},
		{"{lower_9}", "x"},
		{"{a}", ""},           // case-sensitive: unknown, removed
		{"[{UNKNOWN}]", "[]"}, // unknown removed
		{"{EMPTY}|", "|"},
		{"{UNI} {SCALR_FARM}", "☃ prod"},
		{"{BRACES}", "{A}"}, // values are not expanded again
		{"{{A}}", "{1}"},    // outer braces are not part of the placeholder
		{"{", "{"},          // unbalanced
		{"}", "}"},          // unbalanced
		{"{A", "{A"},        // unterminated
		{"A}", "A}"},        // no opening
		{"{A{A}", "{A1"},    // the first brace opens nothing
		{"{}", "{}"},        // empty name
		{"{ A }", "{ A }"},  // spaces are not name characters
		{"{A-B}", "{A-B}"},  // dash is not a name character
		{"{A.B}", "{A.B}"},  // nor dot
		{"{é}", "{é}"},      // nor non-ASCII letters
		{"{$A}", "{$A}"},    // nor $
		{"${A}", "$1"},      // but the placeholder after it is
		{`{"json":"{A}"}`, `{"json":"1"}`},
		{"é{A}é", "é1é"}, // multi-byte text around is kept
		{"{A}}}", "1}}"},
	} {
		if got := Interpolate(tc.in, vars); got != tc.want {
			t.Errorf("Interpolate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Interpolate("{A}", nil); got != "" {
		t.Errorf("Interpolate with nil vars = %q, want empty", got)
	}
}

func TestResolveVariables(t *testing.T) {
	builtins := map[string]string{"SCALR_EVENT_NAME": "HostUp", "SCALR_FARM_ID": "42"}
	user := []Variable{
		{Name: "PUBLIC", Value: "p"},
		{Name: "SECRET", Value: "s", Hidden: true},
		{Name: "SCALR_FARM_ID", Value: "spoofed"},
		{Name: "SCALR_EVENT_NAME", Value: "spoofed", Hidden: true},
		{Name: "LAYERED", Value: "account", Hidden: true},
		{Name: "LAYERED", Value: "farm"}, // narrower scope: value and hidden flag replaced
		{Name: "UNHIDDEN", Value: "env"},
		{Name: "UNHIDDEN", Value: "farm", Hidden: true},
	}
	all := map[string]string{
		"SCALR_EVENT_NAME": "HostUp", "SCALR_FARM_ID": "42",
		"PUBLIC": "p", "SECRET": "s", "LAYERED": "farm", "UNHIDDEN": "farm",
	}
	for _, tc := range []struct {
		name        string
		skipPrivate bool
		wantData    map[string]string
	}{
		{"KeepPrivate", false, all},
		{"SkipPrivate", true, map[string]string{
			"SCALR_EVENT_NAME": "HostUp", "SCALR_FARM_ID": "42", "PUBLIC": "p", "LAYERED": "farm",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			builtinsBefore := maps.Clone(builtins)
			data, gotAll := ResolveVariables(builtins, user, tc.skipPrivate)
			if !maps.Equal(data, tc.wantData) {
				t.Errorf("data = %v, want %v", data, tc.wantData)
			}
			if !maps.Equal(gotAll, all) {
				t.Errorf("all = %v, want %v", gotAll, all)
			}
			if !maps.Equal(builtins, builtinsBefore) {
				t.Errorf("builtins modified: %v", builtins)
			}
			data["X"] = "y"
			if _, leaked := gotAll["X"]; leaked {
				t.Error("data and all share storage")
			}
		})
	}
	data, all2 := ResolveVariables(nil, nil, true)
	if data == nil || all2 == nil || len(data)+len(all2) != 0 {
		t.Errorf("empty inputs: data = %#v, all = %#v; want two empty non-nil maps", data, all2)
	}
}
