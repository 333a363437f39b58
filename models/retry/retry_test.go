package retry

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func constRand(f float64) func() float64 { return func() float64 { return f } }

func TestNominal_DefaultSchedule(t *testing.T) {
	tests := []struct {
		made int
		want time.Duration
	}{
		{-1, 30 * time.Second}, {0, 30 * time.Second}, {1, 30 * time.Second}, {2, 5 * time.Minute},
		{3, 30 * time.Minute}, {4, 2 * time.Hour}, {5, 5 * time.Hour}, {6, 10 * time.Hour},
		{7, 10 * time.Hour}, {19, 10 * time.Hour}, {math.MaxInt, 10 * time.Hour},
	}
	for _, tt := range tests {
		if got := Nominal(nil, tt.made); got != tt.want {
			t.Errorf("Nominal(default, %d) = %v, want %v", tt.made, got, tt.want)
		}
	}
}

func TestNominal_CustomScheduleLastRepeats(t *testing.T) {
	s := FromSeconds([]int{10, 60})
	for made, want := range map[int]time.Duration{1: 10 * time.Second, 2: time.Minute, 3: time.Minute, 10: time.Minute} {
		if got := Nominal(s, made); got != want {
			t.Errorf("Nominal(%v, %d) = %v, want %v", s, made, got, want)
		}
	}
}

func TestDelay_JitterBoundsAndOrder(t *testing.T) {
	tests := []struct {
		name     string
		schedule []time.Duration
	}{
		{"default", nil},
		{"custom", FromSeconds([]int{1, 1, 2, 60, 60, 3600})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(1, 2))
			for made := 1; made <= 20; made++ {
				w := Nominal(tt.schedule, made)
				lo, hi := max(time.Duration(float64(w)*(1-Jitter)), MinWait), time.Duration(float64(w)*(1+Jitter))
				seen := map[time.Duration]bool{}
				for range 200 {
					d := Delay(tt.schedule, made, rnd.Float64)
					if d < lo || d > hi {
						t.Fatalf("Delay(%d) = %v outside [%v, %v]", made, d, lo, hi)
					}
					seen[d] = true
				}
				if w > 10*time.Second && len(seen) < 100 {
					t.Errorf("Delay(%d): only %d distinct delays: no jitter?", made, len(seen))
				}
				if made > 1 {
					prevLo := Delay(tt.schedule, made-1, constRand(0))
					if cur := Delay(tt.schedule, made, constRand(0)); cur < prevLo {
						t.Errorf("Delay(%d) can be %v, below the previous step's lower bound %v", made, cur, prevLo)
					}
				}
			}
		})
	}
}

func TestDelay_ClampsRandom(t *testing.T) {
	for _, f := range []float64{-1, math.NaN(), 1, 2} {
		d := Delay(nil, 1, constRand(f))
		if d < 25*time.Second || d > 35*time.Second {
			t.Errorf("rnd %v: Delay = %v", f, d)
		}
	}
}

func TestPlan(t *testing.T) {
	got := Plan(nil, 5)
	want := []time.Duration{0, 30 * time.Second, 5*time.Minute + 30*time.Second, 35*time.Minute + 30*time.Second, 2*time.Hour + 35*time.Minute + 30*time.Second}
	if len(got) != len(want) {
		t.Fatalf("Plan = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Plan[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if p := Plan(nil, 0); len(p) != 1 || p[0] != 0 {
		t.Errorf("Plan(0) = %v", p)
	}
	// A receiver down for 30 minutes is reached by the default 5 attempts.
	if last := Plan(nil, DefaultAttempts)[DefaultAttempts-1]; last < 30*time.Minute {
		t.Errorf("the default attempts end after %v, before a 30-minute outage ends", last)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		secs []int
		ok   bool
	}{
		{nil, true},
		{[]int{}, true},
		{[]int{1}, true},
		{[]int{30, 300, 300, 86400}, true},
		{[]int{0}, false},
		{[]int{86401}, false},
		{[]int{60, 30}, false},
		{make([]int, 20), false},
	}
	for _, tt := range tests {
		if err := Validate(tt.secs); (err == nil) != tt.ok {
			t.Errorf("Validate(%v) = %v, want ok=%v", tt.secs, err, tt.ok)
		}
	}
	long := make([]int, MaxAttempts-1)
	for i := range long {
		long[i] = 60
	}
	if err := Validate(long); err != nil {
		t.Errorf("19 waits: %v", err)
	}
}
