package remind

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// compose builds a claim's message and returns the question it carries. A
// retry reuses the question chosen the first time, so a late DM asks what
// the earlier attempt would have asked.
func (s *Scheduler) compose(ctx context.Context, c storage.Claim) (bot.Reply, string, error) {
	if c.Reminder.Kind == storage.ReminderChannel {
		return s.composePost(ctx, c)
	}
	return s.composeDM(ctx, c)
}

// letters label answer choices.
const letters = "ABCDEFGH"

// questionBody writes q as a quiz shows its question: the stem, then one
// option a line under it.
func questionBody(sb *strings.Builder, q *knowledge.Question) {
	sb.WriteString(strings.TrimSpace(q.Stem))
	sb.WriteString("\n\n")
	for i, o := range q.Options {
		if i < len(letters) {
			fmt.Fprintf(sb, "**%c)** %s\n", letters[i], o)
		}
	}
}

func answerButtons(q *knowledge.Question, id func(choice int) string) []bot.Button {
	var out []bot.Button
	for i := range q.Options {
		if i < len(letters) {
			out = append(out, bot.Button{ID: id(i), Label: string(letters[i])})
		}
	}
	return out
}

// certFor is the certification a user's reminder is about, chosen as a
// bare `quiz` or `progress` chooses it (README): their plan's, else the one
// they have answered more of, else the exam of an open session, else
// CISSP. Ties go to CISSP too, so a new user's first reminder is about the
// exam the rest of the product offers them.
func (s *Scheduler) certFor(ctx context.Context, u storage.User) (string, error) {
	p, err := s.store.Plan(ctx, u.ID)
	if err == nil {
		return p.Cert, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return "", fmt.Errorf("reminder exam: plan: %w", err)
	}
	stats, err := s.store.DomainStats(ctx, u.ID)
	if err != nil {
		return "", fmt.Errorf("reminder exam: domain stats: %w", err)
	}
	count := map[string]int{}
	for _, st := range stats {
		count[st.Cert] += st.Answered
	}
	if count["cism"] > count["cissp"] {
		return "cism", nil
	}
	if count["cissp"] == 0 {
		for _, kind := range []string{"quiz", "review", "exam"} {
			ses, err := s.store.OpenSession(ctx, u.ID, kind)
			if err == nil {
				return ses.Cert, nil
			}
			if !errors.Is(err, storage.ErrNotFound) {
				return "", fmt.Errorf("reminder exam: open %s: %w", kind, err)
			}
		}
	}
	return "cissp", nil
}

func (s *Scheduler) composeDM(ctx context.Context, c storage.Claim) (bot.Reply, string, error) {
	u, err := s.store.UserByID(ctx, c.Reminder.UserID)
	if err != nil {
		return bot.Reply{}, c.QuestionID, err
	}
	cert, err := s.certFor(ctx, u)
	if err != nil {
		return bot.Reply{}, c.QuestionID, err
	}
	day, _ := time.Parse(time.DateOnly, c.Day)
	outline := s.kb.OutlineFor(cert, day)
	if outline == nil {
		return bot.Reply{}, c.QuestionID, fmt.Errorf("no outline for %s", cert)
	}
	p, err := s.study.Progress(ctx, u, cert, outline)
	if err != nil {
		return bot.Reply{}, c.QuestionID, err
	}
	name := strings.ToUpper(cert)
	if ct, ok := s.kb.Cert(cert); ok && ct.Name != "" {
		name = ct.Name
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "- Streak: **%s**\n", bot.Plural(p.Streak, "day"))
	fmt.Fprintf(&sb, "- Cards due today: **%d**\n", p.DueToday)
	if p.Plan != nil {
		ahead := p.Plan.Ahead()
		state := "on track"
		switch {
		case ahead > 0:
			state = fmt.Sprintf("%d ahead", ahead)
		case ahead < 0:
			state = fmt.Sprintf("%d behind", -ahead)
		}
		fmt.Fprintf(&sb, "- Plan: %d of %d answers so far (%s), %s to your %s exam\n",
			p.Plan.Done, p.Plan.Expected, state, bot.Plural(p.Plan.DaysLeft, "day"), name)
	} else {
		fmt.Fprintf(&sb, "- Readiness %.0f%%. No study plan yet: %s sets a daily target.\n", p.Readiness*100, s.command(c.Reminder, "plan "+cert+" <YYYY-MM-DD>"))
	}
	reply := bot.Reply{Kind: "remind", Title: "Your daily " + name + " study reminder",
		Footer: s.command(c.Reminder, "remind off") + " stops these · " + s.command(c.Reminder, "remind pause <days>") + " takes a break"}
	q, dom := s.dmQuestion(ctx, u, cert, outline, p, c.QuestionID)
	if q == nil {
		reply.Body = sb.String()
		return reply, "", nil
	}
	if dom != "" {
		fmt.Fprintf(&sb, "\n**Today's question** (%s, your weakest heavy domain):\n", dom)
	} else {
		sb.WriteString("\n**Today's question:**\n")
	}
	questionBody(&sb, q)
	reply.Body = strings.TrimRight(sb.String(), "\n")
	reply.Buttons = answerButtons(q, func(i int) string {
		return fmt.Sprintf("%s:answer:%d:%s:%d", actionRemind, c.Reminder.ID, c.Day, i)
	})
	return reply, q.ID, nil
}

// command is typed command text, in backticks, as the owner of reminder r
// can run it on r's data: typed in the DM that r arrives in, but for a
// Discord server's reminder, which only /cert on that server reaches (a
// DM with the bot is a scope of its own, and its /cert too).
func (s *Scheduler) command(r storage.Reminder, text string) string {
	if r.Platform != bot.PlatformDiscord || strings.HasPrefix(r.Workspace, "dm:") {
		return "`" + text + "`"
	}
	in := bot.Request{Actor: bot.Actor{Platform: r.Platform, Workspace: r.Workspace, User: r.Target}}
	return "`" + s.e.Say(in, text) + "` on the server"
}

// dmQuestion picks the question from the domain where study pays most
// (weight times missing mastery), preferring unseen questions; a retry keeps
// its question.
func (s *Scheduler) dmQuestion(ctx context.Context, u storage.User, cert string, o *knowledge.Outline, p study.Progress, keep string) (*knowledge.Question, string) {
	if keep != "" {
		if q, ok := s.kb.Question(keep); ok {
			return q, domainName(o, q.Domain)
		}
	}
	for _, d := range study.Weakest(p.Domains, len(p.Domains)) {
		if d.Pool == 0 {
			continue
		}
		ids, err := s.study.Pick(ctx, u, cert, o, d.N, 1)
		if err != nil || len(ids) == 0 {
			continue
		}
		if q, ok := s.kb.Question(ids[0]); ok {
			return q, d.Name
		}
	}
	return nil, ""
}

func domainName(o *knowledge.Outline, n int) string {
	if d := o.Domain(n); d != nil {
		return d.Name
	}
	return ""
}

// composePost builds a channel's question of the day: yesterday's result
// first, last week's top 5 on the first post of a new week, then today's
// question.
func (s *Scheduler) composePost(ctx context.Context, c storage.Claim) (bot.Reply, string, error) {
	r := c.Reminder
	var sb strings.Builder
	prevDay := ""
	prev, err := s.store.PreviousSent(ctx, r.ID, c.Day)
	switch {
	case err == nil:
		prevDay = prev.Day
		if pq, ok := s.kb.Question(prev.QuestionID); ok {
			dist, err := s.store.QotdDistribution(ctx, prev.ID)
			if err != nil {
				return bot.Reply{}, c.QuestionID, err
			}
			sb.WriteString(resultText(pq, dist))
			sb.WriteString("\n")
		}
	case !errors.Is(err, storage.ErrNotFound):
		return bot.Reply{}, c.QuestionID, err
	}
	day, err := time.Parse(time.DateOnly, c.Day)
	if err != nil {
		return bot.Reply{}, c.QuestionID, fmt.Errorf("post day %q: %w", c.Day, err)
	}
	// The first post of a week (not just a Monday one: a skipped Monday must
	// not swallow the ranking) looks back over the week before it.
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	if prevDay != "" && prevDay < monday.Format(time.DateOnly) {
		top, err := s.store.QotdTop(ctx, r.ID, monday.AddDate(0, 0, -7).Format(time.DateOnly), monday.Format(time.DateOnly), 5)
		if err != nil {
			return bot.Reply{}, c.QuestionID, err
		}
		if len(top) > 0 {
			sb.WriteString(topText(top))
			sb.WriteString("\n")
		}
	}
	q, err := s.channelQuestion(ctx, r, c.Day, c.QuestionID)
	if err != nil {
		return bot.Reply{}, c.QuestionID, err
	}
	reply := bot.Reply{Kind: "qotd", Title: "Question of the day"}
	if q == nil {
		sb.WriteString("No practice questions are available today.")
		reply.Body = sb.String()
		return reply, "", nil
	}
	reply.Title = fmt.Sprintf("Question of the day: %s", strings.ToUpper(q.Cert))
	if o := s.kb.OutlineFor(q.Cert, day); o != nil {
		if n := domainName(o, q.Domain); n != "" {
			reply.Title += " · " + n
		}
	}
	questionBody(&sb, q)
	reply.Body = strings.TrimRight(sb.String(), "\n")
	reply.Footer = "Everyone can answer once; it counts toward your own progress. Results tomorrow."
	reply.Buttons = answerButtons(q, func(i int) string { return fmt.Sprintf("%s:answer:%d:%d", actionQotd, c.SendID, i) })
	return reply, q.ID, nil
}

// resultText is yesterday's distribution and the correct answer.
func resultText(q *knowledge.Question, dist map[int]int) string {
	var sb strings.Builder
	total := 0
	for _, n := range dist {
		total += n
	}
	fmt.Fprintf(&sb, "**Yesterday's question:** %s\n", shorten(q.Stem, 200))
	var parts []string
	for i := range q.Options {
		if i >= len(letters) {
			break
		}
		n := dist[i]
		pct := 0
		if total > 0 {
			pct = (100*n + total/2) / total
		}
		parts = append(parts, fmt.Sprintf("%c %d (%d%%)", letters[i], n, pct))
	}
	fmt.Fprintf(&sb, "Answers: %s, %d in all\n", strings.Join(parts, " · "), total)
	if a := q.AnswerIndex(); a >= 0 {
		fmt.Fprintf(&sb, "Correct: **%c) %s**. %s\n", letters[a], q.Options[a], q.Explanation)
	}
	return sb.String()
}

func topText(top []storage.QotdRow) string {
	var sb strings.Builder
	sb.WriteString("**Last week's top 5:**\n")
	for i, t := range top {
		name := t.Display
		if name == "" {
			name = t.User
		}
		fmt.Fprintf(&sb, "%d. %s: %d correct of %d\n", i+1, name, t.Correct, t.Answered)
	}
	return sb.String()
}

// channelQuestion picks a question the channel has not had yet, spread by a
// hash of (reminder, day) so it is the same on every replica and retry.
func (s *Scheduler) channelQuestion(ctx context.Context, r storage.Reminder, day, keep string) (*knowledge.Question, error) {
	if keep != "" {
		if q, ok := s.kb.Question(keep); ok {
			return q, nil
		}
	}
	used, err := s.store.SentQuestions(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	var fresh, all []*knowledge.Question
	for i := range s.kb.Questions {
		q := &s.kb.Questions[i]
		if r.Cert != "" && q.Cert != r.Cert {
			continue
		}
		if q.AnswerIndex() < 0 {
			continue
		}
		all = append(all, q)
		if !used[q.ID] {
			fresh = append(fresh, q)
		}
	}
	if len(fresh) == 0 {
		fresh = all
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	sort.Slice(fresh, func(i, j int) bool { return fresh[i].ID < fresh[j].ID })
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", r.ID, day)
	return fresh[h.Sum64()%uint64(len(fresh))], nil
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
