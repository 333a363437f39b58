package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// Console routes reach the console even when a segment has a dot (an invitation token is
// payload.signature); missing static files are still a 404, not the console.
func TestSPARoutes(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	for _, tc := range []struct {
		path string
		want int
		html bool
	}{
		{"/invite/eyJwIjoiaW52aXRhdGlvbiJ9.c2lnbmF0dXJl", 200, true},
		{"/accounts/x/incidents", 200, true},
		{"/assets/missing-0123abcd.js", 404, false},
		{"/missing.ico", 404, false},
		{"/graphql.txt", 404, false},
	} {
		r, err := c.Do(ctxT(t), http.MethodGet, tc.path, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		isHTML := strings.HasPrefix(r.Header.Get("Content-Type"), "text/html")
		if r.Status != tc.want || isHTML != tc.html {
			t.Errorf("%s: %d %s, want %d (html %v)", tc.path, r.Status, r.Header.Get("Content-Type"), tc.want, tc.html)
		}
	}
}
