package knowledge_test

import (
	"bytes"
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"github.com/certcoach/certcoach/knowledge"
)

// FuzzParse: an operator's CERTCOACH_KB_DIR may hold anything; parsing,
// validating and looking things up must report problems, never panic.
// The fuzzer writes one file at the top level and one under questions/.
func FuzzParse(f *testing.F) {
	// Seeds are the heads of the real files: small inputs keep the
	// fuzzer's minimisation (bytes removed one at a time) fast.
	emb := knowledge.Embedded()
	for _, name := range []string{"certs.yaml", "outlines.yaml", "sources.yaml", "topics.yaml", "glossary.yaml", "questions/cism-d1.yaml"} {
		b, err := fs.ReadFile(emb, name)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 1500 {
			b = b[:bytes.LastIndexByte(b[:1500], '\n')+1]
		}
		f.Add(b, []byte(nil))
	}
	f.Add([]byte("certs: [{id: cism}]\noutlines: [{id: x, cert: cism, domains: [{n: 1}]}]"), []byte("questions: [{id: q, cert: cism, domain: 1, options: [a], answer: Z}]"))
	f.Add([]byte("questions: [{id: q, cert: cism, domain: -1, answer: A, options: []}]"), []byte("questions: {}"))
	f.Add([]byte("topics: [{id: t, rows: [{}]}]\nterms: [{}]"), []byte("\t- :"))
	f.Add([]byte("&a [*a, *a]"), []byte("sources: [{id: s, url: '::', as_of: notadate}]"))
	f.Add([]byte("outlines: [{id: o, cert: cissp, effective: 2024-04-15, until: 2021-01-01, domains: [{n: 0, weight: -5}]}]"), []byte(nil))
	f.Fuzz(func(t *testing.T, top, questions []byte) {
		fsys := fstest.MapFS{"certs.yaml": {Data: top}}
		if questions != nil {
			fsys["questions/fuzz.yaml"] = &fstest.MapFile{Data: questions}
		}
		b, err := knowledge.Parse(fsys)
		if err != nil {
			return
		}
		_ = b.Validate()
		_ = b.Counts()
		_ = b.QuestionCounts()
		day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		for _, c := range []string{"cism", "cissp", ""} {
			_ = b.OutlineFor(c, day)
			_ = b.NextOutline(c, day)
			_ = b.QuestionsIn(c, 1)
		}
		_, _ = b.Topic("incident-response")
	})
}
