package bot

// DMRefused marks err as a platform's refusal of a DM that no retry gets
// past until the user changes a setting (Discord's 50007, Slack's
// cannot_dm_bot and the like): a DMSender's or a reminder Notifier's
// error. The reminder scheduler and the reminder command recognise it by
// its DMRefused method, declared where they consume it; errors.Is and
// errors.As still reach err.
func DMRefused(err error) error {
	if err == nil {
		return nil
	}
	return &dmRefusedError{err: err}
}

type dmRefusedError struct{ err error }

func (e *dmRefusedError) Error() string   { return e.err.Error() }
func (e *dmRefusedError) Unwrap() error   { return e.err }
func (e *dmRefusedError) DMRefused() bool { return true }
