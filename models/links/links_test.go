package links

import "testing"

func TestLinks(t *testing.T) {
	b := New("https://sb.example.com/base/ ")
	cases := []struct{ name, got, want string }{
		{"base", b.Base(), "https://sb.example.com/base"},
		{"console", b.Console(), "https://sb.example.com/base/"},
		{"incident", b.Incident("acc-1", "inc-2"), "https://sb.example.com/base/accounts/acc-1/incidents/inc-2"},
		{"incidents", b.Incidents("acc-1"), "https://sb.example.com/base/accounts/acc-1/incidents"},
		{"approval", b.Approval("acc-1", "ap-3"), "https://sb.example.com/base/accounts/acc-1/approvals/ap-3"},
		{"farm", b.Farm("acc-1", "f-4"), "https://sb.example.com/base/accounts/acc-1/farms/f-4"},
		{"integration", b.Integration("acc-1", "i-5"), "https://sb.example.com/base/accounts/acc-1/integrations/i-5"},
		{"endpoints", b.Endpoints("acc-1"), "https://sb.example.com/base/accounts/acc-1/endpoints"},
		{"event", b.Event("acc-1", "e-6"), "https://sb.example.com/base/accounts/acc-1/events/e-6"},
		{"sns", b.SNSWebhook("tok"), "https://sb.example.com/base/webhooks/aws/tok"},
		{"verify", b.ContactVerify("v.t"), "https://sb.example.com/base/verify/v.t"},
		{"calendar", b.CalendarFeed("sbcal_x"), "https://sb.example.com/base/calendar/sbcal_x"},
		{"slack interactivity", b.SlackInteractivity(), "https://sb.example.com/base/integrations/slack/interactivity"},
		{"slack commands", b.SlackCommands(), "https://sb.example.com/base/integrations/slack/commands"},
		{"slack link", b.SlackLink("a.b+c/="), "https://sb.example.com/base/slack/link?token=a.b%2Bc%2F%3D"},
		{"slack link no base", New("").SlackLink("t"), ""},
		// Segments are escaped: an id can never add path segments or a query.
		{"escaped", b.Incident("a/../b", "x?y#z"), "https://sb.example.com/base/accounts/a%2F..%2Fb/incidents/x%3Fy%23z"},
		// No account, no link: a link into the console always names its account.
		{"no account", b.Incident("", "inc"), ""},
		// No base, no link (never a relative URL in a payload).
		{"no base", New("").Incident("a", "b"), ""},
		{"no base console", New("").Console(), ""},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}
