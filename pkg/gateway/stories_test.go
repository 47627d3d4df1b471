package gateway

import (
	"fmt"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func TestStoryView(t *testing.T) {
	v := NewStoryView(48 * time.Hour)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		v.Add(&news.Story{ID: fmt.Sprintf("s%d", i), LastSeen: t0.Add(time.Duration(i) * time.Hour), Languages: []string{"en"},
			Members:  []news.StoryMember{{ID: fmt.Sprintf("a%d", i)}},
			Entities: []news.StoryEntity{{Key: "openai", Name: "OpenAI", Names: map[string]string{"it": "OpenAI"}}},
			State:    &news.StoryState{}}, false)
	}
	v.Add(&news.Story{ID: "it", LastSeen: t0.Add(time.Hour), Languages: []string{"it"}, Members: []news.StoryMember{{ID: "b"}}}, false)

	var got []string
	cursor := ""
	for page := 0; page < 10; page++ {
		list, next, err := v.Stories(StoryFilter{Lang: "en"}, 2, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			got = append(got, s.ID)
			if s.State != nil {
				t.Errorf("%s served with its index state", s.ID)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if want := "[s4 s3 s2 s1 s0]"; fmt.Sprint(got) != want {
		t.Errorf("pages: %v, want %s", got, want)
	}
	if list, _, _ := v.Stories(StoryFilter{Entity: "openai"}, 10, ""); len(list) != 5 {
		t.Errorf("entity filter: %d stories, want 5", len(list))
	}
	if _, _, err := v.Stories(StoryFilter{}, 10, "garbage!"); err == nil {
		t.Error("a bad cursor was accepted")
	}
	if id, ok := v.StoryOf("a3"); !ok || id != "s3" {
		t.Errorf("StoryOf(a3) = %q %v", id, ok)
	}
	// A story three days newer pushes the old ones out of the 48 h view.
	ch, cancel := v.Subscribe()
	defer cancel()
	v.Add(&news.Story{ID: "late", LastSeen: t0.Add(72 * time.Hour), Members: []news.StoryMember{{ID: "z"}}}, true)
	if s := <-ch; s.ID != "late" {
		t.Errorf("subscriber got %s, want late", s.ID)
	}
	if v.Len() != 1 {
		t.Errorf("view holds %d stories, want only the one inside the window", v.Len())
	}
	if _, ok := v.StoryOf("a3"); ok {
		t.Error("an evicted story's article still maps to it")
	}
	v.Close()
	if _, ok := <-ch; ok {
		t.Error("Close did not end the subscription")
	}
}
