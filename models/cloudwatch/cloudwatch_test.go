package cloudwatch_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/cloudwatch"
)

const testdata = "../../testdata/sns"

// MustMessage returns the JSON-decoded Message field of an SNS fixture envelope.
func MustMessage(tb testing.TB, rel string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, rel))
	if err != nil {
		tb.Fatal(err)
	}
	var env struct{ Message *string }
	if err := json.Unmarshal(b, &env); err != nil || env.Message == nil {
		tb.Fatalf("%s: no Message (%v)", rel, err)
	}
	return *env.Message
}

func MustParse(tb testing.TB, message string) *cloudwatch.Alarm {
	tb.Helper()
	a, err := cloudwatch.Parse(message)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParse_Fixtures(t *testing.T) {
	for _, tt := range []struct {
		file string
		want cloudwatch.Alarm
		key  string
	}{
		{
			file: "messages/cloudwatch-alarm-2019-rds-ALARM-sv1.json",
			want: cloudwatch.Alarm{
				Name:            "RDS: svc-ca-backend-prod High Connections",
				Description:     "svc-ca-backend-prod is considered to have a high number of connections",
				AccountID:       "765783612490",
				RegionName:      "US East (N. Virginia)",
				Region:          "us-east-1",
				NewState:        cloudwatch.StateAlarm,
				OldState:        cloudwatch.StateOK,
				Reason:          "Threshold Crossed: 1 out of the last 1 datapoints [75.0 (24/09/19 21:32:00)] was greater than the threshold (25.0) (minimum 1 datapoint for OK -> ALARM transition).",
				StateChangeTime: mustTime("2019-09-24T21:33:49.363Z"),
				Kind:            cloudwatch.KindMetric,
				Metric: &cloudwatch.Metric{
					Namespace:  "AWS/RDS",
					Name:       "DatabaseConnections",
					Dimensions: []cloudwatch.Dimension{{Name: "DBClusterIdentifier", Value: "svc-ca-backend-prod-cluster"}},
				},
				Condition: &cloudwatch.Condition{Statistic: "AVERAGE", Period: 60, EvaluationPeriods: 1, ComparisonOperator: "GreaterThanThreshold", Threshold: ptrFloat(25), TreatMissingData: "missing"},
			},
			// No AlarmArn in 2019: the key is the ARN CloudWatch sends for this alarm today.
			key: "arn:aws:cloudwatch:us-east-1:765783612490:alarm:RDS: svc-ca-backend-prod High Connections",
		},
		{
			file: "messages/cloudwatch-alarm-2021-metric-ALARM-sv1.json",
			want: cloudwatch.Alarm{
				Name:            "if-sim-app_427809481713_us-east-1-metric_emitting_node_failure",
				AccountID:       "427809481713",
				ARN:             "arn:aws:cloudwatch:us-east-1:427809481713:alarm:if-sim-app_427809481713_us-east-1-metric_emitting_node_failure",
				RegionName:      "US East (N. Virginia)",
				Region:          "us-east-1",
				NewState:        cloudwatch.StateAlarm,
				OldState:        cloudwatch.StateInsufficientData,
				Reason:          "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (10/11/21 02:40:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).",
				StateChangeTime: mustTime("2021-11-10T02:45:55.640Z"),
				Kind:            cloudwatch.KindMetric,
				Metric: &cloudwatch.Metric{
					Namespace: "sim-app_427809481713_us-east-1",
					Name:      "IExecutionFailureHook",
					Dimensions: []cloudwatch.Dimension{
						{Name: "MetricGroupId", Value: "routing_table.receive.hook"},
						{Name: "RouteID", Value: "metric_emitting_node"},
					},
				},
				Condition: &cloudwatch.Condition{Statistic: "SUM", Period: 300, EvaluationPeriods: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", Threshold: ptrFloat(1), TreatMissingData: "missing"},
			},
			key: "arn:aws:cloudwatch:us-east-1:427809481713:alarm:if-sim-app_427809481713_us-east-1-metric_emitting_node_failure",
		},
		{
			file: "messages/cloudwatch-alarm-2022-ec2cpu-ALARM-sv1.json",
			want: cloudwatch.Alarm{
				Name:            "cpu-alarm",
				AccountID:       "256867920320",
				ARN:             "arn:aws:cloudwatch:us-east-1:256867920320:alarm:cpu-alarm",
				RegionName:      "US East (N. Virginia)",
				Region:          "us-east-1",
				NewState:        cloudwatch.StateAlarm,
				OldState:        cloudwatch.StateInsufficientData,
				Reason:          "Threshold Crossed: 1 out of the last 1 datapoints [99.83274983791787 (09/07/22 02:34:00)] was greater than the threshold (80.0) (minimum 1 datapoint for OK -> ALARM transition).",
				StateChangeTime: mustTime("2022-07-09T02:39:54.536Z"),
				Kind:            cloudwatch.KindMetric,
				Metric: &cloudwatch.Metric{
					Namespace:  "AWS/EC2",
					Name:       "CPUUtilization",
					Dimensions: []cloudwatch.Dimension{{Name: "InstanceId", Value: "i-0d2ef44803a38dbc6"}},
				},
				Condition: &cloudwatch.Condition{Statistic: "AVERAGE", Period: 60, EvaluationPeriods: 1, DatapointsToAlarm: 1, ComparisonOperator: "GreaterThanThreshold", Threshold: ptrFloat(80), TreatMissingData: "missing"},
			},
			key: "arn:aws:cloudwatch:us-east-1:256867920320:alarm:cpu-alarm",
		},
		{
			file: "messages/cloudwatch-composite-alarm-2021-ALARM-sv1.json",
			want: cloudwatch.Alarm{
				Name:            "if-sim-app_427809481713_us-east-1-test_node_monitor",
				AccountID:       "427809481713",
				ARN:             "arn:aws:cloudwatch:us-east-1:427809481713:alarm:if-sim-app_427809481713_us-east-1-test_node_monitor",
				RegionName:      "US East (N. Virginia)",
				Region:          "us-east-1",
				NewState:        cloudwatch.StateAlarm,
				OldState:        cloudwatch.StateOK,
				Reason:          "arn:aws:cloudwatch:us-east-1:427809481713:alarm:if-sim-app_427809481713_us-east-1-metric_emitting_node_failure transitioned to ALARM at Wednesday 10 November, 2021 02:45:55 UTC",
				StateChangeTime: mustTime("2021-11-10T02:45:55.640Z"),
				Kind:            cloudwatch.KindComposite,
				Rule:            "ALARM(arn:aws:cloudwatch:us-east-1:427809481713:alarm:if-sim-app_427809481713_us-east-1-metric_emitting_node_failure) OR ALARM(arn:aws:cloudwatch:us-east-1:427809481713:alarm:if-sim-app_427809481713_us-east-1-metric_emitting_long_execution)",
			},
			key: "arn:aws:cloudwatch:us-east-1:427809481713:alarm:if-sim-app_427809481713_us-east-1-test_node_monitor",
		},
	} {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			a := MustParse(t, MustMessage(t, tt.file))
			got := *a
			// Compare instants, not representations: the parsed time keeps its +0000 zone.
			if !got.StateChangeTime.Equal(tt.want.StateChangeTime) {
				t.Fatalf("StateChangeTime = %s, want %s", got.StateChangeTime, tt.want.StateChangeTime)
			}
			got.StateChangeTime = tt.want.StateChangeTime
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got\n%+v\nwant\n%+v", got, tt.want)
			}
			if a.Key() != tt.key {
				t.Fatalf("Key = %q, want %q", a.Key(), tt.key)
			}
		})
	}
}

// The Lambda records carry the same Message as the HTTP fixtures; both must parse alike.
func TestParse_LambdaEventsMatch(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testdata, "lambda-events", "*.lambda-event.json"))
	if len(files) != 4 {
		t.Fatalf("found %d lambda events, want 4", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ev struct {
			Records []struct{ Sns struct{ Message string } }
		}
		if err := json.Unmarshal(b, &ev); err != nil || len(ev.Records) != 1 {
			t.Fatalf("%s: %v", f, err)
		}
		http := strings.TrimSuffix(filepath.Base(f), ".lambda-event.json") + ".json"
		a := MustParse(t, ev.Records[0].Sns.Message)
		b2 := MustParse(t, MustMessage(t, "messages/"+http))
		if !reflect.DeepEqual(a, b2) {
			t.Fatalf("%s parses differently from its HTTP form", f)
		}
	}
}

func TestParse_NotAlarm(t *testing.T) {
	for name, msg := range map[string]string{
		"S3Event":       MustMessage(t, "messages/rheoceros-s3event-2020-sv1.json"),
		"HelloWorld":    MustMessage(t, "messages/djangosnsview-notification-2018-apse2-subject-sv1.json"),
		"PlainText":     MustMessage(t, "messages/javasdkv2-notification-subject-sv1.json"),
		"Emoji":         MustMessage(t, "messages/perl-awssnsverify-notification-2019-emoji-sv1.json"),
		"Empty":         "",
		"Spaces":        "   ",
		"Array":         `[{"AlarmName":"x"}]`,
		"Number":        `42`,
		"BrokenJSON":    `{"AlarmName":`,
		"EventBridge":   `{"version":"0","detail-type":"CloudWatch Alarm State Change","source":"aws.cloudwatch","detail":{"alarmName":"x","state":{"value":"ALARM"}}}`,
		"CaseDifferent": `{"alarmName":"x","newStateValue":"ALARM"}`,
	} {
		t.Run(name, func(t *testing.T) {
			a, err := cloudwatch.Parse(msg)
			if !errors.Is(err, cloudwatch.ErrNotAlarm) || a != nil {
				t.Fatalf("got %v, %v; want ErrNotAlarm", a, err)
			}
		})
	}
}

// base is a valid metric alarm; malformed cases change one field.
func base(t *testing.T, change func(map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(MustMessage(t, "messages/cloudwatch-alarm-2022-ec2cpu-ALARM-sv1.json")), &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParse_Malformed(t *testing.T) {
	for name, change := range map[string]func(map[string]any){
		"StateInvalid":       func(m map[string]any) { m["NewStateValue"] = "BROKEN" },
		"StateLowercase":     func(m map[string]any) { m["NewStateValue"] = "alarm" },
		"StateMissing":       func(m map[string]any) { delete(m, "NewStateValue") },
		"StateNumber":        func(m map[string]any) { m["NewStateValue"] = 1 },
		"NameMissing":        func(m map[string]any) { delete(m, "AlarmName") },
		"NameEmpty":          func(m map[string]any) { m["AlarmName"] = "" },
		"NameNumber":         func(m map[string]any) { m["AlarmName"] = 7 },
		"AccountMissing":     func(m map[string]any) { delete(m, "AWSAccountId") },
		"TimeMissing":        func(m map[string]any) { delete(m, "StateChangeTime") },
		"TimeGarbage":        func(m map[string]any) { m["StateChangeTime"] = "yesterday" },
		"TimeNoZone":         func(m map[string]any) { m["StateChangeTime"] = "2022-07-09T02:39:54.536" },
		"ArnNotCloudWatch":   func(m map[string]any) { m["AlarmArn"] = "arn:aws:sns:us-east-1:256867920320:cpu-alerts" },
		"NoArnNoRegion":      func(m map[string]any) { delete(m, "AlarmArn"); delete(m, "Region") },
		"NoTriggerNoRule":    func(m map[string]any) { delete(m, "Trigger") },
		"TriggerEmpty":       func(m map[string]any) { m["Trigger"] = map[string]any{} },
		"TriggerString":      func(m map[string]any) { m["Trigger"] = "x" },
		"DimensionsNotArray": func(m map[string]any) { m["Trigger"].(map[string]any)["Dimensions"] = "x" },
	} {
		t.Run(name, func(t *testing.T) {
			a, err := cloudwatch.Parse(base(t, change))
			if !errors.Is(err, cloudwatch.ErrMalformed) || a != nil {
				t.Fatalf("got %v, %v; want ErrMalformed", a, err)
			}
			if errors.Is(err, cloudwatch.ErrNotAlarm) {
				t.Fatal("a malformed alarm must not read as not-an-alarm")
			}
		})
	}

	t.Run("UnknownOldStateAccepted", func(t *testing.T) {
		a := MustParse(t, base(t, func(m map[string]any) { m["OldStateValue"] = "SOMETHING_NEW" }))
		if a.OldState != "SOMETHING_NEW" {
			t.Fatalf("OldState = %q", a.OldState)
		}
	})
	t.Run("UnknownFieldsIgnored", func(t *testing.T) {
		MustParse(t, base(t, func(m map[string]any) { m["BrandNewField"] = map[string]any{"x": 1} }))
	})
}

// Constructed in the shape CloudWatch uses for metric math alarms (Trigger.Metrics); field names
// and casing follow real anomaly detection notifications.
const anomalyAlarm = `{"AlarmName":"api-latency-anomaly","AlarmDescription":null,"AWSAccountId":"111122223333",` +
	`"AlarmConfigurationUpdatedTimestamp":"2024-02-01T09:00:00.000+0000","NewStateValue":"ALARM",` +
	`"NewStateReason":"Thresholds Crossed: 3 out of the last 3 datapoints were greater than the upper thresholds",` +
	`"StateChangeTime":"2024-02-03T10:11:12.345+0000","Region":"Europe (Frankfurt)",` +
	`"AlarmArn":"arn:aws:cloudwatch:eu-central-1:111122223333:alarm:api-latency-anomaly","OldStateValue":"OK",` +
	`"OKActions":[],"AlarmActions":["arn:aws:sns:eu-central-1:111122223333:alarms"],"InsufficientDataActions":[],` +
	`"Trigger":{"Period":300,"EvaluationPeriods":3,"DatapointsToAlarm":3,"ComparisonOperator":"GreaterThanUpperThreshold",` +
	`"ThresholdMetricId":"band","TreatMissingData":"missing","EvaluateLowSampleCountPercentile":"",` +
	`"Metrics":[{"Id":"lat","MetricStat":{"Metric":{"Dimensions":[{"value":"app/api/0123456789abcdef","name":"LoadBalancer"}],` +
	`"MetricName":"TargetResponseTime","Namespace":"AWS/ApplicationELB"},"Period":300,"Stat":"p99"},"ReturnData":true},` +
	`{"Expression":"ANOMALY_DETECTION_BAND(lat, 3)","Id":"band","Label":"TargetResponseTime (expected)","ReturnData":true}]}}`

const mathAlarm = `{"AlarmName":"error-rate","AlarmDescription":"5xx over requests","AWSAccountId":"111122223333",` +
	`"NewStateValue":"OK","NewStateReason":"Threshold Crossed: no datapoints were above the threshold",` +
	`"StateChangeTime":"2024-02-03T10:11:12Z","Region":"US West (Oregon)","OldStateValue":"ALARM",` +
	`"Trigger":{"Period":60,"EvaluationPeriods":1,"ComparisonOperator":"GreaterThanThreshold","Threshold":5.0,` +
	`"TreatMissingData":"notBreaching","EvaluateLowSampleCountPercentile":"",` +
	`"Metrics":[{"Expression":"100*errors/requests","Id":"rate","Label":"error rate","ReturnData":true},` +
	`{"Id":"errors","MetricStat":{"Metric":{"Dimensions":[],"MetricName":"HTTPCode_Target_5XX_Count","Namespace":"AWS/ApplicationELB"},"Period":60,"Stat":"Sum"},"ReturnData":false},` +
	`{"Id":"requests","MetricStat":{"Metric":{"MetricName":"RequestCount","Namespace":"AWS/ApplicationELB"},"Period":60,"Stat":"Sum"},"ReturnData":false}]}}`

func TestParse_MetricMath(t *testing.T) {
	t.Run("AnomalyDetection", func(t *testing.T) {
		a := MustParse(t, anomalyAlarm)
		if a.Kind != cloudwatch.KindMetricMath || a.ThresholdMetricID != "band" || a.Metric != nil {
			t.Fatalf("got %+v", a)
		}
		want := []cloudwatch.MetricQuery{
			{ID: "lat", ReturnData: true, Stat: "p99", Period: 300, Metric: &cloudwatch.Metric{
				Namespace: "AWS/ApplicationELB", Name: "TargetResponseTime",
				Dimensions: []cloudwatch.Dimension{{Name: "LoadBalancer", Value: "app/api/0123456789abcdef"}},
			}},
			{ID: "band", Expression: "ANOMALY_DETECTION_BAND(lat, 3)", Label: "TargetResponseTime (expected)", ReturnData: true},
		}
		if !reflect.DeepEqual(a.Metrics, want) {
			t.Fatalf("Metrics = %+v", a.Metrics)
		}
		if a.Region != "eu-central-1" || a.RegionName != "Europe (Frankfurt)" || a.Description != "" {
			t.Fatalf("region %q %q, description %q", a.Region, a.RegionName, a.Description)
		}
		if a.Key() != "arn:aws:cloudwatch:eu-central-1:111122223333:alarm:api-latency-anomaly" {
			t.Fatalf("Key = %q", a.Key())
		}
	})
	t.Run("Expression", func(t *testing.T) {
		a := MustParse(t, mathAlarm)
		if a.Kind != cloudwatch.KindMetricMath || a.NewState != cloudwatch.StateOK || len(a.Metrics) != 3 || a.ThresholdMetricID != "" {
			t.Fatalf("got %+v", a)
		}
		if a.Metrics[0].Expression != "100*errors/requests" || a.Metrics[0].Metric != nil ||
			a.Metrics[1].ReturnData || a.Metrics[2].Metric.Name != "RequestCount" {
			t.Fatalf("Metrics = %+v", a.Metrics)
		}
		if a.Key() != "arn:aws:cloudwatch:us-west-2:111122223333:alarm:error-rate" {
			t.Fatalf("Key = %q", a.Key())
		}
	})
}

func TestAlarmKey(t *testing.T) {
	for _, tt := range []struct {
		name  string
		alarm cloudwatch.Alarm
		want  string
	}{
		{"ARNWins", cloudwatch.Alarm{ARN: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a", AccountID: "999999999999", Region: "eu-west-1", Name: "b"},
			"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"},
		{"Built", cloudwatch.Alarm{AccountID: "123456789012", Region: "eu-west-1", RegionName: "EU (Ireland)", Name: "disk: full"},
			"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:disk: full"},
		{"BuiltChina", cloudwatch.Alarm{AccountID: "123456789012", Region: "cn-north-1", Name: "a"},
			"arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:a"},
		{"BuiltGovCloud", cloudwatch.Alarm{AccountID: "123456789012", Region: "us-gov-west-1", Name: "a"},
			"arn:aws-us-gov:cloudwatch:us-gov-west-1:123456789012:alarm:a"},
		{"UnknownRegion", cloudwatch.Alarm{AccountID: "123456789012", RegionName: "Moon (Tranquility)", Name: "a"},
			"cloudwatch-alarm:123456789012:Moon (Tranquility):alarm:a"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.alarm.Key(); got != tt.want {
				t.Fatalf("Key = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("OldAndNewMessagesShareAKey", func(t *testing.T) {
		withARN := MustParse(t, MustMessage(t, "messages/cloudwatch-alarm-2022-ec2cpu-ALARM-sv1.json"))
		without := MustParse(t, base(t, func(m map[string]any) { delete(m, "AlarmArn") }))
		if without.ARN != "" || without.Key() != withARN.Key() {
			t.Fatalf("keys differ: %q vs %q", without.Key(), withARN.Key())
		}
	})
}

func TestParse_Region(t *testing.T) {
	for _, tt := range []struct{ display, arn, want string }{
		{"US East (N. Virginia)", "", "us-east-1"},
		{"EU (Ireland)", "", "eu-west-1"},
		{"Europe (Ireland)", "", "eu-west-1"},
		{"Asia Pacific (Seoul)", "", "ap-northeast-2"},
		{"South America (São Paulo)", "", "sa-east-1"},
		{"AWS GovCloud (US)", "", "us-gov-west-1"},
		{"China (Ningxia)", "", "cn-northwest-1"},
		{"us-east-1", "", "us-east-1"}, // emulators send the code
		{"Somewhere New", "", ""},
		// The ARN is exact and beats the table, even for a display name the table lacks.
		{"Somewhere New", "arn:aws:cloudwatch:xx-new-1:123456789012:alarm:a", "xx-new-1"},
	} {
		t.Run(tt.display, func(t *testing.T) {
			a := MustParse(t, base(t, func(m map[string]any) {
				m["Region"] = tt.display
				if tt.arn == "" {
					delete(m, "AlarmArn")
				} else {
					m["AlarmArn"] = tt.arn
				}
			}))
			if a.Region != tt.want || a.RegionName != tt.display {
				t.Fatalf("Region = %q, RegionName = %q", a.Region, a.RegionName)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	want := mustTime("2021-11-10T02:45:55.640Z")
	for _, tt := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2021-11-10T02:45:55.640+0000", want, true},
		{"2021-11-10T02:45:55.640Z", want, true},
		{"2021-11-10T02:45:55.640+00:00", want, true},
		{"2021-11-10T03:45:55.640+0100", want, true},
		{"2021-11-10T03:45:55.640+01:00", want, true},
		{"2021-11-10T02:45:55+0000", want.Truncate(time.Second), true},
		{"2021-11-10T02:45:55.640123+0000", want.Add(123 * time.Microsecond), true},
		{"2021-11-10T02:45:55.640", time.Time{}, false},
		{"2021-11-10 02:45:55.640+0000", time.Time{}, false},
		{"10/11/21 02:45:55", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := cloudwatch.ParseTime(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && !got.Equal(tt.want) {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testdata, "messages", "*.json"))
	if len(files) == 0 {
		f.Fatal("no fixtures")
	}
	for _, file := range files {
		f.Add(MustMessage(f, "messages/"+filepath.Base(file)))
	}
	f.Add(anomalyAlarm)
	f.Add(mathAlarm)
	f.Add(`{"AlarmName":"x"}`)
	f.Fuzz(func(t *testing.T, message string) {
		a, err := cloudwatch.Parse(message)
		if err != nil {
			if a != nil {
				t.Fatal("alarm returned with an error")
			}
			if !errors.Is(err, cloudwatch.ErrNotAlarm) && !errors.Is(err, cloudwatch.ErrMalformed) {
				t.Fatalf("error %v is neither ErrNotAlarm nor ErrMalformed", err)
			}
			return
		}
		if !a.NewState.Valid() || a.Name == "" || a.AccountID == "" || a.Key() == "" {
			t.Fatalf("accepted an unusable alarm: %+v", a)
		}
		switch a.Kind {
		case cloudwatch.KindMetric:
			if a.Metric == nil {
				t.Fatal("metric alarm without Metric")
			}
		case cloudwatch.KindMetricMath:
			if len(a.Metrics) == 0 {
				t.Fatal("metric math alarm without Metrics")
			}
		case cloudwatch.KindComposite:
		default:
			t.Fatalf("Kind %q", a.Kind)
		}
	})
}

func ptrFloat(f float64) *float64 { return &f }

func TestCondition(t *testing.T) {
	a := MustParse(t, MustMessage(t, "messages/cloudwatch-alarm-2022-ec2cpu-ALARM-sv1.json"))
	if got := a.Condition.Summary(); got != "AVERAGE > 80 for 1 of 1 period of 60 s" {
		t.Errorf("summary %q", got)
	}
	for _, tc := range []struct {
		name string
		c    cloudwatch.Condition
		want string
	}{
		{"m of n", cloudwatch.Condition{Statistic: "p99", Period: 300, EvaluationPeriods: 5, DatapointsToAlarm: 3, ComparisonOperator: "GreaterThanOrEqualToThreshold", Threshold: ptrFloat(0.25)}, "p99 ≥ 0.25 for 3 of 5 periods of 300 s"},
		{"datapoints default to all periods", cloudwatch.Condition{Statistic: "SUM", Period: 60, EvaluationPeriods: 2, ComparisonOperator: "LessThanThreshold", Threshold: ptrFloat(1)}, "SUM < 1 for 2 of 2 periods of 60 s"},
		{"anomaly band", cloudwatch.Condition{EvaluationPeriods: 1, ComparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold"}, "outside the band for 1 of 1 period"},
		{"unknown operator shown as sent", cloudwatch.Condition{ComparisonOperator: "Sideways", Threshold: ptrFloat(2)}, "Sideways 2"},
	} {
		if got := tc.c.Summary(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	// The condition is read leniently: a field of another type is left out, the alarm parses.
	odd := MustParse(t, `{"AlarmName":"x","AWSAccountId":"123456789012","NewStateValue":"ALARM","StateChangeTime":"2024-01-01T00:00:00.000+0000",
		"AlarmArn":"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:x",
		"Trigger":{"MetricName":"m","Namespace":"n","Period":"sixty","Threshold":"high","EvaluationPeriods":2,"ComparisonOperator":"GreaterThanThreshold"}}`)
	if odd.Condition == nil || odd.Condition.Period != 0 || odd.Condition.Threshold != nil || odd.Condition.EvaluationPeriods != 2 {
		t.Errorf("lenient condition: %+v", odd.Condition)
	}
}

func TestConsoleURL(t *testing.T) {
	for _, tc := range []struct{ region, name, want string }{
		{"eu-west-1", "orders-db cpu/high", "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/orders-db%20cpu%2Fhigh"},
		{"cn-north-1", "a", "https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/a"},
		{"us-gov-west-1", "a", "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/a"},
		{"", "a", ""},
		{"evil.example.com/x", "a", ""},
	} {
		a := cloudwatch.Alarm{Name: tc.name, Region: tc.region}
		if got := a.ConsoleURL(); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.region, got, tc.want)
		}
	}
}
