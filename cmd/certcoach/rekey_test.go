package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/slack"
	"github.com/certcoach/certcoach/internal/tokenbox"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/postgres/pgtest"
)

const (
	testNewTokenKey   = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	testOtherTokenKey = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
)

func mustBox(t *testing.T, key string, older ...string) *tokenbox.Box {
	t.Helper()
	b, err := tokenbox.New(key, older...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRekeyCLI runs `certcoach rekey` over installations sealed with
// testTokenKey, on a SQLite file and on PostgreSQL: its refusals, a
// rotation, a second run, and a row no key given opens.
func TestRekeyCLI(t *testing.T) {
	for _, db := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "certcoach.db") }},
		{"postgres", func(t *testing.T) string { return pgtest.NewSchema(t, pgtest.NewDatabase(t)) }},
	} {
		t.Run(db.name, func(t *testing.T) { testRekeyCLI(t, db.dsn(t)) })
	}
}

func testRekeyCLI(t *testing.T, dsn string) {
	ctx := context.Background()
	st, err := openStore(ctx, dsn, "CERTCOACH_DB")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	under := func(key string, older ...string) *installStore {
		return &installStore{st: st, box: mustBox(t, key, older...), now: now}
	}
	installs := []slack.Installation{
		{InstallKey: slack.InstallKey{TeamID: "T0ONE"}, BotToken: "xoxe.xoxb-1-ONE-bot", RefreshToken: "xoxe-1-ONE-refresh", ExpiresAt: now().Add(12 * time.Hour)},
		{InstallKey: slack.InstallKey{TeamID: "T0TWO"}, BotToken: "xoxb-2-TWO-bot"},
		{InstallKey: slack.InstallKey{EnterpriseID: "E0ORG", TeamID: "T0HOME", OrgWide: true}, BotToken: "xoxb-3-ORG-bot"},
	}
	keys := make([]slack.InstallKey, len(installs))
	for i, in := range installs {
		if err := under(testTokenKey).SaveInstallation(ctx, in); err != nil {
			t.Fatal(err)
		}
		keys[i] = in.InstallKey
	}
	sealed := func() [][]byte {
		var out [][]byte
		for _, k := range keys {
			r, err := under(testTokenKey).find(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r.BotToken, r.RefreshToken)
		}
		return out
	}
	unchanged := func(before [][]byte) {
		t.Helper()
		for i, b := range sealed() {
			if !bytes.Equal(b, before[i]) {
				t.Fatalf("sealed value %d changed", i)
			}
		}
	}
	// opens reports whether every installation opens under s, with its tokens.
	opens := func(s *installStore) bool {
		for _, in := range installs {
			got, err := s.FindInstallation(ctx, in.InstallKey)
			if err != nil {
				return false
			}
			if got.BotToken != in.BotToken || got.RefreshToken != in.RefreshToken {
				t.Fatalf("%s opened to other tokens", in.Workspace())
			}
		}
		return true
	}
	secret := []string{testTokenKey, testNewTokenKey, testOtherTokenKey, "xoxb-", "xoxe", "refresh"}
	rekey := func(newKey, oldKey string, args ...string) (int, string, string) {
		t.Helper()
		code, out, errOut := runCLIEnv(t, map[string]string{"CERTCOACH_DB": dsn, "CERTCOACH_TOKEN_KEY": newKey, "CERTCOACH_TOKEN_KEY_OLD": oldKey}, "", append([]string{"rekey"}, args...)...)
		for _, s := range secret {
			if strings.Contains(out+errOut, s) {
				t.Errorf("rekey output shows %q:\n%s%s", s, out, errOut)
			}
		}
		return code, out, errOut
	}

	before := sealed()
	for _, c := range []struct {
		name           string
		newKey, oldKey string
		args           []string
		code           int
		err            string
	}{
		{"no old key", testNewTokenKey, "", nil, 1, "CERTCOACH_TOKEN_KEY_OLD is not set"},
		{"no new key", "", testTokenKey, nil, 1, "CERTCOACH_TOKEN_KEY is not set"},
		{"same key", testTokenKey, strings.ToUpper(testTokenKey), nil, 1, "are the same key"},
		{"malformed old key", testNewTokenKey, "abcd", nil, 1, "CERTCOACH_TOKEN_KEY_OLD: token key must be 32 bytes"},
		{"malformed new key", "abcd", testTokenKey, nil, 1, "CERTCOACH_TOKEN_KEY: token key must be 32 bytes"},
		{"an argument", testNewTokenKey, testTokenKey, []string{"now"}, exitUsage, `unknown argument "now"`},
		{"wrong old key", testNewTokenKey, testOtherTokenKey, nil, 1,
			"rekey: 3 of 3 installations open under neither CERTCOACH_TOKEN_KEY nor CERTCOACH_TOKEN_KEY_OLD: E0ORG (org-wide), T0ONE, T0TWO; nothing was changed"},
	} {
		code, out, errOut := rekey(c.newKey, c.oldKey, c.args...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.err) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d and %q", c.name, code, out, errOut, c.code, c.err)
		}
		unchanged(before)
	}

	code, out, errOut := rekey(testNewTokenKey, testTokenKey)
	if want := "rekey: 3 installations resealed under CERTCOACH_TOKEN_KEY, 0 already under it (3 in all)\n"; code != 0 || out != want || errOut != "" {
		t.Fatalf("rekey: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	if !opens(under(testNewTokenKey)) || opens(under(testTokenKey)) {
		t.Fatal("after rekey the tokens do not open under the new key alone, or still open under the old one")
	}
	after := sealed()
	code, out, _ = rekey(testNewTokenKey, testTokenKey)
	if want := "rekey: 0 installations resealed under CERTCOACH_TOKEN_KEY, 3 already under it (3 in all)\n"; code != 0 || out != want {
		t.Errorf("second rekey: exit %d, stdout %q; want %q", code, out, want)
	}
	unchanged(after)

	// One row under a key rekey is not given stops it, even for a row it
	// could reseal: nothing is half done.
	late := slack.Installation{InstallKey: slack.InstallKey{TeamID: "T0LATE"}, BotToken: "xoxb-4-LATE-bot"}
	lost := slack.Installation{InstallKey: slack.InstallKey{TeamID: "T0LOST"}, BotToken: "xoxb-5-LOST-bot"}
	if err := under(testTokenKey).SaveInstallation(ctx, late); err != nil {
		t.Fatal(err)
	}
	if err := under(testOtherTokenKey).SaveInstallation(ctx, lost); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = rekey(testNewTokenKey, testTokenKey)
	if want := "rekey: 1 of 5 installations open under neither CERTCOACH_TOKEN_KEY nor CERTCOACH_TOKEN_KEY_OLD: T0LOST; nothing was changed"; code != 1 || out != "" || !strings.Contains(errOut, want) {
		t.Errorf("rekey with a lost row: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	if _, err := under(testTokenKey).FindInstallation(ctx, late.InstallKey); err != nil {
		t.Errorf("the refused rekey resealed T0LATE: %v", err)
	}
	unchanged(after)
}

// TestRekeyWhileServing rotates the key under a running multi-workspace
// adapter (fake Slack on 127.0.0.1, SQLite): during the rollout it reads
// tokens under either key and seals refreshed ones under the new key;
// rekey reseals the rest; then the new key alone serves every workspace,
// and tokens keep refreshing.
func TestRekeyWhileServing(t *testing.T) {
	e := newMultiEnv(t, true)
	ctx := context.Background()
	e.install("T0ONE")
	e.advance(2 * time.Hour)
	e.install("T0TWO")
	// The rollout: serve seals under the new key and still reads the old.
	e.ins.box = mustBox(t, testNewTokenKey, testTokenKey)
	e.advance(9*time.Hour + 30*time.Minute) // T0ONE within an hour of expiry, T0TWO not
	if err := e.a.RefreshDue(ctx); err != nil {
		t.Fatal(err)
	}
	two := e.tokenOf("T0TWO")
	if err := e.a.SendDM(ctx, "T0TWO", "U0BOB", bot.Reply{Body: "time to study"}); err != nil {
		t.Fatalf("DM during the rollout, token under the old key: %v", err)
	}
	e.fake.waitCall(t, "chat.postMessage", two)

	code, out, errOut := runCLIEnv(t, map[string]string{"CERTCOACH_DB": e.dbPath, "CERTCOACH_TOKEN_KEY": testNewTokenKey, "CERTCOACH_TOKEN_KEY_OLD": testTokenKey}, "", "rekey")
	if want := "rekey: 1 installation resealed under CERTCOACH_TOKEN_KEY, 1 already under it (2 in all)\n"; code != 0 || out != want {
		t.Fatalf("rekey: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	oldOnly := &installStore{st: e.store, box: mustBox(t, testTokenKey), now: e.clock}
	for _, team := range []string{"T0ONE", "T0TWO"} {
		if _, err := oldOnly.FindInstallation(ctx, slack.InstallKey{TeamID: team}); err == nil {
			t.Errorf("%s still opens under the old key after rekey", team)
		}
	}

	// CERTCOACH_TOKEN_KEY_OLD removed: the new key alone.
	e.ins.box = mustBox(t, testNewTokenKey)
	e.advance(2 * time.Minute) // past the client cache
	for _, team := range []string{"T0ONE", "T0TWO"} {
		tok := e.tokenOf(team)
		if err := e.a.SendDM(ctx, team, "U0ALICE", bot.Reply{Body: "time to study"}); err != nil {
			t.Fatalf("DM to %s after rekey: %v", team, err)
		}
		e.fake.waitCall(t, "chat.postMessage", tok)
	}
	e.advance(2 * time.Hour) // T0TWO within the hour now
	if err := e.a.RefreshDue(ctx); err != nil {
		t.Fatalf("refresh after rekey: %v", err)
	}
	if e.tokenOf("T0TWO") == two {
		t.Error("T0TWO's token was not refreshed after rekey")
	}
	assertNoTokens(t, e.fake.issuedTokens(), e.dbPath, e.logs.String()+out+errOut)
}

// rekeyFirst is the real store, with `certcoach rekey` slipped in between a
// refresh's read and its swap, the race ReplaceTokens retries for.
type rekeyFirst struct {
	installRows
	rekey func()
}

func (r *rekeyFirst) ReplaceSlackTokens(ctx context.Context, in storage.SlackInstallation, oldRefresh []byte, now time.Time) (bool, error) {
	if r.rekey != nil {
		r.rekey()
		r.rekey = nil
	}
	return r.installRows.ReplaceSlackTokens(ctx, in, oldRefresh, now)
}

func TestRefreshRacingRekey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := openStore(ctx, filepath.Join(t.TempDir(), "certcoach.db"), "CERTCOACH_DB")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	k := slack.InstallKey{TeamID: "T0ONE"}
	first := slack.Installation{InstallKey: k, BotToken: "xoxe.xoxb-1", RefreshToken: "xoxe-1-r1", ExpiresAt: now().Add(time.Hour)}
	if err := (&installStore{st: st, box: mustBox(t, testTokenKey), now: now}).SaveInstallation(ctx, first); err != nil {
		t.Fatal(err)
	}
	next, either := mustBox(t, testNewTokenKey), mustBox(t, testNewTokenKey, testTokenKey)
	rows := &rekeyFirst{installRows: st, rekey: func() {
		if res, err := rekey(ctx, st, next, either); err != nil || res.resealed != 1 {
			t.Errorf("rekey = %+v, %v", res, err)
		}
	}}
	s := &installStore{st: rows, box: either, now: now}
	refreshed := slack.Installation{InstallKey: k, BotToken: "xoxe.xoxb-2", RefreshToken: "xoxe-1-r2", ExpiresAt: now().Add(12 * time.Hour)}
	if ok, err := s.ReplaceTokens(ctx, refreshed, first.RefreshToken); err != nil || !ok {
		t.Fatalf("ReplaceTokens across a rekey = %v, %v; want the refreshed tokens stored", ok, err)
	}
	got, err := (&installStore{st: st, box: next, now: now}).FindInstallation(ctx, k)
	if err != nil || got.BotToken != refreshed.BotToken || got.RefreshToken != refreshed.RefreshToken {
		t.Errorf("after the race: %v, tokens match %v", err, got.BotToken == refreshed.BotToken)
	}
}

// TestMaintenanceOfMissingDatabase: the commands that only read or change
// data already stored (rekey, backup, ask export and
// forget), on a SQLite file that does not exist, refuse, name the file and
// create nothing (no database, no journal or WAL beside it), however the
// file is named; the console's first run, by contrast, creates the
// database.
func TestMaintenanceOfMissingDatabase(t *testing.T) {
	keys := map[string]string{"CERTCOACH_TOKEN_KEY": testNewTokenKey, "CERTCOACH_TOKEN_KEY_OLD": testTokenKey}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args func(db, dir string) []string
		cmd  string // the command the refusal names
	}{
		{"rekey", keys, func(db, dir string) []string { return []string{"--db", db, "rekey"} }, "rekey"},
		{"rekey, file: URI", keys, func(db, dir string) []string { return []string{"--db", "file:" + db + "?mode=rwc", "rekey"} }, "rekey"},
		{"backup", nil, func(db, dir string) []string { return []string{"--db", db, "backup", filepath.Join(dir, "copy.db")} }, "backup"},
		{"ask export", nil, func(db, dir string) []string { return []string{"--db", db, "ask", "export"} }, "ask export"},
		{"ask /cert export", nil, func(db, dir string) []string { return []string{"--db", db, "ask", "/cert export"} }, "ask export"},
		{"ask forget", nil, func(db, dir string) []string { return []string{"--db", db, "ask", "forget"} }, "ask forget"},
		{"ask forget yes", nil, func(db, dir string) []string { return []string{"--db", db, "ask", "forget", "yes"} }, "ask forget"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "mistyped.db")
			code, out, errOut := runCLIEnv(t, tc.env, "", tc.args(db, dir)...)
			if want := tc.cmd + ": database " + db + " does not exist"; code != 1 || !strings.Contains(errOut, want) {
				t.Fatalf("exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", code, want, out, errOut)
			}
			if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
				t.Errorf("created %v (%v)", entries, err)
			}
		})
	}
	// A command that writes the asker's first data creates the database, a
	// missing one included: only export and forget need data already there.
	t.Run("ask plan creates it", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "new.db")
		if code, out, errOut := runCLI(t, "", "--db", db, "ask", "plan cism 2027-03-01"); code != 0 || !strings.Contains(out, "Study plan: CISM") {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if code, out, errOut := runCLI(t, "", "--db", db, "ask", "export"); code != 0 || !strings.Contains(out, "certcoach-export") {
			t.Errorf("export of the new database: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
	t.Run("first run creates it", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "new.db")
		if code, out, errOut := runCLIEnv(t, keys, "", "--db", db, "ask", "/cert compare"); code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if _, err := os.Stat(db); err != nil {
			t.Errorf("no database after the first run: %v", err)
		}
		code, out, errOut := runCLIEnv(t, keys, "", "--db", db, "rekey")
		if code != 0 || !strings.Contains(out, "0 in all") {
			t.Errorf("rekey of the new database: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
}
