// Package storetest is the conformance suite every certcoach store must
// pass: storage/sqlite runs it on temporary files, storage/postgres on a
// fresh database per run. It tests behaviour through the store's methods
// only, so the two databases cannot drift apart unnoticed.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// Store is everything a certcoach store offers its users.
type Store interface {
	EnsureUser(ctx context.Context, key storage.UserKey, display, tzHint string, now time.Time) (storage.User, error)
	UserByKey(ctx context.Context, key storage.UserKey) (storage.User, error)
	UserByID(ctx context.Context, id int64) (storage.User, error)
	SetTimeZone(ctx context.Context, userID int64, tz, source string) error
	SetRetention(ctx context.Context, userID int64, r float64) error
	SetLeaderboard(ctx context.Context, userID int64, on bool) error
	DeleteUser(ctx context.Context, userID int64) error
	ExportUser(ctx context.Context, userID int64) (map[string][]map[string]any, error)
	CountUserRows(ctx context.Context, userID int64) (int, error)
	Leaderboard(ctx context.Context, platform, workspace string, since time.Time, limit int) ([]storage.LeaderRow, error)

	RecordAnswer(ctx context.Context, a storage.Answer, sessionPos int, schedule storage.Schedule) (storage.Answer, error)
	Rerate(ctx context.Context, userID int64, attemptKey string, rating int, card storage.Card) error
	AnswerByKey(ctx context.Context, userID int64, attemptKey string) (storage.Answer, error)
	LastAnswerID(ctx context.Context, userID int64, questionID string) (int64, error)
	AnswerDays(ctx context.Context, userID int64, limit int) ([]string, error)
	AnswerCounts(ctx context.Context, userID int64, sinceDay string) ([]storage.DayCount, error)
	CountAnswers(ctx context.Context, key storage.UserKey) (int, error)
	CountAnswersSince(ctx context.Context, userID int64, cert string, since time.Time) (int, error)
	DomainStats(ctx context.Context, userID int64) ([]storage.DomainStat, error)
	Cards(ctx context.Context, userID int64) ([]storage.Card, error)
	DueCards(ctx context.Context, userID int64, cert string, now time.Time, limit int) ([]storage.Card, error)
	SeenQuestions(ctx context.Context, userID int64) (map[string]bool, error)

	CreateSession(ctx context.Context, sess storage.Session) error
	Session(ctx context.Context, id string) (storage.Session, error)
	OpenSession(ctx context.Context, userID int64, kind string) (storage.Session, error)
	SetSessionState(ctx context.Context, id, from, to string, now time.Time) (bool, error)
	SetSessionShown(ctx context.Context, id string, pos int) error
	FinishSession(ctx context.Context, id, state string, now time.Time) error
	SessionAnswers(ctx context.Context, sessionID string) ([]storage.Answer, error)
	SetPlan(ctx context.Context, p storage.Plan) error
	Plan(ctx context.Context, userID int64) (storage.Plan, error)
	DeletePlan(ctx context.Context, userID int64) (bool, error)

	SaveReminder(ctx context.Context, r storage.Reminder, now time.Time, next storage.NextFunc) (storage.Reminder, error)
	ReminderFor(ctx context.Context, kind, platform, workspace, target string) (storage.Reminder, error)
	ReminderByID(ctx context.Context, id int64) (storage.Reminder, error)
	DueReminders(ctx context.Context, now time.Time, after storage.DueRef, limit int, platforms ...string) ([]storage.DueRef, error)
	ClaimReminder(ctx context.Context, id int64, now time.Time, opts storage.ClaimOptions) (storage.Claim, error)
	SetSendQuestion(ctx context.Context, c storage.Claim, questionID string) error
	FinishSend(ctx context.Context, c storage.Claim, questionID string, now time.Time, next storage.NextFunc) error
	FailSend(ctx context.Context, c storage.Claim, questionID, errMsg string, now, retryAt time.Time, next storage.NextFunc) error
	StopSend(ctx context.Context, c storage.Claim, questionID, errMsg, why string, now time.Time) error
	ReleaseClaim(ctx context.Context, c storage.Claim, now time.Time) error
	SendByID(ctx context.Context, id int64) (storage.Send, error)
	SendOn(ctx context.Context, reminderID int64, day string) (storage.Send, error)
	SendsOf(ctx context.Context, reminderID int64) ([]storage.Send, error)
	PreviousSent(ctx context.Context, reminderID int64, day string) (storage.Send, error)
	SentQuestions(ctx context.Context, reminderID int64) (map[string]bool, error)
	PruneSends(ctx context.Context, before string) (int64, error)
	RecordQotdAnswer(ctx context.Context, sendID, userID int64, choice int, correct bool, at time.Time) (bool, error)
	QotdDistribution(ctx context.Context, sendID int64) (map[int]int, error)
	QotdTop(ctx context.Context, reminderID int64, from, to string, limit int) ([]storage.QotdRow, error)

	LeaderPlace(ctx context.Context, userID int64, platform, workspace string, since, until time.Time) (place, of int, err error)

	HomeView(ctx context.Context, key storage.UserKey) (storage.HomeView, error)
	SetHomeView(ctx context.Context, key storage.UserKey, v storage.HomeView) error
	AddPlatformFile(ctx context.Context, f storage.PlatformFile) error
	PlatformFileBySum(ctx context.Context, key storage.UserKey, sum string) (string, error)
	PlatformFiles(ctx context.Context, userID int64) ([]string, error)
	WorkspacePlatformFiles(ctx context.Context, platform, workspace string) ([]string, error)
	ShowPlatformFile(ctx context.Context, key storage.UserKey, fileID string, where storage.FileShown) ([]string, error)
	DropPlatformFiles(ctx context.Context, key storage.UserKey, ids []string) error

	SaveSlackInstallation(ctx context.Context, in storage.SlackInstallation, now time.Time) error
	SlackInstallation(ctx context.Context, enterprise, team string, orgWide bool) (storage.SlackInstallation, error)
	SlackInstallationsExpiring(ctx context.Context, before time.Time) ([]storage.SlackInstallation, error)
	ReplaceSlackTokens(ctx context.Context, in storage.SlackInstallation, oldRefresh []byte, now time.Time) (bool, error)
	DeleteSlackInstallation(ctx context.Context, enterprise, team string, orgWide bool) (bool, error)
	ResealSlackTokens(ctx context.Context, reseal func([]storage.SlackInstallation) ([]storage.SlackInstallation, error)) (int, error)
	DeleteWorkspace(ctx context.Context, platform, workspace string) (int64, error)
	SaveOAuthState(ctx context.Context, hash string, expires, now time.Time) error
	ConsumeOAuthState(ctx context.Context, hash string, now time.Time) (bool, error)

	Reserve(ctx context.Context, name string, interval time.Duration, burst int, now time.Time) (time.Time, error)
	PruneBudgets(ctx context.Context, before time.Time) (int64, error)

	FirstSeen(ctx context.Context, scope, key string, now time.Time) (bool, error)
	PruneSeen(ctx context.Context, before time.Time) (int64, error)
	GetKV(ctx context.Context, key string) (string, error)
	SetKV(ctx context.Context, key, value string) error
	Ping(ctx context.Context) error
	Close() error
}

// Opener opens a handle on one fresh database; each call opens another
// (a replica) on the same one. Handles are closed by t.Cleanup.
type Opener func(t testing.TB) Store

// Run runs the suite. newDB makes a fresh, empty database for one test and
// returns how to open it; it may make the test parallel.
func Run(t *testing.T, newDB func(t *testing.T) Opener) {
	for _, c := range []struct {
		name string
		test func(*testing.T, Opener)
	}{
		{"UserTimeZoneSourceRespected", testUserTimeZoneSourceRespected},
		{"FirstSeen", testFirstSeen},
		{"FirstSeenConcurrent", testFirstSeenConcurrent},
		{"ConcurrentWritersAndReaders", testConcurrentWritersAndReaders},
		{"DeleteUserCascades", testDeleteUserCascades},
		{"DeletePlan", testDeletePlan},
		{"ExportTypes", testExportTypes},
		{"SameAnswerRacing", testSameAnswerRacing},
		{"SessionShown", testSessionShown},
		{"SessionObjective", testSessionObjective},
		{"AnswerCounts", testAnswerCounts},
		{"DueRemindersPlatforms", testDueRemindersPlatforms},
		{"DueRemindersPages", testDueRemindersPages},
		{"ClaimFinishAdvance", testClaimFinishAdvance},
		{"FailReleaseAndRetry", testFailReleaseAndRetry},
		{"StopSendTurnsOff", testStopSendTurnsOff},
		{"TwoReplicasClaimOnce", testTwoReplicasClaimOnce},
		{"QotdAnswersAndRanking", testQotdAnswersAndRanking},
		{"PruneSends", testPruneSends},
		{"QuestionSets", testQuestionSets},
		{"LeaderboardAndDays", testLeaderboardAndDays},
		{"SlackInstallations", testSlackInstallations},
		{"ResealSlackTokens", testResealSlackTokens},
		{"DeleteWorkspace", testDeleteWorkspace},
		{"HomeViewsAcrossReplicas", testHomeViewsAcrossReplicas},
		{"HomeViewNeedsTheUser", testHomeViewNeedsTheUser},
		{"PlatformFiles", testPlatformFiles},
		{"ShowPlatformFile", testShowPlatformFile},
		{"MessageFilesBounded", testMessageFilesBounded},
		{"OAuthStates", testOAuthStates},
		{"RateBudgetShared", testRateBudgetShared},
		{"AbandonedClaim", testAbandonedClaim},
	} {
		t.Run(c.name, func(t *testing.T) { c.test(t, newDB(t)) })
	}
}

func testUserTimeZoneSourceRespected(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	k := storage.UserKey{Platform: "slack", Workspace: "T1", User: "U2"}
	u, _ := s.EnsureUser(ctx, k, "", "America/New_York", time.Unix(1, 0))
	if err := s.SetTimeZone(ctx, u.ID, "Asia/Tokyo", "user"); err != nil {
		t.Fatal(err)
	}
	u, _ = s.EnsureUser(ctx, k, "", "America/Chicago", time.Unix(2, 0))
	if u.TZ != "Asia/Tokyo" {
		t.Fatalf("platform hint overrode the user's zone: %q", u.TZ)
	}
}

func testFirstSeen(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	now := time.Unix(1000, 0)
	for i, want := range []bool{true, false, false} {
		got, err := s.FirstSeen(ctx, "slack-event", "Ev1", now)
		if err != nil || got != want {
			t.Fatalf("delivery %d: %v, %v; want %v", i, got, err, want)
		}
	}
	if ok, _ := s.FirstSeen(ctx, "discord", "Ev1", now); !ok {
		t.Fatal("scopes must not collide")
	}
	if n, err := s.PruneSeen(ctx, now.Add(time.Second)); err != nil || n != 2 {
		t.Fatalf("pruned %d, %v", n, err)
	}
}

// TestFirstSeenConcurrent: delivery records are group-committed; racing
// deliveries of one ID, in one process and in a second process on the same
// database (a replica), still get exactly one "first", and a caller that gave
// up stores nothing.
func testFirstSeenConcurrent(t *testing.T, open Opener) {
	ctx := context.Background()
	s, replica := open(t), open(t)
	now := time.Unix(1000, 0)
	const ids, racers = 20, 10
	var firsts [ids]int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for r := 0; r < racers; r++ {
		st := s
		if r%2 == 1 {
			st = replica
		}
		for id := 0; id < ids; id++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				first, err := st.FirstSeen(ctx, "discord", fmt.Sprint("I", id), now)
				if err != nil {
					t.Error(err)
					return
				}
				if first {
					mu.Lock()
					firsts[id]++
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for id, n := range firsts {
		if n != 1 {
			t.Errorf("interaction I%d: %d first deliveries, want 1", id, n)
		}
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.FirstSeen(gone, "discord", "late", now); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	if first, err := s.FirstSeen(ctx, "discord", "late", now); err != nil || !first {
		t.Fatalf("a cancelled delivery must not be recorded: %v, %v", first, err)
	}
}

func recordN(ctx context.Context, s Store, userID int64, key string) error {
	_, err := s.RecordAnswer(ctx, storage.Answer{UserID: userID, AttemptKey: key, QuestionID: "q-" + key, Cert: "cissp", Domain: 1, At: time.Unix(100, 0), LocalDay: "2026-11-25"}, 0,
		func(prev *storage.Card) (storage.Card, int, string) {
			return storage.Card{UserID: userID, QuestionID: "q-" + key, Cert: "cissp", Domain: 1, Due: time.Unix(200, 0), State: 2}, 3, ""
		})
	return err
}

// testAnswerCounts: answers are counted per local day and cert from the
// given day on, oldest first, and other users' answers never count.
func testAnswerCounts(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	var ids [2]int64
	for i := range ids {
		u, err := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: fmt.Sprint("counts", i)}, "", "", time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	n := 0
	add := func(user int64, day, cert string, k int) {
		for range k {
			n++
			key := fmt.Sprint("c", n)
			_, err := s.RecordAnswer(ctx, storage.Answer{UserID: user, AttemptKey: key, QuestionID: "q-" + key, Cert: cert, Domain: 1, At: time.Unix(int64(100+n), 0), LocalDay: day}, 0,
				func(*storage.Card) (storage.Card, int, string) {
					return storage.Card{UserID: user, QuestionID: "q-" + key, Cert: cert, Domain: 1, Due: time.Unix(200, 0), State: 2}, 3, ""
				})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	add(ids[0], "2026-10-01", "cissp", 4) // before the window
	add(ids[0], "2026-11-02", "cissp", 3)
	add(ids[0], "2026-11-02", "cism", 1)
	add(ids[0], "2026-11-20", "cissp", 5)
	add(ids[1], "2026-11-20", "cissp", 7)
	got, err := s.AnswerCounts(ctx, ids[0], "2026-11-01")
	if err != nil {
		t.Fatal(err)
	}
	want := []storage.DayCount{{Day: "2026-11-02", Cert: "cism", Answers: 1}, {Day: "2026-11-02", Cert: "cissp", Answers: 3}, {Day: "2026-11-20", Cert: "cissp", Answers: 5}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("AnswerCounts = %v, want %v", got, want)
	}
	if got, err := s.AnswerCounts(ctx, ids[0], "2026-12-01"); err != nil || len(got) != 0 {
		t.Fatalf("AnswerCounts after the last answer = %v, %v; want none", got, err)
	}
}

// TestConcurrentWritersAndReaders: many goroutines write and read at once on
// one database; no write is lost, none fails with "database is locked".
func testConcurrentWritersAndReaders(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	const users, each = 20, 25
	ids := make([]int64, users)
	for i := range ids {
		u, err := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: fmt.Sprint(i)}, "", "", time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	var wg sync.WaitGroup
	errs := make(chan error, users*each*2)
	for i := 0; i < users; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < each; k++ {
				if err := recordN(ctx, s, ids[i], fmt.Sprint(k)); err != nil {
					errs <- err
				}
				// Same key again: a duplicate, never a second row.
				if err := recordN(ctx, s, ids[i], fmt.Sprint(k)); !errors.Is(err, storage.ErrDuplicate) {
					errs <- fmt.Errorf("duplicate not detected: %v", err)
				}
			}
		}(i)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < each; k++ {
				if _, err := s.DomainStats(ctx, ids[i]); err != nil {
					errs <- err
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range ids {
		n, err := s.CountAnswers(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: fmt.Sprint(i)})
		if err != nil || n != each {
			t.Errorf("user %d: %d answers (%v), want %d", i, n, err, each)
		}
	}
}

func testDeleteUserCascades(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "x"}, "", "", time.Unix(1, 0))
	other, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "y"}, "", "", time.Unix(1, 0))
	for _, uu := range []storage.User{u, other} {
		id := uu.ID
		if err := recordN(ctx, s, id, "a"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPlan(ctx, storage.Plan{UserID: id, Cert: "cism", ExamDate: "2027-01-01", PerDay: 5, StartDay: "2026-11-25", Created: time.Unix(1, 0)}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetHomeView(ctx, uu.Key, storage.HomeView{OpenedAt: time.Unix(1, 0), ChartFile: "F1", ChartAt: time.Unix(2, 0)}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddPlatformFile(ctx, storage.PlatformFile{UserID: id, FileID: "F1", Sum: "s1", CreatedAt: time.Unix(2, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := s.CountUserRows(ctx, u.ID)
	if before < 6 { // user, answer, card, plan, home view, file
		t.Fatalf("expected rows before delete, got %d", before)
	}
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountUserRows(ctx, u.ID); n != 0 {
		t.Fatalf("%d rows left", n)
	}
	if n, _ := s.CountUserRows(ctx, other.ID); n != before {
		t.Fatalf("other user lost rows: %d, want %d", n, before)
	}
}

// testDeletePlan: deleting a plan removes that user's plan only, reports
// whether there was one, and a new plan can be set after it.
func testDeletePlan(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "x"}, "", "", time.Unix(1, 0))
	other, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "y"}, "", "", time.Unix(1, 0))
	plan := func(id int64, date string) storage.Plan {
		return storage.Plan{UserID: id, Cert: "cism", ExamDate: date, PerDay: 5, StartDay: "2026-11-25", Created: time.Unix(1, 0)}
	}
	for _, id := range []int64{u.ID, other.ID} {
		if err := s.SetPlan(ctx, plan(id, "2027-01-01")); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []bool{true, false} { // the second time there is none
		got, err := s.DeletePlan(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("delete %d: had a plan %v, want %v", i+1, got, want)
		}
		if _, err := s.Plan(ctx, u.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("delete %d: plan after delete: %v, want ErrNotFound", i+1, err)
		}
	}
	if p, err := s.Plan(ctx, other.ID); err != nil || p.ExamDate != "2027-01-01" {
		t.Fatalf("other user's plan: %+v, %v", p, err)
	}
	if err := s.SetPlan(ctx, plan(u.ID, "2027-02-01")); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Plan(ctx, u.ID); err != nil || p.ExamDate != "2027-02-01" {
		t.Fatalf("plan set after delete: %+v, %v", p, err)
	}
}

// testExportTypes: the export shows 0/1 columns as booleans, Unix times as
// UTC dates and leaves unset ones out, and an answer's card before it with
// the cards table's names, not the FSRS library's Go names.
func testExportTypes(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "x"}, "", "", time.Unix(1, 0))
	if err := s.CreateSession(ctx, storage.Session{ID: "s1", UserID: u.ID, Kind: "quiz", Cert: "cissp", Questions: []string{"q-a", "q-b"},
		State: storage.SessionActive, StartedAt: time.Unix(100, 0)}); err != nil {
		t.Fatal(err)
	}
	prev := `{"Due":"2026-11-26T10:00:00Z","Stability":1.5,"Difficulty":5,"ElapsedDays":1,"ScheduledDays":2,"Reps":3,"Lapses":0,"State":2,"LastReview":"0001-01-01T00:00:00Z"}`
	for i, a := range []struct {
		key     string
		correct bool
		prev    string
	}{{"a", false, ""}, {"b", true, prev}} {
		_, err := s.RecordAnswer(ctx, storage.Answer{UserID: u.ID, AttemptKey: a.key, SessionID: "s1", QuestionID: "q-" + a.key, Cert: "cissp", Domain: 1,
			Correct: a.correct, At: time.Unix(200, 0), LocalDay: "1970-01-01"}, i,
			func(*storage.Card) (storage.Card, int, string) {
				return storage.Card{UserID: u.ID, QuestionID: "q-" + a.key, Cert: "cissp", Domain: 1, Due: time.Unix(300, 0), State: 2}, 3, a.prev
			})
		if err != nil {
			t.Fatal(err)
		}
	}
	doc, b := exportDoc(ctx, t, s, u.ID)
	if len(doc["user"]) != 1 || len(doc["answers"]) != 2 || len(doc["sessions"]) != 1 || len(doc["cards"]) != 2 {
		t.Fatalf("export rows: %s", b)
	}
	answers := doc["answers"]
	if answers[0]["attempt_key"] != "a" {
		answers[0], answers[1] = answers[1], answers[0]
	}
	wantCard := map[string]any{"due": "2026-11-26T10:00:00Z", "stability": 1.5, "difficulty": 5.0, "elapsed_days": 1.0,
		"scheduled_days": 2.0, "reps": 3.0, "lapses": 0.0, "state": 2.0} // no last_review: it was never set
	for _, c := range []struct {
		what      string
		row       map[string]any
		key       string
		want      any
		wantUnset bool
	}{
		{"leaderboard", doc["user"][0], "leaderboard", true, false},
		{"user created", doc["user"][0], "created_at", "1970-01-01T00:00:01Z", false},
		{"wrong answer", answers[0], "correct", false, false},
		{"right answer", answers[1], "correct", true, false},
		{"answered", answers[1], "answered_at", "1970-01-01T00:03:20Z", false},
		{"first answer's card before", answers[0], "prev_card", nil, true},
		{"card before", answers[1], "prev_card", wantCard, false},
		{"session started", doc["sessions"][0], "started_at", "1970-01-01T00:01:40Z", false},
		{"session not finished", doc["sessions"][0], "finished_at", nil, true},
		{"session questions", doc["sessions"][0], "questions", []any{"q-a", "q-b"}, false},
		{"card due", doc["cards"][0], "due", "1970-01-01T00:05:00Z", false},
		{"card never reviewed", doc["cards"][0], "last_review", nil, true},
	} {
		got, ok := c.row[c.key]
		if ok == c.wantUnset || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %s = %#v (present %v), want %#v (present %v)", c.what, c.key, got, ok, c.want, !c.wantUnset)
		}
	}
}

// TestSameAnswerRacing: the same attempt submitted by many goroutines at once
// (a double click landing in one group commit) is stored exactly once.
func testSameAnswerRacing(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "racer"}, "", "", time.Unix(1, 0))
	var wg sync.WaitGroup
	results := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- recordN(ctx, s, u.ID, "same")
		}()
	}
	wg.Wait()
	close(results)
	ok, dup := 0, 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, storage.ErrDuplicate):
			dup++
		default:
			t.Error(err)
		}
	}
	if ok != 1 || dup != 19 {
		t.Fatalf("%d stored, %d duplicates; want 1 and 19", ok, dup)
	}
	if n, _ := s.CountAnswers(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "racer"}); n != 1 {
		t.Fatalf("%d rows", n)
	}
}

// testSessionShown: a session keeps the position last shown to its user as
// given at creation and as set; an answer moves the position, not what was
// shown; a second replica reads the same, and a state change keeps it.
func testSessionShown(t *testing.T, open Opener) {
	ctx := context.Background()
	s, replica := open(t), open(t)
	u, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: "shown"}, "", "", time.Unix(1, 0))
	check := func(st Store, id string, pos, shown int) {
		t.Helper()
		got, err := st.Session(ctx, id)
		if err != nil || got.Position != pos || got.Shown != shown {
			t.Fatalf("session %s: position %d, shown %d (%v); want %d, %d", id, got.Position, got.Shown, err, pos, shown)
		}
	}
	for _, sess := range []storage.Session{
		{ID: "shown-0", UserID: u.ID, Kind: "quiz", Cert: "cissp", Questions: []string{"q-a", "q-b", "q-c"}, StartedAt: time.Unix(100, 0)},
		{ID: "shown-none", UserID: u.ID, Kind: "exam", Cert: "cism", Questions: []string{"q-a", "q-b"}, Shown: -1, StartedAt: time.Unix(100, 0), TimeLimit: time.Hour},
	} {
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		check(s, sess.ID, 0, sess.Shown)
	}
	// A button answer: the session moves to question 2, which is not shown.
	_, err := s.RecordAnswer(ctx, storage.Answer{UserID: u.ID, AttemptKey: "s:shown-0:0", SessionID: "shown-0", QuestionID: "q-a", Cert: "cissp", Domain: 1,
		Correct: true, At: time.Unix(200, 0), LocalDay: "1970-01-01"}, 0,
		func(*storage.Card) (storage.Card, int, string) {
			return storage.Card{UserID: u.ID, QuestionID: "q-a", Cert: "cissp", Domain: 1, Due: time.Unix(300, 0), State: 2}, 3, ""
		})
	if err != nil {
		t.Fatal(err)
	}
	check(s, "shown-0", 1, 0)
	if err := s.SetSessionShown(ctx, "shown-0", 1); err != nil {
		t.Fatal(err)
	}
	check(replica, "shown-0", 1, 1)
	if open, err := replica.OpenSession(ctx, u.ID, "quiz"); err != nil || open.Shown != 1 {
		t.Fatalf("open quiz: shown %d, %v; want 1", open.Shown, err)
	}
	if err := replica.SetSessionShown(ctx, "shown-none", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetSessionState(ctx, "shown-none", storage.SessionActive, storage.SessionPaused, time.Unix(400, 0)); err != nil {
		t.Fatal(err)
	}
	check(s, "shown-none", 0, 0)
	check(s, "shown-0", 1, 1) // the other session is untouched
}

// testSessionObjective: a quiz on one objective keeps it, a domain quiz or
// an exam has none; a second replica reads the same, an open quiz and a
// state change keep it, and the export shows it.
func testSessionObjective(t *testing.T, open Opener) {
	ctx := context.Background()
	s, replica := open(t), open(t)
	u, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: "objective"}, "", "", time.Unix(1, 0))
	sessions := []storage.Session{
		{ID: "obj-domain", UserID: u.ID, Kind: "quiz", Cert: "cissp", Domain: 7, Questions: []string{"q-a"}, StartedAt: time.Unix(100, 0)},
		{ID: "obj-cism", UserID: u.ID, Kind: "quiz", Cert: "cism", Domain: 4, Objective: "4A2", Questions: []string{"q-b"}, StartedAt: time.Unix(150, 0)},
		{ID: "obj-exam", UserID: u.ID, Kind: "exam", Cert: "cissp", Questions: []string{"q-c"}, StartedAt: time.Unix(150, 0), TimeLimit: time.Hour},
		{ID: "obj-7.6", UserID: u.ID, Kind: "quiz", Cert: "cissp", Domain: 7, Objective: "7.6", Questions: []string{"q-d", "q-e"}, StartedAt: time.Unix(200, 0)},
	}
	for _, sess := range sessions {
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
	}
	for _, sess := range sessions {
		got, err := replica.Session(ctx, sess.ID)
		if err != nil || got.Objective != sess.Objective || got.Domain != sess.Domain {
			t.Errorf("session %s: domain %d, objective %q (%v); want %d, %q", sess.ID, got.Domain, got.Objective, err, sess.Domain, sess.Objective)
		}
	}
	if o, err := replica.OpenSession(ctx, u.ID, "quiz"); err != nil || o.ID != "obj-7.6" || o.Objective != "7.6" {
		t.Fatalf("open quiz: %s, objective %q, %v; want obj-7.6 on 7.6", o.ID, o.Objective, err)
	}
	if err := s.FinishSession(ctx, "obj-7.6", storage.SessionStopped, time.Unix(300, 0)); err != nil {
		t.Fatal(err)
	}
	if got, err := replica.Session(ctx, "obj-7.6"); err != nil || got.Objective != "7.6" || got.FinishedAt.IsZero() {
		t.Fatalf("stopped quiz: objective %q, finished %v, %v; want 7.6, finished", got.Objective, got.FinishedAt, err)
	}
	doc, _ := exportDoc(ctx, t, s, u.ID)
	objectives := map[any]any{}
	for _, row := range doc["sessions"] {
		objectives[row["id"]] = row["objective"]
	}
	if want := map[any]any{"obj-domain": "", "obj-cism": "4A2", "obj-exam": "", "obj-7.6": "7.6"}; !reflect.DeepEqual(objectives, want) {
		t.Errorf("exported objectives %v, want %v", objectives, want)
	}
}

func dailyUTC(r storage.Reminder, after time.Time, lastDay string) (time.Time, string, bool) {
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

func seedReminder(t testing.TB, s Store, user string, minute int, now time.Time) storage.Reminder {
	t.Helper()
	ctx := context.Background()
	u, err := s.EnsureUser(ctx, storage.UserKey{Platform: "discord", Workspace: "g", User: user}, user, "", now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.SaveReminder(ctx, storage.Reminder{Kind: storage.ReminderUser, UserID: u.ID, Platform: "discord", Workspace: "g", Target: user, Minute: minute, TZ: "UTC"}, now, dailyUTC)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func claimOpts(owner string) storage.ClaimOptions {
	return storage.ClaimOptions{Owner: owner, Lease: 10 * time.Minute, MaxAge: 3 * time.Hour, Next: dailyUTC}
}

// TestDueRemindersPlatforms: a scheduler limited to some platforms sees
// only their reminders, page after page.
func testDueRemindersPlatforms(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range 9 {
		platform := []string{"discord", "console", "slack"}[i%3]
		u, err := s.EnsureUser(ctx, storage.UserKey{Platform: platform, Workspace: "w", User: fmt.Sprint("u", i)}, "", "", now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveReminder(ctx, storage.Reminder{Kind: storage.ReminderUser, UserID: u.ID, Platform: platform, Workspace: "w", Target: fmt.Sprint("u", i), Minute: 60, TZ: "UTC"}, now, dailyUTC); err != nil {
			t.Fatal(err)
		}
	}
	count := func(platforms ...string) int {
		n := 0
		var cur storage.DueRef
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

func testDueRemindersPages(t *testing.T, open Opener) {
	s := open(t)
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range 25 {
		seedReminder(t, s, fmt.Sprintf("u%02d", i), 60+i%3, now) // 01:00-01:02
	}
	seedReminder(t, s, "later", 120, now)
	ctx := context.Background()
	var got []storage.DueRef
	var cur storage.DueRef
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

func testClaimFinishAdvance(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	r := seedReminder(t, s, "a", 90, now)
	if r.DueDay != "2027-06-01" || !r.NextFire.Equal(now.Add(90*time.Minute)) {
		t.Fatalf("saved %+v", r)
	}
	if _, err := s.ClaimReminder(ctx, r.ID, now, claimOpts("x")); !errors.Is(err, storage.ErrNotClaimed) {
		t.Fatalf("claimed before due: %v", err)
	}
	at := now.Add(90 * time.Minute)
	c, err := s.ClaimReminder(ctx, r.ID, at, claimOpts("x"))
	if err != nil || c.Attempt != 1 || c.Day != "2027-06-01" {
		t.Fatalf("claim %+v %v", c, err)
	}
	if _, err := s.ClaimReminder(ctx, r.ID, at, claimOpts("y")); !errors.Is(err, storage.ErrNotClaimed) {
		t.Fatalf("second owner claimed too: %v", err)
	}
	// A user change while sending stands; the day is not scheduled again.
	r2, err := s.SaveReminder(ctx, storage.Reminder{Kind: storage.ReminderUser, UserID: r.UserID, Platform: "discord", Workspace: "g", Target: "a", Minute: 100, TZ: "UTC"}, at, dailyUTC)
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
	if err != nil || sd.State != storage.SendSent || sd.QuestionID != "q1" || sd.SentAt.IsZero() {
		t.Errorf("send %+v %v", sd, err)
	}
	if err := s.FinishSend(ctx, c, "q1", at, dailyUTC); err == nil {
		t.Error("finished a claim twice")
	}
}

// testQuestionSets: the questions a user answered and those a reminder
// carried come back as sets, empty (not nil) before there are any; a send
// released before it had a question carried none.
func testQuestionSets(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	r := seedReminder(t, s, "a", 90, now)
	seen, err := s.SeenQuestions(ctx, r.UserID)
	if err != nil || seen == nil || len(seen) != 0 {
		t.Fatalf("seen before any answer: %v, %v", seen, err)
	}
	for _, key := range []string{"a", "b", "a2"} {
		if err := recordN(ctx, s, r.UserID, key); err != nil {
			t.Fatal(err)
		}
	}
	seen, err = s.SeenQuestions(ctx, r.UserID)
	if want := map[string]bool{"q-a": true, "q-b": true, "q-a2": true}; err != nil || !reflect.DeepEqual(seen, want) {
		t.Errorf("seen %v, %v; want %v", seen, err, want)
	}
	at := now.Add(90 * time.Minute)
	c, err := s.ClaimReminder(ctx, r.ID, at, claimOpts("x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseClaim(ctx, c, at); err != nil {
		t.Fatal(err)
	}
	sent, err := s.SentQuestions(ctx, r.ID)
	if err != nil || sent == nil || len(sent) != 0 {
		t.Fatalf("sent after a release: %v, %v", sent, err)
	}
	if c, err = s.ClaimReminder(ctx, r.ID, at, claimOpts("y")); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishSend(ctx, c, "q1", at, dailyUTC); err != nil {
		t.Fatal(err)
	}
	sent, err = s.SentQuestions(ctx, r.ID)
	if want := map[string]bool{"q1": true}; err != nil || !reflect.DeepEqual(sent, want) {
		t.Errorf("sent %v, %v; want %v", sent, err, want)
	}
}

// testLeaderboardAndDays: the leaderboard ranks a workspace's opted-in
// members by correct answers and days answered, and a user's answer days
// come newest first, as many as asked for.
func testLeaderboardAndDays(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	now := time.Unix(1000, 0)
	ids := map[string]int64{}
	for _, name := range []string{"ann", "bob", "out", "none"} {
		u, err := s.EnsureUser(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: name}, name, "", now)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = u.ID
	}
	if err := s.SetLeaderboard(ctx, ids["out"], false); err != nil {
		t.Fatal(err)
	}
	for i, a := range []struct {
		user, day string
		correct   bool
	}{{"ann", "2026-11-25", true}, {"ann", "2026-11-26", true}, {"ann", "2026-11-26", false}, {"bob", "2026-11-25", true}, {"out", "2026-11-25", true}} {
		key := fmt.Sprintf("k%d", i)
		_, err := s.RecordAnswer(ctx, storage.Answer{UserID: ids[a.user], AttemptKey: key, QuestionID: "q-" + key, Cert: "cissp", Domain: 1, Correct: a.correct, At: now, LocalDay: a.day}, 0,
			func(prev *storage.Card) (storage.Card, int, string) {
				return storage.Card{UserID: ids[a.user], QuestionID: "q-" + key, Cert: "cissp", Domain: 1, Due: now.Add(time.Hour), State: 2}, 3, ""
			})
		if err != nil {
			t.Fatal(err)
		}
	}
	rows, err := s.Leaderboard(ctx, "slack", "T1", now, 10)
	want := []storage.LeaderRow{{UserID: ids["ann"], Display: "ann", User: "ann", Correct: 2, Days: 2}, {UserID: ids["bob"], Display: "bob", User: "bob", Correct: 1, Days: 1}}
	if err != nil || !reflect.DeepEqual(rows, want) {
		t.Errorf("leaderboard %+v, %v; want %+v", rows, err, want)
	}
	for _, c := range []struct {
		user  string
		limit int
		want  []string
	}{{"ann", 10, []string{"2026-11-26", "2026-11-25"}}, {"ann", 1, []string{"2026-11-26"}}, {"none", 10, nil}} {
		days, err := s.AnswerDays(ctx, ids[c.user], c.limit)
		if err != nil || !reflect.DeepEqual(days, c.want) {
			t.Errorf("%s's answer days (limit %d): %v, %v; want %v", c.user, c.limit, days, err, c.want)
		}
	}
}

func testFailReleaseAndRetry(t *testing.T, open Opener) {
	s := open(t)
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
	if _, err := s.ClaimReminder(ctx, r.ID, now, claimOpts("y")); !errors.Is(err, storage.ErrNotClaimed) {
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
	if sd.State != storage.SendMissed || sd.Attempts != 2 || got.DueDay != "2027-06-02" {
		t.Errorf("missed: send %+v reminder %+v", sd, got)
	}
}

// A send refused for good is recorded missed and turns the reminder off with
// its reason, which survives a read and is cleared by saving it again; a
// reminder its owner changed mid-send keeps their schedule.
func testStopSendTurnsOff(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 1, 30, 0, 0, time.UTC)
	r := seedReminder(t, s, "a", 90, now.Add(-time.Hour))
	c, err := s.ClaimReminder(ctx, r.ID, now, claimOpts("x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.StopSend(ctx, c, "q1", "50007", storage.StopDMRefused, now); err != nil {
		t.Fatal(err)
	}
	sd, _ := s.SendOn(ctx, r.ID, "2027-06-01")
	got, err := s.ReminderByID(ctx, r.ID)
	if err != nil || sd.State != storage.SendMissed || sd.Error != "50007" || !got.NextFire.IsZero() || got.Stopped != storage.StopDMRefused {
		t.Fatalf("after stop: send %+v reminder %+v %v", sd, got, err)
	}
	if due, err := s.DueReminders(ctx, now.Add(48*time.Hour), storage.DueRef{}, 10); err != nil || len(due) != 0 {
		t.Fatalf("a stopped reminder is still due: %v %v", due, err)
	}
	again, err := s.SaveReminder(ctx, got, now, dailyUTC)
	if err != nil || again.Stopped != "" || again.NextFire.IsZero() || again.DueDay != "2027-06-02" {
		t.Fatalf("set again: %+v %v", again, err)
	}
	if err := s.StopSend(ctx, c, "q1", "x", "", now); err == nil {
		t.Error("StopSend without a reason succeeded")
	}

	// Changed by its owner while sending: the new schedule stands.
	r2 := seedReminder(t, s, "b", 90, now.Add(-time.Hour))
	c2, err := s.ClaimReminder(ctx, r2.ID, now, claimOpts("x"))
	if err != nil {
		t.Fatal(err)
	}
	r2.Minute = 120
	if _, err := s.SaveReminder(ctx, r2, now, dailyUTC); err != nil {
		t.Fatal(err)
	}
	if err := s.StopSend(ctx, c2, "q1", "50007", storage.StopDMRefused, now); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ReminderByID(ctx, r2.ID); got.NextFire.IsZero() || got.Stopped != "" {
		t.Errorf("owner's change overridden by a stop: %+v", got)
	}
}

// Two stores over one database stand for two replicas: every due reminder is
// claimed by exactly one of them.
func testTwoReplicasClaimOnce(t *testing.T, open Opener) {
	s1, s2 := open(t), open(t)
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
	for w, s := range []Store{s1, s2, s1, s2} {
		wg.Go(func() {
			for _, id := range ids {
				c, err := s.ClaimReminder(context.Background(), id, at, claimOpts(fmt.Sprint("w", w)))
				if errors.Is(err, storage.ErrNotClaimed) {
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

func testQotdAnswersAndRanking(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	ch, err := s.SaveReminder(ctx, storage.Reminder{Kind: storage.ReminderChannel, Platform: "slack", Workspace: "T", Target: "C", Minute: 60, TZ: "UTC"}, now, dailyUTC)
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
	var users []storage.User
	for i := range 3 {
		u, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "slack", Workspace: "T", User: fmt.Sprint("m", i)}, fmt.Sprint("M", i), "", now)
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

func testPruneSends(t *testing.T, open Opener) {
	s := open(t)
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

// testRateBudgetShared: reservations from two replicas at the same instant
// get distinct slots one interval apart, after a burst that goes at once;
// an idle budget refills; PruneBudgets drops idle ones.
func testRateBudgetShared(t *testing.T, open Opener) {
	a, b := open(t), open(t)
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
	const n, burst, interval = 40, 3, 10 * time.Millisecond
	var mu sync.Mutex
	slots := map[time.Time]int{}
	var wg sync.WaitGroup
	for i := range n {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			at, err := s.Reserve(ctx, "test:global", interval, burst, now)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			slots[at]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if slots[now] != burst {
		t.Errorf("%d reservations go at once, want the burst of %d", slots[now], burst)
	}
	for k := 1; k <= n-burst; k++ {
		if at := now.Add(time.Duration(k) * interval); slots[at] != 1 {
			t.Errorf("slot %v taken %d times, want once", at.Sub(now), slots[at])
		}
	}
	if len(slots) != n-burst+1 {
		t.Errorf("%d distinct slots, want %d", len(slots), n-burst+1)
	}
	later := now.Add(time.Hour)
	if at, err := a.Reserve(ctx, "test:global", interval, burst, later); err != nil || !at.Equal(later) {
		t.Errorf("an idle budget: slot %v, %v; want at once", at.Sub(later), err)
	}
	if at, err := b.Reserve(ctx, "test:other", time.Second, 1, now); err != nil || !at.Equal(now) {
		t.Errorf("another budget: slot %v, %v; want at once", at.Sub(now), err)
	}
	if n, err := a.PruneBudgets(ctx, now.Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("pruned %d budgets, %v; want the idle one", n, err)
	}
}

// testAbandonedClaim: a claim whose owner died mid-send (its lease ran
// out) is sent again, with the question it carried, by another replica
// when its platform deduplicates sends; otherwise it is recorded unknown
// and the reminder moves to the next day.
func testAbandonedClaim(t *testing.T, open Opener) {
	ctx := context.Background()
	a, b := open(t), open(t)
	now := time.Date(2027, 6, 1, 1, 0, 0, 0, time.UTC)
	for _, resend := range []bool{true, false} {
		user := fmt.Sprint("resend-", resend)
		r := seedReminder(t, a, user, 60, now.Add(-time.Hour))
		c, err := a.ClaimReminder(ctx, r.ID, now, claimOpts("dead"))
		if err != nil {
			t.Fatal(err)
		}
		if err := a.SetSendQuestion(ctx, c, "q-shown"); err != nil {
			t.Fatal(err)
		}
		opts := claimOpts("alive")
		if resend {
			opts.Resend = func(platform string) bool { return platform == "discord" }
		}
		if _, err := b.ClaimReminder(ctx, r.ID, now.Add(time.Minute), opts); !errors.Is(err, storage.ErrNotClaimed) {
			t.Fatalf("claimed while the lease holds: %v", err)
		}
		later := now.Add(opts.Lease + time.Second)
		c2, err := b.ClaimReminder(ctx, r.ID, later, opts)
		if resend {
			if err != nil || c2.SendID != c.SendID || c2.Attempt != 2 || c2.QuestionID != "q-shown" || c2.Owner != "alive" {
				t.Fatalf("resend claim %+v, %v; want send %d again, attempt 2, q-shown", c2, err, c.SendID)
			}
			if err := a.FinishSend(ctx, c, "q-shown", later, dailyUTC); err == nil {
				t.Error("the dead owner's claim could still be finished")
			}
			if err := b.FinishSend(ctx, c2, "q-shown", later, dailyUTC); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !errors.Is(err, storage.ErrNotClaimed) {
			t.Fatalf("claimed an abandoned send without dedupe: %+v, %v", c2, err)
		}
		sd, err := b.SendOn(ctx, r.ID, "2027-06-01")
		if err != nil || sd.State != storage.SendUnknown {
			t.Fatalf("abandoned send %+v, %v; want unknown", sd, err)
		}
		if got, _ := b.ReminderByID(ctx, r.ID); got.DueDay != "2027-06-02" {
			t.Errorf("after an abandoned send the reminder is due %s, want the next day", got.DueDay)
		}
	}
}

// exportDoc is the user's export through JSON, as the user gets it, and
// the JSON itself.
func exportDoc(ctx context.Context, t *testing.T, s Store, userID int64) (map[string][]map[string]any, []byte) {
	t.Helper()
	data, err := s.ExportUser(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc, b
}
