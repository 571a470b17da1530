package bot

import (
	"context"
	"time"
)

func (e *Engine) registerStudy() {}

// examDay is the day used to choose an outline: the user's planned exam date
// for cert, else today.
func (e *Engine) examDay(_ context.Context, _ Request, _ string) time.Time {
	return e.today()
}
