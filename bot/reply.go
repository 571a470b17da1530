package bot

// Reply is a platform-neutral answer. It carries structure, not markup: each
// adapter renders it (Slack Block Kit, Discord embeds, plain text) and keeps
// within its platform's hard limits.
type Reply struct {
	// Title is a short heading (plain text).
	Title string
	// Body is text in a small Markdown subset: **bold**, _italic_, `code`,
	// "- " bullet lines and [text](url) links.
	Body string
	// Fields are name/value pairs meant to sit side by side.
	Fields []Field
	// Table is an optional comparison table (rows x the two certifications).
	Table *Table
	// Buttons are choices; their IDs are stable action IDs routed by the engine.
	Buttons []Button
	// Footer carries sources and as-of dates (plain text, may contain URLs).
	Footer string
	// Private asks the adapter to show the reply only to the caller.
	Private bool
	// Replace asks the adapter to replace the message a clicked button sat on.
	Replace bool
	// Shareable marks replies worth offering a "Share in channel" button for.
	Shareable bool
	// Asked marks ask's answer to a line that began with another command's
	// name ("progress in cissp is slow, how long should I study?"): adapters
	// deliver it as ask's, not as Prepare declared the command it began
	// with, which is known before the line is read as a question.
	Asked bool
	// Attachment is an optional file (export); adapters that cannot attach
	// files fall back to the text in Body.
	Attachment *Attachment
	// Image is an optional picture shown with the reply (the progress
	// chart); the reply's text must stand without it.
	Image *Image
	// Kind names the command family that produced the reply (metrics, logs).
	Kind string
	// Outcome is OutcomeOK, OutcomeUserError, OutcomeError or OutcomeLimited.
	Outcome string
	// Refs name what an `ask` reply's lead (its title and body before
	// *Related*) is built from, the leading one first: knowledge entries
	// (fact:cissp.exam.delivery, term:rpo, topic:iam, objective:cissp-2024:7.6,
	// domain:cism-2026:2) or what else answered (list:domains:cism,
	// compare:general, refuse:salary). Adapters do not render them.
	Refs []string
	// DataDeleted says the caller's stored data is gone (a confirmed
	// `forget`): adapters drop what they keep of it themselves (the
	// console's chart file).
	DataDeleted bool
	// PlatformFiles, with DataDeleted, are the files the adapter uploaded
	// for the user (AddPlatformFile): their records are gone with the rest,
	// and the adapter deletes the files on its platform.
	PlatformFiles []string
}

// Field is one name/value pair.
type Field struct {
	Name   string
	Value  string
	Inline bool
}

// Table is a comparison with one label column and two value columns.
type Table struct {
	Left, Right string // column headings, e.g. "CISM", "CISSP"
	Rows        []Row
}

// Row is one line of a comparison table.
type Row struct {
	Label, Left, Right string
}

// ButtonStyle hints at emphasis; adapters map it to their own styles.
type ButtonStyle int

// Button styles.
const (
	StyleDefault ButtonStyle = iota
	StylePrimary
	StyleDanger
)

// Button is a clickable choice. ID is an action ID such as
// "quiz:answer:<session>:<choice>" (at most 100 bytes so it fits Discord).
type Button struct {
	ID    string
	Label string
	Style ButtonStyle
}

// Attachment is a file to send with a reply.
type Attachment struct {
	Name    string
	MIME    string
	Content []byte
}

// Image is a PNG shown with a reply. Alt says what it shows, for screen
// readers and for clients that cannot show it.
type Image struct {
	Name          string // file name, e.g. "progress.png"
	PNG           []byte
	Alt           string
	Width, Height int
}
