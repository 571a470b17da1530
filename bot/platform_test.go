package bot_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// TestPlatformState: an adapter's per-user state (the home screen, uploaded
// files) is kept in the store; reading it, or whether the user is stored,
// creates no user, `forget` hands
// the files back for the adapter to delete and takes the records with it.
func TestPlatformState(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	pat := actor("pat")
	if st, err := h.e.HomeState(ctx, pat); err != nil || st.Opened {
		t.Fatalf("home state of a user never seen = %+v, %v", st, err)
	}
	if _, err := h.store.UserByKey(ctx, h.userKey("pat")); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("reading the home state stored the user: %v", err)
	}
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	// The dashboard, the record of the screen and the files never create
	// the user: a command does.
	noUser := func(when string) {
		t.Helper()
		if d, err := h.e.Dashboard(ctx, pat); err != nil || !d.New || len(d.Actions) == 0 {
			t.Fatalf("%s: dashboard = %+v, %v", when, d, err)
		}
		if err := h.e.SetHomeState(ctx, pat, bot.HomeState{ChartFile: "F0", ChartAt: at}); err != nil {
			t.Fatalf("%s: home state: %v", when, err)
		}
		if err := h.e.AddPlatformFile(ctx, pat, "F0", "00"); err == nil {
			t.Fatalf("%s: a file recorded without the user", when)
		}
		if _, err := h.store.UserByKey(ctx, h.userKey("pat")); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("%s: the user was stored: %v", when, err)
		}
		if st, err := h.e.HomeState(ctx, pat); err != nil || st.Opened {
			t.Fatalf("%s: home state = %+v, %v", when, st, err)
		}
		if ok, err := h.e.Stored(ctx, pat); err != nil || ok {
			t.Fatalf("%s: stored = %t, %v", when, ok, err)
		}
	}
	noUser("never seen")
	if _, err := h.e.User(ctx, pat); err != nil {
		t.Fatal(err)
	}
	if ok, err := h.e.Stored(ctx, pat); err != nil || !ok {
		t.Fatalf("stored = %t, %v after the first command", ok, err)
	}
	if err := h.e.SetHomeState(ctx, pat, bot.HomeState{ChartFile: "F1", ChartAt: at}); err != nil {
		t.Fatal(err)
	}
	if st, err := h.e.HomeState(ctx, pat); err != nil || !st.Opened || st.ChartFile != "F1" || !st.ChartAt.Equal(at) {
		t.Fatalf("home state = %+v, %v", st, err)
	}
	for _, f := range []struct{ id, sum string }{{"F1", "aa"}, {"F2", "bb"}} {
		if err := h.e.AddPlatformFile(ctx, pat, f.id, f.sum); err != nil {
			t.Fatal(err)
		}
	}
	if id, err := h.e.PlatformFile(ctx, pat, "bb"); err != nil || id != "F2" {
		t.Errorf("file by sum = %q, %v", id, err)
	}
	if id, err := h.e.PlatformFile(ctx, actor("sam"), "bb"); err != nil || id != "" {
		t.Errorf("another user's file by sum = %q, %v", id, err)
	}
	if ids, err := h.e.WorkspaceFiles(ctx, pat.Platform, pat.Workspace); err != nil || len(ids) != 2 {
		t.Errorf("workspace files = %v, %v", ids, err)
	}
	data := exportData(t, h, "pat")
	if len(data["home_views"]) != 1 || len(data["platform_files"]) != 2 {
		t.Errorf("export: home_views %d, platform_files %d", len(data["home_views"]), len(data["platform_files"]))
	}
	r := h.do(t, "pat", "forget yes")
	if !r.DataDeleted || !slices.Equal(slices.Sorted(slices.Values(r.PlatformFiles)), []string{"F1", "F2"}) {
		t.Fatalf("forget: deleted %v, files %v", r.DataDeleted, r.PlatformFiles)
	}
	if st, _ := h.e.HomeState(ctx, pat); st.Opened {
		t.Error("home state kept after forget")
	}
	if ids, _ := h.e.WorkspaceFiles(ctx, pat.Platform, pat.Workspace); len(ids) != 0 {
		t.Errorf("files kept after forget: %v", ids)
	}
	noUser("after forget") // a late Home tab refresh
}
