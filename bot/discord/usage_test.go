package discord

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestRepliesNameSlashForms: through /cert, a refused argument's usage
// line and the replies of a quiz or mock exam that name a command give the
// form /cert takes (`/cert exam action:resume`, `/cert quiz cert:cissp
// domain:7 count:5`), not typed words, which it cannot take; in a server
// and in a DM alike, since both are /cert there.
func TestRepliesNameSlashForms(t *testing.T) {
	h := newHTTPEnv(t)
	n := 0
	run := func(w who, line string) *wireData {
		t.Helper()
		n++
		code, body := h.post(t, mustJSON(command(fmt.Sprint(640000000000000000+n), w, line)), time.Now(), testKey)
		var r wireResponse
		if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
			t.Fatalf("%s: %d %s", line, code, truncate(string(body), 300))
		}
		return r.Data
	}
	click := func(w who, id string) *wireData {
		t.Helper()
		n++
		code, body := h.post(t, mustJSON(button(fmt.Sprint(640000000000000000+n), w, id)), time.Now(), testKey)
		var r wireResponse
		if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
			t.Fatalf("%s: %d %s", id, code, truncate(string(body), 300))
		}
		return r.Data
	}
	check := func(what, got string, want []string) {
		t.Helper()
		for _, s := range want {
			if !strings.Contains(got, s) {
				t.Errorf("%s: want %q in:\n%s", what, s, truncate(got, 600))
			}
		}
	}
	for _, w := range []who{member, dmUser} {
		for _, c := range []struct {
			line string
			want []string
		}{
			{`settings key=retention value="0.9 extra"`, []string{"Usage: `/cert settings <key> <value>`, e.g. `/cert settings key:retention value:0.9`."}},
			{"plan cert=cissp date=2027-02-30", []string{"e.g. `/cert plan cert:cissp date:"}},
			{"quiz action=resume", []string{"`/cert quiz` starts one, e.g. `/cert quiz cert:cissp domain:7 count:5`."}},
			{"quiz cert=cissp domain=bogus", []string{"Usage: `/cert quiz [cert] [domain] [count] [action]`; see `/cert domains cert:cissp`."}},
			{"exam", []string{"`/cert exam cert:cism` (150 items", "`/cert exam action:pause`, `/cert exam action:resume` and `/cert exam action:stop` while one is open."}},
			{"exam action=pause", []string{"start one with `/cert exam cert:cism` or `/cert exam cert:cissp`."}},
			{"quiz", []string{"A CISSP quiz: `/cert quiz cert:cism` for CISM."}},
			{"exam cert=cism", []string{"CISM mock exam"}},
			{"exam action=pause", []string{"Resume any time with `/cert exam action:resume`."}},
			{"exam action=pause", []string{"already paused: `/cert exam action:resume` to continue."}},
			{"exam", []string{"Your exam is paused at question 1 of 150: `/cert exam action:resume` to continue."}},
			{"exam cert=cissp action=stop", []string{"Your open exam is the CISM one: `/cert exam action:stop`."}},
		} {
			got := run(w, c.line).allText()
			check(w.guild+" "+c.line, got, c.want)
			if strings.Contains(got, "`exam ") || strings.Contains(got, "`quiz ") || strings.Contains(got, "`settings ") {
				t.Errorf("%s %s: a typed form in:\n%s", w.guild, c.line, truncate(got, 600))
			}
		}
		// The results of a quiz stopped name the commands to go on with.
		var stop string
		for _, id := range run(w, "quiz cert=cissp count=1").buttonIDs() {
			if strings.HasPrefix(id, "quiz:stop:") {
				stop = id
			}
		}
		check(w.guild+" quiz stopped", click(w, stop).allText(), []string{"Next: `/cert review` for due cards, `/cert progress` for your standing."})
	}
}

// gatewayUsageForms: typed text mentioned in a server gets the usage line
// /cert takes (a mention runs none of the asker's own commands); a DM reads
// typed words, so its usage line and exam replies stay the typed forms.
func gatewayUsageForms(t *testing.T, ev *env) {
	m := ev.mention(t, "210000000000000800", "quiz cissp 7 5 9")
	if got := m.allText(); !strings.Contains(got,
		"Too many numbers. Usage: `/cert quiz [cert] [domain] [count] [action]`, e.g. `/cert quiz cert:cissp domain:7 count:5`.") {
		t.Errorf("mention: %s", truncate(got, 400))
	}
	user := "600000000000000008"
	say := func(id, content string) string {
		t.Helper()
		m := ev.dm(t, "700000000000000008", user, "erin", id, content)
		return m.allText()
	}
	for i, c := range []struct{ line, want string }{
		{"quiz cissp 7 5 9", "Too many numbers. Usage: `quiz [cism|cissp] [domain] [count 1-20]`, e.g. `quiz cissp 7 5`."},
		{"exam", "`exam cism` (150 items, 4 hours) or `exam cissp` (100-150 adaptive items, 3 hours); `exam pause`, `exam resume` and `exam stop` while one is open."},
	} {
		if got := say(fmt.Sprint(210000000000000810+i), c.line); !strings.Contains(got, c.want) || strings.Contains(got, "/cert") {
			t.Errorf("DM %q: want %q in:\n%s", c.line, c.want, truncate(got, 400))
		}
	}
}
