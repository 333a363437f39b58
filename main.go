// Command switchboard is the Switchboard integration hub: one binary with the subcommands
// serve, worker, migrate and admin.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/switchboard-hub/switchboard/server"
)

const usage = `Switchboard — an integration hub for operations teams.

Usage:
  switchboard serve   [flags]   HTTP API, console and (unless --worker=false) the job worker
  switchboard worker  [flags]   only the job worker and scheduler
  switchboard migrate [flags]   apply database migrations and exit
  switchboard admin create-user --email E --name N [--system-admin] (password on stdin)
  switchboard admin reset-password --email E                        (password on stdin)
  switchboard admin healthcheck   check /healthz of the local server (for containers)
  switchboard admin version

`

func main() {
	if err := run(os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "switchboard:", err)
		}
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(os.Stderr, usage)
		server.Usage(os.Stderr)
		if len(args) == 0 {
			return errors.New("missing subcommand")
		}
		return nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve", "worker", "migrate":
		cfg, _, err := server.LoadConfig(cmd, rest, os.Getenv)
		if err != nil {
			return err
		}
		return runProcess(ctx, cmd, cfg)
	case "admin":
		return runAdmin(ctx, rest)
	case "version":
		fmt.Println(server.Version)
		return nil
	}
	return fmt.Errorf("unknown subcommand %q (try switchboard help)", cmd)
}

func runProcess(ctx context.Context, cmd string, cfg *server.Config) error {
	m := server.NewMain(cfg, nil)
	defer func() {
		if err := m.Close(); err != nil {
			m.Log.Error("shutdown", "err", err)
		}
	}()
	if err := m.Open(ctx, true); err != nil {
		return err
	}
	switch cmd {
	case "migrate":
		return nil
	case "worker":
		if err := m.StartWorker(ctx); err != nil {
			return err
		}
		<-ctx.Done()
		m.Log.Info("shutting down")
		return nil
	}
	if err := m.Serve(ctx, cfg.Worker); err != nil {
		return err
	}
	// Said plainly on stdout for the person who typed `make run`.
	fmt.Printf("\n  Switchboard is running. Open %s in your browser.\n\n", m.ConsoleURL())
	err := m.Wait(ctx)
	m.Log.Info("shutting down")
	return err
}

func runAdmin(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("admin: want create-user, reset-password, healthcheck or version")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "version":
		fmt.Println(server.Version)
		return nil
	case "healthcheck":
		return healthcheck()
	}
	fs := flag.NewFlagSet("admin "+sub, flag.ContinueOnError)
	email := fs.String("email", "", "user's email")
	name := fs.String("name", "", "user's name (create-user)")
	sysAdmin := fs.Bool("system-admin", false, "make the user a system administrator (create-user)")
	// Configuration flags (database URL, data dir…) follow the admin flags after "--".
	if err := fs.Parse(rest); err != nil {
		return err
	}
	cfg, _, err := server.LoadConfig("admin", fs.Args(), os.Getenv)
	if err != nil {
		return err
	}
	password, err := readPassword(os.Stdin)
	if err != nil {
		return err
	}
	m := server.NewMain(cfg, nil)
	defer m.Close()
	if err := m.Open(ctx, true); err != nil {
		return err
	}
	switch sub {
	case "create-user":
		u, err := m.Auth.CreateUser(ctx, *email, *name, password, *sysAdmin)
		if err != nil {
			return err
		}
		fmt.Printf("created user %s (%s)\n", u.Email, u.ID)
		return nil
	case "reset-password":
		if err := m.Auth.ResetPassword(ctx, *email, password); err != nil {
			return err
		}
		fmt.Printf("password reset for %s; their sessions were signed out\n", *email)
		return nil
	}
	return fmt.Errorf("admin: unknown command %q", sub)
}

// readPassword reads one line from stdin, so passwords never appear in the process list or
// the shell history.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("give the password on stdin, e.g. printf '%s\\n' \"$PASSWORD\" | switchboard admin …")
	}
	return line, nil
}

func healthcheck() error {
	addr := os.Getenv("SWITCHBOARD_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	c := &http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz answered %s", resp.Status)
	}
	return nil
}
