package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// Clock tells the time; tests pass a fake one to move time without sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Handler runs a typed command.
type Handler func(ctx context.Context, req Request, args Args) (Reply, error)

// ActionHandler runs a button click; parts are the action ID split on ":"
// after the routing prefix.
type ActionHandler func(ctx context.Context, req Request, parts []string) (Reply, error)

// CommandInfo declares a command: help text, its typed arguments (or
// sub-commands), who may run it and whether it is slow or read-only.
// Adapters build their platform's definitions from it (Discord options) and
// never parse text.
type CommandInfo struct {
	Name    string
	Usage   string
	Summary string
	Slow    bool // may take long: adapters acknowledge first and follow up
	// ReadOnly: the command writes nothing and sends nothing but its reply,
	// so a delivery of it repeated (a replay) may simply be answered again.
	ReadOnly bool
	Params   []Param
	Subs     []Sub
	Who      Who
	// Scoped: Summary goes on with where the group whose data it shows
	// lives, in the platform's words (SummaryIn): "in this workspace" on
	// Slack, "on this Discord server"; a Discord user's own space is no
	// group, so there it names where one is.
	Scoped bool
	// Mine: the command acts on the asker's own data, which is kept apart
	// per workspace, per Discord server and for a Discord user's own space;
	// Summary goes on with which of them (SummaryIn), so that "your data"
	// does not read as all of it.
	Mine bool
	// SummaryOn replaces Summary on a platform where Summary is not true
	// (the console has no DMs, and shows a chart only when asked).
	SummaryOn map[string]string
	// Elsewhere maps a word the command does not take to the command that
	// does what it asks ("leaderboard off": settings leaderboard off), so
	// the refusal names that command instead of the usage alone.
	Elsewhere map[string]string

	// optionExamples are the parameters' examples as Discord's /cert takes
	// them, made by Register (optionExamples).
	optionExamples []string
}

// SummaryIn is c's summary as shown to someone in scope k: a Scoped
// command's says where its data lives there.
func (c CommandInfo) SummaryIn(k storage.UserKey) string {
	if s, ok := c.SummaryOn[k.Platform]; ok {
		c.Summary = s
	}
	switch {
	case c.Mine:
		return c.Summary + " " + dataScope(k)
	case !c.Scoped:
		return c.Summary
	case k.Platform == PlatformDiscord && strings.HasPrefix(k.Workspace, "dm:"):
		return c.Summary + " of a Discord server that added certcoach (not of your own space: only you are in it)"
	}
	return c.Summary + " " + dataScope(k)
}

type command struct {
	CommandInfo
	run Handler
}

// Engine routes requests to commands and button actions.
type Engine struct {
	kb       *knowledge.Base
	store    Store
	study    *study.Service
	clock    Clock
	log      *slog.Logger
	commands map[string]command
	aliases  map[string]string
	actions  map[string]ActionHandler
	limiter  Limiter
	observe  Observer

	zoneHooks    []ZoneHook
	compareCache sync.Map     // "cismOutline|cisspOutline" -> Reply (read-only)
	plans        sync.Map     // storage.UserKey -> cachedPlan
	planCount    atomic.Int64 // stores since start, to pace sweeps
	charts       *chartCache
}

// Limiter decides whether an actor may run another command now.
type Limiter interface {
	Allow(a Actor) bool
}

// Observer is told about every handled request (metrics).
type Observer func(req Request, reply Reply, took time.Duration)

// Options configure an Engine; zero values give sensible defaults.
type Options struct {
	Clock    Clock
	Logger   *slog.Logger
	Limiter  Limiter
	Observer Observer
}

// UserError is a problem with the user's input: its message is shown to them.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

// Errorf returns a UserError with a formatted message.
func Errorf(format string, a ...any) error { return &UserError{Msg: fmt.Sprintf(format, a...)} }

// Outcome values recorded in Reply.Kind's companion, for metrics.
const (
	OutcomeOK        = "ok"
	OutcomeUserError = "user_error"
	OutcomeError     = "error"
	OutcomeLimited   = "rate_limited"
)

// NewEngine builds an engine over a knowledge base and a store, with the
// standard commands registered. Other packages (reminders) add theirs with
// Register and RegisterAction before serving.
func NewEngine(kb *knowledge.Base, store Store, opts Options) *Engine {
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	e := &Engine{
		kb: kb, store: store, clock: opts.Clock, log: opts.Logger, limiter: opts.Limiter, observe: opts.Observer,
		commands: map[string]command{}, aliases: map[string]string{}, actions: map[string]ActionHandler{},
		charts: newChartCache(),
	}
	e.study = study.New(kb, store, e.clock.Now)
	e.registerCore()
	return e
}

// Clock returns the engine's clock.
func (e *Engine) Clock() Clock { return e.clock }

// Logger returns the engine's logger, for what its commands log beside
// their reply.
func (e *Engine) Logger() *slog.Logger { return e.log }

// Register adds a typed command. Call before serving.
func (e *Engine) Register(info CommandInfo, h Handler, aliases ...string) {
	info.optionExamples = e.optionExamples(info)
	e.commands[info.Name] = command{CommandInfo: info, run: h}
	for _, a := range aliases {
		e.aliases[a] = info.Name
	}
}

// ZoneHook is told when a user's platform profile moved them to another
// time zone (previous is the zone they had).
type ZoneHook func(ctx context.Context, u storage.User, previous string) error

// OnZoneChange adds a hook (reminders follow a profile's zone). Call before serving.
func (e *Engine) OnZoneChange(h ZoneHook) { e.zoneHooks = append(e.zoneHooks, h) }

// RegisterAction routes action IDs starting with prefix+":" to h.
func (e *Engine) RegisterAction(prefix string, h ActionHandler) {
	e.actions[prefix] = h
}

// Commands lists registered commands in name order.
func (e *Engine) Commands() []CommandInfo {
	out := make([]CommandInfo, 0, len(e.commands))
	for _, c := range e.commands {
		out = append(out, c.CommandInfo)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Mistyped reports whether text is a command that does not exist rather
// than a question: it starts with /cert (or "cert ") and names no command,
// or its first word is close to a command name and the rest reads as that
// command's arguments (see typo). name is the word taken as the command,
// guess the command it most likely meant ("" when none is close).
func (e *Engine) Mistyped(ctx context.Context, req Request) (name, guess string, mistyped bool) {
	if e.Known(req.Text) {
		return "", "", false
	}
	name, rest := ParseCommand(req.Text)
	guess = e.typo(ctx, req, name, strings.Fields(rest))
	t := strings.ToLower(strings.TrimSpace(req.Text))
	prefixed := strings.HasPrefix(t, "/cert") || strings.HasPrefix(t, "cert ")
	if prefixed && guess == "" {
		guess = e.Suggest(name)
	}
	return name, guess, prefixed || guess != ""
}

// notTypos are first words close to a command name that begin questions
// ("process for cissp endorsement", "plain english summary of cism").
var notTypos = map[string]bool{
	"what": true, "whats": true, "how": true, "who": true, "why": true, "when": true, "where": true, "which": true,
	"is": true, "are": true, "does": true, "do": true, "can": true, "should": true, "could": true, "would": true,
	"will": true, "quit": true, "plain": true, "plane": true, "process": true, "expert": true, "report": true,
	"remain": true, "explain": true,
}

// typo is the command a first word that names none most likely meant
// ("quizz", "qiuz"), when the words after it read as that command's
// arguments ("quizz cissp 7 5", "remnd 7:30"); "" when the text reads as a
// question. Free text is no evidence: any words fit `ask <question>`, and a
// domain or topic named in words must exist.
func (e *Engine) typo(ctx context.Context, req Request, name string, words []string) string {
	if notTypos[name] {
		return ""
	}
	guess := e.Suggest(name)
	if guess == "" {
		guess = e.swapped(name)
	}
	if guess == "" || len(words) == 0 {
		return guess
	}
	p := e.parse(Request{Text: guess + " " + strings.Join(words, " ")})
	if !p.known || p.err != nil {
		return ""
	}
	info := typedInfo(p.cmd.CommandInfo, p.sub)
	named, err := e.typeText(ctx, req, info, p.words)
	if err != nil {
		return ""
	}
	for _, prm := range info.Params {
		v, ok := named[prm.Name]
		if !ok || prm.Kind != KindText {
			continue
		}
		// Only help's argument says what it is: a command's name.
		if f := strings.Fields(strings.ToLower(v)); guess != "help" || len(f) != 1 {
			return ""
		} else if _, ok := e.lookup(f[0]); !ok {
			return ""
		}
	}
	if !e.namesExist(ctx, req, info, named) {
		return ""
	}
	return guess
}

// namesExist reports whether the domain and the topic named in typed
// arguments exist, as the command will look them up.
func (e *Engine) namesExist(ctx context.Context, req Request, info CommandInfo, named map[string]string) bool {
	for _, prm := range info.Params {
		v, ok := named[prm.Name]
		if !ok {
			continue
		}
		switch prm.Kind {
		case KindTopic:
			if _, err := e.compareTopicOf(req, v); err != nil {
				return false
			}
		case KindDomain:
			if v == "0" { // any domain
				continue
			}
			cert := e.certOrDefault(ctx, req, named)
			o := e.outlineFor(ctx, req, cert)
			if vo, ok := e.kb.Outline(cert + "-" + named["version"]); ok {
				o = vo
			}
			if o == nil || e.findDomain(o, v) == nil {
				return false
			}
		}
	}
	return true
}

// asQuestion answers a typed line whose command's arguments do not parse
// (or name nothing) as `ask` of the line, when the line reads as a
// question: "exam fees for cissp in india?" is not a mock exam. The first
// line of the answer says how to run the command; done is false (the
// command's own refusal stands) when the line does not read as a question.
func (e *Engine) asQuestion(ctx context.Context, req Request, info CommandInfo) (Reply, error, bool) {
	name := req.parsed.cmd.Name
	if req.Command != "" || name == "ask" || name == "help" {
		return Reply{}, nil, false
	}
	q := strings.TrimSpace(req.parsed.name + " " + req.parsed.rest)
	if name == "compare" {
		// "compare" asks for both exams side by side, which ask gives any
		// question that names neither; read with it, the words would be
		// compare's own topic reading again, which it just refused.
		q = req.parsed.rest
	}
	if !e.readsAsQuestion(q, commandWords(req.parsed.cmd.CommandInfo, req.parsed.name)) {
		return Reply{}, nil, false
	}
	ask, _ := e.lookup("ask")
	named, err := e.typeText(ctx, req, ask.CommandInfo, strings.Fields(q))
	if err != nil {
		return Reply{}, nil, false // too long a question: the command's refusal says more
	}
	r, err := e.ask(ctx, req, Args{Named: named})
	if err != nil {
		return r, err, true
	}
	r.Asked = true
	usage, _, _ := strings.Cut(info.Usage, " | ")
	note := fmt.Sprintf("_Read as a question. For the command: `%s`._", usage)
	if r.Body == "" {
		r.Body = note
	} else {
		r.Body = note + "\n\n" + r.Body
	}
	return r, nil, true
}

// commandWords are the words typed text may use as command c's own (typed
// as name): its name, its sub-commands' names and aliases, its choices.
func commandWords(c CommandInfo, name string) map[string]bool {
	words := map[string]bool{name: true, c.Name: true}
	params := slices.Clone(c.Params)
	for _, s := range c.Subs {
		words[s.Name] = true
		for _, a := range s.Aliases {
			words[a] = true
		}
		params = append(params, s.Params...)
	}
	for _, p := range params {
		for _, ch := range p.Choices {
			words[ch] = true
		}
	}
	return words
}

// readsAsQuestion reports whether typed text is a question for ask rather
// than a command typed wrong: it has a subject word besides numbers and
// the command's own words ("exam stop now" stops an exam), and it ends
// with "?" or the knowledge base's analysis explains every word of it as
// asking something (a fact, a refusal class, a definition, a comparison,
// the domains). Naming a topic or a term alone asks nothing: "quiz cissp
// firewalls" is a quiz on no domain.
func (e *Engine) readsAsQuestion(text string, command map[string]bool) bool {
	a := e.kb.Analyze(text)
	if !slices.ContainsFunc(a.Words, func(w string) bool {
		return !command[w] && strings.ContainsFunc(w, unicode.IsLetter)
	}) {
		return false
	}
	if strings.HasSuffix(strings.TrimSpace(Fold(text)), "?") {
		return true
	}
	if len(a.Unmatched) > 0 {
		return false
	}
	switch a.Ask {
	case knowledge.AskFact:
		return len(a.Attributes) > 0
	case knowledge.AskRefusal, knowledge.AskDomainWeights, knowledge.AskDomainList, knowledge.AskStudyTime,
		knowledge.AskConcepts, knowledge.AskCompare, knowledge.AskWhere, knowledge.AskWhichFirst:
		return true
	case knowledge.AskDefine:
		return slices.Contains(a.Intents, "define")
	}
	return false
}

// swapped is the command name is with two neighbouring letters swapped
// ("qiuz": "quiz"), a slip Suggest's edit distance counts twice; "" for none.
func (e *Engine) swapped(name string) string {
	b := []byte(name)
	for i := 0; i+1 < len(b); i++ {
		if b[i] == b[i+1] {
			continue
		}
		b[i], b[i+1] = b[i+1], b[i]
		if _, ok := e.commands[string(b)]; ok {
			return string(b)
		}
		b[i], b[i+1] = b[i+1], b[i]
	}
	return ""
}

// Known reports whether text starts with a known command name.
func (e *Engine) Known(text string) bool {
	name, _ := ParseCommand(text)
	_, ok := e.lookup(name)
	return ok
}

func (e *Engine) lookup(name string) (command, bool) {
	if c, ok := e.commands[name]; ok {
		return c, true
	}
	if n, ok := e.aliases[name]; ok {
		c, ok := e.commands[n]
		return c, ok
	}
	return command{}, false
}

// Handle runs a request and always returns a reply fit to show: user errors
// become a short private message, internal errors a generic one (logged),
// and a panic in a handler is recovered so one bad request never takes the
// process down.
func (e *Engine) Handle(ctx context.Context, req Request) (reply Reply) {
	start := e.clock.Now()
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("handler panic", "request_id", req.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			reply = internalError()
		}
		took := e.clock.Now().Sub(start)
		if e.log.Enabled(ctx, slog.LevelDebug) { // the attributes allocate even when the line is dropped
			e.log.Debug("handled", "request_id", req.ID, "platform", req.Actor.Platform, "kind", reply.Kind,
				"outcome", reply.Outcome, "ms", float64(took.Microseconds())/1000)
		}
		if e.observe != nil {
			e.observe(req, reply, took)
		}
	}()
	if e.limiter != nil && !e.limiter.Allow(req.Actor) {
		return Reply{Kind: "limit", Outcome: OutcomeLimited, Private: true,
			Body: "Slow down a little: too many requests in a short time. Try again in a few seconds."}
	}
	var (
		r   Reply
		err error
	)
	if req.Action != "" {
		r, err = e.handleAction(ctx, req)
	} else {
		r, err = e.handleText(ctx, e.Prepare(req).Req)
	}
	if err != nil {
		var ue *UserError
		if errors.As(err, &ue) {
			return Reply{Kind: r.Kind, Outcome: OutcomeUserError, Private: true, Body: ue.Msg}
		}
		if isBusy(err) {
			e.log.Warn("database busy", "request_id", req.ID, "err", err)
			return busyReply()
		}
		if ctx.Err() != nil {
			e.log.Warn("request cancelled", "request_id", req.ID, "err", err)
		} else {
			e.log.Error("request failed", "request_id", req.ID, "platform", req.Actor.Platform, "err", err)
		}
		return internalError()
	}
	if r.Outcome == "" {
		r.Outcome = OutcomeOK
	}
	return r
}

// withheld answers a Public request for what is the asker's own (a
// command that is not read-only, a control of their open quiz), which is
// not run: see Request.Public. It points at /cert in the same place, not
// at a DM alone: a Discord DM is a scope of its own (its progress, plan and
// forget are not the server's).
func withheld(kind string) Reply {
	return Reply{Kind: kind, Private: true,
		Body: "That answer is just for you: use `/cert` here, where only you see its answers. (A DM with me keeps progress of its own, apart from this server's.)"}
}

func internalError() Reply {
	return Reply{Kind: "error", Outcome: OutcomeError, Private: true,
		Body: "Sorry, something went wrong on our side. Your progress is safe; please try again."}
}

// usageLine names a few commands to start with, as the asker can run them.
func (e *Engine) usageLine(req Request) string {
	return fmt.Sprintf("Try `%s`, `%s`, `%s`, `%s`, `%s` or `%s`.", e.Say(req, "help"), e.Say(req, "compare"), e.Say(req, "compare <topic>"),
		e.Say(req, "domains cissp"), e.Say(req, "ask <question>"), e.Say(req, "quiz cism"))
}

// didYouMean is the refusal of a command name that does not exist, with
// the command text it most likely meant (guess), as the asker can run it
// (its /cert form is longer than the words: room for it).
func (e *Engine) didYouMean(req Request, name, guess string) error {
	limit := 60
	if SlashForms(req) {
		limit = 90
	}
	return Errorf("Unknown command %q: did you mean `%s`? `%s` lists them all.", truncate(name, 40), truncate(e.Say(req, guess), limit), e.Say(req, "help"))
}

func (e *Engine) handleText(ctx context.Context, req Request) (Reply, error) {
	name, args, c, ok, words := req.parsed.name, req.parsed.args, req.parsed.cmd, req.parsed.known, req.parsed.words
	if name == "" {
		return e.help(ctx, req, args)
	}
	if isStartOver(name, words) {
		// The button of a prompt no longer on screen.
		if req.Public {
			return withheld("control"), nil
		}
		return e.control(ctx, req)
	}
	if ok {
		info := typedInfo(c.CommandInfo, req.parsed.sub)
		if req.parsed.err != nil {
			if r, err, done := e.asQuestion(ctx, req, info); done {
				return r, err
			}
			return Reply{Kind: c.Name}, req.parsed.err
		}
		if err := permitted(c.CommandInfo, req.Actor); err != nil {
			return Reply{Kind: c.Name}, err
		}
		if args.Named == nil { // typed text: named options are typed by Prepare
			named, err := e.typeText(ctx, req, info, words)
			// Arguments that type but name a domain or topic that does not
			// exist are refused by the command: a question may be meant.
			if err != nil || !e.namesExist(ctx, req, info, named) {
				if r, err, done := e.asQuestion(ctx, req, info); done {
					return r, err
				}
			}
			if err != nil {
				return Reply{Kind: c.Name}, err
			}
			args.Named = named
		}
	}
	if !ok && isControl(name, words) {
		// A lone A-D, "next" or a digit with no button left to press.
		if req.Public {
			return withheld("control"), nil
		}
		return e.control(ctx, req)
	}
	if !ok {
		if r, err, done := e.unknownWord(req, name, words); done {
			return r, err
		}
		if guess := e.typo(ctx, req, name, words); guess != "" {
			return Reply{Kind: "unknown"}, e.didYouMean(req, name, strings.Join(append([]string{guess}, words...), " "))
		}
		// In DMs and mentions, free text is a question: all of it, typed as
		// ask's question.
		if req.Actor.DM || req.Conversational || strings.HasSuffix(strings.TrimSpace(Fold(req.Text)), "?") {
			ask, _ := e.lookup("ask")
			named, err := e.typeText(ctx, req, ask.CommandInfo, append([]string{name}, words...))
			if err != nil {
				return Reply{Kind: "ask"}, err
			}
			return e.ask(ctx, req, Args{Named: named})
		}
		return Reply{Kind: "unknown"}, Errorf("Unknown command %q. %s", truncate(name, 40), e.usageLine(req))
	}
	if req.Public && !c.ReadOnly {
		return withheld(c.Name), nil
	}
	r, err := c.run(ctx, req, args)
	if r.Kind == "" {
		r.Kind = c.Name
	}
	return r, err
}

func (e *Engine) handleAction(ctx context.Context, req Request) (Reply, error) {
	if len(req.Action) > 200 {
		return Reply{Kind: "action"}, Errorf("That button is not valid any more.")
	}
	parts := strings.Split(req.Action, ":")
	h, ok := e.actions[parts[0]]
	if !ok {
		return Reply{Kind: "action"}, Errorf("That button is not valid any more.")
	}
	r, err := h(ctx, req, parts[1:])
	if r.Kind == "" {
		r.Kind = parts[0]
	}
	return r, err
}

// User loads (creating on first contact) the stored user behind an actor.
func (e *Engine) User(ctx context.Context, a Actor) (storage.User, error) {
	if a.Platform == "" || a.User == "" {
		return storage.User{}, errors.New("actor without platform or user")
	}
	u, err := e.store.EnsureUser(ctx, userKey(a), a.Name, validZone(a.TimeZone), e.clock.Now())
	if err != nil {
		return u, fmt.Errorf("load user: %w", err)
	}
	if u.PrevTZ != "" {
		for _, h := range e.zoneHooks {
			if err := h(ctx, u, u.PrevTZ); err != nil {
				// The command itself can go on; the hook retries on the next change.
				e.log.Warn("time zone change hook", "err", err)
			}
		}
	}
	return u, nil
}

func validZone(tz string) string {
	if tz == "" {
		return ""
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return ""
	}
	return tz
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
