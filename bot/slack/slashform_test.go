package slack

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"
)

// general is the parse slashCommand stands in for: url.ParseQuery, then
// SlashCommandParse; ok is false where serveForm answers 400 or treats the
// body as an interactivity payload.
func general(body string) (slackapi.SlashCommand, bool) {
	form, err := url.ParseQuery(body)
	if err != nil || form.Get("payload") != "" {
		return slackapi.SlashCommand{}, false
	}
	r := &http.Request{Method: http.MethodPost, Body: http.NoBody, PostForm: form, Form: form}
	c, err := slackapi.SlashCommandParse(r)
	return c, err == nil
}

var slashBodies = []string{
	"token=unused&team_id=TLOAD&team_domain=load&channel_id=CLOAD&channel_name=load&user_id=U1&user_name=U1&command=%2Fcert&text=compare&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fcommands%2Fload&trigger_id=7&api_app_id=A1",
	"command=%2Fcert&text=quiz+cism+3&team_id=T1&user_id=U1&channel_id=C1&is_enterprise_install=true&enterprise_id=E1&enterprise_name=Big+Co",
	"command=%2Fcert&text=&team_id=&user_id=",
	"command=%2Fcert&text=a%26b%3Dc&user_id=U1&unknown=x&=y&&",
	"is_enterprise_install=TRUE&user_id=U1",
	"user_id=U1&user_id=U2",               // repeated: the first counts
	"user_id=&user_id=U2",                 // an empty first still counts
	"user%5Fid=U1&command=%2Fcert",        // an escaped key
	"user+id=U1",                          // a key with a space
	"text=a;b&user_id=U1",                 // semicolon: 400
	"text=%zz&user_id=U1",                 // bad escape: 400
	"other=%zz&user_id=U1",                // bad escape in a field nobody reads: 400
	"payload=%7B%7D",                      // interactivity
	"payload=&command=%2Fcert&user_id=U1", // an empty payload is no payload
	strings.Repeat("x=1&", 100) + "user_id=U1&command=%2Fcert",
}

// TestSlashCommandAsGeneralParse: whenever the one-pass parse answers, it
// answers as the general parse does.
func TestSlashCommandAsGeneralParse(t *testing.T) {
	t.Parallel()
	fast := 0
	for _, body := range slashBodies {
		c, ok := slashCommand(body)
		want, wantOK := general(body)
		if ok {
			fast++
			if !wantOK || c != want {
				t.Errorf("%q: one pass gave %+v, the general parse %+v (ok %v)", body, c, want, wantOK)
			}
		}
	}
	if fast < 5 {
		t.Errorf("only %d of %d bodies took the one pass", fast, len(slashBodies))
	}
	if _, ok := slashCommand(slashBodies[0]); !ok {
		t.Error("the form Slack sends did not take the one pass")
	}
}

func FuzzSlashCommand(f *testing.F) {
	for _, b := range slashBodies {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c, ok := slashCommand(body)
		if !ok {
			return
		}
		if want, wantOK := general(body); !wantOK || c != want {
			t.Fatalf("%q: one pass gave %+v, the general parse %+v (ok %v)", body, c, want, wantOK)
		}
	})
}
