package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// testHomeViewsAcrossReplicas: a home view stored through one handle is read
// through another on the same database (a second replica); an unknown user
// or one who never opened it is ErrNotFound, and reading creates no user.
func testHomeViewsAcrossReplicas(t *testing.T, open Opener) {
	ctx := context.Background()
	s, replica := open(t), open(t)
	k := storage.UserKey{Platform: "slack", Workspace: "T1", User: "U1"}
	if _, err := replica.HomeView(ctx, k); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("unknown user: %v, want ErrNotFound", err)
	}
	if _, err := s.UserByKey(ctx, k); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("reading a home view created the user: %v", err)
	}
	u, err := s.EnsureUser(ctx, k, "", "", time.Unix(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := replica.HomeView(ctx, k); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("never opened: %v, want ErrNotFound", err)
	}
	opened := time.Unix(1000, 0).UTC()
	if err := s.SetHomeView(ctx, k, storage.HomeView{OpenedAt: opened}); err != nil {
		t.Fatal(err)
	}
	got, err := replica.HomeView(ctx, k)
	if err != nil || got.UserID != u.ID || !got.OpenedAt.Equal(opened) || got.ChartFile != "" || !got.ChartAt.IsZero() {
		t.Fatalf("home view = %+v, %v", got, err)
	}
	chartAt := time.Unix(2000, 0).UTC()
	if err := replica.SetHomeView(ctx, k, storage.HomeView{OpenedAt: opened, ChartFile: "F1", ChartAt: chartAt}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.HomeView(ctx, k); err != nil || got.ChartFile != "F1" || !got.ChartAt.Equal(chartAt) {
		t.Fatalf("home view after replacing = %+v, %v", got, err)
	}
	other := storage.UserKey{Platform: "slack", Workspace: "T2", User: "U1"} // same user ID, another workspace
	if _, err := s.EnsureUser(ctx, other, "", "", time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.HomeView(ctx, other); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("another workspace's user sees the home view: %v", err)
	}
	data, err := s.ExportUser(ctx, u.ID)
	if err != nil || len(data["home_views"]) != 1 || data["home_views"][0]["chart_file"] != "F1" {
		t.Fatalf("export home_views = %v, %v", data["home_views"], err)
	}
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := replica.HomeView(ctx, k); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("after delete: %v, want ErrNotFound", err)
	}
}

// testHomeViewNeedsTheUser: a home view written for a user who does not
// exist, never did or was deleted (a late Home tab refresh racing
// `forget`), is ErrNotFound and stores nothing: no home view, no user.
func testHomeViewNeedsTheUser(t *testing.T, open Opener) {
	ctx := context.Background()
	s, replica := open(t), open(t)
	k := storage.UserKey{Platform: "slack", Workspace: "T1", User: "U1"}
	v := storage.HomeView{OpenedAt: time.Unix(1000, 0), ChartFile: "F1", ChartAt: time.Unix(900, 0)}
	gone := func(when string) {
		t.Helper()
		if _, err := s.UserByKey(ctx, k); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("%s: the user exists: %v", when, err)
		}
		if _, err := replica.HomeView(ctx, k); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("%s: home view: %v, want ErrNotFound", when, err)
		}
	}
	if err := s.SetHomeView(ctx, k, v); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("never seen: %v, want ErrNotFound", err)
	}
	gone("never seen")
	u, err := s.EnsureUser(ctx, k, "", "", time.Unix(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := replica.SetHomeView(ctx, k, v); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	// Another user created since (in SQLite they may get the deleted one's
	// ID) gets nothing from the late write.
	u2, err := s.EnsureUser(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: "U2"}, "", "", time.Unix(2, 0))
	if err != nil {
		t.Fatal(err)
	}
	v.ChartFile = "F2"
	for _, st := range []Store{s, replica} {
		if err := st.SetHomeView(ctx, k, v); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("deleted: %v, want ErrNotFound", err)
		}
	}
	gone("deleted")
	if _, err := s.HomeView(ctx, u2.Key); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("another user has a home view: %v", err)
	}
	if u2.ID != u.ID {
		if n, err := s.CountUserRows(ctx, u.ID); err != nil || n != 0 {
			t.Fatalf("rows left for the deleted user: %d, %v", n, err)
		}
	}
}

// testPlatformFiles: files are kept per user, found by content, listed per
// user and per workspace, exported, and gone with the user or workspace.
func testPlatformFiles(t *testing.T, open Opener) {
	ctx := context.Background()
	s, replica := open(t), open(t)
	ka := storage.UserKey{Platform: "slack", Workspace: "T1", User: "UA"}
	kb := storage.UserKey{Platform: "slack", Workspace: "T1", User: "UB"}
	kc := storage.UserKey{Platform: "slack", Workspace: "T2", User: "UC"}
	var ids []int64
	for _, k := range []storage.UserKey{ka, kb, kc} {
		u, err := s.EnsureUser(ctx, k, "", "", time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	add := func(st Store, user int64, file, sum string, at int64) {
		t.Helper()
		if err := st.AddPlatformFile(ctx, storage.PlatformFile{UserID: user, FileID: file, Sum: sum, CreatedAt: time.Unix(at, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	add(s, ids[0], "FA1", "sum1", 10)
	add(replica, ids[0], "FA2", "sum2", 20)
	add(s, ids[0], "FA2", "sum2", 30) // recorded twice: one row
	add(s, ids[1], "FB1", "sum1", 15) // the same picture for another user: their own file
	add(s, ids[2], "FC1", "sum3", 15)
	if id, err := replica.PlatformFileBySum(ctx, ka, "sum1"); err != nil || id != "FA1" {
		t.Errorf("A's sum1 = %q, %v", id, err)
	}
	if id, err := replica.PlatformFileBySum(ctx, kb, "sum1"); err != nil || id != "FB1" {
		t.Errorf("B's sum1 = %q, %v", id, err)
	}
	if _, err := s.PlatformFileBySum(ctx, kb, "sum2"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("B's sum2: %v, want ErrNotFound", err)
	}
	if _, err := s.PlatformFileBySum(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: "nobody"}, "sum1"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown user: %v, want ErrNotFound", err)
	}
	if got, err := replica.PlatformFiles(ctx, ids[0]); err != nil || !slices.Equal(got, []string{"FA1", "FA2"}) {
		t.Errorf("A's files = %v, %v", got, err)
	}
	if got, err := s.WorkspacePlatformFiles(ctx, "slack", "T1"); err != nil || !slices.Equal(got, []string{"FA1", "FB1", "FA2"}) {
		t.Errorf("T1's files = %v, %v", got, err)
	}
	data, err := s.ExportUser(ctx, ids[0])
	if err != nil || len(data["platform_files"]) != 2 {
		t.Fatalf("export platform_files = %v, %v", data["platform_files"], err)
	}
	if err := s.DeleteUser(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if got, err := replica.PlatformFiles(ctx, ids[0]); err != nil || len(got) != 0 {
		t.Errorf("A's files after delete = %v, %v", got, err)
	}
	if got, _ := s.PlatformFiles(ctx, ids[1]); !slices.Equal(got, []string{"FB1"}) {
		t.Errorf("B lost files with A: %v", got)
	}
	if _, err := s.DeleteWorkspace(ctx, "slack", "T1"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.WorkspacePlatformFiles(ctx, "slack", "T1"); err != nil || len(got) != 0 {
		t.Errorf("T1's files after the workspace was deleted = %v, %v", got, err)
	}
	if got, _ := s.WorkspacePlatformFiles(ctx, "slack", "T2"); !slices.Equal(got, []string{"FC1"}) {
		t.Errorf("T2's files = %v", got)
	}
}

// testShowPlatformFile: where a file is shown decides when its record goes
// (through either replica): the file of a reply a newer reply replaced and
// the Home tab's chart a newer one replaced are returned once, as going,
// and their records dropped once deleted on the platform;
// a file in a lasting message, the one on the Home tab, the latest reply's,
// one not yet shown and another user's are kept.
func testShowPlatformFile(t *testing.T, open Opener) {
	ctx := context.Background()
	s, replica := open(t), open(t)
	ka, kb, ids := twoSlackUsers(ctx, t, s)
	for i, f := range []string{"R1", "R2", "M1", "H1", "H2", "N1", "R3"} {
		if err := s.AddPlatformFile(ctx, storage.PlatformFile{UserID: ids[0], FileID: f, Sum: f, CreatedAt: time.Unix(int64(10+i), 0)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddPlatformFile(ctx, storage.PlatformFile{UserID: ids[1], FileID: "B1", Sum: "R1", CreatedAt: time.Unix(10, 0)}); err != nil {
		t.Fatal(err)
	}
	home := func(file string) {
		t.Helper()
		if err := s.SetHomeView(ctx, ka, storage.HomeView{OpenedAt: time.Unix(5, 0), ChartFile: file}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		st    Store
		key   storage.UserKey
		file  string
		where storage.FileShown
		home  string // the Home tab's chart, set first ("" leaves it)
		gone  []string
		left  []string
	}{
		{s, ka, "R1", storage.ShownInReply, "", nil, []string{"R1", "R2", "M1", "H1", "H2", "N1", "R3"}},
		{replica, kb, "B1", storage.ShownInReply, "", nil, []string{"R1", "R2", "M1", "H1", "H2", "N1", "R3"}},
		{replica, ka, "R2", storage.ShownInReply, "", []string{"R1"}, []string{"R2", "M1", "H1", "H2", "N1", "R3"}},
		{s, ka, "M1", storage.ShownInMessage, "", nil, []string{"R2", "M1", "H1", "H2", "N1", "R3"}},
		{s, ka, "H1", storage.ShownOnHome, "H1", nil, []string{"R2", "M1", "H1", "H2", "N1", "R3"}},
		// The latest reply's chart on the Home tab too: it stays for the reply.
		{replica, ka, "R2", storage.ShownOnHome, "R2", []string{"H1"}, []string{"R2", "M1", "H2", "N1", "R3"}},
		{s, ka, "H2", storage.ShownOnHome, "H2", nil, []string{"R2", "M1", "H2", "N1", "R3"}},
		// A newer reply: the older one's chart goes, the Home tab's stays.
		{s, ka, "R3", storage.ShownInReply, "", []string{"R2"}, []string{"M1", "H2", "N1", "R3"}},
		// A chart in a lasting message never goes, even once it is the
		// latest reply's (which the previous reply's chart leaves).
		{s, ka, "M1", storage.ShownInReply, "", []string{"R3"}, []string{"M1", "H2", "N1"}},
		{s, ka, "H2", storage.ShownInReply, "", nil, []string{"M1", "H2", "N1"}},
		{s, ka, "unknown", storage.ShownInReply, "M1", []string{"H2"}, []string{"M1", "N1"}},
		{s, storage.UserKey{Platform: "slack", Workspace: "T1", User: "nobody"}, "N1", storage.ShownInReply, "", nil, []string{"M1", "N1"}},
	} {
		if c.home != "" {
			home(c.home)
		}
		gone, err := c.st.ShowPlatformFile(ctx, c.key, c.file, c.where)
		if err != nil || !slices.Equal(gone, c.gone) && len(gone)+len(c.gone) != 0 {
			t.Errorf("show %s %s: gone %v, %v; want %v", c.file, c.where, gone, err, c.gone)
		}
		// A going file is not shown again (its sum is its name here) but
		// stays listed for forget until it is dropped; dropping leaves any
		// other file (M1) alone.
		for _, id := range gone {
			if _, err := s.PlatformFileBySum(ctx, c.key, id); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("going %s found by its sum: %v", id, err)
			}
		}
		if listed, _ := s.PlatformFiles(ctx, ids[0]); c.key == ka && len(listed) != len(c.left)+len(gone) {
			t.Errorf("after showing %s: listed %v, want %v and the going %v", c.file, listed, c.left, gone)
		}
		if err := replica.DropPlatformFiles(ctx, c.key, append(gone, "M1")); err != nil {
			t.Fatal(err)
		}
		if left, err := replica.PlatformFiles(ctx, ids[0]); err != nil || !slices.Equal(left, c.left) {
			t.Errorf("after showing %s %s: A's files %v, %v; want %v", c.file, c.where, left, err, c.left)
		}
	}
	if got, _ := s.PlatformFiles(ctx, ids[1]); !slices.Equal(got, []string{"B1"}) {
		t.Errorf("B's files = %v", got)
	}
}

// testMessageFilesBounded: lasting DM messages keep the files of the
// newest few (three) of them: a file shown in one more returns the oldest
// as going, whichever replica shows it; one the Home tab shows stays for
// it and goes once the tab shows another; showing a kept file again (an
// unchanged chart) retires nothing of the others. A file shown in a
// channel stays, though older than all, and once shown in a DM too.
func testMessageFilesBounded(t *testing.T, open Opener) {
	ctx := context.Background()
	s, replica := open(t), open(t)
	ka, kb, ids := twoSlackUsers(ctx, t, s)
	for i, f := range []string{"C1", "M1", "M2", "M3", "M4", "M5", "M6", "M7", "H1"} {
		if err := s.AddPlatformFile(ctx, storage.PlatformFile{UserID: ids[0], FileID: f, Sum: f, CreatedAt: time.Unix(int64(10+i), 0)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"B1", "B2", "B3"} { // another user's, older
		if err := s.AddPlatformFile(ctx, storage.PlatformFile{UserID: ids[1], FileID: f, Sum: f, CreatedAt: time.Unix(1, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ShowPlatformFile(ctx, kb, f, storage.ShownInMessage); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		st    Store
		file  string
		where storage.FileShown
		home  string // the Home tab's chart, set first ("" leaves it)
		gone  []string
	}{
		{s, "C1", storage.ShownInChannel, "", nil},
		{s, "M1", storage.ShownInMessage, "", nil},
		{replica, "M2", storage.ShownInMessage, "", nil},
		{s, "M3", storage.ShownInMessage, "", nil},
		{replica, "M4", storage.ShownInMessage, "", []string{"M1"}},
		{s, "M4", storage.ShownInMessage, "", nil}, // shown again: M2, M3 stay
		{s, "M2", storage.ShownOnHome, "M2", nil},
		// M2 leaves the messages' few, but the Home tab shows it.
		{replica, "M5", storage.ShownInMessage, "", nil},
		{s, "M6", storage.ShownInMessage, "", []string{"M3"}},
		{s, "H1", storage.ShownOnHome, "H1", []string{"M2"}}, // not C1, older but in a channel
		{replica, "M7", storage.ShownInMessage, "", []string{"M4"}},
		{s, "C1", storage.ShownInMessage, "", []string{"M5"}}, // now among the DM's newest three too
	} {
		if c.home != "" {
			if err := s.SetHomeView(ctx, ka, storage.HomeView{OpenedAt: time.Unix(5, 0), ChartFile: c.home}); err != nil {
				t.Fatal(err)
			}
		}
		gone, err := c.st.ShowPlatformFile(ctx, ka, c.file, c.where)
		if err != nil || !slices.Equal(gone, c.gone) && len(gone)+len(c.gone) != 0 {
			t.Errorf("show %s %s: gone %v, %v; want %v", c.file, c.where, gone, err, c.gone)
		}
		if err := replica.DropPlatformFiles(ctx, ka, gone); err != nil {
			t.Fatal(err)
		}
	}
	if left, err := s.PlatformFiles(ctx, ids[0]); err != nil || !slices.Equal(left, []string{"C1", "M6", "M7", "H1"}) {
		t.Errorf("A's files %v, %v; want the channel's, the newest three DM messages' and the Home tab's", left, err)
	}
	if got, _ := s.PlatformFiles(ctx, ids[1]); !slices.Equal(got, []string{"B1", "B2", "B3"}) {
		t.Errorf("B's files = %v", got)
	}
}

// twoSlackUsers stores two users of one Slack workspace and returns their
// keys and IDs.
func twoSlackUsers(ctx context.Context, t *testing.T, s Store) (ka, kb storage.UserKey, ids []int64) {
	t.Helper()
	ka = storage.UserKey{Platform: "slack", Workspace: "T1", User: "UA"}
	kb = storage.UserKey{Platform: "slack", Workspace: "T1", User: "UB"}
	for _, k := range []storage.UserKey{ka, kb} {
		u, err := s.EnsureUser(ctx, k, "", "", time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	return ka, kb, ids
}
