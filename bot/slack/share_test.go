package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
)

// shareSent is when the messages the share tests click on were sent: their
// timestamps are 1700000000.000xxx.
var shareSent = time.Unix(1700000000, 0)

// shareClock is a clock a minute after shareSent.
func shareClock() *stepClock { return &stepClock{t: shareSent.Add(time.Minute)} }

// sharePosts splits response_url posts into replies posted in the channel
// and replacements of the private copy.
func sharePosts(t *testing.T, rec *recorder) (public, replaced []wireMsg) {
	t.Helper()
	for _, p := range rec.all() {
		m := decode(t, p.Raw)
		switch {
		case m.ResponseType == inChannel:
			public = append(public, m)
		case m.ReplaceOriginal:
			replaced = append(replaced, m)
		}
	}
	return public, replaced
}

// waitReplaced waits until n replacements are recorded. A click's posts go
// out in order, the channel post before the replacement, so once a click's
// replacement is in, so is anything it posted in the channel.
func waitReplaced(t *testing.T, rec *recorder, n int) {
	t.Helper()
	for have := len(rec.all()); ; have++ {
		if _, r := sharePosts(t, rec); len(r) >= n {
			return
		}
		rec.wait(t, have+1)
	}
}

// shareButton is the Share button of a rendered reply.
func shareButton(t *testing.T, m wireMsg) (id, value string) {
	t.Helper()
	for _, b := range buttons(m.Blocks) {
		if b.ActionID == ShareActionID {
			return b.ActionID, b.Value
		}
	}
	t.Fatalf("no share button: %.300s", m.raw)
	return "", ""
}

// checkReplaced: the private copy keeps the answer, loses the Share button
// and says where the answer went.
func checkReplaced(t *testing.T, orig, got wireMsg, note string) {
	t.Helper()
	if got.ResponseType != ephemeral {
		t.Errorf("replacement is %q, want ephemeral", got.ResponseType)
	}
	for _, b := range buttons(got.Blocks) {
		if b.ActionID == ShareActionID {
			t.Errorf("replacement still offers to share: %.300s", got.raw)
		}
	}
	h1, _ := json.Marshal(orig.Blocks.BlockSet[0])
	h2, _ := json.Marshal(got.Blocks.BlockSet[0])
	if !bytes.Equal(h1, h2) {
		t.Errorf("replacement lost the answer: %s vs %s", h1, h2)
	}
	if last := lastContext(got); !strings.Contains(last, note) {
		t.Errorf("replacement ends with %q, want it to say %q", last, note)
	}
}

// lastContext is the text of a message's last block when it is a context line.
func lastContext(m wireMsg) string {
	bs := m.Blocks.BlockSet
	if len(bs) == 0 {
		return ""
	}
	c, ok := bs[len(bs)-1].(*slackapi.ContextBlock)
	if !ok || len(c.ContextElements.Elements) == 0 {
		return ""
	}
	txt, _ := c.ContextElements.Elements[0].(*slackapi.TextBlockObject)
	if txt == nil {
		return ""
	}
	return txt.Text
}

// TestShareTwicePostsOnce: Share posts the answer in the channel once and
// replaces the private copy with the answer without the button; a second
// click on that copy (a double click, or a stale copy still on screen)
// posts nothing and only replaces it again. Sharing a new copy of the same
// command is a new share.
func TestShareTwicePostsOnce(t *testing.T) {
	t.Parallel()
	e := newEnvAt(t, shareClock().Now)
	_, msg := e.slash(testUser, "compare iam")
	id, value := shareButton(t, msg)
	const ts = "1700000000.000300"
	if status, body := e.clickOn(ts, testUser, id, value); status != http.StatusOK {
		t.Fatalf("first click: %d %s", status, body)
	}
	waitReplaced(t, e.hooks, 1)
	public, replaced := sharePosts(t, e.hooks)
	if len(public) != 1 || len(replaced) != 1 {
		t.Fatalf("first click: %d channel posts, %d replacements; want 1 and 1", len(public), len(replaced))
	}
	if len(buttons(public[0].Blocks)) != 0 {
		t.Error("shared reply offers to share")
	}
	checkReplaced(t, msg, replaced[0], "Shared in <#C0CHAN>")

	if status, body := e.clickOn(ts, testUser, id, value); status != http.StatusOK {
		t.Fatalf("second click: %d %s", status, body)
	}
	waitReplaced(t, e.hooks, 2)
	public, replaced = sharePosts(t, e.hooks)
	if len(public) != 1 {
		t.Errorf("second click posted in the channel again: %d channel posts", len(public))
	}
	checkReplaced(t, msg, replaced[1], "Already shared in <#C0CHAN>")

	_, again := e.slash(testUser, "compare iam")
	id, value = shareButton(t, again)
	if status, body := e.clickOn("1700000000.000400", testUser, id, value); status != http.StatusOK {
		t.Fatalf("click on a new copy: %d %s", status, body)
	}
	waitReplaced(t, e.hooks, 3)
	if public, _ = sharePosts(t, e.hooks); len(public) != 2 {
		t.Errorf("a new copy's share: %d channel posts in all, want 2", len(public))
	}
}

// TestShareRacingReplicas: two clicks on one message at once, each reaching
// another replica on the same database, post the answer once; both
// replace the private copy.
func TestShareRacingReplicas(t *testing.T) {
	t.Parallel()
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			one, two, _ := twoReplicasAt(t, db.open, shareClock().Now)
			_, msg := one.slash(testUser, "ask what is the cissp passing score")
			id, value := shareButton(t, msg)
			var wg sync.WaitGroup
			for _, e := range []*env{one, two} {
				wg.Go(func() {
					if status, body := e.clickOn("1700000000.000500", testUser, id, value); status != http.StatusOK {
						t.Errorf("click: %d %s", status, body)
					}
				})
			}
			wg.Wait()
			waitReplaced(t, one.hooks, 2)
			public, replaced := sharePosts(t, one.hooks)
			if len(public) != 1 {
				t.Errorf("%d channel posts, want 1", len(public))
			}
			for _, r := range replaced {
				checkReplaced(t, msg, r, "hared in <#C0CHAN>")
			}
		})
	}
}

// TestShareChannelPostFails: when Slack refuses the channel post, the
// private copy does not claim it was shared; it says to run the command
// again (the click is recorded, so the same copy cannot share).
func TestShareChannelPostFails(t *testing.T) {
	t.Parallel()
	e := newEnvAt(t, shareClock().Now)
	hooks := newRecorder()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		hooks.add(recorded{Path: r.URL.Path, Raw: raw})
		if bytes.Contains(raw, []byte(`"in_channel"`)) {
			http.Error(w, "channel_not_found", http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	e.hookURL, e.hooks = srv.URL, hooks
	_, msg := e.slash(testUser, "compare iam")
	id, value := shareButton(t, msg)
	if status, body := e.clickOn("1700000000.000600", testUser, id, value); status != http.StatusOK {
		t.Fatalf("click: %d %s", status, body)
	}
	waitReplaced(t, hooks, 1)
	_, replaced := sharePosts(t, hooks)
	checkReplaced(t, msg, replaced[0], "Could not post this in the channel")
}

// TestShareTooOld: a click on a message older than ShareWindow posts
// nothing in the channel, whether or not it was shared before, and replaces
// the private copy (the answer, re-derived from the button's command, without
// the button) with a line that says it is too old and names the command to
// run again. Up to the window's end it shares.
func TestShareTooOld(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		age      time.Duration
		sharedAt time.Duration // 0: never shared before
		public   int
		note     string
	}{
		{"never shared, just inside the window", ShareWindow - time.Second, 0, 1, "Shared in <#C0CHAN>"},
		{"never shared, at the window", ShareWindow, 0, 0, "too old to share. Run `/cert compare iam` again"},
		{"never shared, a week old", 7 * ShareWindow, 0, 0, "too old to share. Run `/cert compare iam` again"},
		{"shared, its record pruned", 2 * ShareWindow, time.Minute, 1, "too old to share. Run `/cert compare iam` again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := shareClock()
			e := newEnvAt(t, clk.Now)
			_, msg := e.slash(testUser, "compare iam")
			id, value := shareButton(t, msg)
			const ts = "1700000000.000700"
			clicks := 0
			if tc.sharedAt > 0 {
				clk.Set(shareSent.Add(tc.sharedAt))
				e.clickOn(ts, testUser, id, value)
				clicks++
				waitReplaced(t, e.hooks, clicks)
				// serve's housekeeping, a day after the share
				if _, err := e.store.PruneSeen(context.Background(), shareSent.Add(tc.age)); err != nil {
					t.Fatal(err)
				}
				if n := e.count("seen"); n != 0 {
					t.Fatalf("%d share records left after the prune", n)
				}
			}
			clk.Set(shareSent.Add(tc.age))
			if status, body := e.clickOn(ts, testUser, id, value); status != http.StatusOK {
				t.Fatalf("click: %d %s", status, body)
			}
			clicks++
			waitReplaced(t, e.hooks, clicks)
			public, replaced := sharePosts(t, e.hooks)
			if len(public) != tc.public {
				t.Errorf("%d channel posts, want %d", len(public), tc.public)
			}
			checkReplaced(t, msg, replaced[len(replaced)-1], tc.note)
		})
	}
}

// TestShareTooOldOnAnotherReplica: a replica that did not see the share,
// on the same database, refuses a click on the message once it is older
// than ShareWindow just as the first would, after the first replica pruned
// the record.
func TestShareTooOldOnAnotherReplica(t *testing.T) {
	t.Parallel()
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			clk := shareClock()
			one, two, st2 := twoReplicasAt(t, db.open, clk.Now)
			_, msg := one.slash(testUser, "ask what is the cissp passing score")
			id, value := shareButton(t, msg)
			const ts = "1700000000.000800"
			one.clickOn(ts, testUser, id, value)
			waitReplaced(t, one.hooks, 1)
			clk.Set(shareSent.Add(ShareWindow + time.Hour))
			if _, err := st2.PruneSeen(context.Background(), clk.Now().Add(-ShareWindow)); err != nil {
				t.Fatal(err)
			}
			if status, body := two.clickOn(ts, testUser, id, value); status != http.StatusOK {
				t.Fatalf("click: %d %s", status, body)
			}
			waitReplaced(t, one.hooks, 2)
			public, replaced := sharePosts(t, one.hooks)
			if len(public) != 1 {
				t.Errorf("%d channel posts, want 1", len(public))
			}
			checkReplaced(t, msg, replaced[1], "too old to share. Run `/cert ask what is the cissp passing score` again")
		})
	}
}

// TestStaleNote: the too-old line names the button's command as Slack can
// show it (escaped, no backtick breaking the code span), or none when that
// would not fit a context line.
func TestStaleNote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		command, want string
	}{
		{"compare iam", "Run `/cert compare iam` again"},
		{"ask what is r&d <x>", "Run `/cert ask what is r&amp;d &lt;x&gt;` again"},
		{"ask `risk`", "Run `/cert ask 'risk'` again"},
		{strings.Repeat("&", maxButtonValue), "Run the command again"},
	} {
		if got := staleNote(tc.command); !strings.Contains(got, tc.want) || len(got) > maxContextText {
			t.Errorf("staleNote(%.20q) = %.200q, want it to contain %q", tc.command, got, tc.want)
		}
	}
}

// TestMessageTime: Slack message timestamps are Unix seconds, a dot and a
// sequence; anything else has no time (and the share is then recorded as
// any other).
func TestMessageTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ts   string
		want time.Time
		ok   bool
	}{
		{"1700000000.000300", time.Unix(1700000000, 0), true},
		{"1700000000", time.Unix(1700000000, 0), true},
		{"", time.Time{}, false},
		{"soon.1", time.Time{}, false},
		{"-5.0", time.Time{}, false},
	} {
		got, ok := messageTime(tc.ts)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("messageTime(%q) = %v, %t; want %v, %t", tc.ts, got, ok, tc.want, tc.ok)
		}
	}
}
