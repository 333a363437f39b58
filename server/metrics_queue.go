package server

import (
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-hub/switchboard/jobs"
)

// queueCollector reports the Asynq queues' depth at scrape time (design §12).
type queueCollector struct {
	inspector *asynq.Inspector
	depth     *prometheus.Desc
}

func newQueueCollector(i *asynq.Inspector) *queueCollector {
	return &queueCollector{inspector: i, depth: prometheus.NewDesc("switchboard_queue_depth",
		"Tasks in each Asynq queue by state (pending, scheduled, retry, active, archived).", []string{"queue", "state"}, nil)}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.depth }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	for _, q := range []string{jobs.QueueDefault, jobs.QueueMaintenance, jobs.QueueOnCall, jobs.QueueMailUrgent, jobs.QueueMailBulk} {
		info, err := c.inspector.GetQueueInfo(q)
		if err != nil {
			continue // a queue that never had a task does not exist yet
		}
		for state, n := range map[string]int{"pending": info.Pending, "scheduled": info.Scheduled, "retry": info.Retry, "active": info.Active, "archived": info.Archived} {
			ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(n), q, state)
		}
	}
}
