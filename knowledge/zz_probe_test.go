package knowledge

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestZZTypos(t *testing.T) {
	if os.Getenv("TYPO") == "" {
		t.Skip()
	}
	b, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, f := range strings.Split(os.Getenv("TYPO"), ",") {
		data, _ := os.ReadFile(f)
		var set struct {
			Cases []struct {
				Q string `yaml:"q"`
			} `yaml:"cases"`
		}
		yaml.Unmarshal(data, &set)
		for _, c := range set.Cases {
			raw, toks := normTokens(c.Q)
			before := append([]string(nil), toks...)
			b.analyzer.typos.fix(raw, toks)
			for i := range toks {
				if toks[i] != before[i] {
					seen[before[i]+" -> "+toks[i]]++
				}
			}
		}
	}
	var ks []string
	for k := range seen {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		fmt.Println(seen[k], k)
	}
}
