package main

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"sort"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// stageHistograms are umli's per-stage latency histograms the load benchmark reports:
// event time → handed to mediation (intake), Submit → PDUs in the handover queue,
// the session step's Redis call, and handover queue → first write to the LEMF.
var stageHistograms = map[string]string{
	"umli_mediation_record_seconds":    "mediation",
	"umli_handover_queue_wait_seconds": "queue",
	"umli_mediation_redis_seconds":     "redis",
	"umli_umsys_event_age_seconds":     "intake",
}

// stageQuantile is one stage's latency quantile, estimated from its histogram buckets.
type stageQuantile struct {
	Stage    string
	Count    uint64
	P50, P99 time.Duration
}

// scrapeStages reads umli's /metrics and estimates p50 and p99 of each stage histogram
// (all label sets merged; the redis one for the session step only).
func scrapeStages(addr string) ([]stageQuantile, error) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, fmt.Errorf("scrape umli metrics: %w", err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("parse umli metrics: %w", err)
	}
	var out []stageQuantile
	for name, stage := range stageHistograms {
		f, ok := fams[name]
		if !ok {
			return nil, fmt.Errorf("umli metrics: no %s", name)
		}
		merged := map[float64]uint64{}
		var count uint64
		for _, m := range f.GetMetric() {
			if name == "umli_mediation_redis_seconds" && label(m, "op") != "session_step" {
				continue
			}
			h := m.GetHistogram()
			count += h.GetSampleCount()
			for _, b := range h.GetBucket() {
				merged[b.GetUpperBound()] += b.GetCumulativeCount()
			}
		}
		if stage == "redis" {
			stage = "step"
		}
		out = append(out, stageQuantile{Stage: stage, Count: count, P50: bucketQuantile(merged, count, 0.5), P99: bucketQuantile(merged, count, 0.99)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Stage < out[j].Stage })
	return out, nil
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// bucketQuantile interpolates quantile q linearly inside the cumulative bucket that holds
// it, as Prometheus' histogram_quantile does; past the last finite bucket it is that bound.
func bucketQuantile(cum map[float64]uint64, count uint64, q float64) time.Duration {
	if count == 0 {
		return 0
	}
	bounds := make([]float64, 0, len(cum))
	for b := range cum {
		bounds = append(bounds, b)
	}
	sort.Float64s(bounds)
	rank := q * float64(count)
	lower, below := 0.0, uint64(0)
	for _, b := range bounds {
		c := cum[b]
		if float64(c) >= rank {
			if math.IsInf(b, 1) {
				return seconds(lower)
			}
			if c == below {
				return seconds(b)
			}
			return seconds(lower + (b-lower)*(rank-float64(below))/float64(c-below))
		}
		lower, below = b, c
	}
	return seconds(lower)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// fetchProfile writes umli's CPU profile over d (its --pprof listener) to path.
func fetchProfile(addr string, d time.Duration, path string) error {
	c := http.Client{Timeout: d + 30*time.Second}
	resp, err := c.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, int(math.Ceil(d.Seconds()))))
	if err != nil {
		return fmt.Errorf("umli profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("umli profile: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("umli profile: %w", err)
	}
	return f.Close()
}
