package entities

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZDump(t *testing.T) {
	f := os.Getenv("DUMP")
	if f == "" {
		t.Skip()
	}
	o := offline(t)
	for _, p := range strings.Split(f, ",") {
		b, _ := os.ReadFile(p)
		lang := os.Getenv("LANG2")
		for _, e := range o.Extract(string(b), lang) {
			fmt.Printf("%-9s %-30q id=%-22s %v n=%d\n", e.Type, e.Name, e.ID, e.Names, e.Count)
		}
	}
}
