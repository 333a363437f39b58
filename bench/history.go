package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-hub/switchboard/models"
)

// The history-search scenario (-scenario history-search): delivery history search at scale.
// It starts the real server on a fresh database (which migrates it, creating delivery_search and
// its trigram index, migration 0019), bulk-loads -hist-rows delivery rows straight into
// PostgreSQL with INSERT … SELECT generate_series and their search rows with one INSERT … SELECT
// (the queueing trigger is off and the trigram index dropped for the load, the index rebuilt from
// its own definition afterwards, as a bulk restore would), ANALYZEs, and then runs
// searches through the GraphQL API of the running server — account(id).deliveries(filter:
// {search}) first page, 50 rows, exactly what the console asks — for terms of different
// selectivity, on -hist-conns connections. It reports p50/p95/p99 per term and overall, and
// EXPLAINs the search to show which index served it.

const histTargetP95 = 200.0 // ms, payload search p95 at 1,000,000 deliveries

type histConfig struct {
	rows     int
	searches int // per term
	conns    int
	batch    int
}

// histTerm is one search and how many of the loaded rows it matches (by construction).
type histTerm struct {
	Name    string `json:"name"`
	Term    string `json:"term"`
	Matches string `json:"matches"`
}

type histTermResult struct {
	histTerm
	Latency    latSummary `json:"latency"`
	FirstPage  int        `json:"first_page_rows"`
	HasMore    bool       `json:"has_next_page"`
	PlanIndex  string     `json:"plan"`
	Errors     int        `json:"errors"`
	FirstError string     `json:"first_error,omitempty"`
}

type histResults struct {
	Started    time.Time         `json:"started"`
	Machine    machineInfo       `json:"machine"`
	Settings   map[string]string `json:"settings"`
	LoadSecs   float64           `json:"load_seconds"`
	IndexSecs  float64           `json:"index_build_seconds"`
	TableMiB   float64           `json:"table_mib"`
	IndexMiB   float64           `json:"trigram_index_mib"`
	AvgPayload float64           `json:"avg_payload_bytes"`
	Terms      []*histTermResult `json:"terms"`
	Overall    latSummary        `json:"overall"`
	LoadAfter  string            `json:"loadavg_after"`
	Targets    []target          `json:"targets"`
	Failures   []string          `json:"failures"`
	Misses     []string          `json:"targets_missed"`
	Aborted    string            `json:"aborted,omitempty"`
}

// histPayload is the SQL expression of row i's payload: a Scalr-like JSON body (about 750
// bytes) whose values vary with i, so trigram statistics look like a real history's.
const histPayload = `convert_to(json_build_object(
	'eventName', (ARRAY['HostUp','HostDown','BeforeHostTerminate','IncidentOpened','FarmLaunched'])[1 + i % 5],
	'eventId', md5(i::text || 'event'),
	'timestamp', to_char(now() - i * interval '2 seconds', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	'configurationId', md5((i % 40)::text || 'webhook'),
	'data', json_build_object(
		'SCALR_EVENT_NAME', (ARRAY['HostUp','HostDown','BeforeHostTerminate','IncidentOpened','FarmLaunched'])[1 + i % 5],
		'SCALR_SERVER_HOSTNAME', 'web-' || i,
		'SCALR_FARM_NAME', 'farm-' || lpad((i % 200)::text, 4, '0'),
		'SCALR_FARM_ID', md5((i % 200)::text || 'farm'),
		'SCALR_SERVER_ID', md5(i::text || 'server'),
		'SCALR_EXTERNAL_IP', '203.0.' || (i % 250) || '.' || (i % 199),
		'SCALR_INTERNAL_IP', '10.' || (i % 250) || '.' || (i % 97) || '.' || (i % 211),
		'SCALR_CLOUD_LOCATION', (ARRAY['us-east-1','eu-west-1','ap-south-1'])[1 + i % 3],
		'SCALR_CLOUD_SERVER_ID', 'i-' || substr(md5(i::text || 'cloud'), 1, 17),
		'SCALR_ROLE_NAME', 'base-ubuntu', 'SCALR_OS', 'ubuntu-24.04',
		'SCALR_ACCOUNT_NAME', 'Bench', 'SCALR_ENV_NAME', 'production',
		'SCALR_INSTANCE_INDEX', (i % 12)::text,
		'SCALR_FARM_ROLE_ALIAS', 'app-' || (i % 7),
		'SCALR_FARM_OWNER_EMAIL', 'owner' || (i % 50) || '@example.com'),
	'userData', '')::text, 'UTF8')`

func histTerms(rows int) []histTerm {
	return []histTerm{
		{Name: "very common (an event name, 1 in 5)", Term: "beforehostterminate", Matches: strconv.Itoa(rows / 5)},
		{Name: "common (a farm, 1 in 200)", Term: "farm-0042", Matches: strconv.Itoa(rows / 200)},
		{Name: "rare (one hostname)", Term: fmt.Sprintf("web-%d\"", rows/2+7), Matches: "1"},
		{Name: "unique (a cloud server id)", Matches: "1"}, // the term is read from the database
		{Name: "absent", Term: "no-such-receiver-7f3a", Matches: "0"},
		{Name: "absent, 3 characters", Term: "zqx", Matches: "0"},
	}
}

// runHistorySearch does the scenario and returns its results and the exit code.
func runHistorySearch(ctx context.Context, cfg *config) (*histResults, int) {
	h := cfg.hist
	res := &histResults{Started: time.Now(), Settings: map[string]string{
		"rows": strconv.Itoa(h.rows), "searches_per_term": strconv.Itoa(h.searches), "conns": strconv.Itoa(h.conns), "page": "50",
	}}
	logf("history search: preparing binary, database, Redis, server")
	e, err := newEnv(ctx, cfg)
	if e != nil {
		defer e.close()
	}
	if err == nil {
		res.Machine = machine(e.bin)
		err = e.startServer(ctx, nil)
	}
	if err == nil {
		_, err = e.setupAccount(ctx)
	}
	if err == nil {
		err = histLoad(ctx, e, h, res)
	}
	if err == nil {
		err = histSearch(ctx, e, h, res)
	}
	code := 0
	if err != nil {
		res.Aborted = err.Error()
		logf("history search: FAILED: %v", err)
		if e != nil {
			e.printServerLog(20)
		}
		code = 1
	}
	res.evaluate(h)
	res.print(os.Stdout)
	return res, resultCode("history search", code, res.Failures, res.Misses, cfg.strict)
}

// histLoad bulk-loads the deliveries of the setup account.
func histLoad(ctx context.Context, e *env, h histConfig, res *histResults) error {
	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var indexDef string
	if err := conn.QueryRow(ctx, `SELECT indexdef FROM pg_indexes WHERE indexname = $1`, models.PayloadSearchIndex).Scan(&indexDef); err != nil {
		return fmt.Errorf("the server's migrations made no trigram index (is pg_trgm available?): %w", err)
	}
	var eventID string
	if err := conn.QueryRow(ctx, `INSERT INTO events (id, account_id, name, variables, created_at, source)
		VALUES (gen_random_uuid(), $1, 'HostUp', '{}', now(), 'bench') RETURNING id`, e.accountID).Scan(&eventID); err != nil {
		return fmt.Errorf("seed event: %w", err)
	}
	start := time.Now()
	// As a restore would: the search rows are written in bulk after the load, not queued for
	// the server's indexer row by row.
	for _, stmt := range []string{"DROP INDEX " + models.PayloadSearchIndex, "ALTER TABLE deliveries DISABLE TRIGGER deliveries_search_queue"} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return err
		}
	}
	for from := 1; from <= h.rows; from += h.batch {
		to := min(h.rows, from+h.batch-1)
		// Outcomes: 90% succeeded 2xx, 4% failed 5xx, 3% failed 4xx, 2% failed without an answer,
		// 1% retrying 5xx. Newest row i = 1; one row every 2 seconds before it.
		_, err := conn.Exec(ctx, `INSERT INTO deliveries (id, kind, account_id, event_id, event_name, payload, status, attempts,
			max_attempts, timeout_seconds, last_status_code, last_error, next_attempt_at, created_at, updated_at, completed_at)
			SELECT gen_random_uuid(), 'webhook', $1, $2, (ARRAY['HostUp','HostDown','BeforeHostTerminate','IncidentOpened','FarmLaunched'])[1 + i % 5],
				`+histPayload+`,
				CASE WHEN i % 100 < 90 THEN 'succeeded' WHEN i % 100 < 99 THEN 'failed' ELSE 'retrying' END,
				CASE WHEN i % 100 < 90 THEN 1 ELSE 3 END, 3, 3,
				CASE WHEN i % 100 < 90 THEN 200 WHEN i % 100 < 94 THEN 503 WHEN i % 100 < 97 THEN 404 WHEN i % 100 < 99 THEN NULL ELSE 500 END,
				CASE WHEN i % 100 < 90 THEN '' ELSE 'HTTP error' END,
				CASE WHEN i % 100 = 99 THEN now() + interval '1 hour' END,
				now() - i * interval '2 seconds', now() - i * interval '2 seconds', CASE WHEN i % 100 < 99 THEN now() - i * interval '2 seconds' END
			FROM generate_series($3::int, $4::int) AS i`, e.accountID, eventID, from, to)
		if err != nil {
			return fmt.Errorf("load rows %d–%d: %w", from, to, err)
		}
		logf("history search: loaded %d of %d deliveries (%.0f s)", to, h.rows, time.Since(start).Seconds())
	}
	for _, stmt := range []string{"ALTER TABLE deliveries ENABLE TRIGGER deliveries_search_queue",
		"INSERT INTO delivery_search (delivery_id, body) SELECT id, encode(payload, 'escape') FROM deliveries ON CONFLICT (delivery_id) DO NOTHING"} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("search rows: %w", err)
		}
	}
	res.LoadSecs = time.Since(start).Seconds()
	start = time.Now()
	logf("history search: rebuilding the trigram index: %s", indexDef)
	if _, err := conn.Exec(ctx, "SET maintenance_work_mem = '1GB'"); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, indexDef); err != nil {
		return fmt.Errorf("rebuild the trigram index: %w", err)
	}
	res.IndexSecs = time.Since(start).Seconds()
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE deliveries, delivery_search"); err != nil {
		return err
	}
	logf("history search: index built in %.0f s; analyzed", res.IndexSecs)
	var table, index int64
	if err := conn.QueryRow(ctx, `SELECT pg_table_size('deliveries') + pg_table_size('delivery_search'), pg_relation_size($1), avg(length(payload)) FROM deliveries`, models.PayloadSearchIndex).
		Scan(&table, &index, &res.AvgPayload); err != nil {
		return err
	}
	res.TableMiB, res.IndexMiB = float64(table)/(1<<20), float64(index)/(1<<20)
	return nil
}

// histSearch runs the searches through the API and EXPLAINs each term once.
func histSearch(ctx context.Context, e *env, h histConfig, res *histResults) error {
	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	terms := histTerms(h.rows)
	// A unique term and a rare 3-character term, taken from the data itself.
	var cloud string
	if err := conn.QueryRow(ctx, `SELECT 'i-' || substr(md5(($1::int)::text || 'cloud'), 1, 17)`, h.rows/3).Scan(&cloud); err != nil {
		return err
	}
	terms[3].Term = cloud
	// The access token of setup may have expired during the load.
	if _, err := e.api.Refresh(ctx); err != nil {
		return fmt.Errorf("refresh the session: %w", err)
	}
	const query = `query($a: ID!, $q: String!) { account(id: $a) { deliveries(filter: {search: $q}, first: 50) {
		edges { node { id eventName status lastStatusCode createdAt endpoint { id name } webhook { id name } } } pageInfo { hasNextPage endCursor } } } }`
	// Warm up: one search per term (plans, caches), not counted.
	for _, t := range terms {
		if _, err := e.api.GraphQL(ctx, query, map[string]any{"a": e.accountID, "q": t.Term}); err != nil {
			return err
		}
	}
	var all []time.Duration
	for _, t := range terms {
		tr := &histTermResult{histTerm: t}
		tr.PlanIndex = explainSearch(ctx, conn, e.accountID, t.Term)
		var mu sync.Mutex
		var lat []time.Duration
		jobs := make(chan int)
		var wg sync.WaitGroup
		for c := 0; c < h.conns; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range jobs {
					t0 := time.Now()
					r, err := e.api.GraphQL(ctx, query, map[string]any{"a": e.accountID, "q": t.Term})
					d := time.Since(t0)
					mu.Lock()
					switch {
					case err != nil:
						tr.Errors++
						if tr.FirstError == "" {
							tr.FirstError = err.Error()
						}
					case len(r.Errors) > 0:
						tr.Errors++
						if tr.FirstError == "" {
							tr.FirstError = r.Errors[0].Message
						}
					default:
						lat = append(lat, d)
						var page struct {
							Account struct {
								Deliveries struct {
									Edges    []json.RawMessage
									PageInfo struct{ HasNextPage bool }
								}
							}
						}
						if r.Decode(&page) == nil {
							tr.FirstPage, tr.HasMore = len(page.Account.Deliveries.Edges), page.Account.Deliveries.PageInfo.HasNextPage
						}
					}
					mu.Unlock()
				}
			}()
		}
		for i := 0; i < h.searches && ctx.Err() == nil; i++ {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		tr.Latency = summarize(lat)
		all = append(all, lat...)
		res.Terms = append(res.Terms, tr)
		logf("history search: %-40q p50 %.1f ms  p95 %.1f ms  (%d rows on the first page, %s)", t.Term, tr.Latency.P50, tr.Latency.P95, tr.FirstPage, tr.PlanIndex)
	}
	res.Overall = summarize(all)
	res.LoadAfter = loadAvg()
	return ctx.Err()
}

// explainSearch EXPLAINs the first page of a search as the server runs it (the query of
// models.Store.historyQuery: account, models.PayloadSearchSQL, newest first) and names the
// scans that found the rows.
func explainSearch(ctx context.Context, conn *pgx.Conn, accountID, term string) string {
	pattern := "%" + strings.NewReplacer(`\`, `\\\\`, `%`, `\%`, `_`, `\_`).Replace(term) + "%"
	rows, err := conn.Query(ctx, `EXPLAIN SELECT * FROM deliveries WHERE account_id = $1 AND `+
		strings.Replace(models.PayloadSearchSQL, "?", "$2", 1)+` ORDER BY created_at DESC, id DESC LIMIT 51`, accountID, pattern)
	if err != nil {
		return "explain failed: " + err.Error()
	}
	defer rows.Close()
	var scans []string
	for rows.Next() {
		var line string
		if rows.Scan(&line) != nil {
			continue
		}
		l := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "->"))
		if strings.Contains(l, " Scan") {
			if i := strings.Index(l, "  ("); i > 0 {
				l = l[:i]
			}
			scans = append(scans, l)
		}
	}
	return strings.Join(scans, " + ")
}

func (r *histResults) evaluate(h histConfig) {
	for _, t := range r.Terms {
		if t.Errors > 0 {
			r.Failures = append(r.Failures, fmt.Sprintf("%d errors searching %q: %s", t.Errors, t.Term, t.FirstError))
		}
	}
	if r.Overall.Count == 0 {
		return
	}
	t := target{Name: fmt.Sprintf("payload search p95 at %d deliveries", h.rows), Goal: fmt.Sprintf("< %.0f ms at 1,000,000", histTargetP95),
		Value: r.Overall.P95, Measured: fmt.Sprintf("%.1f ms (p50 %.1f, p99 %.1f, %d searches)", r.Overall.P95, r.Overall.P50, r.Overall.P99, r.Overall.Count),
		Met: r.Overall.P95 < histTargetP95 && h.rows >= 1000000}
	r.Targets = append(r.Targets, t)
	if !t.Met {
		r.Misses = append(r.Misses, t.Name+": "+t.Measured)
	}
}

func (r *histResults) print(out io.Writer) {
	fmt.Fprintf(out, "\nHistory search: %s deliveries (avg payload %.0f bytes), tables %.0f MiB (deliveries and delivery_search), trigram index %.0f MiB\n",
		r.Settings["rows"], r.AvgPayload, r.TableMiB, r.IndexMiB)
	fmt.Fprintf(out, "load %.0f s, index build %.0f s; machine: %d cores (%s), load average %s at start, %s after\n",
		r.LoadSecs, r.IndexSecs, r.Machine.Cores, r.Machine.CPU, r.Machine.LoadAvg, r.LoadAfter)
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "term\tmatches\tsearches\tp50 ms\tp95 ms\tp99 ms\tmax ms\tfirst page\tplan")
	for _, t := range r.Terms {
		fmt.Fprintf(w, "%s %q\t%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%d%s\t%s\n", t.Name, t.Term, t.Matches, t.Latency.Count, t.Latency.P50, t.Latency.P95,
			t.Latency.P99, t.Latency.Max, t.FirstPage, map[bool]string{true: "+", false: ""}[t.HasMore], t.PlanIndex)
	}
	fmt.Fprintf(w, "all\t\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t\t\n", r.Overall.Count, r.Overall.P50, r.Overall.P95, r.Overall.P99, r.Overall.Max)
	w.Flush()
	for _, t := range r.Targets {
		mark := "MET"
		if !t.Met {
			mark = "MISSED"
		}
		fmt.Fprintf(out, "target %s: %s — %s (goal %s)\n", t.Name, mark, t.Measured, t.Goal)
	}
	if r.Aborted != "" {
		fmt.Fprintf(out, "aborted: %s\n", r.Aborted)
	}
}
