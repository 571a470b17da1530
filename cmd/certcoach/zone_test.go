package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMachineZone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The link's target need not exist for its name to say the zone; a
	// target that is no zone says none.
	berlin := link("berlin", "/usr/share/zoneinfo/Europe/Berlin")
	junk := link("junk", filepath.Join(dir, "not-a-zone"))
	if err := os.WriteFile(filepath.Join(dir, "not-a-zone"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, tz, localtime, want string
	}{
		{"TZ names a zone", "America/New_York", berlin, "America/New_York"},
		{"TZ with a leading colon", ":Asia/Tokyo", berlin, "Asia/Tokyo"},
		{"TZ unset: the localtime link", "", berlin, "Europe/Berlin"},
		{"TZ a file path: the link", "/etc/localtime", berlin, "Europe/Berlin"},
		{"TZ no zone: the link", "Mars/Olympus", berlin, "Europe/Berlin"},
		{"no link", "", filepath.Join(dir, "missing"), ""},
		{"a link outside zoneinfo", "", junk, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat("/usr/share/zoneinfo/Europe/Berlin"); err != nil && strings.Contains(tc.want, "Berlin") {
				t.Skip("no zoneinfo on this machine")
			}
			if got := machineZone(tc.tz, tc.localtime); got != tc.want {
				t.Errorf("machineZone(%q, %q) = %q, want %q", tc.tz, tc.localtime, got, tc.want)
			}
		})
	}
}

// TestConsoleRemindUsesMachineZone: on the console a reminder set without a
// zone takes the machine's instead of asking for one.
func TestConsoleRemindUsesMachineZone(t *testing.T) {
	code, out, errOut := runCLIEnv(t, map[string]string{"TZ": "Europe/Paris"}, "", "ask", "remind 08:00")
	if code != 0 || !strings.Contains(out, "08:00 Europe/Paris") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
}
