package routing

import (
	"errors"
	"testing"

	"github.com/switchboard-hub/switchboard/models/cloudwatch"
)

func rdsAlarm() *cloudwatch.Alarm {
	return &cloudwatch.Alarm{
		Name: "orders-db-cpu-high", ARN: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-db-cpu-high",
		AccountID: "123456789012", Region: "eu-west-1", Kind: cloudwatch.KindMetric,
		Metric: &cloudwatch.Metric{Namespace: "AWS/RDS", Name: "CPUUtilization",
			Dimensions: []cloudwatch.Dimension{{Name: "DBInstanceIdentifier", Value: "orders-db-1"}}},
	}
}

func mathAlarm() *cloudwatch.Alarm {
	return &cloudwatch.Alarm{
		Name: "checkout 5xx ratio", AccountID: "210987654321", Region: "us-east-1", Kind: cloudwatch.KindMetricMath,
		Metrics: []cloudwatch.MetricQuery{
			{ID: "e1", Expression: "m1/m2"},
			{ID: "m1", Metric: &cloudwatch.Metric{Namespace: "AWS/ApplicationELB", Name: "HTTPCode_Target_5XX_Count",
				Dimensions: []cloudwatch.Dimension{{Name: "LoadBalancer", Value: "app/checkout/abc"}}}},
			{ID: "m2", Metric: &cloudwatch.Metric{Namespace: "AWS/ApplicationELB", Name: "RequestCount",
				Dimensions: []cloudwatch.Dimension{{Name: "LoadBalancer", Value: "app/checkout/abc"}}}},
		},
	}
}

func TestMatch(t *testing.T) {
	rds, math := FactsOf(rdsAlarm()), FactsOf(mathAlarm())
	for _, tc := range []struct {
		name  string
		conds []Condition
		facts *Facts
		want  bool
	}{
		{"no conditions match everything", nil, &rds, true},
		{"glob prefix", []Condition{{Field: AlarmName, Op: Glob, Value: "orders-db-*"}}, &rds, true},
		{"glob is anchored", []Condition{{Field: AlarmName, Op: Glob, Value: "orders-db"}}, &rds, false},
		{"glob ? is one character", []Condition{{Field: AlarmName, Op: Glob, Value: "orders-db-cpu-hig?"}}, &rds, true},
		{"glob metacharacters are literal", []Condition{{Field: AlarmName, Op: Glob, Value: "orders.db-*"}}, &rds, false},
		{"glob is case-sensitive", []Condition{{Field: AlarmName, Op: Glob, Value: "Orders-*"}}, &rds, false},
		{"regex unanchored", []Condition{{Field: AlarmName, Op: Regex, Value: `cpu-(high|low)`}}, &rds, true},
		{"regex (?i)", []Condition{{Field: AlarmName, Op: Regex, Value: `(?i)^ORDERS`}}, &rds, true},
		{"equals", []Condition{{Field: Region, Op: Equals, Value: "eu-west-1"}}, &rds, true},
		{"equals other region", []Condition{{Field: Region, Op: Equals, Value: "us-east-1"}}, &rds, false},
		{"account", []Condition{{Field: AccountID, Op: Equals, Value: "123456789012"}}, &rds, true},
		{"arn glob", []Condition{{Field: AlarmARN, Op: Glob, Value: "arn:aws:cloudwatch:eu-*:alarm:*"}}, &rds, true},
		{"namespace", []Condition{{Field: Namespace, Op: Equals, Value: "AWS/RDS"}}, &rds, true},
		{"dimension value", []Condition{{Field: Dimension, Dimension: "DBInstanceIdentifier", Op: Glob, Value: "orders-*"}}, &rds, true},
		{"dimension absent", []Condition{{Field: Dimension, Dimension: "LoadBalancer", Op: Glob, Value: "*"}}, &rds, false},
		{"all conditions must hold", []Condition{
			{Field: Namespace, Op: Equals, Value: "AWS/RDS"},
			{Field: Region, Op: Equals, Value: "us-east-1"},
		}, &rds, false},
		{"any metric of a math alarm", []Condition{{Field: MetricName, Op: Equals, Value: "RequestCount"}}, &math, true},
		{"math alarm dimension", []Condition{{Field: Dimension, Dimension: "LoadBalancer", Op: Glob, Value: "app/checkout/*"}}, &math, true},
		{"composite alarm has no metric", []Condition{{Field: Namespace, Op: Glob, Value: "*"}}, &Facts{AlarmName: "c"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Compile(tc.conds)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Match(tc.facts); got != tc.want {
				t.Errorf("match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFirst_OrderDecides(t *testing.T) {
	f := FactsOf(rdsAlarm())
	compile := func(c ...Condition) *Matcher {
		m, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	ms := []*Matcher{
		compile(Condition{Field: Namespace, Op: Equals, Value: "AWS/ELB"}),
		compile(Condition{Field: AlarmName, Op: Glob, Value: "orders-*"}),
		compile(), // catch-all after
	}
	if got := First(ms, &f); got != 1 {
		t.Errorf("first = %d, want 1", got)
	}
	if got := First(ms[:1], &f); got != -1 {
		t.Errorf("no match = %d, want -1", got)
	}
}

func TestCompile_Errors(t *testing.T) {
	long := make([]byte, MaxValueLength+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		name  string
		conds []Condition
		field string
	}{
		{"unknown field", []Condition{{Field: "tag", Op: Glob, Value: "x"}}, "field"},
		{"unknown op", []Condition{{Field: AlarmName, Op: "like", Value: "x"}}, "op"},
		{"dimension without name", []Condition{{Field: Dimension, Op: Glob, Value: "x"}}, "dimension"},
		{"name on another field", []Condition{{Field: AlarmName, Dimension: "X", Op: Glob, Value: "x"}}, "dimension"},
		{"empty value", []Condition{{Field: AlarmName, Op: Glob}}, "value"},
		{"long value", []Condition{{Field: AlarmName, Op: Glob, Value: string(long)}}, "value"},
		{"NUL", []Condition{{Field: AlarmName, Op: Equals, Value: "a\x00"}}, "value"},
		{"bad regex", []Condition{{Field: AlarmName, Op: Regex, Value: "(unclosed"}}, "value"},
		{"too many", make([]Condition, MaxConditions+1), "field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(tc.conds)
			var e *Error
			if !errors.As(err, &e) || e.Field != tc.field {
				t.Fatalf("err = %v, want an error on %s", err, tc.field)
			}
		})
	}
}

func TestFactsOf(t *testing.T) {
	f := FactsOf(mathAlarm())
	if len(f.Namespaces) != 1 || len(f.MetricNames) != 2 || len(f.Dimensions["LoadBalancer"]) != 1 {
		t.Errorf("facts: %+v", f)
	}
	if got := f.DimensionNames(); len(got) != 1 || got[0] != "LoadBalancer" {
		t.Errorf("dimension names: %v", got)
	}
}
