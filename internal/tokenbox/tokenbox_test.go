package tokenbox

import (
	"bytes"
	"strings"
	"testing"
)

const key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

func TestSealOpen(t *testing.T) {
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	s1, err := b.Seal("xoxb-secret", "T1")
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := b.Seal("xoxb-secret", "T1")
	if bytes.Equal(s1, s2) {
		t.Error("two seals of the same value are equal: nonce not random")
	}
	if bytes.Contains(s1, []byte("xoxb")) {
		t.Error("sealed value contains the plain text")
	}
	got, err := b.Open(s1, "T1")
	if err != nil || got != "xoxb-secret" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := b.Open(s1, "T2"); err == nil {
		t.Error("opened under another context")
	}
	other, _ := New(strings.Repeat("ab", 32))
	if _, err := other.Open(s1, "T1"); err == nil {
		t.Error("opened under another key")
	}
	s1[len(s1)-1] ^= 1
	if _, err := b.Open(s1, "T1"); err == nil {
		t.Error("opened a tampered value")
	}
	if s, _ := b.Seal("", "T1"); s != nil {
		t.Errorf("empty seals to %v, want nil", s)
	}
}

func TestNewRejectsBadKeys(t *testing.T) {
	for _, k := range []string{"", "abcd", strings.Repeat("zz", 32), strings.Repeat("ab", 16), strings.Repeat("ab", 33)} {
		if _, err := New(k); err == nil {
			t.Errorf("New(%q) accepted", k)
		}
	}
}

func TestOlderKeysOpenOnly(t *testing.T) {
	older := strings.Repeat("ab", 32)
	oldBox, _ := New(older)
	sealedOld, _ := oldBox.Seal("xoxb-old", "T1")
	both, err := New(key, older)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := both.Open(sealedOld, "T1"); err != nil || got != "xoxb-old" {
		t.Fatalf("Open under the older key = %q, %v", got, err)
	}
	if _, err := both.Open(sealedOld, "T2"); err == nil {
		t.Error("older key opened under another context")
	}
	sealedNew, _ := both.Seal("xoxb-new", "T1")
	if _, err := oldBox.Open(sealedNew, "T1"); err == nil {
		t.Error("a value sealed by a box with an older key opens under the older key: it must seal under the key")
	}
	current, _ := New(key)
	if got, err := current.Open(sealedNew, "T1"); err != nil || got != "xoxb-new" {
		t.Fatalf("Open under the key = %q, %v", got, err)
	}
	if _, err := New(key, "abcd"); err == nil {
		t.Error("a malformed older key was accepted")
	}
}
