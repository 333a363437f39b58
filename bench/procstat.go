package main

import (
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc CPU times; 100 on every Linux this runs on.
const clockTicks = 100

// procTicks returns a process's user+system CPU time in ticks, and its command name.
func procTicks(pid string) (uint64, string, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, "", false
	}
	s := string(b)
	open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || close < open {
		return 0, "", false
	}
	comm := s[open+1 : close]
	f := strings.Fields(s[close+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, "", false
	}
	u, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	return u + st, comm, true
}

// cpuSnap is the CPU time consumed so far by the processes a run cares about.
type cpuSnap struct {
	at                            time.Time
	server, postgres, redis, self uint64
	machineBusy, machineTotal     uint64
	machineIRQ, machineSteal      uint64 // interrupts and softirqs (loopback TCP), and the hypervisor's steal
}

// takeCPU reads /proc: the server (and morePIDs, its separate worker), PostgreSQL,
// redis-server, this tool, and the whole machine.
// PostgreSQL is often shared (test suites use the same server), so it counts the backends
// connected to database dbName and the background processes (WAL writer, checkpointer…) and
// leaves other databases' backends to "other".
func takeCPU(serverPID int, dbName string, morePIDs ...int) cpuSnap {
	sn := cpuSnap{at: time.Now()}
	if t, _, ok := procTicks(strconv.Itoa(serverPID)); ok {
		sn.server = t
	}
	// The product's other processes (a separate worker) count as the server.
	for _, pid := range morePIDs {
		if t, _, ok := procTicks(strconv.Itoa(pid)); ok && pid != 0 {
			sn.server += t
		}
	}
	if t, _, ok := procTicks("self"); ok {
		sn.self = t
	}
	if ents, err := os.ReadDir("/proc"); err == nil {
		for _, ent := range ents {
			name := ent.Name()
			if name[0] < '0' || name[0] > '9' {
				continue
			}
			t, comm, ok := procTicks(name)
			if !ok {
				continue
			}
			switch {
			case comm == "postgres":
				if ours, err := postgresProcOfDB(name, dbName); err == nil && ours {
					sn.postgres += t
				}
			case strings.HasPrefix(comm, "redis-server"):
				sn.redis += t
			}
		}
	}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line)
		// cpu user nice system idle iowait irq softirq steal (guest time is inside user)
		for i := 1; i < len(f) && i <= 8; i++ {
			v, _ := strconv.ParseUint(f[i], 10, 64)
			sn.machineTotal += v
			if i != 4 && i != 5 {
				sn.machineBusy += v
			}
			if i == 6 || i == 7 {
				sn.machineIRQ += v
			}
			if i == 8 {
				sn.machineSteal += v
			}
		}
	}
	return sn
}

// cpuSplit is CPU use over an interval in cores (1.0 = one core busy all the time).
type cpuSplit struct {
	Server   float64 `json:"server"`
	Postgres float64 `json:"postgres"`
	Redis    float64 `json:"redis"`
	Bench    float64 `json:"bench"`
	Other    float64 `json:"other"`
	Idle     float64 `json:"idle"`
	// IRQ (interrupts and softirqs: the receiving side of loopback TCP) and Steal (CPU the
	// hypervisor gave to other machines) are part of Other.
	IRQ   float64 `json:"irq"`
	Steal float64 `json:"steal"`
	Cores int     `json:"cores"`
}

func cpuBetween(a, b cpuSnap) cpuSplit {
	secs := b.at.Sub(a.at).Seconds()
	if secs <= 0 {
		return cpuSplit{}
	}
	cores := func(x, y uint64) float64 {
		if y < x {
			return 0
		}
		return float64(y-x) / clockTicks / secs
	}
	cs := cpuSplit{Server: cores(a.server, b.server), Postgres: cores(a.postgres, b.postgres), Redis: cores(a.redis, b.redis),
		Bench: cores(a.self, b.self), Cores: runtime.NumCPU()}
	if total := b.machineTotal - a.machineTotal; total > 0 && b.machineTotal > a.machineTotal {
		busy := float64(b.machineBusy-a.machineBusy) / float64(total) * float64(cs.Cores)
		cs.Idle = float64(cs.Cores) - busy
		cs.Other = max(0, busy-cs.Server-cs.Postgres-cs.Redis-cs.Bench)
		cs.IRQ = float64(b.machineIRQ-a.machineIRQ) / float64(total) * float64(cs.Cores)
		cs.Steal = float64(b.machineSteal-a.machineSteal) / float64(total) * float64(cs.Cores)
	}
	return cs
}

// rssMonitor samples the server's resident set size every 250 ms.
type rssMonitor struct {
	pid  string
	mu   sync.Mutex
	tag  string
	all  []rssSample
	stop chan struct{}
	done chan struct{}
}

type rssSample struct {
	at  time.Time
	tag string
	kb  int
}

func startRSSMonitor(pid int) *rssMonitor {
	m := &rssMonitor{pid: strconv.Itoa(pid), tag: "setup", stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *rssMonitor) sample() {
	kb := vmRSS(m.pid)
	if kb <= 0 {
		return
	}
	m.mu.Lock()
	m.all = append(m.all, rssSample{time.Now(), m.tag, kb})
	m.mu.Unlock()
}

func (m *rssMonitor) setTag(tag string) {
	m.sample()
	m.mu.Lock()
	m.tag = tag
	m.mu.Unlock()
}

func (m *rssMonitor) close() {
	close(m.stop)
	<-m.done
}

// vmRSS is the VmRSS line of /proc/<pid>/status, in KiB.
func vmRSS(pid string) int {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
	}
	return 0
}

// rssSummary is RSS in MiB: the peak, and the median of the samples (the steady level).
type rssSummary struct {
	Samples int     `json:"samples"`
	PeakMiB float64 `json:"peak_mib"`
	MedMiB  float64 `json:"median_mib"`
	LastMiB float64 `json:"last_mib"`
}

// summary summarizes the samples with tag ("" = all).
func (m *rssMonitor) summary(tag string) rssSummary {
	m.mu.Lock()
	defer m.mu.Unlock()
	var kb []int
	for _, s := range m.all {
		if tag == "" || s.tag == tag {
			kb = append(kb, s.kb)
		}
	}
	if len(kb) == 0 {
		return rssSummary{}
	}
	last := kb[len(kb)-1]
	sort.Ints(kb)
	mib := func(k int) float64 { return float64(k) / 1024 }
	return rssSummary{Samples: len(kb), PeakMiB: mib(kb[len(kb)-1]), MedMiB: mib(kb[len(kb)/2]), LastMiB: mib(last)}
}

// postgresProcOfDB reports whether a postgres process works for dbName: a backend's title is
// "postgres: <cluster>: <user> <database> <client address> <activity>"; background processes
// name no client.
func postgresProcOfDB(pid, dbName string) (bool, error) {
	b, err := os.ReadFile("/proc/" + pid + "/cmdline")
	if err != nil {
		return false, err
	}
	title := strings.ReplaceAll(string(b), "\x00", " ")
	if strings.Contains(title, " "+dbName+" ") {
		return true, nil
	}
	isBackend := strings.Contains(title, "(") || strings.Contains(title, "[local]")
	return !isBackend, nil
}
