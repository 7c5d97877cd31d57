package main

import (
	"testing"

	"github.com/umli/umli/internal/config"
)

// TestPlanDescriptors: the listeners' caps fit RLIMIT_NOFILE minus the reserve; when
// they do not, caps left at their defaults are lowered by one factor (never below 1),
// explicit caps are kept, and what still does not fit is reported (issue 21).
func TestPlanDescriptors(t *testing.T) {
	type in struct{ field, def, per int }
	tests := []struct {
		name                 string
		limit, reserve, open int
		ds                   []in
		want                 []int // the fields after planning
		demand, budget       int
		scaled, over         bool
	}{
		{"fits", 20000, 256, 20, []in{{0, 256, 1}, {0, 256, 2}, {500, 256, 1}}, []int{0, 0, 500}, 256 + 512 + 500, 20000 - 276, false, false},
		{"defaults lowered", 1000, 256, 24, []in{{0, 256, 1}, {0, 256, 2}, {0, 1024, 1}}, []int{102, 102, 411}, 256 + 512 + 1024, 720, true, false},
		{"explicit kept", 1000, 256, 24, []in{{600, 256, 1}, {0, 256, 1}}, []int{600, 120}, 856, 720, true, false},
		{"explicit over", 512, 256, 24, []in{{600, 256, 1}, {0, 256, 1}}, []int{600, 1}, 856, 232, true, true},
		{"nothing to lower", 512, 256, 24, []in{{600, 256, 1}}, []int{600}, 600, 232, false, true},
		{"reserve beyond limit", 200, 256, 24, []in{{0, 256, 1}}, []int{1}, 256, -80, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields := make([]int, len(tc.ds))
			var ds []fdDemand
			for i, d := range tc.ds {
				fields[i] = d.field
				ds = append(ds, fdDemand{name: "d", field: &fields[i], def: d.def, per: d.per})
			}
			p := planDescriptors(tc.limit, tc.reserve, tc.open, ds)
			for i := range fields {
				if fields[i] != tc.want[i] {
					t.Errorf("cap %d = %d, want %d", i, fields[i], tc.want[i])
				}
			}
			if p.Demand != tc.demand || p.Budget != tc.budget || p.Scaled != tc.scaled || p.Over != tc.over {
				t.Errorf("plan %+v, want demand %d budget %d scaled %v over %v", p, tc.demand, tc.budget, tc.scaled, tc.over)
			}
			// Lowered caps and the explicit ones fit, unless reported over.
			used := 0
			for i, d := range tc.ds {
				used += fields[i] * d.per
			}
			if !p.Over && tc.scaled && used > p.Budget {
				t.Errorf("after planning the caps hold %d descriptors, budget %d", used, p.Budget)
			}
		})
	}
}

// TestFDDemands: every listener umli run opens is counted, an e-mail proxy session at
// two descriptors, SIPREC media at its port range's ceiling.
func TestFDDemands(t *testing.T) {
	cfg := &config.Config{}
	cfg.Metrics.Listen = "127.0.0.1:9464"
	cfg.UMSys = &config.UMSysFile{JSONLines: []config.JSONLinesFile{{Source: "l"}}, Webhooks: []config.WebhookFile{{Source: "w"}},
		CUNI: []config.WebhookFile{{Source: "c"}}}
	cfg.Email = &config.EmailFile{Proxies: []config.EmailProxyFile{{Source: "m"}}}
	cfg.RTP = &config.RTPFile{SIPREC: &config.SIPRECFile{Source: "s", PortMin: 20000, PortMax: 20999}}
	cfg.X1 = &config.X1File{Listen: "127.0.0.1:8443"}
	got := map[string]int{}
	for _, d := range fdDemands(cfg) {
		got[d.name] = d.value() * d.per
	}
	want := map[string]int{"metrics": 256, "jsonLines l": 256, "webhook w": 256, "webhook c": 256, "email proxy m": 512,
		"siprec s": 256, "siprec media s": 500, "x1": 64}
	if len(got) != len(want) {
		t.Errorf("demands %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d descriptors, want %d", k, got[k], v)
		}
	}
}
