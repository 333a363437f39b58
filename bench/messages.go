package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-hub/switchboard/server/sns/snstest"
)

const (
	benchTopic   = "arn:aws:sns:us-east-1:123456789012:switchboard-bench"
	awsAccountID = "123456789012"
)

// Alarm states as CloudWatch writes them.
const (
	stateAlarm        = "ALARM"
	stateOK           = "OK"
	stateInsufficient = "INSUFFICIENT_DATA"
)

// message is one pre-signed SNS notification. A redelivery is the same *message sent again.
type message struct {
	id    string    // MessageId
	state string    // new alarm state; "" for a notification that is not a CloudWatch alarm
	at    time.Time // StateChangeTime
	body  []byte
}

// alarmPlan is the messages of one alarm, in the order they are sent. Messages of one alarm are
// never in flight at the same time, so the server applies them in this order and the expected
// result is exact.
type alarmPlan struct {
	name, arn string
	msgs      []*message
	// sent is how many of msgs were answered 200 (a prefix: sending stops at the first message
	// that is not); unsure is set when one was not, so its effect is unknown.
	sent   int
	unsure bool
}

// planSet is the alarms of one phase.
type planSet struct {
	phase  string
	alarms []*alarmPlan
}

func (p *planSet) messages() int {
	n := 0
	for _, a := range p.alarms {
		n += len(a.msgs)
	}
	return n
}

// newPlanSet makes n alarms with perAlarm messages each. With mix > 0, that fraction of the
// messages are the awkward cases SNS and CloudWatch really produce, split evenly: a redelivery
// of an earlier message (same MessageId), a transition older than the last one applied (SNS does
// not keep order), INSUFFICIENT_DATA, a repeat of the current state, and a notification that is
// not an alarm. The rest flip the alarm OK↔ALARM, so half of them open an incident.
func newPlanSet(phase string, n, perAlarm int, mix float64, base time.Time, rng *rand.Rand) *planSet {
	ps := &planSet{phase: phase}
	for i := range n {
		name := fmt.Sprintf("bench-%s-%04d", phase, i)
		a := &alarmPlan{name: name, arn: "arn:aws:cloudwatch:us-east-1:" + awsAccountID + ":alarm:" + name}
		current := stateOK // what CloudWatch believes the alarm is in
		at := base.Add(time.Duration(i) * time.Millisecond)
		var last time.Time // StateChangeTime of the newest transition so far
		for k := 0; k < perAlarm; k++ {
			r := rng.Float64()
			var m *message
			switch {
			case k > 0 && r < mix/5:
				a.msgs = append(a.msgs, a.msgs[rng.IntN(len(a.msgs))])
				continue
			case !last.IsZero() && r < 2*mix/5:
				// Older than the newest transition: the server must drop it whatever it says.
				m = &message{state: flip(current), at: last.Add(-500 * time.Millisecond)}
			case r < 3*mix/5:
				at = at.Add(time.Second)
				m = &message{state: stateInsufficient, at: at}
				current = stateInsufficient
			case r < 4*mix/5:
				at = at.Add(time.Second)
				m = &message{state: current, at: at}
			case r < mix:
				m = &message{at: at}
			default:
				at = at.Add(time.Second)
				m = &message{state: flip(current), at: at}
				current = m.state
			}
			if m.state != "" && m.at.After(last) {
				last = m.at
			}
			m.id = uuid(rng)
			a.msgs = append(a.msgs, m)
		}
		ps.alarms = append(ps.alarms, a)
	}
	return ps
}

// flip is the state a flipping alarm goes to next: ALARM from OK or INSUFFICIENT_DATA, OK from
// ALARM.
func flip(s string) string {
	if s == stateAlarm {
		return stateOK
	}
	return stateAlarm
}

func uuid(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// alarmJSON is a CloudWatch metric alarm state change as CloudWatch publishes it to SNS.
func alarmJSON(a *alarmPlan, m *message, old string) string {
	reason := "Threshold Crossed: 1 out of the last 1 datapoints [42.0 (01/01/24 00:00:00)] was greater than the threshold (10.0) (minimum 1 datapoint for OK -> ALARM transition)."
	if m.state == stateOK {
		reason = "Threshold Crossed: 1 out of the last 1 datapoints [3.0 (01/01/24 00:01:00)] was not greater than the threshold (10.0) (minimum 1 datapoint for ALARM -> OK transition)."
	}
	v := map[string]any{
		"AlarmName": a.name, "AlarmDescription": "Benchmark alarm " + a.name, "AWSAccountId": awsAccountID,
		"AlarmConfigurationUpdatedTimestamp": "2024-01-01T00:00:00.000+0000",
		"NewStateValue":                      m.state, "NewStateReason": reason,
		"StateChangeTime": m.at.UTC().Format("2006-01-02T15:04:05.000-0700"),
		"Region":          "US East (N. Virginia)", "AlarmArn": a.arn, "OldStateValue": old,
		"OKActions": []string{}, "AlarmActions": []string{benchTopic}, "InsufficientDataActions": []string{},
		"Trigger": map[string]any{"MetricName": "5XXError", "Namespace": "AWS/ApiGateway", "StatisticType": "Statistic",
			"Statistic": "SUM", "Unit": nil, "Period": 60, "EvaluationPeriods": 1, "DatapointsToAlarm": 1,
			"ComparisonOperator": "GreaterThanThreshold", "Threshold": 10.0, "TreatMissingData": "missing",
			"EvaluateLowSampleCountPercentile": "", "Dimensions": []map[string]string{{"name": "ApiName", "value": "prod"}}},
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// signAll signs every message of the sets on all CPUs. Signing (RSA 2048, about 1.5 ms each)
// is the sender's cost in real life, so it is done before anything is timed.
func signAll(ctx context.Context, fake *snstest.Fake, sets ...*planSet) error {
	type job struct {
		a   *alarmPlan
		m   *message
		old string
	}
	var jobs []job
	seen := map[*message]bool{}
	for _, ps := range sets {
		if ps == nil {
			continue
		}
		for _, a := range ps.alarms {
			old := stateOK
			for _, m := range a.msgs {
				if seen[m] {
					continue
				}
				seen[m] = true
				jobs = append(jobs, job{a, m, old})
				if m.state != "" {
					old = m.state
				}
			}
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, runtime.NumCPU())
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				j := jobs[i]
				var subject, msg string
				if j.m.state == "" {
					subject, msg = "Benchmark", `{"source":"switchboard-bench","detail":"not a CloudWatch alarm"}`
				} else {
					subject = fmt.Sprintf(`%s: "%s" in US East (N. Virginia)`, j.m.state, j.a.name)
					msg = alarmJSON(j.a, j.m, j.old)
				}
				body, err := fake.SignNotification(benchTopic, subject, msg, j.m.id, time.Time{})
				if err != nil {
					errs <- err
					return
				}
				j.m.body = body
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := ctx.Err(); err != nil {
		return err
	}
	return <-errs
}

// outcomes counts what the server must have done, by the outcome names of its receipts.
type outcomes struct {
	Opened     int `json:"opened"`
	Resolved   int `json:"resolved"`
	NoChange   int `json:"no_change"`
	OutOfOrder int `json:"out_of_order"`
	Ignored    int `json:"ignored"`
	Duplicate  int `json:"duplicate"`
	Open       int `json:"open_at_end"` // incidents still open
}

func (o *outcomes) add(p outcomes) {
	o.Opened += p.Opened
	o.Resolved += p.Resolved
	o.NoChange += p.NoChange
	o.OutOfOrder += p.OutOfOrder
	o.Ignored += p.Ignored
	o.Duplicate += p.Duplicate
	o.Open += p.Open
}

// expected replays the accepted messages of one alarm through design §4's rules: a MessageId
// seen before changes nothing; a transition not newer than the last applied one is dropped;
// ALARM opens unless open, OK resolves if open, anything else changes nothing.
func (a *alarmPlan) expected() (o outcomes, open bool) {
	seen := map[string]bool{}
	var last time.Time
	applied := false
	for _, m := range a.msgs[:a.sent] {
		switch {
		case seen[m.id]:
			o.Duplicate++
			continue
		case m.state == "":
			o.Ignored++
		case applied && !m.at.After(last):
			o.OutOfOrder++
		default:
			applied, last = true, m.at
			switch {
			case m.state == stateAlarm && !open:
				open = true
				o.Opened++
			case m.state == stateOK && open:
				open = false
				o.Resolved++
			default:
				o.NoChange++
			}
		}
		seen[m.id] = true
	}
	if open {
		o.Open = 1
	}
	return o, open
}
