package models_test

import (
	"testing"

	"github.com/switchboard-hub/switchboard/models"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://hooks.slack.com/services/T0/B0/secret", "https://hooks.slack.com/…"},
		{"https://cmdb.example.com/hook?token=abc", "https://cmdb.example.com/…"},
		{"https://cmdb.example.com/?token=abc", "https://cmdb.example.com/…"},
		{"http://10.0.0.5:8080/", "http://10.0.0.5:8080"},
		{"http://10.0.0.5:8080", "http://10.0.0.5:8080"},
		{"https://user:pw@example.com", "https://example.com/…"},
		{"http://[::1]:9000/x", "http://[::1]:9000/…"},
		{"not a url", "…"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := models.RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
