// Command certcoach is a CISM/CISSP study bot for Slack, Discord and the terminal.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"github.com/joho/godotenv"
	"golang.org/x/term"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/sqlite"
)

const usage = `usage: certcoach [flags] [command]

commands:
  (none)             console without platform credentials, else serve
  console            interactive console (reads stdin, works piped)
  ask "<text>"       run one command, e.g. ask "/cert compare"
  kb check           validate the knowledge base
  serve              run the HTTP server and configured adapters
  discord register   register the /cert command with Discord
  backup <file>      consistent online copy of a SQLite database
  rekey              reseal stored Slack tokens from CERTCOACH_TOKEN_KEY_OLD
                     to CERTCOACH_TOKEN_KEY (docs/slack-distribution.md)

flags:
  --db PATH|URL      SQLite file or postgres:// URL (CERTCOACH_DB, default ./certcoach.db)
  --user ID          console/ask user (default: $USER or "local")

environment (or a .env file in the working directory):
  SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)
  DISCORD_BOT_TOKEN with DISCORD_APP_ID (gateway) or DISCORD_PUBLIC_KEY (HTTP)
  CERTCOACH_DB, CERTCOACH_ADDR (default :8080), CERTCOACH_LOG_LEVEL (default info)
  every setting: README.md (Configuration) and .env.example in the source
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// consoleHint is the console's first line: what to type.
const consoleHint = "Type help, or quit."

// exitUsage is the exit code for a malformed command line.
const exitUsage = 2

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// .env is optional; real environment variables win. One that cannot be
	// read is an error: ignored, its credentials would silently be missing.
	if err := loadDotenv(".env"); err != nil {
		fmt.Fprintf(stderr, "certcoach: .env: %v (see certcoach --help)\n", err)
		return 1
	}
	cfg := loadConfig()
	fl := flag.NewFlagSet("certcoach", flag.ContinueOnError)
	fl.SetOutput(io.Discard) // parse says what went wrong, once
	db := fl.String("db", cfg.DB, "database file")
	user := fl.String("user", defaultUser(), "console/ask user id")
	fl.Usage = func() {} // the usage is printed below, where it belongs
	// parse reads flags; on failure it prints the usage and says the exit
	// code: 0 for --help (it asked for the usage, on stdout, as `help` does).
	// After ask, a flag that is none is more likely text meant as words
	// ("-x", "--verbose"): the way to say so, --, instead of the usage.
	parse := func(a []string, cmd string) (code int, ok bool) {
		err := fl.Parse(a)
		switch {
		case err == nil:
			return 0, true
		case errors.Is(err, flag.ErrHelp):
			fmt.Fprint(stdout, usage)
			return 0, false
		}
		// The flag package's own wording, the only way it names the flag.
		if name, undefined := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); undefined && cmd == "ask" {
			typed := "-" + name
			for _, w := range a {
				if n, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "="); n == name && strings.HasPrefix(w, "-") {
					typed = w // as typed: --verbose, not -verbose
					break
				}
			}
			var flags []string
			fl.VisitAll(func(f *flag.Flag) { flags = append(flags, "--"+f.Name) })
			fmt.Fprintf(stderr, "certcoach ask: %s is not a flag (they are %s and --help); for text that starts with -, put -- before the text: certcoach ask -- %s\n", typed, strings.Join(flags, ", "), typed)
			return exitUsage, false
		}
		fmt.Fprintln(stderr, err)
		fmt.Fprint(stderr, usage)
		return exitUsage, false
	}
	if code, ok := parse(args, ""); !ok {
		return code
	}
	cfg.DB = strings.TrimSpace(*db) // as CERTCOACH_DB is read
	rest := fl.Args()
	// Allow flags after the subcommand too: certcoach ask --user bob "compare",
	// and after its words: certcoach ask "quiz cissp" --db study.db.
	if len(rest) > 0 {
		words := []string{rest[0]}
		for args := rest[1:]; ; {
			if code, ok := parse(args, rest[0]); !ok {
				return code
			}
			// After "--" the rest are words, whatever they look like.
			parsed := len(args) - len(fl.Args())
			terminated := parsed > 0 && args[parsed-1] == "--"
			args = fl.Args()
			i := slices.IndexFunc(args, func(a string) bool { return isFlag(fl, a) || a == "--" })
			if i < 0 || terminated {
				words = append(words, args...)
				break
			}
			words = append(words, args[:i]...)
			if args[i] == "--" {
				words = append(words, args[i+1:]...)
				break
			}
			args = args[i:]
		}
		cfg.DB = strings.TrimSpace(*db)
		rest = words
	}
	fl.Visit(func(f *flag.Flag) {
		if f.Name == "db" {
			cfg.DBFrom = "--db"
		}
	})
	if strings.TrimSpace(cfg.DB) == "" {
		// SQLite's own word for it is "open database: empty path", exit 1.
		fmt.Fprintln(stderr, "certcoach: --db must not be empty (leave it out for ./certcoach.db)")
		return exitUsage
	}
	if strings.TrimSpace(*user) == "" {
		// Every command of an empty user would fail as an internal error.
		fmt.Fprintln(stderr, "certcoach: --user must not be empty")
		return exitUsage
	}
	log := newLogger(cfg.LogLevel, stderr, cfg.secrets()...)
	if _, ok := logLevel(cfg.LogLevel); !ok {
		log.Warn("CERTCOACH_LOG_LEVEL is not debug, info, warn or error: logging at info", "value", cfg.LogLevel)
	}
	if cfg.DBFrom == "--db" && len(dbPasswords(cfg.DB)) > 0 {
		// A command line is anyone's to read on this machine; the
		// environment and .env are not. (The password itself is redacted
		// from every log line, as a configured secret.)
		log.Warn("--db carries a password, which other users of this machine can see with ps: set CERTCOACH_DB or put it in .env instead")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd := ""
	if len(rest) > 0 {
		cmd = rest[0]
	}
	// Commands that take no arguments refuse them, as the chat commands do.
	switch {
	case cmd == "help" && len(rest) > 1:
		fmt.Fprintf(stderr, "certcoach help takes no argument; for a command's help: certcoach ask \"help %s\"\n", rest[1])
		return exitUsage
	case (cmd == "console" || cmd == "serve" || cmd == "rekey") && len(rest) > 1:
		fmt.Fprintf(stderr, "certcoach %s: unknown argument %q\n%s", cmd, rest[1], usage)
		return exitUsage
	case cmd == "kb" && len(rest) > 2:
		fmt.Fprintf(stderr, "certcoach kb check: unknown argument %q\n%s", rest[2], usage)
		return exitUsage
	}
	var err error
	switch cmd {
	case "":
		if err := cfg.incomplete(); err != nil {
			fmt.Fprintln(stderr, "certcoach:", err)
			return 1
		}
		if cfg.HasSlack() || cfg.HasDiscord() {
			if err := cfg.serveProblem(); err != nil {
				fmt.Fprintln(stderr, "certcoach:", err)
				return 1
			}
			err = serve(ctx, cfg, log)
		} else {
			// Notes go to stderr, as the console's hint does: piped, stdout
			// is the replies alone.
			note := "No Slack or Discord credentials found: opening the local console (set SLACK_* or DISCORD_* in .env to serve chat platforms; see certcoach --help)."
			if isTerminal(stdin) {
				note += " " + consoleHint
			}
			fmt.Fprintln(stderr, note)
			err = runConsole(ctx, cfg, log, *user, stdin, stdout, isTerminal(stdin))
		}
	case "console":
		if isTerminal(stdin) { // a note, on stderr: stdout is the replies alone
			fmt.Fprintln(stderr, consoleHint)
		}
		err = runConsole(ctx, cfg, log, *user, stdin, stdout, isTerminal(stdin))
	case "ask":
		if len(rest) < 2 {
			fmt.Fprint(stderr, "usage: certcoach ask \"<command>\", e.g. certcoach ask \"/cert compare\"\n")
			return exitUsage
		}
		text := strings.Join(rest[1:], " ")
		if strings.TrimSpace(text) == "" {
			// The engine would show help and succeed: an empty question is a usage error.
			fmt.Fprint(stderr, "Ask me something, e.g. certcoach ask \"how long is the cissp exam?\" or certcoach ask \"/cert compare\"\n")
			return exitUsage
		}
		return runAsk(ctx, cfg, log, *user, text, stdout, stderr)
	case "kb":
		if len(rest) < 2 || rest[1] != "check" {
			fmt.Fprint(stderr, "usage: certcoach kb check\n")
			return exitUsage
		}
		return kbCheck(cfg, stdout, stderr)
	case "serve":
		bad := cfg.incomplete()
		if bad == nil {
			bad = cfg.serveProblem()
		}
		if bad != nil {
			fmt.Fprintln(stderr, "certcoach:", bad)
			return 1
		}
		err = serve(ctx, cfg, log)
	case "discord":
		return discordCommand(ctx, cfg, log, rest[1:], stdout, stderr)
	case "backup":
		if len(rest) != 2 {
			fmt.Fprint(stderr, "usage: certcoach backup <file>\n")
			return exitUsage
		}
		err = backup(ctx, cfg, rest[1], stdout)
	case "rekey":
		err = rekeyCommand(ctx, cfg, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		if chatCommand(cfg, cmd) {
			// `certcoach quiz`, `certcoach progress`: what the console takes.
			fmt.Fprintf(stderr, "certcoach: %s is a chat command: run it with certcoach ask %q, or in certcoach console\n", cmd, strings.Join(rest, " "))
			return exitUsage
		}
		fmt.Fprintf(stderr, "unknown command %q\n%s", cmd, usage)
		return exitUsage
	}
	if err != nil {
		// An interrupted backup or rekey stays a failure: no script may
		// take it for a copy, or for tokens resealed.
		if ctx.Err() != nil && cmd != "backup" && cmd != "rekey" {
			fmt.Fprintln(stderr, stoppedDuringStart)
			return 0
		}
		fmt.Fprintln(stderr, "certcoach:", err)
		return 1
	}
	return 0
}

// stoppedDuringStart is what a SIGTERM or SIGINT that ends a start before
// it completed (the database still opening, say) prints instead of the
// error it caused, a long "context canceled"; the exit code is 0, as for
// any stop by a signal.
const stoppedDuringStart = "certcoach: stopped by a signal before the start completed"

// chatCommand reports whether name is one of the commands the console and
// `certcoach ask` take (quiz, progress, remind...), not a subcommand.
func chatCommand(cfg Config, name string) bool {
	e, err := storelessEngine(cfg)
	if err != nil {
		return false
	}
	return e.Known(name)
}

// ownDataCommand is the command text runs when that command works on the
// asker's data already stored (export, forget), with ok true; a question
// or any other command is not one.
func ownDataCommand(cfg Config, user, text string) (name string, ok bool) {
	e, err := storelessEngine(cfg)
	if err != nil {
		return "", false // openApp says why
	}
	info := e.Prepare(bot.Request{Actor: bot.Actor{Platform: bot.PlatformConsole, User: user}, Text: text}).Info
	return info.Name, info.Mine
}

// storelessEngine has every command the console takes registered, over the
// knowledge base alone: for what a command line names, before (or
// without) opening the database.
func storelessEngine(cfg Config) (*bot.Engine, error) {
	kb, err := loadKB(cfg)
	if err != nil {
		return nil, err
	}
	e := bot.NewEngine(kb, nil, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	remind.Register(remind.Deps{Engine: e, KB: kb})
	return e, nil
}

// isFlag reports whether a is one of fl's flags (-db, --user=bob, -h...).
func isFlag(fl *flag.FlagSet, a string) bool {
	name, ok := strings.CutPrefix(a, "-")
	if !ok {
		return false
	}
	name = strings.TrimPrefix(name, "-")
	name, _, _ = strings.Cut(name, "=")
	return fl.Lookup(name) != nil || name == "h" || name == "help"
}

func defaultUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "local"
}

// isTerminal reports whether r is a terminal someone types at: not a
// pipe, a file or /dev/null, which is a character device too (stdin under
// cron or a service) and would get a prompt and the reminder scheduler.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// loadDotenv loads path when it exists. A line that is not NAME=value
// stops it, named by its number only: godotenv's own message quotes the
// file, secrets and all, and it takes `B:2` for `B=2`.
func loadDotenv(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if n := badDotenvLine(string(b)); n > 0 {
		return fmt.Errorf("line %d is not NAME=value", n)
	}
	if err := godotenv.Load(path); err != nil {
		return errors.New("it cannot be parsed")
	}
	return nil
}

var dotenvLineRe = regexp.MustCompile(`^(export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=\s*(.*)$`)

// badDotenvLine is the number of the first line of a .env file that is
// neither blank, a comment nor NAME=value, or 0. A quoted value may run
// over several lines: they are part of its entry.
func badDotenvLine(text string) int {
	lines := strings.Split(strings.TrimPrefix(text, "\ufeff"), "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(strings.TrimSuffix(lines[i], "\r"))
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		m := dotenvLineRe.FindStringSubmatch(l)
		if m == nil {
			return i + 1
		}
		v := m[2]
		if v == "" || (v[0] != '"' && v[0] != '\'') {
			continue
		}
		// Skip to the line that closes the quote, if not this one.
		q := v[0]
		rest := v[1:]
		for !closesQuote(rest, q) {
			i++
			if i == len(lines) {
				return 0 // unterminated: godotenv says so
			}
			rest = lines[i]
		}
	}
	return 0
}

// closesQuote reports whether s holds the closing quote q (a double quote
// escaped by a backslash does not close).
func closesQuote(s string, q byte) bool {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && q == '"':
			i++
		case s[i] == q:
			return true
		}
	}
	return false
}

// logLevel is the level s names; ok is false, and the level info, for
// anything else.
func logLevel(s string) (l slog.Level, ok bool) {
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo, false
	}
	return l, true
}

// newLogger writes JSON at the given level, with secrets redacted (see
// redactHandler).
func newLogger(level string, w io.Writer, secrets ...string) *slog.Logger {
	l, _ := logLevel(level)
	return slog.New(newRedactHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}), secrets))
}

// contentFS is the knowledge base's files: CERTCOACH_KB_DIR if set (it must
// be a folder), else the embedded content.
func contentFS(cfg Config) (fs.FS, error) {
	if cfg.KBDir == "" {
		return knowledge.Embedded(), nil
	}
	st, err := os.Stat(cfg.KBDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("CERTCOACH_KB_DIR=%s: no such folder", cfg.KBDir)
	case err != nil:
		return nil, fmt.Errorf("CERTCOACH_KB_DIR=%s: %w", cfg.KBDir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("CERTCOACH_KB_DIR=%s: not a folder", cfg.KBDir)
	}
	return knowledge.Dir(cfg.KBDir), nil
}

// loadKB loads and validates the knowledge base, naming where it came from
// when that is not the embedded content (loaded once per process).
func loadKB(cfg Config) (*knowledge.Base, error) {
	if cfg.KBDir == "" {
		return knowledge.LoadEmbedded()
	}
	fsys, err := contentFS(cfg)
	if err != nil {
		return nil, err
	}
	kb, err := knowledge.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("CERTCOACH_KB_DIR=%s: %w", cfg.KBDir, err)
	}
	return kb, nil
}

// app is the wired core: knowledge, store and engine.
type app struct {
	kb     *knowledge.Base
	store  appStore
	engine *bot.Engine
}

func openApp(ctx context.Context, cfg Config, log *slog.Logger, opts bot.Options) (*app, error) {
	kb, err := loadKB(cfg)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg.DB, cfg.DBFrom)
	if err != nil {
		return nil, err
	}
	opts.Logger = log
	e := bot.NewEngine(kb, st, opts)
	a := &app{kb: kb, store: st, engine: e}
	remind.Register(a.remindDeps()) // remind and group work on every front door, the console too
	return a, nil
}

func (a *app) Close() error { return a.store.Close() }

func (a *app) remindDeps() remind.Deps {
	return remind.Deps{Engine: a.engine, Store: a.store, KB: a.kb}
}

func kbCheck(cfg Config, stdout, stderr io.Writer) int {
	where := "embedded content"
	if cfg.KBDir != "" {
		where = "CERTCOACH_KB_DIR=" + cfg.KBDir
	}
	fsys, err := contentFS(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "kb check: %v\n", err)
		return 1
	}
	b, err := knowledge.Parse(fsys)
	if err != nil {
		fmt.Fprintf(stderr, "kb check (%s): %v\n", where, err)
		return 1
	}
	fmt.Fprintf(stdout, "knowledge base: %s\n", where)
	for _, c := range b.Counts() {
		fmt.Fprintf(stdout, "  %-16s %d\n", c.Kind, c.N)
	}
	qc := b.QuestionCounts()
	for _, o := range b.Outlines {
		if o.Until != "" && o.Cert == "cissp" {
			continue
		}
		if len(o.Domains) > 0 && len(o.Domains[0].Objectives) == 0 {
			continue
		}
		fmt.Fprintf(stdout, "  questions %s:", o.Cert)
		for _, d := range o.Domains {
			fmt.Fprintf(stdout, " D%d=%d", d.N, qc[knowledge.DomainRef(o.Cert, d.N)])
		}
		fmt.Fprintln(stdout)
	}
	cues := b.CheckCues()
	cues.Write(stdout)
	problems := b.Validate()
	if knowledge.CueChecksFail {
		problems = append(problems, cues.Failures()...)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "%d problem(s):\n", len(problems))
		for _, p := range problems {
			fmt.Fprintln(stderr, "  -", p)
		}
		return 1
	}
	fmt.Fprintln(stdout, "ok: no problems found")
	return 0
}

func runConsole(ctx context.Context, cfg Config, log *slog.Logger, user string, in io.Reader, out io.Writer, prompt bool) error {
	// The terminal is the user's: only errors are logged into it (a busy
	// database or a cancelled command already says so in the reply).
	log = slog.New(errorsOnly{log.Handler()})
	a, err := openApp(ctx, cfg, log, bot.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	con := newConsole(a, user, out)
	if prompt {
		// An interactive console delivers its user's daily reminders while
		// it is open (a reminder due while it was closed comes up to 3
		// hours late, then counts as missed).
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		s := remind.New(a.remindDeps(), map[string]remind.Notifier{bot.PlatformConsole: con},
			remind.Options{Logger: slog.New(warnOnly{log.Handler()}), Platforms: []string{bot.PlatformConsole}})
		go func() { defer close(done); _ = s.Run(runCtx) }()
		defer func() { cancel(); <-done }()
	}
	return con.Run(ctx, in, prompt)
}

func runAsk(ctx context.Context, cfg Config, log *slog.Logger, user, text string, stdout, stderr io.Writer) int {
	// export and forget would create a missing SQLite file empty and find
	// nothing in it: a mistyped --db must say so. (Which command the text
	// runs is worked out only for a file that is missing.)
	if err := missingSQLite(cfg.DB); err != nil {
		if name, ok := ownDataCommand(cfg, user, text); ok {
			fmt.Fprintf(stderr, "certcoach: ask %s: %v\n", name, err)
			return 1
		}
	}
	a, err := openApp(ctx, cfg, slog.New(errorsOnly{log.Handler()}), bot.Options{})
	if err != nil && ctx.Err() != nil {
		fmt.Fprintln(stderr, stoppedDuringStart)
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "certcoach:", err)
		return 1
	}
	defer a.Close()
	con := newConsole(a, user, stdout)
	con.FileOnly = true // `ask export > data.json` is the file
	con.OneShot = true
	// Text that is not a command is a question, as in the console and DMs;
	// a word close to a command name, alone or with that command's
	// arguments, is a mistyped command.
	if name, guess, mistyped := a.engine.Mistyped(ctx, bot.Request{Actor: con.Actor(), Text: text}); mistyped {
		fmt.Fprintf(stderr, "unknown command %q", name)
		if guess != "" {
			if _, rest := bot.ParseCommand(text); rest != "" {
				guess += " " + rest
			}
			fmt.Fprintf(stderr, ": did you mean %q?", guess)
		}
		fmt.Fprint(stderr, " Commands: ")
		var names []string
		for _, c := range a.engine.Commands() {
			names = append(names, c.Name)
		}
		fmt.Fprintln(stderr, strings.Join(names, ", ")+`. Example: certcoach ask "/cert compare"`)
		return exitUsage
	}
	// A refusal (a bad argument, nothing to answer) is the caller's error,
	// as a mistyped command is: on stderr, with its own exit code.
	out, outcome := con.DoOutcome(ctx, text)
	switch outcome {
	case bot.OutcomeUserError, bot.OutcomeLimited:
		fmt.Fprint(stderr, out)
		return exitUsage
	case bot.OutcomeError:
		fmt.Fprint(stderr, out)
		return 1
	}
	fmt.Fprint(stdout, out)
	return 0
}

func backup(ctx context.Context, cfg Config, path string, out io.Writer) error {
	if err := otherURLProblem(cfg.DB, cfg.DBFrom); err != nil {
		return err
	}
	if storage.IsPostgresURL(cfg.DB) {
		return errors.New("backup copies a SQLite file; for PostgreSQL use its own tools, e.g. pg_dump --format=custom --file=" + path + " <database URL>")
	}
	// Opening would create an empty database: a backup of nothing is an error.
	if err := missingSQLite(cfg.DB); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// SQLite's own error for a missing folder is "unable to open database file (14)".
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("backup to %s: folder %s does not exist", path, dir)
	}
	// No migration: a backup before an upgrade is of the schema before it,
	// and a user who may only read the database can take it.
	st, err := sqlite.OpenForBackup(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, path); err != nil {
		return err
	}
	fmt.Fprintf(out, "backup written to %s\n", path)
	return nil
}

var errNotConfigured = errors.New("not configured")
