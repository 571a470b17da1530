package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestQuizDomainByNameKeepsCount: /cert quiz with a domain typed by name and
// a count asks that many questions (the name used to overwrite the count,
// leaving the default 5).
func TestQuizDomainByNameKeepsCount(t *testing.T) {
	h := newHTTPEnv(t)
	for i, c := range []struct{ line, want string }{
		{"quiz cert=cissp domain=iam count=4", "Question 1 of 4"},
		{"quiz cert=cism domain=governance count=3", "Question 1 of 3"},
		{"quiz cert=cissp count=9", "Question 1 of 9"},
	} {
		_, body := h.post(t, mustJSON(command(itoa(int64(610000000000000001+i)), member, c.line)), time.Now(), testKey)
		var r wireResponse
		if err := json.Unmarshal(body, &r); err != nil || r.Data == nil {
			t.Fatalf("%s: %v %s", c.line, err, truncate(string(body), 300))
		}
		if text := r.Data.allText(); !strings.Contains(text, c.want) {
			t.Errorf("%s: want %q in:\n%s", c.line, c.want, truncate(text, 300))
		}
	}
}
