package bot_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/storage"
)

func BenchmarkCompare(b *testing.B) {
	h := newHarness(b)
	req := bot.Request{Actor: actor("bench"), Text: "/cert compare"}
	ctx := context.Background()
	h.e.Handle(ctx, req)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := h.e.Handle(ctx, req); r.Table == nil {
			b.Fatal("no table")
		}
	}
}

// BenchmarkCompareTopic: a topic named by an alias or a misspelling, and
// one with words beside it, are read as ask reads them (no cache).
func BenchmarkCompareTopic(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	qs := []string{"compare cryptography", "compare crypto basics", "compare incidnet-response", "compare cost for cism"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if r := h.e.Handle(ctx, bot.Request{Actor: actor("bench"), Text: qs[i%len(qs)]}); r.Outcome != bot.OutcomeOK {
			b.Fatal(r.Body)
		}
		i++
	}
}

func BenchmarkAsk(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	qs := []string{"ask how many questions are on the CISM exam", "ask what is an rpo", "ask where is incident response in cissp", "ask cissp cost"}
	h.e.Handle(ctx, bot.Request{Actor: actor("bench"), Text: qs[0]})
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if r := h.e.Handle(ctx, bot.Request{Actor: actor("bench"), Text: qs[i%len(qs)]}); r.Outcome != bot.OutcomeOK {
			b.Fatal(r.Body)
		}
		i++
	}
}

// BenchmarkRecordAnswerParallel: engine to committed row (answer + FSRS card
// in one transaction), many users in parallel.
func BenchmarkRecordAnswerParallel(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	qs := h.kb.Questions
	var n atomic.Int64
	b.SetParallelism(25) // 50 concurrent users on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		u, err := h.e.User(ctx, actor(fmt.Sprintf("p%d", n.Add(1))))
		if err != nil {
			b.Error(err)
			return
		}
		i := 0
		for pb.Next() {
			q := &qs[i%len(qs)]
			if _, err := study.New(h.kb, h.store, h.clock.Now).Record(ctx, u, "", 0, fmt.Sprintf("bench:%d", i), q, i%4); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkQuizAnswerViaHandle: a button click through Engine.Handle, from
// the action ID to the committed answer and the rendered explanation.
func BenchmarkQuizAnswerViaHandle(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	a := actor("clicker")
	var r bot.Reply
	pos := 20
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if pos == 20 {
			b.StopTimer()
			r = h.e.Handle(ctx, bot.Request{Actor: a, Text: "quiz cism 20"})
			pos = 0
			b.StartTimer()
		}
		res := h.e.Handle(ctx, bot.Request{Actor: a, Action: h.answerButton(b, r, true)})
		if res.Outcome != bot.OutcomeOK {
			b.Fatal(res.Body)
		}
		pos++
		if pos < 20 {
			b.StopTimer()
			nb, _ := buttonWithPrefix(res, "quiz:next:")
			r = h.e.Handle(ctx, bot.Request{Actor: a, Action: nb.ID})
			b.StartTimer()
		}
	}
}

func BenchmarkProgress5000Answers(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	u, err := h.e.User(ctx, actor("heavy"))
	if err != nil {
		b.Fatal(err)
	}
	var cissp []int
	for i, q := range h.kb.Questions {
		if q.Cert == "cissp" {
			cissp = append(cissp, i)
		}
	}
	for i := 0; i < 5000; i++ {
		q := &h.kb.Questions[cissp[i%len(cissp)]]
		if _, err := study.New(h.kb, h.store, h.clock.Now).Record(ctx, u, "", 0, fmt.Sprintf("seed:%d", i), q, i%4); err != nil {
			b.Fatal(err)
		}
	}
	if n, _ := h.store.CountAnswers(ctx, storage.UserKey{Platform: "console", Workspace: "w1", User: "heavy"}); n != 5000 {
		b.Fatalf("seeded %d", n)
	}
	req := bot.Request{Actor: actor("heavy"), Text: "progress cissp"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := h.e.Handle(ctx, req); r.Outcome != bot.OutcomeOK {
			b.Fatal(r.Body)
		}
	}
}
