package discord

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestRemindFormsOnDiscord: Discord has no profile time zone, so a first
// /cert remind set is asked for one; the reply gives the form /cert takes
// there (sub-command and options), and that form sets the reminder; off
// says how to turn it back on in that form. The channel's question of the
// day is asked the same way.
func TestRemindFormsOnDiscord(t *testing.T) {
	h := newHTTPEnv(t)
	n := 0
	run := func(w who, line string) string {
		t.Helper()
		n++
		code, body := h.post(t, mustJSON(command(fmt.Sprint(650000000000000000+n), w, line)), time.Now(), testKey)
		var r wireResponse
		if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
			t.Fatalf("%s: %d %s", line, code, truncate(string(body), 300))
		}
		return r.Data.allText()
	}
	for _, c := range []struct {
		who        who
		line, want string
	}{
		{member, "remind show", "`/cert remind set time:07:30 zone:Europe/Berlin`"},
		{member, "remind set time=7:30", "`/cert remind set time:07:30 zone:Europe/Berlin`"},
		{member, "remind set time=7:30 zone=Europe/Berlin", "Daily reminder set for 07:30 Europe/Berlin"},
		{member, "remind off", "`/cert remind set time:07:30` turns it back on"},
		{admin, "group show", "`/cert group daily time:09:00 zone:Europe/Berlin`"},
		{admin, "group daily time=9:00", "`/cert group daily time:09:00 zone:Europe/Berlin`"},
	} {
		if got := run(c.who, c.line); !strings.Contains(got, c.want) || strings.Contains(got, "`remind 07:30") || strings.Contains(got, "`group daily 09:00") {
			t.Errorf("/cert %s: %s, want %q", c.line, truncate(got, 300), c.want)
		}
	}
}
