package bot

import (
	"strings"
	"testing"
)

// TestCheckParamLength: a declared MaxLen is the limit, below the default
// of 100 as well as above it.
func TestCheckParamLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		p       Param
		v       string
		wantErr bool
	}{
		{"default limit, within", Param{Name: "q", Kind: KindText}, strings.Repeat("a", 100), false},
		{"default limit, over", Param{Name: "q", Kind: KindText}, strings.Repeat("a", 101), true},
		{"declared 10, within", Param{Name: "v", Kind: KindText, MaxLen: 10}, "2021", false},
		{"declared 10, over", Param{Name: "v", Kind: KindText, MaxLen: 10}, strings.Repeat("a", 11), true},
		{"declared 500, within", Param{Name: "q", Kind: KindText, MaxLen: 500}, strings.Repeat("a", 400), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkParam("test", tc.p, tc.v)
			if (err != nil) != tc.wantErr {
				t.Fatalf("checkParam(%d chars, MaxLen %d): err %v, want error %v", len(tc.v), tc.p.MaxLen, err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "at most") {
				t.Fatalf("error %q does not say the limit", err)
			}
		})
	}
}
