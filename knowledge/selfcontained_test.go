package knowledge_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepositoryIsSelfContained: the project's files cite facts by their
// sources and its design by docs/design.md; none points at files outside
// the repository (a team's reference folder is not shipped with it).
func TestRepositoryIsSelfContained(t *testing.T) {
	root := ".."
	outside := []string{"../" + "shared", "shared" + "/kb-facts", "kb-facts" + ".md", "shared" + "/DESIGN"}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "testdata" && strings.Contains(path, "fuzz") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".md", ".yaml", ".yml", ".example", ".sh":
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, o := range outside {
			if strings.Contains(string(b), o) {
				t.Errorf("%s refers to %q, outside the repository: cite the source or docs/ instead", path, o)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
