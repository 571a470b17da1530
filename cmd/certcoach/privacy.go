package main

import (
	"io"
	"net/http"
)

// privacyPage is GET /privacy: what certcoach stores and how to have it
// deleted (Slack's Marketplace asks for one).
const privacyPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>certcoach privacy</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{background:#eee;padding:0 .2rem}</style>
</head><body>
<h1>certcoach privacy</h1>
<p>certcoach is a study bot for the CISM and CISSP exams. It stores only what it needs to coach you.</p>
<h2>What is stored</h2>
<ul>
<li>For each user: the platform's workspace and user IDs, a display name, a time zone, study settings (retention, leaderboard on or off).</li>
<li>Your study record: answers to quiz, exam, review and question-of-the-day items (which choice, right or wrong, when), spaced-review cards, your study plan (certification, exam date) and reminder times.</li>
<li>For each Slack workspace that installed certcoach: its team and enterprise IDs and names, the bot's user ID, the granted scopes and the bot token (and refresh token when tokens rotate), encrypted with AES-256-GCM.</li>
<li>In Slack: whether you opened certcoach's Home tab, and the IDs of the progress-chart images it uploaded for you (files only the bot can see) and where each is shown; an image a newer one replaced in a reply or on the Home tab is deleted.</li>
<li>Short-lived delivery records (event and interaction IDs, and in Slack that you were just sent the welcome message, kept a day) so that a retried request is answered once.</li>
</ul>
<p>The text of your messages and questions is not stored. Nothing is sold or shared, and nothing is sent anywhere but to the chat platform you use.</p>
<h2>How to have it deleted</h2>
<ul>
<li><code>/cert forget</code> (Slack or Discord), once you confirm, deletes everything stored about you in that workspace or server, and in Slack your progress-chart images.</li>
<li>Uninstalling certcoach from a Slack workspace deletes the workspace's tokens at once and all of its users' data (answers, cards, plans, reminders, settings) right after, and its users' chart images if Slack still accepts the token.</li>
<li>Revoking certcoach's tokens deletes the tokens at once.</li>
</ul>
<p>For anything else, contact the operator of this certcoach installation.</p>
</body></html>
`

func servePrivacy(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, privacyPage)
}
