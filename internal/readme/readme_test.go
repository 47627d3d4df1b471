package readme

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestBlocks(t *testing.T) {
	md := "# Title\n\n## Quick start\n\n```sh\ngo run ./x   # serve\n# a comment\n\ncurl -sS a \\\n  -d '{\"x\":\"# not a comment\"}'\n```\n\n```markdown\n## Not a heading\n```\n\n### Other\n\n```\nnot shell\n```\n\n````bash\necho 'a # b' \"c # d\" # e\n````\n"
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	blocks, err := Blocks(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 {
		t.Fatalf("got %d blocks, want 2: %+v", len(blocks), blocks)
	}
	want := []Command{
		{Section: "Quick start", Line: 6, Text: "go run ./x   # serve"},
		{Section: "Quick start", Line: 9, Text: "curl -sS a \\\n  -d '{\"x\":\"# not a comment\"}'"},
	}
	if !reflect.DeepEqual(blocks[0].Commands, want) {
		t.Errorf("block 1 = %#v\nwant %#v", blocks[0].Commands, want)
	}
	if blocks[1].Section != "Other" || len(blocks[1].Commands) != 1 {
		t.Fatalf("block 2 = %+v", blocks[1])
	}
	for _, tc := range []struct {
		c    Command
		want string
	}{
		{want[0], "go run ./x"},
		{want[1], want[1].Text},
		{blocks[1].Commands[0], `echo 'a # b' "c # d"`},
	} {
		if got := tc.c.Program(); got != tc.want {
			t.Errorf("Program(%q) = %q, want %q", tc.c.Text, got, tc.want)
		}
	}
}

func TestUnclosedBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte("```sh\necho a \\\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Blocks(path); err == nil {
		t.Error("a block ending in a continuation line: no error")
	}
}
