package metrics

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gptbot/internal/testutil"
)

// The manifests live outside this package, but they describe its metrics,
// so they are checked here against the real family names.

func runPromtool(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(promtool(t), args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
}

func TestPrometheusConfig(t *testing.T) {
	dir := filepath.Join(testutil.ModuleRoot(t), "manifest", "prometheus")
	runPromtool(t, dir, "check", "config", "prometheus.yml") // also checks the rule files it names
	runPromtool(t, dir, "check", "rules", "alerts.yml")
	runPromtool(t, dir, "test", "rules", "alerts_test.yml")
}

// metricRef finds names of gptbot's own metrics (and their histogram series).
var metricRef = regexp.MustCompile(`\b(?:http|gsession|gptbot)_[a-z0-9_]+`)

// checkKnownMetrics fails on a name that is not one of our families: a typo
// in a rule or panel would otherwise just show "no data".
func checkKnownMetrics(t *testing.T, where, text string) {
	t.Helper()
	known := map[string]bool{}
	for _, f := range allFamilies {
		known[f] = true
	}
	for _, ref := range metricRef.FindAllString(text, -1) {
		base := ref
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			if b, ok := strings.CutSuffix(ref, suf); ok && known[b] {
				base = b
			}
		}
		if !known[base] {
			t.Errorf("%s refers to unknown metric %s", where, ref)
		}
	}
}

func TestAlertRulesUseOurMetrics(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "manifest", "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	checkKnownMetrics(t, "alerts.yml", string(b))
}

type panel struct {
	ID      int     `json:"id"`
	Type    string  `json:"type"`
	Title   string  `json:"title"`
	Panels  []panel `json:"panels"` // collapsed rows nest their panels
	Targets []struct {
		Expr       string `json:"expr"`
		Datasource struct {
			Type string `json:"type"`
			UID  string `json:"uid"`
		} `json:"datasource"`
	} `json:"targets"`
}

func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "manifest", "grafana", "gptbot-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		SchemaVersion int     `json:"schemaVersion"`
		UID           string  `json:"uid"`
		Panels        []panel `json:"panels"`
		Templating    struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query any    `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("dashboard is not valid JSON: %v", err)
	}
	if dash.SchemaVersion < 36 || dash.UID == "" {
		t.Errorf("schemaVersion %d, uid %q", dash.SchemaVersion, dash.UID)
	}
	hasDS := false
	for _, v := range dash.Templating.List {
		if v.Name == "datasource" && v.Type == "datasource" && v.Query == "prometheus" {
			hasDS = true
		}
	}
	if !hasDS {
		t.Error("no Prometheus datasource variable named datasource")
	}

	var exprs []string
	ids := map[int]bool{}
	var walk func(ps []panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("duplicate panel id %d (%s)", p.ID, p.Title)
			}
			ids[p.ID] = true
			for _, tg := range p.Targets {
				if tg.Datasource.UID != "${datasource}" {
					t.Errorf("panel %q: target datasource %q, want ${datasource}", p.Title, tg.Datasource.UID)
				}
				exprs = append(exprs, tg.Expr)
			}
			walk(p.Panels)
		}
	}
	walk(dash.Panels)

	all := strings.Join(exprs, "\n")
	for _, fam := range allFamilies {
		if !regexp.MustCompile(`\b` + fam + `(?:_bucket|_sum|_count)?\b`).MatchString(all) {
			t.Errorf("no panel shows %s", fam)
		}
	}
	checkKnownMetrics(t, "dashboard", all)
}
