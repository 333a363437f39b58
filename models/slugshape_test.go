package models

import (
	"regexp"
	"testing"
)

// TestSlugShape: the hand-written check accepts exactly what the slug pattern does.
func TestSlugShape(t *testing.T) {
	re := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	alphabet := []byte("az09-A_/.é")
	var try func(prefix []byte, depth int)
	n := 0
	try = func(prefix []byte, depth int) {
		v := string(prefix)
		n++
		if got, want := slugShape(v), re.MatchString(v); got != want {
			t.Fatalf("slugShape(%q) = %v, the pattern says %v", v, got, want)
		}
		if depth == 0 {
			return
		}
		for _, ch := range alphabet {
			try(append(prefix, ch), depth-1)
		}
	}
	try(nil, 4)
	for _, v := range []string{"status-acme", "acme-2", "a--b", "-a", "a-", "", "ACME", "acme status", "acme\n"} {
		if got, want := slugShape(v), re.MatchString(v); got != want {
			t.Fatalf("slugShape(%q) = %v, the pattern says %v", v, got, want)
		}
	}
	if n < 10000 {
		t.Fatalf("only %d strings tried", n)
	}
}
