// Package storage holds the domain types that cross certcoach's storage
// seam and the errors every store returns. The stores themselves live in
// storage/sqlite (one file, the embedded default) and storage/postgres
// (several replicas); the interfaces over them are declared where they
// are used (bot, bot/study, bot/remind). One conformance suite,
// storage/storetest, runs against both.
package storage

import (
	"errors"
	"strings"
	"time"
)

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// ErrDuplicate means the attempt was already recorded (a second click).
var ErrDuplicate = errors.New("already answered")

// ErrStale means the session moved on (or ended) since the button was shown.
var ErrStale = errors.New("stale")

// ErrNotClaimed means a reminder was not claimed: it is not due any more
// (another replica took it, the user changed it) or its day is already done.
var ErrNotClaimed = errors.New("reminder not claimed")

// IsPostgresURL reports whether a database setting names a PostgreSQL
// database rather than a SQLite file. The scheme is case-insensitive: a
// URL taken for a file name would be echoed, password and all, in errors.
func IsPostgresURL(dsn string) bool {
	scheme, _, ok := strings.Cut(dsn, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// UserKey identifies a user within a platform and workspace.
type UserKey struct {
	Platform, Workspace, User string
}

// User is a stored user with their settings.
type User struct {
	ID          int64
	Key         UserKey
	Display     string
	TZ          string
	TZSource    string // "", "platform" or "user"
	Retention   float64
	Leaderboard bool
	CreatedAt   time.Time
	// PrevTZ is the zone EnsureUser just replaced with a newer platform
	// hint ("" when this call changed nothing); not stored.
	PrevTZ string
}

// Answer is one recorded answer. AttemptKey makes double recording
// impossible: "s:<session>:<position>" for sessions, other keys for
// reminders and channel questions.
type Answer struct {
	ID         int64
	UserID     int64
	AttemptKey string
	SessionID  string
	QuestionID string
	Cert       string
	Domain     int
	Choice     int
	Correct    bool
	At         time.Time
	LocalDay   string
	Rating     int
	PrevCard   string
}

// Card is a spaced-repetition card: FSRS state for one question of one user.
type Card struct {
	UserID        int64
	QuestionID    string
	Cert          string
	Domain        int
	Due           time.Time
	Stability     float64
	Difficulty    float64
	ElapsedDays   uint64
	ScheduledDays uint64
	Reps          uint64
	Lapses        uint64
	State         int
	LastReview    time.Time
}

// Schedule computes the card after an answer from the card before it (nil
// for a first answer) and returns it with the rating applied.
type Schedule func(prev *Card) (next Card, rating int, prevJSON string)

// DomainStat is a user's answer totals in one domain.
type DomainStat struct {
	Cert     string
	Domain   int
	Answered int
	Correct  int
}

// DayCount is how many answers a user gave for one cert on one local day.
type DayCount struct {
	Day     string // YYYY-MM-DD in the user's zone
	Cert    string
	Answers int
}

// Session states.
const (
	SessionActive  = "active"
	SessionPaused  = "paused"
	SessionDone    = "done"
	SessionStopped = "stopped"
)

// Session is a quiz, mock exam or review run: a fixed list of questions and
// the position of the one being asked. Shown is the position of the
// question last shown to the user, so a typed letter answers only what was
// on screen: after a button answer Position has moved on and Shown has
// not. CreateSession stores it as given (0: the first question is shown at
// once); -1 is not known, as for a session stored before it was kept.
type Session struct {
	ID         string
	UserID     int64
	Kind       string // quiz, exam, review, single
	Cert       string
	Outline    string
	Domain     int
	Objective  string // the one objective of a quiz on one ("7.6", "4A2"); "": none
	Questions  []string
	Position   int
	Shown      int // position last shown to the user; -1: not known
	State      string
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
	TimeLimit  time.Duration
	Elapsed    time.Duration // time used before ResumedAt
	ResumedAt  time.Time
}

// Used is the time spent in the session up to now (paused time excluded).
func (s Session) Used(now time.Time) time.Duration {
	if s.State == SessionActive {
		return s.Elapsed + now.Sub(s.ResumedAt)
	}
	return s.Elapsed
}

// Plan is a user's study plan toward an exam date.
type Plan struct {
	UserID   int64
	Cert     string
	ExamDate string // YYYY-MM-DD
	PerDay   int
	StartDay string // YYYY-MM-DD, the user's local day the plan was set
	Created  time.Time
}

// LeaderRow is one line of a workspace leaderboard.
type LeaderRow struct {
	UserID  int64
	Display string
	User    string
	Correct int
	Days    int // distinct local days with an answer in the window
}

// Reminder kinds.
const (
	ReminderUser    = "user"    // a user's daily study reminder, sent as a DM
	ReminderChannel = "channel" // a channel's question of the day
)

// Send states. A send row is the claim on one (reminder, local day).
const (
	SendSending = "sending" // claimed; the message is being sent
	SendRetry   = "retry"   // a send failed; the reminder row holds the retry time
	SendSent    = "sent"
	SendMissed  = "missed"  // retried for too long
	SendSkipped = "skipped" // found too late (downtime): not sent, never flooded
	SendUnknown = "unknown" // the claim's owner vanished mid-send and a resend could post twice
)

// Reminder is a daily schedule: a user's reminder or a channel's question of
// the day. NextFire is zero when it is off.
type Reminder struct {
	ID            int64
	Kind          string
	UserID        int64 // 0 for channels
	Platform      string
	Workspace     string
	Target        string // user ref or channel ID
	Minute        int    // local minutes after midnight
	TZ            string
	Cert          string
	QuietWeekends bool
	PausedUntil   string // YYYY-MM-DD or ""
	NextFire      time.Time
	DueAt         time.Time
	DueDay        string
	Attempts      int
	Updated       time.Time
	// Stopped says why the scheduler turned the reminder off (NextFire
	// zero): StopDMRefused, or "" (on, or off by its owner). Saving clears it.
	Stopped string
}

// StopDMRefused: the platform refused the reminder's DM for good (the user
// does not accept DMs from the bot), so retrying daily would only fail.
const StopDMRefused = "dm_refused"

// NextFunc computes a reminder's first occurrence after `after` on a local
// day later than lastDay ("" for none). ok is false when it never fires
// (an invalid zone). The scheduler owns the calendar rules; the store only
// calls it inside its transactions.
type NextFunc func(r Reminder, after time.Time, lastDay string) (at time.Time, day string, ok bool)

// DueRef is one due reminder, and the keyset cursor for the next page.
type DueRef struct {
	ID       int64
	NextFire int64
}

// ClaimOptions say who claims and how the claim ages.
type ClaimOptions struct {
	Owner  string        // scheduler instance, checked when the claim is finished
	Lease  time.Duration // how long the claim holds before it counts as abandoned
	MaxAge time.Duration // occurrences older than this are skipped, not sent
	Next   NextFunc
	// Resend reports whether an abandoned claim of a platform may be sent
	// again (its sends are deduplicated by the platform); nil: none may.
	Resend func(platform string) bool
}

// Claim is a taken (reminder, local day): the holder may send it once.
type Claim struct {
	Reminder   Reminder
	SendID     int64
	Day        string
	DueAt      time.Time
	Attempt    int    // 1 for the first try
	QuestionID string // on a retry, the question chosen the first time
	Owner      string
	Fence      int64 // reminders.next_fire while claimed; a settings change moves it
}

// Send is one (reminder, local day) row.
type Send struct {
	ID         int64
	ReminderID int64
	UserID     int64
	Day        string
	DueAt      time.Time
	State      string
	Attempts   int
	QuestionID string
	SentAt     time.Time
	Error      string
}

// QotdRow is one member's standing in a channel's questions of the day.
type QotdRow struct {
	UserID   int64
	Display  string
	User     string
	Correct  int
	Answered int
}

// SlackInstallation is one workspace's (or one Enterprise Grid org's)
// installation of the Slack app. The token fields hold sealed bytes: the
// store never sees a token in plain text.
type SlackInstallation struct {
	EnterpriseID string
	TeamID       string // "" for an org-wide install
	OrgWide      bool
	TeamName     string
	AppID        string
	BotUserID    string
	Scopes       string
	BotToken     []byte    // sealed
	RefreshToken []byte    // sealed; nil when tokens do not rotate
	ExpiresAt    time.Time // zero when the token does not expire
	InstalledAt  time.Time
	UpdatedAt    time.Time
}

// HomeView records that a user opened their platform's home screen (Slack's
// App Home), so that any replica refreshes it after what they do.
// ChartFile is the platform file of the chart it showed last ("" for
// none), uploaded at ChartAt.
type HomeView struct {
	UserID    int64
	OpenedAt  time.Time
	ChartFile string
	ChartAt   time.Time
}

// PlatformFile is a file certcoach uploaded to a platform for a user (a
// Slack chart image), kept so that it can be deleted there with the user's
// data. Sum is the content's SHA-256 in hex.
type PlatformFile struct {
	UserID    int64
	FileID    string
	Sum       string
	CreatedAt time.Time
}

// FileShown is where a platform file is shown now (ShowPlatformFile).
type FileShown string

const (
	// ShownInMessage: in a lasting message in the user's DM with the bot,
	// which keeps showing it: the file stays while it is among the newest
	// few such messages' files, or until the user's data is deleted; an
	// older one goes once a newer message shows another, leaving its
	// message without the image.
	ShownInMessage FileShown = "message"
	// ShownInChannel: in a lasting message in a channel, which others see:
	// the file stays until the user's data is deleted.
	ShownInChannel FileShown = "channel"
	// ShownInReply: in the user's latest ephemeral reply; the one it
	// replaces there is shown nowhere once a newer one is.
	ShownInReply FileShown = "reply"
	// ShownOnHome: on the home screen (the home view's ChartFile), which a
	// newer view replaces.
	ShownOnHome FileShown = "home"
)
