// Package routing decides which routing rule of an AWS integration a CloudWatch alarm matches
// (issue 9: one integration, many components). It is pure computation with no I/O, like
// models/cloudwatch: the store loads an integration's ordered rules, this package says which
// one applies.
//
// A rule is a list of conditions, all of which must hold (an empty list matches every alarm).
// A condition names a fact of the alarm, an operator and a value:
//
//   - alarm_name, alarm_arn, aws_account_id, region (the code, e.g. eu-west-1),
//     namespace and metric_name (any of the alarm's metrics: a metric math alarm has several),
//     and dimension (Dimension names which one; any metric's value of it).
//   - glob (* any run of characters, ? one character; the whole value must match), equals, or
//     regex (RE2, unanchored unless the pattern anchors itself).
//
// Alarm messages carry no tags, so tags cannot be matched. Matching is case-sensitive, as
// CloudWatch names are; a regex can ask for (?i).
package routing

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/switchboard-hub/switchboard/models/cloudwatch"
)

// Field is a fact of an alarm a condition can test.
type Field string

const (
	AlarmName  Field = "alarm_name"
	AlarmARN   Field = "alarm_arn"
	AccountID  Field = "aws_account_id"
	Region     Field = "region"
	Namespace  Field = "namespace"
	MetricName Field = "metric_name"
	Dimension  Field = "dimension"
)

// Fields lists every field, in the order a form offers them.
var Fields = []Field{AlarmName, AlarmARN, AccountID, Region, Namespace, MetricName, Dimension}

// Valid reports whether f is a known field.
func (f Field) Valid() bool {
	for _, g := range Fields {
		if f == g {
			return true
		}
	}
	return false
}

// MarshalGQL writes the field as a GraphQL enum (ALARM_NAME).
func (f Field) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(strings.ToUpper(string(f))))
}

// UnmarshalGQL reads the GraphQL enum.
func (f *Field) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	*f = Field(strings.ToLower(s))
	if !f.Valid() {
		return fmt.Errorf("%q is not a routing field", s)
	}
	return nil
}

// Op is how a condition compares.
type Op string

const (
	Glob   Op = "glob"
	Equals Op = "equals"
	Regex  Op = "regex"
)

// Valid reports whether o is a known operator.
func (o Op) Valid() bool { return o == Glob || o == Equals || o == Regex }

// MarshalGQL writes the operator as a GraphQL enum (GLOB).
func (o Op) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(strings.ToUpper(string(o))))
}

// UnmarshalGQL reads the GraphQL enum.
func (o *Op) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	*o = Op(strings.ToLower(s))
	if !o.Valid() {
		return fmt.Errorf("%q is not a routing operator", s)
	}
	return nil
}

// Limits on what a rule may hold.
const (
	MaxConditions  = 20
	MaxValueLength = 512
	// MaxDimensionLength is CloudWatch's own limit on a dimension name.
	MaxDimensionLength = 255
)

// Condition is one test of a rule.
type Condition struct {
	Field Field `json:"field"`
	// Dimension names the dimension when Field is Dimension.
	Dimension string `json:"dimension,omitempty"`
	Op        Op     `json:"op"`
	Value     string `json:"value"`
}

// Facts are what rules match against, taken from a parsed alarm. They are also what the store
// keeps of recent messages so a rule can be tried on them before it is saved (never the SNS
// payload).
type Facts struct {
	AlarmName   string              `json:"alarmName"`
	AlarmARN    string              `json:"alarmArn,omitempty"`
	AccountID   string              `json:"awsAccountId,omitempty"`
	Region      string              `json:"region,omitempty"`
	Namespaces  []string            `json:"namespaces,omitempty"`
	MetricNames []string            `json:"metricNames,omitempty"`
	Dimensions  map[string][]string `json:"dimensions,omitempty"`
}

// FactsOf collects the facts of an alarm: every metric of a metric math alarm counts.
func FactsOf(a *cloudwatch.Alarm) Facts {
	f := Facts{AlarmName: a.Name, AlarmARN: a.ARN, AccountID: a.AccountID, Region: a.Region}
	add := func(m *cloudwatch.Metric) {
		if m == nil {
			return
		}
		f.Namespaces = appendNew(f.Namespaces, m.Namespace)
		f.MetricNames = appendNew(f.MetricNames, m.Name)
		for _, d := range m.Dimensions {
			if f.Dimensions == nil {
				f.Dimensions = map[string][]string{}
			}
			f.Dimensions[d.Name] = appendNew(f.Dimensions[d.Name], d.Value)
		}
	}
	add(a.Metric)
	for _, q := range a.Metrics {
		add(q.Metric)
	}
	return f
}

func appendNew(list []string, v string) []string {
	if v == "" {
		return list
	}
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// values are the candidates a condition on field tests; it holds if any matches.
func (f *Facts) values(c *Condition) []string {
	switch c.Field {
	case AlarmName:
		return []string{f.AlarmName}
	case AlarmARN:
		return []string{f.AlarmARN}
	case AccountID:
		return []string{f.AccountID}
	case Region:
		return []string{f.Region}
	case Namespace:
		return f.Namespaces
	case MetricName:
		return f.MetricNames
	case Dimension:
		return f.Dimensions[c.Dimension]
	}
	return nil
}

// Error is a condition that does not compile; Index is its position in the rule.
type Error struct {
	Index   int
	Field   string // "field", "dimension", "op" or "value"
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("condition %d %s: %s", e.Index+1, e.Field, e.Message)
}

// Matcher is a compiled rule.
type Matcher struct {
	conds []Condition
	res   []*regexp.Regexp // nil for Equals
}

// Compile checks a rule's conditions and compiles them.
func Compile(conds []Condition) (*Matcher, error) {
	if len(conds) > MaxConditions {
		return nil, &Error{Index: MaxConditions, Field: "field", Message: fmt.Sprintf("a rule has at most %d conditions", MaxConditions)}
	}
	m := &Matcher{conds: conds, res: make([]*regexp.Regexp, len(conds))}
	for i, c := range conds {
		switch {
		case !c.Field.Valid():
			return nil, &Error{i, "field", fmt.Sprintf("unknown field %q", c.Field)}
		case !c.Op.Valid():
			return nil, &Error{i, "op", fmt.Sprintf("unknown operator %q (glob, equals or regex)", c.Op)}
		case c.Field == Dimension && strings.TrimSpace(c.Dimension) == "":
			return nil, &Error{i, "dimension", "name the dimension (e.g. DBInstanceIdentifier)"}
		case len(c.Dimension) > MaxDimensionLength:
			return nil, &Error{i, "dimension", fmt.Sprintf("at most %d characters", MaxDimensionLength)}
		case strings.ContainsRune(c.Dimension, 0):
			return nil, &Error{i, "dimension", "must not contain NUL characters"}
		case c.Field != Dimension && c.Dimension != "":
			return nil, &Error{i, "dimension", "only a dimension condition names a dimension"}
		case c.Value == "":
			return nil, &Error{i, "value", "a value is required"}
		case len(c.Value) > MaxValueLength:
			return nil, &Error{i, "value", fmt.Sprintf("at most %d characters", MaxValueLength)}
		case strings.ContainsRune(c.Value, 0):
			return nil, &Error{i, "value", "must not contain NUL characters"}
		}
		switch c.Op {
		case Glob:
			m.res[i] = regexp.MustCompile(globToRegexp(c.Value))
		case Regex:
			re, err := regexp.Compile(c.Value)
			if err != nil {
				return nil, &Error{i, "value", "not a regular expression: " + strings.TrimPrefix(err.Error(), "error parsing regexp: ")}
			}
			m.res[i] = re
		}
	}
	return m, nil
}

// globToRegexp turns a glob into an anchored regular expression.
func globToRegexp(g string) string {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for _, r := range g {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`)$`)
	return b.String()
}

// Match reports whether every condition holds for f.
func (m *Matcher) Match(f *Facts) bool {
	for i := range m.conds {
		c := &m.conds[i]
		ok := false
		for _, v := range f.values(c) {
			if m.res[i] == nil {
				ok = v == c.Value
			} else {
				ok = m.res[i].MatchString(v)
			}
			if ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// First returns the index of the first matcher that matches f, or -1.
func First(ms []*Matcher, f *Facts) int {
	for i, m := range ms {
		if m.Match(f) {
			return i
		}
	}
	return -1
}

// DimensionNames lists the dimension names in facts, sorted (for a form's suggestions).
func (f *Facts) DimensionNames() []string {
	out := make([]string, 0, len(f.Dimensions))
	for k := range f.Dimensions {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
