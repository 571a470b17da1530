package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAskExportAndForget: from the CLI, each command a process of its own,
// `ask export` prints the export as valid JSON and nothing else, and
// `forget` is confirmed by typing `forget yes`, not by a bare `yes`.
func TestAskExportAndForget(t *testing.T) {
	type doc struct {
		Format string                      `json:"format"`
		Data   map[string][]map[string]any `json:"data"`
	}
	export := func(t *testing.T) doc {
		t.Helper()
		code, out, errOut := runCLI(t, "", "ask", "export")
		if code != 0 {
			t.Fatalf("export: exit %d: %s", code, errOut)
		}
		var d doc
		dec := json.NewDecoder(strings.NewReader(out))
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("export is not JSON: %v\n%s", err, out)
		}
		if dec.More() || strings.TrimSpace(out[dec.InputOffset():]) != "" {
			t.Fatalf("export has more after the JSON:\n%s", out)
		}
		return d
	}
	for _, step := range []struct {
		args     []string
		code     int
		out      string // in stdout, else stderr when code != 0
		planGone bool   // the plan is gone after this step
	}{
		{[]string{"ask", "plan cism 2027-03-01"}, 0, "Study plan: CISM", false},
		{[]string{"ask", "forget"}, 0, `type certcoach ask "forget yes"`, false},
		{[]string{"ask", "yes"}, 2, `A typed yes confirms nothing here: to delete your data, type certcoach ask "forget yes".`, false},
		{[]string{"ask", "forget yes"}, 0, "Done: all your certcoach data", true},
	} {
		code, out, errOut := runCLI(t, "", step.args...)
		got := out
		if step.code != 0 {
			got = errOut
		}
		if code != step.code || !strings.Contains(got, step.out) {
			t.Fatalf("%v: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", step.args, code, step.code, step.out, out, errOut)
		}
		d := export(t)
		if d.Format != "certcoach-export-v3" || len(d.Data["user"]) != 1 {
			t.Fatalf("after %v: export format %q, users %d", step.args, d.Format, len(d.Data["user"]))
		}
		if lb := d.Data["user"][0]["leaderboard"]; lb != true {
			t.Errorf("after %v: leaderboard is %#v, want true", step.args, lb)
		}
		if gone := len(d.Data["plans"]) == 0; gone != step.planGone {
			t.Fatalf("after %v: plan deleted %v, want %v", step.args, gone, step.planGone)
		}
	}
}
