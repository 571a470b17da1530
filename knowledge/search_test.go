package knowledge_test

import (
	"context"
	"testing"

	"github.com/certcoach/certcoach/knowledge"
)

// TestSearchRefusesUnrelated: questions the base cannot answer get no hit
// rather than an unrelated entry passed off as an answer.
func TestSearchRefusesUnrelated(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"best pizza in naples", "zebra migration patterns", "how do I bake sourdough bread", "what is the capital of peru", "kubernetes helm chart syntax",
		// exam-day details the base has no facts on: a glossary entry that
		// merely shares a word is not an answer
		"can i use a calculator in the cissp", "is there a break in the cissp exam", "what id do i need for the cism exam"} {
		hits, err := kb.Search(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) > 0 {
			t.Errorf("%q matched %s (%s)", q, hits[0].Entry.Ref, hits[0].Entry.Title)
		}
	}
}

func TestKBCheckPasses(t *testing.T) {
	b, err := knowledge.Parse(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	if p := b.Validate(); len(p) > 0 {
		t.Fatalf("%d problems: %v", len(p), p)
	}
	counts := b.QuestionCounts()
	for d := 1; d <= 8; d++ {
		if n := counts[knowledge.DomainRef("cissp", d)]; n < 20 {
			t.Errorf("cissp domain %d has %d questions, want >= 20", d, n)
		}
	}
	for d := 1; d <= 4; d++ {
		if n := counts[knowledge.DomainRef("cism", d)]; n < 50 {
			t.Errorf("cism domain %d has %d questions, want >= 50", d, n)
		}
	}
	if len(b.Questions) < 360 || len(b.Terms) < 120 {
		t.Errorf("questions %d (want >= 360), glossary %d (want >= 120)", len(b.Questions), len(b.Terms))
	}
	perDomain := map[string]int{}
	for _, term := range b.Terms {
		for _, d := range term.Domains {
			perDomain[d]++
		}
	}
	if len(perDomain) != 12 {
		t.Errorf("glossary covers %d of 12 domains: %v", len(perDomain), perDomain)
	}
}
