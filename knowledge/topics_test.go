package knowledge_test

import (
	"strings"
	"testing"

	"github.com/certcoach/certcoach/knowledge"
)

// TestKBCheckRejectsTopicAliasClash: an alias that is another topic's ID,
// title or alias makes `compare <word>` ambiguous, so kb check refuses it.
func TestKBCheckRejectsTopicAliasClash(t *testing.T) {
	b, err := knowledge.Parse(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	var arch, crypto int = -1, -1
	for i, tp := range b.Topics {
		switch tp.ID {
		case "architecture":
			arch = i
		case "cryptography":
			crypto = i
		}
	}
	if arch < 0 || crypto < 0 {
		t.Fatal("topics architecture and cryptography expected")
	}
	b.Topics[arch].Aliases = append(b.Topics[arch].Aliases, "cryptography", "PKI")
	p := strings.Join(b.Validate(), "\n")
	for _, want := range []string{`alias "cryptography" already names topic cryptography`, `alias "pki" already names topic architecture`} {
		if !strings.Contains(p, want) {
			t.Errorf("kb check does not report %s; problems:\n%s", want, p)
		}
	}
}
