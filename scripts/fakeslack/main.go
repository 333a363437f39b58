// Command fakeslack runs the local fake of Slack's Web API (models/slacktest) for end-to-end
// tests of the console: start it, then start Switchboard with
// SWITCHBOARD_SLACK_API_URL=http://<addr>/api/ and SWITCHBOARD_OUTBOUND_ALLOW=127.0.0.0/8, and
// connect a workspace with the bot token it prints (any 16+ character signing secret).
//
//	go run ./scripts/fakeslack -addr 127.0.0.1:7301 -channel C0E2E0001 -user U0E2E0001=admin@example.com
//
// GET http://<addr>/_fake/messages lists the messages Switchboard posted (channel, ts, thread,
// text, blocks, every version).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/switchboard-hub/switchboard/models/slacktest"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	addr := flag.String("addr", "127.0.0.1:7301", "address to listen on")
	var channels, users list
	flag.Var(&channels, "channel", "a channel id the workspace has (repeatable)")
	flag.Var(&users, "user", "a member as ID=email (repeatable)")
	flag.Parse()
	s, err := slacktest.Listen(*addr, channels...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeslack:", err)
		os.Exit(1)
	}
	defer s.Close()
	for _, u := range users {
		id, email, ok := strings.Cut(u, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "fakeslack: -user %q: want ID=email\n", u)
			os.Exit(2)
		}
		s.AddUser(slacktest.User{ID: id, Email: email, Name: strings.Split(email, "@")[0]})
	}
	fmt.Printf("fake Slack Web API at %s (team %s, bot token %s)\n", s.APIURL(), s.TeamID, s.Token)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
