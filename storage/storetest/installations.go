package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage"
)

func testSlackInstallations(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	team := storage.SlackInstallation{EnterpriseID: "E1", TeamID: "T1", TeamName: "one", BotUserID: "UB1", Scopes: "commands,chat:write",
		BotToken: []byte("sealed-bot"), RefreshToken: []byte("sealed-refresh"), ExpiresAt: now.Add(12 * time.Hour)}
	org := storage.SlackInstallation{EnterpriseID: "E2", TeamID: "T9", OrgWide: true, BotToken: []byte("sealed-org")}
	for _, in := range []storage.SlackInstallation{team, org} {
		if err := s.SaveSlackInstallation(ctx, in, now); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.SlackInstallation(ctx, "", "T1", false)
	if err != nil || got.TeamName != "one" || !bytes.Equal(got.BotToken, []byte("sealed-bot")) || !got.ExpiresAt.Equal(team.ExpiresAt) {
		t.Fatalf("team install = %+v, %v", got, err)
	}
	got, err = s.SlackInstallation(ctx, "E2", "", true)
	if err != nil || got.TeamID != "" || !got.OrgWide || got.RefreshToken != nil || !got.ExpiresAt.IsZero() {
		t.Fatalf("org install = %+v, %v", got, err)
	}
	if _, err := s.SlackInstallation(ctx, "E2", "T9", false); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("org install found as a team install: %v", err)
	}

	exp, err := s.SlackInstallationsExpiring(ctx, now.Add(13*time.Hour))
	if err != nil || len(exp) != 1 || exp[0].TeamID != "T1" {
		t.Fatalf("expiring = %+v, %v", exp, err)
	}
	if exp, _ := s.SlackInstallationsExpiring(ctx, now.Add(time.Hour)); len(exp) != 0 {
		t.Errorf("expiring an hour out = %+v", exp)
	}

	next := team
	next.BotToken, next.RefreshToken, next.ExpiresAt = []byte("bot2"), []byte("refresh2"), now.Add(24*time.Hour)
	if ok, err := s.ReplaceSlackTokens(ctx, next, []byte("stale"), now); err != nil || ok {
		t.Errorf("replace with a stale refresh token = %v, %v", ok, err)
	}
	if ok, err := s.ReplaceSlackTokens(ctx, next, team.RefreshToken, now); err != nil || !ok {
		t.Errorf("replace = %v, %v", ok, err)
	}
	got, _ = s.SlackInstallation(ctx, "", "T1", false)
	if string(got.BotToken) != "bot2" || string(got.RefreshToken) != "refresh2" {
		t.Errorf("after replace: %+v", got)
	}

	if ok, err := s.DeleteSlackInstallation(ctx, "", "T1", false); err != nil || !ok {
		t.Errorf("delete = %v, %v", ok, err)
	}
	if ok, err := s.DeleteSlackInstallation(ctx, "", "T1", false); err != nil || ok {
		t.Errorf("second delete = %v, %v", ok, err)
	}
	if _, err := s.SlackInstallation(ctx, "", "T1", false); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("deleted install still found: %v", err)
	}
}

func testDeleteWorkspace(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	seedReminder(t, s, "U1", 60, now) // another platform's, which must survive
	u1, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: "U1"}, "a", "", now)
	u2, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "slack", Workspace: "T2", User: "U1"}, "b", "", now)
	if _, err := s.SaveReminder(ctx, storage.Reminder{Kind: storage.ReminderUser, UserID: u1.ID, Platform: "slack", Workspace: "T1", Target: "U1", Minute: 60, TZ: "UTC"}, now, dailyUTC); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveReminder(ctx, storage.Reminder{Kind: storage.ReminderChannel, Platform: "slack", Workspace: "T1", Target: "C1", Minute: 60, TZ: "UTC"}, now, dailyUTC); err != nil {
		t.Fatal(err)
	}
	n, err := s.DeleteWorkspace(ctx, "slack", "T1")
	if err != nil || n != 1 {
		t.Fatalf("DeleteWorkspace = %d, %v", n, err)
	}
	for _, target := range []string{"U1", "C1"} {
		kind := storage.ReminderUser
		if target == "C1" {
			kind = storage.ReminderChannel
		}
		if _, err := s.ReminderFor(ctx, kind, "slack", "T1", target); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("reminder %s survived: %v", target, err)
		}
	}
	if _, err := s.UserByKey(ctx, u1.Key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("user of T1 survived: %v", err)
	}
	if _, err := s.UserByKey(ctx, u2.Key); err != nil {
		t.Errorf("user of T2 deleted: %v", err)
	}
	if _, err := s.ReminderFor(ctx, storage.ReminderUser, "discord", "g", "U1"); err != nil {
		t.Errorf("another platform's reminder deleted: %v", err)
	}
}

func testOAuthStates(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := s.SaveOAuthState(ctx, "h1", now.Add(10*time.Minute), now); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOAuthState(ctx, "h2", now.Add(10*time.Minute), now); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ConsumeOAuthState(ctx, "h1", now.Add(time.Minute)); err != nil || !ok {
		t.Errorf("first use = %v, %v", ok, err)
	}
	if ok, _ := s.ConsumeOAuthState(ctx, "h1", now.Add(time.Minute)); ok {
		t.Error("state worked twice")
	}
	if ok, _ := s.ConsumeOAuthState(ctx, "h2", now.Add(11*time.Minute)); ok {
		t.Error("expired state accepted")
	}
	if ok, _ := s.ConsumeOAuthState(ctx, "nope", now); ok {
		t.Error("unknown state accepted")
	}
}

func testResealSlackTokens(t *testing.T, open Opener) {
	s, replica := open(t), open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rows := []storage.SlackInstallation{
		{TeamID: "T1", BotToken: []byte("old-bot-1"), RefreshToken: []byte("old-refresh-1"), ExpiresAt: now.Add(time.Hour)},
		{TeamID: "T2", BotToken: []byte("new-bot-2")},
		{EnterpriseID: "E3", OrgWide: true, BotToken: []byte("old-bot-3")},
	}
	for _, in := range rows {
		if err := s.SaveSlackInstallation(ctx, in, now); err != nil {
			t.Fatal(err)
		}
	}
	// Reseal the "old-" rows; the one under the new key is left alone.
	reseal := func(all []storage.SlackInstallation) ([]storage.SlackInstallation, error) {
		if len(all) != 3 {
			return nil, fmt.Errorf("reseal got %d rows, want 3", len(all))
		}
		var out []storage.SlackInstallation
		for _, in := range all {
			if !bytes.HasPrefix(in.BotToken, []byte("old-")) {
				continue
			}
			in.BotToken = bytes.Replace(in.BotToken, []byte("old-"), []byte("new-"), 1)
			in.RefreshToken = bytes.Replace(in.RefreshToken, []byte("old-"), []byte("new-"), 1)
			out = append(out, in)
		}
		return out, nil
	}

	// A failing reseal changes nothing, even rows it was given first.
	boom := errors.New("boom")
	if _, err := s.ResealSlackTokens(ctx, func(all []storage.SlackInstallation) ([]storage.SlackInstallation, error) {
		return all, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("failing reseal = %v, want boom", err)
	}
	if got, _ := s.SlackInstallation(ctx, "", "T1", false); string(got.BotToken) != "old-bot-1" {
		t.Fatalf("failed reseal changed the row: %q", got.BotToken)
	}

	// A refresh by another replica meanwhile must not overwrite the
	// resealed row with tokens under the old key (it waits for the lock and
	// then finds the refresh token changed, whenever it runs).
	raced := make(chan error, 1)
	n, err := s.ResealSlackTokens(ctx, func(all []storage.SlackInstallation) ([]storage.SlackInstallation, error) {
		go func() {
			ok, err := replica.ReplaceSlackTokens(ctx, storage.SlackInstallation{TeamID: "T1", BotToken: []byte("old-bot-1b"),
				RefreshToken: []byte("old-refresh-1b")}, []byte("old-refresh-1"), now)
			if err == nil && ok {
				err = errors.New("a refresh with the old sealed refresh token replaced the resealed row")
			}
			raced <- err
		}()
		return reseal(all)
	})
	if err != nil || n != 2 {
		t.Fatalf("ResealSlackTokens = %d, %v; want 2", n, err)
	}
	if err := <-raced; err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		ent, team    string
		org          bool
		bot, refresh string
		expires      time.Time
	}{
		{"", "T1", false, "new-bot-1", "new-refresh-1", now.Add(time.Hour)},
		{"", "T2", false, "new-bot-2", "", time.Time{}},
		{"E3", "", true, "new-bot-3", "", time.Time{}},
	} {
		got, err := s.SlackInstallation(ctx, c.ent, c.team, c.org)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.BotToken) != c.bot || string(got.RefreshToken) != c.refresh || !got.ExpiresAt.Equal(c.expires) {
			t.Errorf("%s%s after reseal: bot %q refresh %q expires %v; want %q %q %v", c.ent, c.team, got.BotToken, got.RefreshToken, got.ExpiresAt, c.bot, c.refresh, c.expires)
		}
	}
	if n, err := s.ResealSlackTokens(ctx, reseal); err != nil || n != 0 {
		t.Errorf("second reseal = %d, %v; want 0", n, err)
	}
}
