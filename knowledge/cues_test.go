package knowledge

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestCuesOfEachQuestion(t *testing.T) {
	cases := []struct {
		name    string
		stem    string
		options []string
		answer  string
		want    questionCues
	}{
		{"key longest", "Which control detects tampering?", []string{"A keyed message authentication code", "A checksum", "Encryption", "A backup"}, "A",
			questionCues{longest: true}},
		{"key tied for longest", "Which is it?", []string{"alpha beta", "gamma delt", "short", "tiny"}, "B",
			questionCues{longest: true}},
		{"key second", "Which is it?", []string{"the longest option of all four", "second longest", "short", "tiny"}, "B",
			questionCues{second: true, absDistr: 1}},
		{"key third", "Which is it?", []string{"the longest option here", "second longest", "short", "tiny"}, "C",
			questionCues{}},
		{"key echoes the stem", "Which firewall rule blocks inbound traffic?", []string{"Inbound rule on the firewall", "Outbound filtering at the proxy", "A honeypot", "Port knocking"}, "A",
			questionCues{second: true, overlap: true}},
		{"overlap tie counts, plural folded", "Which backups restore encrypted files?", []string{"Offline backup files", "Encrypting the files", "Snapshots", "Tape"}, "A",
			questionCues{longest: true, overlap: true}},
		{"no overlap anywhere is no cue", "Which is it?", []string{"Alpha", "Bravo", "Charlie", "Delta"}, "D",
			questionCues{second: true, shortest: true}},
		{"key shortest, tie counts", "Which is it?", []string{"A fairly long option", "Short", "Tiny", "A longer option again"}, "C",
			questionCues{shortest: true}},
		{"absolute words in key and distractors", "Which is it?", []string{"It guarantees delivery", "It never fails", "It eliminates risk", "Completely safe"}, "A",
			questionCues{longest: true, absKey: true, absDistr: 3}},
		{"absolute word inside a longer word is not one", "Which is it?", []string{"Tallest", "Nonetheless", "Musty", "Everyday"}, "A",
			questionCues{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := Question{Stem: c.stem, Options: c.options, Answer: c.answer}
			if got := cuesOf(&q, q.AnswerIndex()); got != c.want {
				t.Errorf("cues %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestStemWordFoldsForms(t *testing.T) {
	for _, group := range [][]string{
		{"encrypt", "encrypts", "encrypted", "encrypting"},
		{"store", "stores", "stored", "storing"},
		{"policy", "policies"},
		{"process", "processes"},
		{"organization", "organisation"},
	} {
		for _, w := range group[1:] {
			if stemWord(w) != stemWord(group[0]) {
				t.Errorf("stemWord(%q) = %q, stemWord(%q) = %q", w, stemWord(w), group[0], stemWord(group[0]))
			}
		}
	}
}

func TestCheckCuesCountsPerExamFileAndObjective(t *testing.T) {
	q := func(id, cert string, domain int, objective string, options []string, answer string) Question {
		return Question{ID: id, Cert: cert, Outline: cert + "-x", Domain: domain, Objective: objective,
			Stem: "Question " + id + " about widgets?", Options: options, Answer: answer}
	}
	long := []string{"the longest of the four options", "medium option", "short", "tiny"}
	b := &Base{
		Outlines: []Outline{
			{ID: "cissp-x", Cert: "cissp", Domains: []Domain{
				{N: 1, Objectives: []Objective{{ID: "1.1"}, {ID: "1.2"}}},
				{N: 2, Objectives: []Objective{{ID: "2.1"}}},
			}},
			{ID: "unused", Cert: "cissp", Domains: []Domain{{N: 1, Objectives: []Objective{{ID: "1.1"}}}}},
		},
		Questions: []Question{
			q("a1", "cissp", 1, "1.1", long, "A"),
			q("a2", "cissp", 1, "1.1", long, "A"),
			q("a3", "cissp", 1, "1.1", long, "B"),
			q("b1", "cissp", 2, "2.1", long, "D"),
		},
	}
	r := b.CheckCues()
	want := []CueStats{
		{Name: "cissp", N: 4, Longest: 2, Second: 1, Shortest: 1, Distractors: 12},
	}
	if !slices.Equal(r.Exams, want) {
		t.Errorf("exams %+v, want %+v", r.Exams, want)
	}
	if len(r.Files) != 2 || r.Files[0].Name != "cissp-d1" || r.Files[0].N != 3 || r.Files[0].Longest != 2 || r.Files[1].Name != "cissp-d2" || r.Files[1].Longest != 0 {
		t.Errorf("files %+v", r.Files)
	}
	wantObj := []ObjectiveCount{{"cissp-x", "1.1", 3}, {"cissp-x", "1.2", 0}, {"cissp-x", "2.1", 1}}
	if !slices.Equal(r.Objectives, wantObj) {
		t.Errorf("objectives %+v, want %+v (an outline without questions is left out)", r.Objectives, wantObj)
	}
	fails := strings.Join(r.Failures(), "\n")
	for _, s := range []string{"cissp: key-longest 50%", "objective 1.2 has 0", "objective 2.1 has 1"} {
		if !strings.Contains(fails, s) {
			t.Errorf("failures lack %q:\n%s", s, fails)
		}
	}
	if strings.Contains(fails, "key-second") || strings.Contains(fails, "objective 1.1") {
		t.Errorf("failures name a figure within its threshold:\n%s", fails)
	}
	var out bytes.Buffer
	r.Write(&out)
	for _, s := range []string{"cissp-d1", "50.0%!", "1.2=0", "objectives under 3 questions (2): 1.2 2.1"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
}

func TestNearDuplicatesOnHandMadeItems(t *testing.T) {
	q := func(id, cert, stem string, options ...string) Question {
		return Question{ID: id, Cert: cert, Stem: stem, Options: options, Answer: "A"}
	}
	b := &Base{Questions: []Question{
		// The same scenario and key in other words: a pair.
		q("leave-1", "cissp", "A bank requires staff in treasury roles to take two consecutive weeks of leave each year while someone else does their work. What is the MAIN purpose?",
			"Exposing fraud that needs one person's constant presence", "Reducing burnout among treasury staff", "Cross-training colleagues for cover", "Meeting the annual leave entitlement"),
		q("leave-2", "cissp", "A bank makes staff in funds-transfer roles take two consecutive weeks of leave every year, during which colleagues do their work. What is the PRIMARY purpose?",
			"Detecting fraud that needs one person's ongoing presence", "Lowering burnout in payment staff", "Training colleagues to cover absences", "Complying with leave entitlement law"),
		// The same options but a different key: not a pair.
		q("canon-1", "cissp", "Which canon of the code of ethics ranks first?",
			"Protect society and the infrastructure", "Act honorably and legally", "Serve principals diligently", "Advance the profession"),
		q("canon-2", "cissp", "Which canon of the code of ethics ranks last?",
			"Advance the profession", "Act honorably and legally", "Serve principals diligently", "Protect society and the infrastructure"),
		// Unrelated items, and the same leave scenario on the other exam.
		q("tacacs", "cissp", "Which protocol encrypts the whole packet body for device administration logins?", "TACACS+", "RADIUS", "LDAP", "Kerberos"),
		q("dns", "cissp", "Which record type maps a host name to an IPv6 address?", "AAAA", "PTR", "MX", "CNAME"),
		q("fence", "cissp", "What fence height deters a determined intruder at a data center perimeter?", "Eight feet topped with barbed wire", "Three feet", "Four feet", "Six feet"),
		q("leave-3", "cism", "A bank requires staff in treasury roles to take two consecutive weeks of leave each year while someone else does their work. What is the MAIN purpose?",
			"Exposing fraud that needs one person's constant presence", "Reducing burnout among treasury staff", "Cross-training colleagues for cover", "Meeting the annual leave entitlement"),
		q("cism-other", "cism", "Who should approve the information security strategy?", "Senior management", "The auditors", "The IT director", "The security analysts"),
		q("cism-other2", "cism", "What is the first step in a business impact analysis?", "Identify critical processes", "Buy a hot site", "Test the plan", "Train staff"),
	}}
	got := b.nearDuplicates()
	if len(got) != 1 || got[0].A != "leave-1" || got[0].B != "leave-2" {
		t.Fatalf("near duplicates %+v, want only leave-1 ~ leave-2", got)
	}
}

// TestNearDuplicatesCatchKnownPairs puts copies of three pairs a reviewer
// found (before one of each was rewritten) into the real bank, so the figures
// the detector weighs words by are the bank's own.
func TestNearDuplicatesCatchKnownPairs(t *testing.T) {
	data, err := os.ReadFile("testdata/near_duplicates.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Questions []Question `yaml:"questions"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Questions) != 6 {
		t.Fatalf("testdata has %d questions, want 6", len(f.Questions))
	}
	b, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string]bool{}
	for _, q := range f.Questions {
		copies[q.ID] = true
	}
	b.Questions = slices.DeleteFunc(b.Questions, func(q Question) bool { return copies[q.ID] })
	b.Questions = append(b.Questions, f.Questions...)
	found := map[[2]string]bool{}
	for _, d := range b.nearDuplicates() {
		found[[2]string{d.A, d.B}] = true
	}
	for _, p := range [][2]string{{"cissp-d1-026", "cissp-d6-010"}, {"cism-d2-010", "cism-d4-042"}, {"cism-d1-037", "cism-d3-017"}} {
		if !found[p] {
			t.Errorf("pair %s ~ %s not detected", p[0], p[1])
		}
	}
}
