package knowledge_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/knowledge"
)

func TestAnalyze(t *testing.T) {
	kb := embeddedBase(t)
	tests := []struct {
		q     string
		exams []string
		ask   knowledge.Ask
		first string // first attribute, refusal class, term or topic
	}{
		{"where do I sit the cissp exam", []string{"cissp"}, knowledge.AskFact, "exam.delivery"},
		// A define cue with a gap frames the subject it holds, even an
		// everyday word ("salt"); it does not swallow it.
		{"how does salt work", nil, knowledge.AskDefine, "salt"},
		{"how to store salt?", nil, knowledge.AskDefine, "salt"},
		// Plurals in -shes, -sses, -xes, -tches fold ("salted hashes").
		{"why are salted hashes more secure for password storage?", nil, knowledge.AskConcepts, "salt"},
		// A technique named right after a lone "recommend" is what is asked.
		{"do any security experts recommend bcrypt for password storage?", nil, knowledge.AskDefine, "key-stretching"},
		{"is the cissp a scam", []string{"cissp"}, knowledge.AskRefusal, "worth-it"},
		// A subtopic named by its own title: that subtopic, in its domain.
		{"Which part of the CISM outline deals with risk and control ownership?", []string{"cism"}, knowledge.AskDomain, ""},
		// A word that asks for a study product only beside an exam asks nothing alone.
		{"why do websites show this kind of message", nil, knowledge.AskSearch, ""},
		{"which website is best for cissp", []string{"cissp"}, knowledge.AskRefusal, "vendor"},
		// No exam in sight and a concept named: a lone refusal word is about the concept.
		{"any small businesses out there that have a true dmz with 2 firewalls?", nil, knowledge.AskConcepts, "dmz"},
		// Which domain covers a topic whose name is also a fact's cue: where it sits.
		{"which cissp domain covers the code of ethics", []string{"cissp"}, knowledge.AskWhere, ""},
		// Which is easier "for me": about the asker, which no source knows.
		{"which is easier for me, cism or cissp", []string{"cism", "cissp"}, knowledge.AskRefusal, "personal-difficulty"},
		// One exam named only in the context, a fact compared with something else: that fact.
		{"the cissp has advanced innovative items. what are those compared to normal multiple choice?", []string{"cissp"}, knowledge.AskFact, "exam.types"},
		// The other exam named in the context, the same topic in both sentences: compared.
		{"CISM has a whole incident management domain. does cissp cover IR nearly as much?", []string{"cism", "cissp"}, knowledge.AskCompare, "incident-response"},
		// "master" alone is not the degree ("masters" folds to it).
		{"run the master process as root", nil, knowledge.AskDefine, "least-privilege"},
		{"does a masters in infosec count as a waiver for cism", []string{"cism"}, knowledge.AskFact, "experience.waiver-degree"},
		// The topic named in its own words, with one of its facts beside it.
		{"total cost to get certified, exam plus yearly fees, for both", nil, knowledge.AskCompare, "cost"},
		// One fact both exams have, compared in its own words: side by side.
		{"which has the cheaper annual fee, ISACA or ISC2", []string{"cism", "cissp"}, knowledge.AskFact, "fee.amf"},
		{"which is cheaper overall once you add in the yearly fees, cism or cissp", []string{"cism", "cissp"}, knowledge.AskCompare, "cost"},
		{"why is siem important?", nil, knowledge.AskDefine, "siem"},
		{"how do containers work", nil, knowledge.AskDefine, "containers"},
		{"how does the cism exam work", []string{"cism"}, knowledge.AskFact, "exam.items"},
		{"what do i need to get the cism", []string{"cism"}, knowledge.AskFact, "experience.requirement"},
		// Words that describe the asker ("10 years in IT audit") are not what is asked.
		{"i have 10 years in it audit, cism or cissp?", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		{"I work in audit, CISM or CISSP?", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		// Coverage asked of fact words is the fact, not where they sit.
		{"does the cissp fee include training", []string{"cissp"}, knowledge.AskFact, "fee.exam"},
		{"is the amf included in the cissp fee", []string{"cissp"}, knowledge.AskFact, "fee.amf"},
		{"how long are cissp results valid before endorsement", []string{"cissp"}, knowledge.AskFact, "endorsement"},
		// Both exams asked about alike: neither helps with the other.
		{"how many years does a masters degree waive for cissp and cism", []string{"cism", "cissp"}, knowledge.AskFact, "experience.waiver-degree"},
		{"can i study for both at the same time", nil, knowledge.AskWhichFirst, ""},
		{"which one is more in demand", nil, knowledge.AskRefusal, "worth-it"},
		{"can i take the cissp on my phone", []string{"cissp"}, knowledge.AskFact, "exam.delivery"},
		{"my isc2 certificate expiration date", []string{"cissp"}, knowledge.AskFact, "cpe"},
		{"any tips for exam day", nil, knowledge.AskRefusal, "exam-day"},
		{"what time should i arrive for the cissp exam", []string{"cissp"}, knowledge.AskRefusal, "exam-day"},
		{"how do i add cissp to my linkedin", []string{"cissp"}, knowledge.AskFact, "endorsement"},
		// An objective or subtopic written as its number.
		{"what does cissp 1.2 cover", []string{"cissp"}, knowledge.AskDomain, ""},
		{"cism 2b1", []string{"cism"}, knowledge.AskDomain, ""},
		{"i have 2.5 years experience, cissp?", []string{"cissp"}, knowledge.AskFact, "experience.requirement"},
		{"did cism domain names change in 2026", []string{"cism"}, knowledge.AskDomainList, ""},
		// "is about" a word does not make it a fact question.
		{"which part of cism is about metrics", []string{"cism"}, knowledge.AskWhere, "security-metrics"},
		{"5 years in it, can i take the cissp?", []string{"cissp"}, knowledge.AskFact, "experience.requirement"},
		{"i have 3 years in it, am i eligible for cism or cissp?", []string{"cism", "cissp"}, knowledge.AskFact, "experience.requirement"},
		// Another certification weighed against ours: not covered.
		{"should i get cisa or cism", []string{"cism"}, knowledge.AskUncovered, ""},
		{"is ccsp better than cissp", []string{"cissp"}, knowledge.AskUncovered, ""},
		{"is cism worth it if i have cisa", []string{"cism"}, knowledge.AskRefusal, "worth-it"},
		{"commands", nil, knowledge.AskUsage, ""},
		{"which cert should i take", nil, knowledge.AskWhichFirst, ""},
		{"which is better for a manager", nil, knowledge.AskCompare, "career-roles"},
		{"cism how many q", []string{"cism"}, knowledge.AskFact, "exam.items"},
		{"cissp exam in hindi available?", []string{"cissp"}, knowledge.AskFact, "exam.languages"},
		{"can i give cissp exam without job", []string{"cissp"}, knowledge.AskFact, "experience.requirement"},
		{"which is good cism or cissp for me, i am network admin", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		// A refusal cue that borrows a term's word is the term's.
		{"what is a break glass account", nil, knowledge.AskDefine, "break-glass-account"},
		{"is cism harder than cisa", []string{"cism"}, knowledge.AskUncovered, ""},
		{"cisa or cism which is better", []string{"cism"}, knowledge.AskUncovered, ""},
		// Courtesy at the end and context that says nothing known leave the question as asked.
		{"what is cism? thanks in advance", []string{"cism"}, knowledge.AskFact, "full_name"},
		{"how long is the cissp exam any help appreciated", []string{"cissp"}, knowledge.AskFact, "exam.duration"},
		{"studying for a while now. what is cism?", []string{"cism"}, knowledge.AskFact, "full_name"},
		// A post in capitals throughout: capitals mark no everyday word as a term; "lol" is noise.
		{"MY CIO KEEPS CALLING CISM 'THE CISSP FOR MANAGERS'. FAIR DESCRIPTION?", []string{"cism", "cissp"}, knowledge.AskCompare, ""},
		{"what even is cism lol", []string{"cism"}, knowledge.AskFact, "full_name"},
		{"I have a masters in cybersecurity. how many years does it waive for CISSP and for CISM?", []string{"cism", "cissp"}, knowledge.AskFact, "experience.waiver"},
		{"how much is the cssip exam", []string{"cissp"}, knowledge.AskFact, "fee.exam"}, // misspelt exam names
		{"how many questions on csim", []string{"cism"}, knowledge.AskFact, "exam.items"},
		{"avg salry for CISM holder in UAE?", []string{"cism"}, knowledge.AskRefusal, ""}, // too short for the speller to tell from "sally"
		// A year that ends the question says when it is asked, unless a phrase holds it.
		{"what is cism in 2026?", []string{"cism"}, knowledge.AskFact, "full_name"},
		{"how much is the cissp exam in 2026", []string{"cissp"}, knowledge.AskFact, "fee.exam"},
		{"new cism cpe rules in 2027", []string{"cism"}, knowledge.AskFact, "cpe.2027"},
		// A last sentence that opens as a question is one without its mark.
		{"Planning to book in January. how much is the cissp exam now", []string{"cissp"}, knowledge.AskFact, "fee.exam"},
		{"full time job, 2 kids, 2 months to study. realistically can I pass cism", []string{"cism"}, knowledge.AskRefusal, ""},
		{"what is cisa kev", nil, knowledge.AskDefine, "vulnerability-prioritization"}, // the agency's catalogue, not ISACA's exam
		// "write the exam" is Indian English for taking it.
		{"when can i write cism exam", []string{"cism"}, knowledge.AskFact, "exam.delivery"},
		// How hard one exam is: no source says; the two weighed: which first.
		{"is the new cism harder", []string{"cism"}, knowledge.AskRefusal, "personal-difficulty"},
		{"is cism harder than cissp", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		// A domain's weight asked with how it moved: the list says what moved.
		{"did domain 8's weight drop in the 2024 cissp refresh", []string{"cissp"}, knowledge.AskDomainWeights, ""},
		// Asking of "it" after a context that says more of what it is.
		{"A friend said you get a full year after registering to sit CISM. I thought it was shorter now?", []string{"cism"}, knowledge.AskFact, "exam.window"},
		// Numbers one fact gives, quoted with nothing else asked.
		{"an old blog lists the CISM split as 24 / 30 / 27 / 19. where did those numbers come from?", []string{"cism"}, knowledge.AskFact, "outline.older"},
		// A topic in the words that introduce the asker is who asks.
		{"Trying to figure out whether CISM or CISSP is more technical. I'm a network engineer.", []string{"cism", "cissp"}, knowledge.AskCompare, ""},
		// The exam named only to compare with is not the one asked about.
		{"I'm sitting cism in june. Can I go back to a question, or is it forward only like the cissp is?", []string{"cism"}, knowledge.AskFact, "exam.adaptive"},
		// Where a subject sits in each exam, not the exams compared on it.
		{"Where does the BIA fall in each exam?", []string{"cism", "cissp"}, knowledge.AskWhere, "bia"},
		// A strong refusal cue that opens the question beats a fact cue after it.
		{"what salary band should we offer a cissp with 8 yrs of experience?", []string{"cissp"}, knowledge.AskRefusal, "salary"},
		// Study time divided across the domains asks for the weights.
		{"how should study time be divided across cism domains?", []string{"cism"}, knowledge.AskDomainWeights, ""},
		{"how many questions does ISACA's exam have", []string{"cism"}, knowledge.AskFact, "exam.items"},
		{"(ISC)² annual fee", []string{"cissp"}, knowledge.AskFact, "fee.amf"},
		{"most heavily weighted cissp domain", []string{"cissp"}, knowledge.AskDomainWeights, ""},
		{"how do cism and cissp differ on incident response", []string{"cism", "cissp"}, knowledge.AskCompare, "incident-response"},
		{"which should I take first", nil, knowledge.AskWhichFirst, ""},
		{"where does single sign-on and federation fall", nil, knowledge.AskWhere, "sso"},
		{"threat vs vulnerability vs risk", nil, knowledge.AskConcepts, "threat"},
		{"due care", nil, knowledge.AskDefine, "due-care"},
		{"what is the average cissp salary", []string{"cissp"}, knowledge.AskRefusal, "salary"},
		{"best bootcamp for cism", []string{"cism"}, knowledge.AskRefusal, "vendor"},
		{"how many cissps are there", []string{"cissp"}, knowledge.AskRefusal, "holder-count"},
		{"what are the cism domains", []string{"cism"}, knowledge.AskDomainList, ""},
		{"cissp domain 7", []string{"cissp"}, knowledge.AskDomain, ""},
		{"how long should I study for cism", []string{"cism"}, knowledge.AskStudyTime, ""},
		// The exams compared on the topic whose words a term holds.
		{"supply chain risk, covered differently in cism and cissp?", []string{"cism", "cissp"}, knowledge.AskCompare, "third-party-risk"},
		{"is security governance more of a cism thing or does cissp get into it too", []string{"cism", "cissp"}, knowledge.AskCompare, "governance"},
		// "(ISC)²" is how ISC2 once wrote its name.
		{"Is it (ISC)² or ISC2 now? Updating my resume and don't want to look outdated", []string{"cissp"}, knowledge.AskFact, "rebrand"},
		{"what is (isc)2", []string{"cissp"}, knowledge.AskFact, "body"},
		// Whether a study product is worth it, or which to get, asks for a vendor.
		{"should I get the Sybex OSG or the All-in-One for the risk management chapters", nil, knowledge.AskRefusal, "vendor"},
		// A term beside a domain number is what is asked; the number says where.
		{"event vs incident d7", nil, knowledge.AskDefine, "incident-vs-event"},
		// With no exam in sight, "harder" compares concepts, not the exams.
		{"is sha-256 harder to crack than md5", nil, knowledge.AskDefine, "hashing"},
		// With no exam in sight, a fact's words beside a security concept ask
		// about the concept; beside a word of the exams' own (AMF) the fact.
		{"do i need experience to run a pentest", nil, knowledge.AskDefine, "penetration-testing"},
		{"what is the passing score for a vulnerability scan in pci", nil, knowledge.AskDefine, "vulnerability-assessment"},
		{"do i pay the amf twice if i hold two certs", nil, knowledge.AskFact, "fee.amf"},
		// A term in the gap of a fact phrase ("how long is ... valid") is
		// the question's subject, not the phrase's words.
		{"how long is a kerberos ticket valid", nil, knowledge.AskDefine, "kerberos"},
		{"what is a cpe string", nil, knowledge.AskDefine, "scap"},
		// A security concept's rate is no exam's pass rate.
		{"what is the pass rate of phishing simulations", nil, knowledge.AskDefine, "security-awareness"},
		{"what is the pass rate", nil, knowledge.AskRefusal, "pass-rate"},
		// With no exam in sight, a concept's weighting is not the outlines'.
		{"what is the weighting of risks in a risk matrix", nil, knowledge.AskDefine, "heat-map"},
		{"in hashing, does it matter how random a salt is?", nil, knowledge.AskConcepts, ""},
		// A fact cue that says much more than a study-time phrase is what is asked.
		{"got a provisional pass on screen for cism, how long till the official email", []string{"cism"}, knowledge.AskFact, "exam.results"},
		{"is the cissp scored on a scale like the gre or does 700 just mean i got 70 percent of the questions right?", []string{"cissp"}, knowledge.AskFact, "exam.passing"},
		{"zebra migration patterns", nil, knowledge.AskSearch, ""},
		// A certification certcoach does not cover, named in the context:
		// order words after it compare nothing of CISM and CISSP.
		{"I passed the CCSP and my cycle starts in May. Does learning before then count, or does the clock only start from then?", nil, knowledge.AskUncovered, ""},
		// Everyday words that also name a term name it only when meant so.
		{"what is the standard fee for cism", []string{"cism"}, knowledge.AskFact, "fee.exam"},
		{"any way to avoid paying the amf twice", nil, knowledge.AskFact, "fee.amf"},
		{"policy vs standard vs procedure, I always mix them up", nil, knowledge.AskConcepts, "policy"},
		{"what is a standard", nil, knowledge.AskDefine, "standard"},
		{"what is an audit", nil, knowledge.AskDefine, "security-audit"},
		{"how much does FAR matter on the cissp exam", []string{"cissp"}, knowledge.AskDefine, "biometrics-errors"},
		{"got 430 on cism. how far off is that?", []string{"cism"}, knowledge.AskSearch, ""},
		// Context before the question: the question sentence decides, the
		// context still names the exam.
		{"full time job, 2 kids, 2 months to study. realistically can I pass cism?", []string{"cism"}, knowledge.AskRefusal, "personal-difficulty"},
		{"Passed CISM last week. What do I have to do now to actually be certified?", []string{"cism"}, knowledge.AskFact, "endorsement"},
		// Only the asker's own holding brings in the other exam.
		{"CISA got dropped from the cissp waiver list", []string{"cissp"}, knowledge.AskFact, "experience.waiver-list"},
		// A question sentence with no subject of its own points back, and so
		// does one that opens by pointing back.
		{"my cissp shut off at question 100. does that mean I failed?", []string{"cissp"}, knowledge.AskFact, "exam.scoring"},
		{"i heard gdpr involves data controllers and data processors. what is the difference?", nil, knowledge.AskConcepts, "gdpr"},
		{"cism vs. cissp: what's the difference?", []string{"cism", "cissp"}, knowledge.AskCompare, ""},
		// Naming study material asks for a vendor only when nothing else is asked.
		{"what is COBIT and why does it keep coming up in cism material", []string{"cism"}, knowledge.AskDefine, "cobit"},
		{"cism practice tests", []string{"cism"}, knowledge.AskRefusal, "vendor"},
		{"any bootcamp that preps for both CISM and CISSP together?", []string{"cism", "cissp"}, knowledge.AskRefusal, "vendor"},
		{"CPE rules side by side for cism and cissp?", []string{"cism", "cissp"}, knowledge.AskCompare, "cpe-maintenance"},
		{"is incident management still 30% of cism", []string{"cism"}, knowledge.AskDomainWeights, ""},
		// A question sentence that compares nothing named, or asks only in
		// filler words, is read with its context.
		{"In my company people use BCP and DRP for the same thing. What is the real difference?", nil, knowledge.AskConcepts, "bcp"},
		{"RTO vs RPO, I always flip them. Which one is about how much data you can lose?", nil, knowledge.AskConcepts, "rto"},
		{"does it make sense to do cissp first then use it to waive cism experience", []string{"cism", "cissp"}, knowledge.AskFact, "cross-waiver"},
		{"which cissp domain covers wiping old hard drives?", []string{"cissp"}, knowledge.AskWhere, "sanitization"},
		// "which exam ... more" compares the exams on the topic named.
		{"which exam spends more time on security audits and testing", nil, knowledge.AskCompare, "assessment-testing"},
		{"Incident response is my day job. Which exam treats it more like what I actually do, CISM or CISSP?", []string{"cism", "cissp"}, knowledge.AskCompare, "incident-response"},
		// Where AI sits; the claim that the 2026 CISM outline adds AI governance is an outline change asked.
		{"which cissp objective covers AI?", []string{"cissp"}, knowledge.AskWhere, "ai"},
		{"does the 2026 cism outline really add ai governance everywhere?", []string{"cism"}, knowledge.AskFact, "outline.changes"},
		// "in the cism outline" says where to look, it does not ask for the outline.
		{"where does supplier risk sit in the cism outline?", []string{"cism"}, knowledge.AskWhere, ""},
		// Both fees of both exams: the cost comparison.
		{"what would cism vs cissp cost me all in, exam plus the annual fees?", []string{"cism", "cissp"}, knowledge.AskCompare, "cost"},
		// Facts compared that the general table lacks are answered as facts.
		{"retake rules cism vs cissp, which is stricter?", []string{"cism", "cissp"}, knowledge.AskFact, "exam.retake"},
		{"how do cism and cissp differ in exam length and passing score?", []string{"cism", "cissp"}, knowledge.AskCompare, ""},
		// The exam held, named in the context, is what a waiver asked in the question would use.
		{"My CISSP is from 2020. Do I get any experience waiver for CISM because of it?", []string{"cism", "cissp"}, knowledge.AskFact, "cross-waiver"},
		// "the cissp exam" folds to "cissp", so "how long is" alone asks the length.
		{"how long is the cissp exam?", []string{"cissp"}, knowledge.AskFact, "exam.duration"},
		{"how long is the cism certification valid for?", []string{"cism"}, knowledge.AskFact, "cpe"},
		// What changes, asked after the context names a fact, asks about that fact.
		{"saw that isaca will change the cpe rules in 2027. what changes for me as a cism holder?", []string{"cism"}, knowledge.AskFact, "cpe.2027"},
		{"Sitting in January. What is new in the cism outline?", []string{"cism"}, knowledge.AskFact, "outline.changes"},
		// An issuer before a fact cue asks of its exam, unless joined to the other's.
		{"how strict is the isc2 endorsement if my manager signs for cism too", []string{"cissp"}, knowledge.AskFact, "endorsement"},
		{"do the isaca and isc2 ethics codes say the same thing?", []string{"cism", "cissp"}, knowledge.AskCompare, "ethics"},
		// A language with "certain months" asks about the language's sittings.
		{"is the chinese cissp only in certain months?", []string{"cissp"}, knowledge.AskFact, "exam.languages"},
		// Asked for an order, a topic named is the asker's background.
		{"I work in governance and risk, should I do cissp before cism?", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		{"network engineer here: cism or cissp first?", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		// An order asked outweighs the fact and worth-it cues beside it,
		// unless the fact is one exam helping with the other.
		{"want a manager role one day, cissp before cism or not?", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		{"does it make sense to start with cism and do cissp later?", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		// The two exams offered as alternatives compare them, even after "should i get".
		{"should i get cism or cissp?", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		{"is cism worth it if I already have cissp", []string{"cism", "cissp"}, knowledge.AskRefusal, "worth-it"},
		// An order asked of one exam, with nothing else asked, is which first too.
		{"would starting with cissp be smart?", []string{"cissp"}, knowledge.AskWhichFirst, ""},
		{"is there a recommended order for cism and cissp", []string{"cism", "cissp"}, knowledge.AskWhichFirst, ""},
		// Which first, asked with the experience requirement of both exams:
		// what one does for the other.
		{"does doing cism first help with the cissp experience requirement at all?", []string{"cism", "cissp"}, knowledge.AskFact, "cross-waiver"},
		{"do cism holders have to earn cpes every single year?", []string{"cism"}, knowledge.AskFact, "cpe"},
		{"what do cissp holders earn", []string{"cissp"}, knowledge.AskRefusal, "salary"},
		// A refusal that only the context asks for is not the question.
		{"Planning to book in January. how much is the cissp exam now?", []string{"cissp"}, knowledge.AskFact, "fee.exam"},
	}
	for _, tc := range tests {
		a := kb.Analyze(tc.q)
		if !slices.Equal(a.Exams, tc.exams) || a.Ask != tc.ask {
			t.Errorf("%q: exams %v ask %s, want %v %s (%+v)", tc.q, a.Exams, a.Ask, tc.exams, tc.ask, a)
			continue
		}
		var got string
		switch {
		case a.Ask == knowledge.AskRefusal:
			got = a.Refusal
		case a.Ask == knowledge.AskCompare:
			got = a.Topic
		case a.Ask == knowledge.AskFact:
			got = a.Attributes[0]
		case len(a.Terms) > 0:
			got = a.Terms[0]
		}
		if tc.first != "" && got != tc.first {
			t.Errorf("%q: got %q, want %q (%+v)", tc.q, got, tc.first, a)
		}
	}
}

// TestAnalyzeContextTopic: a comparison asked in a question sentence takes
// its topic from the context only when the sentence points back at it or
// names no exam itself.
func TestAnalyzeContextTopic(t *testing.T) {
	kb := embeddedBase(t)
	tests := []struct{ q, topic string }{
		{"Incident response is my day job. Which exam treats it more like what I actually do, CISM or CISSP?", "incident-response"},
		{"I do network engineering all day. Which is more technical, cism or cissp?", ""},
		{"Vendor risk in cism vs third party stuff in cissp. same thing?", "third-party-risk"},
	}
	for _, tc := range tests {
		if a := kb.Analyze(tc.q); a.Ask != knowledge.AskCompare || a.Topic != tc.topic {
			t.Errorf("%q: ask %s topic %q, want compare %q", tc.q, a.Ask, a.Topic, tc.topic)
		}
	}
}

// TestAnalyzeTied: Tied counts leading keys of Attributes, so
// Attributes[:Tied] holds only keys asked for, also when the keys about
// one exam helping with the other are dropped or put first.
func TestAnalyzeTied(t *testing.T) {
	kb := embeddedBase(t)
	tests := []struct {
		q    string
		tied []string
	}{
		// "count toward" asks for cross-waiver, which needs both exams named.
		{"count toward work experience", []string{"experience.requirement"}},
		// The key put first joins the keys asked for equally.
		{"i have a cissp: any experience waiver for cism?", []string{"cross-waiver", "experience.waiver", "experience.requirement"}},
		{"exam fee", []string{"fee.exam"}},
	}
	for _, tc := range tests {
		a := kb.Analyze(tc.q)
		if a.Tied > len(a.Attributes) {
			t.Errorf("%q: tied %d of %q", tc.q, a.Tied, a.Attributes)
			continue
		}
		if got := a.Attributes[:a.Tied]; !slices.Equal(got, tc.tied) {
			t.Errorf("%q: tied %q, want %q (%+v)", tc.q, got, tc.tied, a)
		}
	}
}

func TestVocabularyProblems(t *testing.T) {
	kb, err := knowledge.Parse(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	kb.Vocab.Attributes = append(kb.Vocab.Attributes,
		knowledge.VocabEntry{Key: "exam.no-such-key", Phrases: []string{"zzz"}},
		knowledge.VocabEntry{Key: "exam.items", Near: "fee.exam", Phrases: []string{"zzz items"}},
		knowledge.VocabEntry{Key: "fee.exam", Phrases: []string{"pass rate", "  ", "really pricey"}})
	kb.Vocab.Intents = append(kb.Vocab.Intents, knowledge.VocabEntry{Key: "guess", Phrases: []string{"qqq", "just ... for qqq"}})
	kb.Terms[0].Objectives = []string{"cissp-2024:9.9", "cism-2022:4A2"}
	kb.Terms[1].Aliases = append(slices.Clip(kb.Terms[1].Aliases), kb.Terms[0].Term)
	for i := range kb.Vocab.Exams {
		if e := &kb.Vocab.Exams[i]; e.Key == "cissp" {
			// Only a one-word issuer is looked for before a fact cue.
			e.Issuers = append(slices.Clip(e.Issuers), "isc squared")
		}
	}
	kb.Vocab.Details = append(kb.Vocab.Details, knowledge.VocabEntry{Key: "vouchers", Near: "fee.voucher", Phrases: []string{"voucher code"}})
	kb.Vocab.OrderWords = append(kb.Vocab.OrderWords, "cheaper")
	kb.Vocab.ContextKeys = append(kb.Vocab.ContextKeys, "outline.nope")
	kb.Vocab.GeneralTable = append(kb.Vocab.GeneralTable, "exam.window")
	kb.Vocab.ComparedTogether = map[string][]string{"cost": {"fee.exam", "fee.nope"}}
	got := strings.Join(kb.Validate(), "\n")
	for _, want := range []string{`"exam.no-such-key": unknown key`, `phrase "pass rate" already means refusal pass-rate`,
		`empty phrase "  "`, `intents "guess": unknown key`, `dangling objective "cissp-2024:9.9"`, `objective "cism-2022:4A2" is in cism:4`,
		`issuer "isc squared" must be one word`, `order_words: "cheaper" is in no which-first phrase`,
		`phrase "just ... for qqq" starts or ends with a gap once noise words are dropped`, `context_keys: "outline.nope" is no fact's key`,
		`general_table: "exam.window" is neither "domains" nor a fact key every certification has`,
		`compared_together "cost": "fee.nope" is no fact's key`, `phrase "really pricey" is only "pricey" once noise words are dropped`,
		`details "vouchers": near "fee.voucher" is no fact's key`, `attributes "exam.items": near is for details only`,
		fmt.Sprintf("term %s: name %q is already term %s's", kb.Terms[1].ID, kb.Terms[0].Term, kb.Terms[0].ID)} {
		if !strings.Contains(got, want) {
			t.Errorf("no problem %q in:\n%s", want, got)
		}
	}
}

func BenchmarkAnalyze(b *testing.B) {
	kb := embeddedBase(b)
	qs := []string{"where do I sit the cissp exam", "how do cism and cissp differ on incident response",
		"i passed the test, but i don't have the five years of experience. what do i do now?", "what is an rpo"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		kb.Analyze(qs[i%len(qs)])
		i++
	}
}

func TestAnalyzeParts(t *testing.T) {
	kb := embeddedBase(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"how much does the cism cost and how many questions are there?", []string{"fee.exam", "exam.items"}},
		{"What is the CISSP passing score? And how many attempts do I get in a year?", []string{"exam.passing", "exam.retake"}},
		// One fact, asked with a follow-up or a second clause that asks none.
		{"what happens if the clock runs out on the cissp before 100 items? auto fail?", nil},
		{"what is cism certification, and how does it work?", nil},
		{"how much is the cissp exam", nil},
		{"what is the cissp fee and how long is the exam?", []string{"fee.exam", "exam.duration"}},
		// How it was before: the fact and the earlier one, the one whose
		// numbers the question quotes when there are several.
		{"back in the day the cissp was like 250 questions and 6 hours, right?", []string{"exam.duration", "exam.linear-old"}},
		{"was cissp 4 hrs at some point? my coworker had 4 hours back in 2023", []string{"exam.duration", "exam.format-2022"}},
		{"what was the cissp annual fee back in the day", []string{"fee.amf", "fee.amf-old"}},
		{"how long is the cissp exam", nil},
		// A number only an earlier fact has asks how it was, cue or not.
		{"cissp 125-175 questions 4 hrs, still true?", []string{"exam.duration", "exam.format-2022"}},
	}
	for _, tc := range tests {
		if got := kb.Analyze(tc.q).Parts; !slices.Equal(got, tc.want) {
			t.Errorf("Analyze(%q).Parts = %v, want %v", tc.q, got, tc.want)
		}
	}
}

// embeddedBase loads the embedded knowledge base, as the bot does.
func embeddedBase(tb testing.TB) *knowledge.Base {
	tb.Helper()
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		tb.Fatal(err)
	}
	return kb
}

func TestLastSentence(t *testing.T) {
	tests := []struct{ text, want string }{
		{"studying for a while now. cism exam dates", "cism exam dates"},
		{"what is cism? thanks a lot", "thanks a lot"},
		{"cism exam dates", ""},
		{"hi all. cism exam dates", ""}, // a fragment starts no sentence
		{"is v1.2 current? yes or no", "yes or no"},
		{"the cissp costs US$749. so what is the amf?", "so what is the amf?"},
		{"total cost of cism vs cissp incl. annual fees", ""}, // an abbreviation's stop ends no sentence
	}
	for _, tc := range tests {
		if got := knowledge.LastSentence(tc.text); got != tc.want {
			t.Errorf("LastSentence(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
