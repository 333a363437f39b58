// Package cloudwatch parses the CloudWatch alarm state-change JSON that CloudWatch publishes to
// SNS (the Message of an SNS Notification, design §4). It is pure: no I/O.
package cloudwatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrNotAlarm means the message is not a CloudWatch alarm at all (another service's event, plain
// text). The caller records it as ignored rather than as an error.
var ErrNotAlarm = errors.New("cloudwatch: not a CloudWatch alarm")

// ErrMalformed means the message claims to be a CloudWatch alarm but cannot be used. Errors
// returned by Parse wrap it.
var ErrMalformed = errors.New("cloudwatch: malformed alarm")

// State is an alarm state.
type State string

// Alarm states.
const (
	StateAlarm            State = "ALARM"
	StateOK               State = "OK"
	StateInsufficientData State = "INSUFFICIENT_DATA"
)

// Valid reports whether s is one of the three CloudWatch alarm states.
func (s State) Valid() bool {
	return s == StateAlarm || s == StateOK || s == StateInsufficientData
}

// Kind is the shape of the alarm.
type Kind string

// Alarm kinds.
const (
	KindMetric     Kind = "metric"      // one metric against a threshold (Trigger.MetricName)
	KindMetricMath Kind = "metric_math" // metric math or anomaly detection (Trigger.Metrics)
	KindComposite  Kind = "composite"   // a rule over other alarms (AlarmRule, no Trigger)
)

// Alarm is one CloudWatch alarm state change.
type Alarm struct {
	Name        string
	Description string // "" when null or absent
	AccountID   string

	// ARN is "" in older messages, which predate AlarmArn.
	ARN string

	// RegionName is the display name CloudWatch sends ("US East (N. Virginia)"); Region is its
	// code ("us-east-1"), or "" when it cannot be told.
	RegionName string
	Region     string

	NewState        State
	OldState        State // as sent, unchecked: decisions depend on the new state only
	Reason          string
	StateChangeTime time.Time

	Kind Kind

	// Metric is set for KindMetric.
	Metric *Metric

	// Metrics and ThresholdMetricID are set for KindMetricMath. ThresholdMetricID names the
	// ANOMALY_DETECTION_BAND query of an anomaly detection alarm.
	Metrics           []MetricQuery
	ThresholdMetricID string

	// Rule is set for KindComposite.
	Rule string

	// Condition is when the alarm fires (nil for composite alarms, and for messages that do
	// not say).
	Condition *Condition
}

// Condition is a metric alarm's rule: the statistic over each period compared with the
// threshold, for DatapointsToAlarm of EvaluationPeriods periods. Fields CloudWatch did not send
// (or sent in another type) are zero.
type Condition struct {
	// Statistic is CloudWatch's statistic (AVERAGE, SUM…) or extended statistic (p99); empty
	// for metric math, whose statistics are per query.
	Statistic          string
	Period             int // seconds
	EvaluationPeriods  int
	DatapointsToAlarm  int
	ComparisonOperator string
	// Threshold is nil for anomaly detection alarms (ThresholdMetricID names the band).
	Threshold        *float64
	TreatMissingData string
	Unit             string
}

// comparisons maps CloudWatch's comparison operators to symbols.
var comparisons = map[string]string{
	"GreaterThanOrEqualToThreshold":            "≥",
	"GreaterThanThreshold":                     ">",
	"LessThanThreshold":                        "<",
	"LessThanOrEqualToThreshold":               "≤",
	"LessThanLowerOrGreaterThanUpperThreshold": "outside the band",
	"LessThanLowerThreshold":                   "below the band",
	"GreaterThanUpperThreshold":                "above the band",
}

// Summary reads the condition as a sentence fragment: "AVERAGE > 80 for 3 of 5 periods of 60 s".
func (c *Condition) Summary() string {
	var b strings.Builder
	if c.Statistic != "" {
		b.WriteString(c.Statistic)
		b.WriteString(" ")
	}
	op := comparisons[c.ComparisonOperator]
	if op == "" {
		op = c.ComparisonOperator
	}
	b.WriteString(op)
	if c.Threshold != nil {
		b.WriteString(" ")
		b.WriteString(strconv.FormatFloat(*c.Threshold, 'f', -1, 64))
	}
	if c.EvaluationPeriods > 0 {
		n := c.DatapointsToAlarm
		if n == 0 {
			n = c.EvaluationPeriods
		}
		fmt.Fprintf(&b, " for %d of %d period", n, c.EvaluationPeriods)
		if c.EvaluationPeriods != 1 {
			b.WriteString("s")
		}
		if c.Period > 0 {
			fmt.Fprintf(&b, " of %d s", c.Period)
		}
	}
	return strings.TrimSpace(b.String())
}

// ConsoleURL is the alarm's page in the AWS console of its region and partition, or "" when
// the region is not known.
func (a *Alarm) ConsoleURL() string {
	if a.Region == "" || !reRegionCode.MatchString(a.Region) {
		return ""
	}
	host := a.Region + ".console.aws.amazon.com"
	switch partition(a.Region) {
	case "aws-cn":
		host = "console.amazonaws.cn"
	case "aws-us-gov":
		host = "console.amazonaws-us-gov.com"
	}
	return "https://" + host + "/cloudwatch/home?region=" + a.Region + "#alarmsV2:alarm/" + url.PathEscape(a.Name)
}

// Metric is a CloudWatch metric.
type Metric struct {
	Namespace  string
	Name       string
	Dimensions []Dimension
}

// Dimension is a metric dimension.
type Dimension struct {
	Name  string
	Value string
}

// MetricQuery is one entry of a metric math alarm: either an expression or a metric.
type MetricQuery struct {
	ID         string
	Expression string
	Label      string
	Metric     *Metric // nil for an expression
	Stat       string
	Period     int
	ReturnData bool
}

// Key identifies the alarm across its state changes: the AlarmArn, or for older messages
// without one, an ARN built from account, region and name. Building the same ARN CloudWatch
// would send keeps one alarm under one key if its messages gain AlarmArn later. When the region
// cannot be resolved the key falls back to the display name, which is still stable because
// CloudWatch always sends the same display name for a region.
func (a *Alarm) Key() string {
	if a.ARN != "" {
		return a.ARN
	}
	if a.Region != "" {
		return "arn:" + partition(a.Region) + ":cloudwatch:" + a.Region + ":" + a.AccountID + ":alarm:" + a.Name
	}
	return "cloudwatch-alarm:" + a.AccountID + ":" + a.RegionName + ":alarm:" + a.Name
}

// wire is the JSON CloudWatch sends. Unknown fields are ignored: CloudWatch has added fields
// over the years (AlarmConfigurationUpdatedTimestamp, the *Actions lists) and will again.
type wire struct {
	AlarmName        *string      `json:"AlarmName"`
	AlarmDescription *string      `json:"AlarmDescription"`
	AWSAccountID     *string      `json:"AWSAccountId"`
	AlarmArn         *string      `json:"AlarmArn"`
	Region           *string      `json:"Region"`
	NewStateValue    *string      `json:"NewStateValue"`
	OldStateValue    *string      `json:"OldStateValue"`
	NewStateReason   *string      `json:"NewStateReason"`
	StateChangeTime  *string      `json:"StateChangeTime"`
	Trigger          *wireTrigger `json:"Trigger"`
	AlarmRule        *string      `json:"AlarmRule"`
}

type wireTrigger struct {
	MetricName        *string         `json:"MetricName"`
	Namespace         *string         `json:"Namespace"`
	Dimensions        []wireDimension `json:"Dimensions"`
	Metrics           []wireQuery     `json:"Metrics"`
	ThresholdMetricID *string         `json:"ThresholdMetricId"`
	// The condition is read leniently (raw): a field of an unexpected type is left out
	// rather than refusing the alarm.
	Statistic          json.RawMessage `json:"Statistic"`
	ExtendedStatistic  json.RawMessage `json:"ExtendedStatistic"`
	Period             json.RawMessage `json:"Period"`
	EvaluationPeriods  json.RawMessage `json:"EvaluationPeriods"`
	DatapointsToAlarm  json.RawMessage `json:"DatapointsToAlarm"`
	ComparisonOperator json.RawMessage `json:"ComparisonOperator"`
	Threshold          json.RawMessage `json:"Threshold"`
	TreatMissingData   json.RawMessage `json:"TreatMissingData"`
	Unit               json.RawMessage `json:"Unit"`
}

// condition reads the alarm's condition from a trigger, leniently; nil when it says nothing.
func (t *wireTrigger) condition() *Condition {
	str := func(raw json.RawMessage) string {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	}
	num := func(raw json.RawMessage) int {
		var f float64
		if json.Unmarshal(raw, &f) != nil || f < 0 || f > 1e9 {
			return 0
		}
		return int(f)
	}
	c := &Condition{
		Statistic: str(t.Statistic), Period: num(t.Period), EvaluationPeriods: num(t.EvaluationPeriods),
		DatapointsToAlarm: num(t.DatapointsToAlarm), ComparisonOperator: str(t.ComparisonOperator),
		TreatMissingData: str(t.TreatMissingData), Unit: str(t.Unit),
	}
	if ext := str(t.ExtendedStatistic); ext != "" {
		c.Statistic = ext
	}
	// Older messages repeat the CLI's label inside the value ("- TreatMissingData:   missing"),
	// and a unitless metric says "None".
	c.TreatMissingData = strings.TrimSpace(strings.TrimPrefix(c.TreatMissingData, "- TreatMissingData:"))
	if c.Unit == "None" {
		c.Unit = ""
	}
	var th float64
	if len(t.Threshold) > 0 && json.Unmarshal(t.Threshold, &th) == nil {
		c.Threshold = &th
	}
	if *c == (Condition{}) {
		return nil
	}
	return c
}

type wireDimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type wireQuery struct {
	ID         string `json:"Id"`
	Expression string `json:"Expression"`
	Label      string `json:"Label"`
	ReturnData *bool  `json:"ReturnData"`
	MetricStat *struct {
		Metric struct {
			Namespace  string          `json:"Namespace"`
			MetricName string          `json:"MetricName"`
			Dimensions []wireDimension `json:"Dimensions"`
		} `json:"Metric"`
		Period int    `json:"Period"`
		Stat   string `json:"Stat"`
	} `json:"MetricStat"`
}

// Parse parses the Message of an SNS Notification.
//
// Errors: ErrNotAlarm when message is not a CloudWatch alarm (not a JSON object, or an object
// with neither AlarmName nor NewStateValue); an error wrapping ErrMalformed when it is one but
// lacks or garbles a field Switchboard needs.
func Parse(message string) (*Alarm, error) {
	trimmed := bytes.TrimSpace([]byte(message))
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, ErrNotAlarm
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &probe); err != nil {
		return nil, ErrNotAlarm
	}
	_, hasName := probe["AlarmName"]
	_, hasState := probe["NewStateValue"]
	if !hasName && !hasState {
		return nil, ErrNotAlarm
	}

	var w wire
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return nil, malformed("a field has the wrong type: %v", err)
	}

	a := &Alarm{
		Name:        deref(w.AlarmName),
		Description: deref(w.AlarmDescription),
		AccountID:   deref(w.AWSAccountID),
		ARN:         deref(w.AlarmArn),
		RegionName:  deref(w.Region),
		NewState:    State(deref(w.NewStateValue)),
		OldState:    State(deref(w.OldStateValue)),
		Reason:      deref(w.NewStateReason),
	}
	switch {
	case a.Name == "":
		return nil, malformed("AlarmName is missing")
	case a.AccountID == "":
		return nil, malformed("AWSAccountId is missing")
	case !a.NewState.Valid():
		return nil, malformed("NewStateValue %q is not ALARM, OK or INSUFFICIENT_DATA", clip(string(a.NewState)))
	case w.StateChangeTime == nil:
		return nil, malformed("StateChangeTime is missing")
	}
	if a.ARN != "" && !reAlarmARN.MatchString(a.ARN) {
		return nil, malformed("AlarmArn %q is not a CloudWatch alarm ARN", clip(a.ARN))
	}
	if a.ARN == "" && a.RegionName == "" {
		// Without either there is no stable key for the alarm.
		return nil, malformed("neither AlarmArn nor Region is present")
	}

	t, err := ParseTime(*w.StateChangeTime)
	if err != nil {
		return nil, malformed("StateChangeTime %q is not a time", clip(*w.StateChangeTime))
	}
	a.StateChangeTime = t
	a.Region = regionCode(a.ARN, a.RegionName)

	switch {
	case w.Trigger == nil && w.AlarmRule != nil:
		a.Kind, a.Rule = KindComposite, *w.AlarmRule
	case w.Trigger != nil && len(w.Trigger.Metrics) > 0:
		a.Kind = KindMetricMath
		a.ThresholdMetricID = deref(w.Trigger.ThresholdMetricID)
		for _, q := range w.Trigger.Metrics {
			mq := MetricQuery{ID: q.ID, Expression: q.Expression, Label: q.Label, ReturnData: q.ReturnData == nil || *q.ReturnData}
			if q.MetricStat != nil {
				mq.Metric = &Metric{
					Namespace:  q.MetricStat.Metric.Namespace,
					Name:       q.MetricStat.Metric.MetricName,
					Dimensions: dimensions(q.MetricStat.Metric.Dimensions),
				}
				mq.Stat, mq.Period = q.MetricStat.Stat, q.MetricStat.Period
			}
			a.Metrics = append(a.Metrics, mq)
		}
	case w.Trigger != nil && deref(w.Trigger.MetricName) != "":
		a.Kind = KindMetric
		a.Metric = &Metric{
			Namespace:  deref(w.Trigger.Namespace),
			Name:       *w.Trigger.MetricName,
			Dimensions: dimensions(w.Trigger.Dimensions),
		}
	default:
		return nil, malformed("neither Trigger nor AlarmRule describes the alarm")
	}
	if w.Trigger != nil {
		a.Condition = w.Trigger.condition()
	}
	return a, nil
}

// ParseTime parses a StateChangeTime: CloudWatch's "2021-11-10T02:45:55.640+0000", or RFC 3339.
func ParseTime(s string) (time.Time, error) {
	// Go accepts a fractional second after the seconds even when the layout has none, so these
	// two layouts cover both offset forms, with or without milliseconds.
	for _, layout := range []string{"2006-01-02T15:04:05Z0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cloudwatch: %q is not a StateChangeTime", clip(s))
}

var reAlarmARN = regexp.MustCompile(`^arn:aws(-[a-z]+)*:cloudwatch:([a-z]{2}(-[a-z]+)+-[0-9]{1,2}):[0-9]{12}:alarm:.+$`)

// regionCode prefers the region inside the ARN, which is exact, over the display-name table.
func regionCode(arn, display string) string {
	if m := reAlarmARN.FindStringSubmatch(arn); m != nil {
		return m[2]
	}
	if code, ok := regionNames[display]; ok {
		return code
	}
	// Emulators such as LocalStack send the code itself.
	if reRegionCode.MatchString(display) {
		return display
	}
	return ""
}

var reRegionCode = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)

func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

func dimensions(in []wireDimension) []Dimension {
	if len(in) == 0 {
		return nil
	}
	out := make([]Dimension, len(in))
	for i, d := range in {
		out[i] = Dimension(d)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}
