package summarise

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

func TestZZTopics(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	f, _ := os.Open("/tmp/dev/real.jsonl")
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a struct{ Title, Body, Lang string }
		json.Unmarshal(sc.Bytes(), &a)
		s := new(scratch)
		an := analyse(s, "", a.Body, a.Lang)
		lead := []word{}
		for _, x := range an.sents {
			if x.candidate {
				lead = x.words
				break
			}
		}
		cs := compiledCues()
		n := len(cs.cues)
		body, head := make([]int32, n), make([]int32, n)
		cs.count(an.body, body, make([]int32, n))
		cs.count(lead, head, make([]int32, n))
		fmt.Println("==", a.Title)
		for ti, tp := range Taxonomy {
			out := ""
			for _, c := range cs.byTopic[ti] {
				if body[c]+head[c] > 0 {
					out += fmt.Sprintf(" %v(%d+%d,w=%v)", cs.cues[c].parts[0].text, body[c], head[c], cs.cues[c].weak)
				}
			}
			if out != "" {
				fmt.Println("  ", tp, out)
			}
		}
	}
}
