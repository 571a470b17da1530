package knowledge_test

import (
	"strings"
	"testing"

	"github.com/certcoach/certcoach/knowledge"
)

// TestFactsSpeakToTheReader: a fact's text is shown to the user as it is,
// so it tells them what to do, not what "the bot" does internally.
func TestFactsSpeakToTheReader(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for _, phrase := range []string{"the bot ", "this bot", "certcoach treats"} {
		for _, c := range kb.Certs {
			for _, f := range c.Facts {
				if strings.Contains(strings.ToLower(f.Text), phrase) {
					t.Errorf("%s: text speaks of %q: %s", f.ID, phrase, f.Text)
				}
			}
		}
	}
}
