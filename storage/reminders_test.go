package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// dailyUTC is a NextFunc for storage tests: r.Minute in UTC, on a day after lastDay.
func dailyUTC(r Reminder, after time.Time, lastDay string) (time.Time, string, bool) {
	d := after.UTC().Truncate(24 * time.Hour)
	for range 400 {
		at := d.Add(time.Duration(r.Minute) * time.Minute)
		day := d.Format(time.DateOnly)
		if day > lastDay && at.After(after) {
			return at, day, true
		}
		d = d.AddDate(0, 0, 1)
	}
	return time.Time{}, "", false
}

func seedReminder(t testing.TB, s *Store, user string, minute int, now time.Time) Reminder {
	t.Helper()
	ctx := context.Background()
	u, err := s.EnsureUser(ctx, UserKey{Platform: "discord", Workspace: "g", User: user}, user, "", now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.SaveReminder(ctx, Reminder{Kind: ReminderUser, UserID: u.ID, Platform: "discord", Workspace: "g", Target: user, Minute: minute, TZ: "UTC"}, now, dailyUTC)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func claimOpts(owner string) ClaimOptions {
	return ClaimOptions{Owner: owner, Lease: 10 * time.Minute, MaxAge: 3 * time.Hour, Next: dailyUTC}
}

func TestDueRemindersUsesIndex(t *testing.T) {
	s, _ := openTemp(t)
	for q, want := range map[string]string{
		`SELECT id, next_fire FROM reminders INDEXED BY reminders_due WHERE next_fire = ? AND id > ? ORDER BY id LIMIT ?`:                    "(next_fire=? AND rowid>?)",
		`SELECT id, next_fire FROM reminders INDEXED BY reminders_due WHERE next_fire > ? AND next_fire <= ? ORDER BY next_fire, id LIMIT ?`: "(next_fire>? AND next_fire<?)",
	} {
		rows, err := s.r.Query("EXPLAIN QUERY PLAN "+q, 1, 2, 3)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "COVERING INDEX reminders_due "+want) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("due query plan: %s", p)
		}
	}
}

// TestDueRemindersPlatforms: a scheduler limited to some platforms sees
// only their reminders, page after page.
func TestDueRemindersPlatforms(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range 9 {
		platform := []string{"discord", "console", "slack"}[i%3]
		u, err := s.EnsureUser(ctx, UserKey{Platform: platform, Workspace: "w", User: fmt.Sprint("u", i)}, "", "", now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveReminder(ctx, Reminder{Kind: ReminderUser, UserID: u.ID, Platform: platform, Workspace: "w", Target: fmt.Sprint("u", i), Minute: 60, TZ: "UTC"}, now, dailyUTC); err != nil {
			t.Fatal(err)
		}
	}
	count := func(platforms ...string) int {
		n := 0
		var cur DueRef
		for {
			page, err := s.DueReminders(ctx, now.Add(2*time.Hour), cur, 2, platforms...)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page)
			if len(page) < 2 {
				return n
			}
			cur = page[len(page)-1]
		}
	}
	if all, console, chat := count(), count("console"), count("slack", "discord"); all != 9 || console != 3 || chat != 6 {
		t.Fatalf("due: all %d (want 9), console %d (want 3), slack+discord %d (want 6)", all, console, chat)
	}
}

func TestDueRemindersPages(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range 25 {
		seedReminder(t, s, fmt.Sprintf("u%02d", i), 60+i%3, now) // 01:00-01:02
	}
	seedReminder(t, s, "later", 120, now)
	ctx := context.Background()
	var got []DueRef
	var cur DueRef
	for {
		page, err := s.DueReminders(ctx, now.Add(62*time.Minute), cur, 7)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if len(page) < 7 {
			break
		}
		cur = page[len(page)-1]
	}
	if len(got) != 25 {
		t.Fatalf("paged %d due rows, want 25", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i].NextFire < got[i-1].NextFire || got[i].NextFire == got[i-1].NextFire && got[i].ID <= got[i-1].ID {
			t.Fatalf("out of order at %d: %v %v", i, got[i-1], got[i])
		}
	}
}

func TestClaimFinishAdvance(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	r := seedReminder(t, s, "a", 90, now)
	if r.DueDay != "2027-06-01" || !r.NextFire.Equal(now.Add(90*time.Minute)) {
		t.Fatalf("saved %+v", r)
	}
	if _, err := s.ClaimReminder(ctx, r.ID, now, claimOpts("x")); !errors.Is(err, ErrNotClaimed) {
		t.Fatalf("claimed before due: %v", err)
	}
	at := now.Add(90 * time.Minute)
	c, err := s.ClaimReminder(ctx, r.ID, at, claimOpts("x"))
	if err != nil || c.Attempt != 1 || c.Day != "2027-06-01" {
		t.Fatalf("claim %+v %v", c, err)
	}
	if _, err := s.ClaimReminder(ctx, r.ID, at, claimOpts("y")); !errors.Is(err, ErrNotClaimed) {
		t.Fatalf("second owner claimed too: %v", err)
	}
	// A user change while sending stands; the day is not scheduled again.
	r2, err := s.SaveReminder(ctx, Reminder{Kind: ReminderUser, UserID: r.UserID, Platform: "discord", Workspace: "g", Target: "a", Minute: 100, TZ: "UTC"}, at, dailyUTC)
	if err != nil || r2.DueDay != "2027-06-02" {
		t.Fatalf("change while sending: %+v %v", r2, err)
	}
	if err := s.FinishSend(ctx, c, "q1", at, dailyUTC); err != nil {
		t.Fatal(err)
	}
	got, _ := s.ReminderByID(ctx, r.ID)
	if got.Minute != 100 || got.DueDay != "2027-06-02" || !got.NextFire.Equal(r2.NextFire) {
		t.Errorf("after finish %+v", got)
	}
	sd, err := s.SendOn(ctx, r.ID, "2027-06-01")
	if err != nil || sd.State != SendSent || sd.QuestionID != "q1" || sd.SentAt.IsZero() {
		t.Errorf("send %+v %v", sd, err)
	}
	if err := s.FinishSend(ctx, c, "q1", at, dailyUTC); err == nil {
		t.Error("finished a claim twice")
	}
}

func TestFailReleaseAndRetry(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 1, 30, 0, 0, time.UTC)
	r := seedReminder(t, s, "a", 90, now.Add(-time.Hour))
	c, err := s.ClaimReminder(ctx, r.ID, now, claimOpts("x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseClaim(ctx, c, now); err != nil {
		t.Fatal(err)
	}
	c, err = s.ClaimReminder(ctx, r.ID, now, claimOpts("y"))
	if err != nil || c.Attempt != 1 {
		t.Fatalf("reclaim after release: %+v %v", c, err)
	}
	if err := s.FailSend(ctx, c, "q9", "429", now, now.Add(time.Second), dailyUTC); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimReminder(ctx, r.ID, now, claimOpts("y")); !errors.Is(err, ErrNotClaimed) {
		t.Fatalf("retry claimed before its time: %v", err)
	}
	c, err = s.ClaimReminder(ctx, r.ID, now.Add(time.Second), claimOpts("z"))
	if err != nil || c.Attempt != 2 || c.QuestionID != "q9" {
		t.Fatalf("retry claim %+v %v", c, err)
	}
	if err := s.FailSend(ctx, c, "q9", "gave up", now, time.Time{}, dailyUTC); err != nil {
		t.Fatal(err)
	}
	sd, _ := s.SendOn(ctx, r.ID, "2027-06-01")
	got, _ := s.ReminderByID(ctx, r.ID)
	if sd.State != SendMissed || sd.Attempts != 2 || got.DueDay != "2027-06-02" {
		t.Errorf("missed: send %+v reminder %+v", sd, got)
	}
}

// Two stores over one file stand for two replicas: every due reminder is
// claimed by exactly one of them.
func TestTwoReplicasClaimOnce(t *testing.T) {
	s1, path := openTemp(t)
	s2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	const n = 200
	var ids []int64
	for i := range n {
		ids = append(ids, seedReminder(t, s1, fmt.Sprintf("u%03d", i), 60, now).ID)
	}
	at := now.Add(time.Hour)
	var mu sync.Mutex
	claims := map[int64]int{}
	var wg sync.WaitGroup
	for w, s := range []*Store{s1, s2, s1, s2} {
		wg.Go(func() {
			for _, id := range ids {
				c, err := s.ClaimReminder(context.Background(), id, at, claimOpts(fmt.Sprint("w", w)))
				if errors.Is(err, ErrNotClaimed) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				claims[c.Reminder.ID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claims) != n {
		t.Errorf("%d of %d claimed", len(claims), n)
	}
	for id, k := range claims {
		if k != 1 {
			t.Errorf("reminder %d claimed %d times", id, k)
		}
	}
}

func TestQotdAnswersAndRanking(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	ch, err := s.SaveReminder(ctx, Reminder{Kind: ReminderChannel, Platform: "slack", Workspace: "T", Target: "C", Minute: 60, TZ: "UTC"}, now, dailyUTC)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimReminder(ctx, ch.ID, now.Add(time.Hour), claimOpts("x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishSend(ctx, c, "q", now.Add(time.Hour), dailyUTC); err != nil {
		t.Fatal(err)
	}
	var users []User
	for i := range 3 {
		u, _ := s.EnsureUser(ctx, UserKey{Platform: "slack", Workspace: "T", User: fmt.Sprint("m", i)}, fmt.Sprint("M", i), "", now)
		users = append(users, u)
	}
	s.SetLeaderboard(ctx, users[2].ID, false)
	for i, u := range users {
		ok, err := s.RecordQotdAnswer(ctx, c.SendID, u.ID, i, i == 1, now)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
	}
	if ok, _ := s.RecordQotdAnswer(ctx, c.SendID, users[0].ID, 3, true, now); ok {
		t.Error("second answer recorded")
	}
	dist, _ := s.QotdDistribution(ctx, c.SendID)
	if dist[0] != 1 || dist[1] != 1 || dist[2] != 1 || dist[3] != 0 {
		t.Errorf("distribution %v", dist)
	}
	top, _ := s.QotdTop(ctx, ch.ID, "2027-05-26", "2027-06-02", 5)
	if len(top) != 2 || top[0].Display != "M1" || top[0].Correct != 1 {
		t.Errorf("top %+v", top)
	}
	// forget removes a member's channel answers; the post stays.
	if err := s.DeleteUser(ctx, users[1].ID); err != nil {
		t.Fatal(err)
	}
	dist, _ = s.QotdDistribution(ctx, c.SendID)
	if dist[1] != 0 {
		t.Errorf("after forget %v", dist)
	}
}

func TestPruneSends(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	r := seedReminder(t, s, "a", 60, now)
	for d := range 5 {
		at := now.AddDate(0, 0, d).Add(time.Hour)
		c, err := s.ClaimReminder(ctx, r.ID, at, claimOpts("x"))
		if err != nil {
			t.Fatal(d, err)
		}
		if err := s.FinishSend(ctx, c, "", at, dailyUTC); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PruneSends(ctx, "2027-06-04")
	if err != nil || n != 3 {
		t.Errorf("pruned %d %v", n, err)
	}
	left, _ := s.SendsOf(ctx, r.ID)
	if len(left) != 2 {
		t.Errorf("%d left", len(left))
	}
}
