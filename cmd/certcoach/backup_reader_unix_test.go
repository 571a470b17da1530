//go:build unix

package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/certcoach/certcoach/storage/sqlite"
)

// reader runs `certcoach backup` as a user who may read the database but
// not write it, and may write its folder, where SQLite could create files:
// as root (who writes any file), the binary as nobody; as any other user,
// this process with the file made read-only.
type reader struct {
	asNobody *syscall.Credential // nil: this process
	bin      string
}

func newReader(t *testing.T, dir string) reader {
	t.Helper()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		return reader{}
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skipf("running as root, and no user nobody to back up as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	// nobody must reach the binary and the database's folder.
	for _, d := range []string{filepath.Dir(bin), filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return reader{asNobody: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, bin: bin}
}

// readOnly makes db readable but not writable for the reader. The owner
// makes its -wal and -shm files with the database's mode: as root, call it
// before certcoach opens the file; as another user, after (the owner itself
// may then no longer write it, and certcoach cannot open it anew).
func (r reader) readOnly(t *testing.T, db string) {
	t.Helper()
	mode := os.FileMode(0o400)
	if r.asNobody != nil {
		mode = 0o644
	}
	if err := os.Chmod(db, mode); err != nil {
		t.Fatal(err)
	}
}

func (r reader) backup(t *testing.T, db, copyPath string) (int, string) {
	t.Helper()
	if r.asNobody == nil {
		code, _, errOut := runCLI(t, "", "--db", db, "backup", copyPath)
		return code, errOut
	}
	cmd := exec.Command(r.bin, "--db", db, "backup", copyPath)
	cmd.Dir = filepath.Dir(db)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Dir(db)}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.asNobody}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, errOut.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), errOut.String()
	}
	t.Fatalf("run backup as nobody: %v", err)
	return 0, ""
}

// onlyFiles fails the test unless dir holds exactly names: nothing left
// behind, by the backup or by certcoach.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

// TestBackupByReadOnlyUser: a user who may only read the database, and may
// write its folder, backs it up while certcoach has it open; with none
// running, a database in WAL mode is refused, saying so, and no file is
// created (SQLite would create the -wal and -shm files, owned by that user,
// and the bot could no longer open its own database); one in rollback-
// journal mode, which needs neither, is copied. (What keeps certcoach from
// deleting its -wal and -shm files under the backup when it stops at that
// moment is tested in storage/sqlite, TestReadLockKeepsWALFiles.)
func TestBackupByReadOnlyUser(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rd := newReader(t, dir)
	db := filepath.Join(dir, "ro.db")
	for _, a := range []string{"quiz cism 5", "A", "B"} {
		if code, _, errOut := runCLI(t, "", "--db", db, "--user", "u1", "ask", a); code != 0 {
			t.Fatalf("ask %q: exit %d: %s", a, code, errOut)
		}
	}
	if rd.asNobody != nil {
		rd.readOnly(t, db)
	}
	answers := func(path string) int {
		t.Helper()
		return rowCounts(t, path)["answers"]
	}

	// Running: copied, and certcoach's files go when it stops.
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if rd.asNobody == nil {
		rd.readOnly(t, db)
	}
	if code, errOut := rd.backup(t, db, filepath.Join(dir, "running.db")); code != 0 {
		t.Errorf("backup of a database certcoach has open: exit %d: %s", code, errOut)
	} else if n := answers(filepath.Join(dir, "running.db")); n != 2 {
		t.Errorf("the copy holds %d answers, want 2", n)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	onlyFiles(t, dir, "ro.db", "running.db")

	// Stopped, WAL mode: refused, nothing created.
	code, errOut := rd.backup(t, db, filepath.Join(dir, "stopped.db"))
	if want := "no certcoach has it open"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("backup of a WAL database nothing has open: exit %d, want 1 and %q: %s", code, want, errOut)
	}
	onlyFiles(t, dir, "ro.db", "running.db")

	// Stopped, rollback-journal mode: copied, and it stays in that mode.
	if err := os.Chmod(db, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA journal_mode = DELETE"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	rd.readOnly(t, db)
	if code, errOut := rd.backup(t, db, filepath.Join(dir, "rollback.db")); code != 0 {
		t.Errorf("backup of a rollback-journal database nothing has open: exit %d: %s", code, errOut)
	} else if n := answers(filepath.Join(dir, "rollback.db")); n != 2 {
		t.Errorf("the copy holds %d answers, want 2", n)
	}
	if h := journalHeader(t, db); h != "rollback" {
		t.Errorf("after the backup the header says %s, want rollback", h)
	}
	onlyFiles(t, dir, "ro.db", "running.db", "rollback.db")
}
