//go:build unix

package story

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// synth makes synthetic briefs: a 20,000-word vocabulary drawn with a
// Zipf law, events that last a few hours to days with their own words,
// entities and figures, about 1.4 articles a minute (100,000 a week).
type synth struct {
	r      *rand.Rand
	zipf   *rand.Zipf
	vocab  []string
	events []synthEvent
	t      time.Time
	n      int
}

type synthEvent struct {
	words []string
	ents  []news.Entity
	nums  []string
	lang  string
}

func newSynth(seed uint64) *synth {
	r := rand.New(rand.NewPCG(seed, 1))
	s := &synth{r: r, zipf: rand.NewZipf(r, 1.1, 2, 19999), t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for i := 0; i < 20000; i++ {
		s.vocab = append(s.vocab, word(i, i%7+1)+fmt.Sprint(i%10))
	}
	return s
}

func (s *synth) next() news.Brief {
	s.n++
	s.t = s.t.Add(6 * time.Second)
	if len(s.events) == 0 || s.r.Float64() < 0.3 {
		ev := synthEvent{lang: []string{"en", "it"}[s.r.IntN(2)]}
		for i := 0; i < 8; i++ {
			ev.words = append(ev.words, s.vocab[s.r.IntN(len(s.vocab))])
		}
		for i := 0; i < 4; i++ {
			k := s.r.IntN(50000)
			ev.ents = append(ev.ents, news.Entity{Name: "Ent" + fmt.Sprint(k), Type: news.Org, ID: fmt.Sprintf("Q%d", k), Count: 2})
		}
		for i := 0; i < 3; i++ {
			ev.nums = append(ev.nums, fmt.Sprint(s.r.IntN(100000)))
		}
		s.events = append(s.events, ev)
		if len(s.events) > 2000 {
			s.events = s.events[1:]
		}
	}
	ev := s.events[len(s.events)-1-min(len(s.events)-1, int(s.r.ExpFloat64()*50))]
	var b strings.Builder
	for i := 0; i < 180; i++ {
		if i%12 == 0 {
			b.WriteString(ev.words[s.r.IntN(len(ev.words))])
		} else if i%40 == 5 {
			b.WriteString(ev.nums[s.r.IntN(len(ev.nums))])
		} else {
			b.WriteString(s.vocab[s.zipf.Uint64()])
		}
		b.WriteByte(' ')
	}
	at := s.t
	id := fmt.Sprintf("%032x", s.n)
	return news.Brief{ID: id, Language: news.Language{Code: ev.lang}, Title: ev.words[0] + " " + ev.words[1], Headline: ev.words[0], Summary: "s",
		Body: b.String(), Entities: ev.ents[:2+s.r.IntN(3)], Source: news.Source{Name: fmt.Sprint("src", s.r.IntN(40)), PublishedAt: &at}, CreatedAt: at}
}

// jsonStore keeps stories as JSON, as the KV bucket does, and forgets the
// ones older than the window (the bucket keeps them, on the server's disk).
type jsonStore struct {
	m      map[string]jsonEntry
	bytes  int
	newest time.Time
	window time.Duration
	n      int
}

type jsonEntry struct {
	data []byte
	rev  uint64
	last time.Time
}

func (j *jsonStore) Get(_ context.Context, id string) (*news.Story, uint64, error) {
	e, ok := j.m[id]
	if !ok {
		return nil, 0, ErrNotFound
	}
	var s news.Story
	if err := json.Unmarshal(e.data, &s); err != nil {
		return nil, 0, err
	}
	return &s, e.rev, nil
}

func (j *jsonStore) put(s *news.Story, rev uint64) (uint64, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return 0, err
	}
	j.bytes += len(data) - len(j.m[s.ID].data)
	j.m[s.ID] = jsonEntry{data, rev, s.LastSeen}
	if s.LastSeen.After(j.newest) {
		j.newest = s.LastSeen
	}
	if j.n++; j.n%1000 == 0 {
		for id, e := range j.m {
			if e.last.Before(j.newest.Add(-j.window)) {
				j.bytes -= len(e.data)
				delete(j.m, id)
			}
		}
	}
	return rev, nil
}

func (j *jsonStore) Create(_ context.Context, s *news.Story) (uint64, error) {
	if _, ok := j.m[s.ID]; ok {
		return 0, ErrExists
	}
	return j.put(s, 1)
}

func (j *jsonStore) Update(_ context.Context, s *news.Story, rev uint64) (uint64, error) {
	if e, ok := j.m[s.ID]; !ok || e.rev != rev {
		return 0, ErrConflict
	}
	return j.put(s, rev+1)
}

var (
	benchStore *jsonStore
	benchOnce  sync.Once
	benchC     *Clusterer
	benchS     *synth
	benchHeap  uint64
)

// BenchmarkPlace100k places briefs into an index already holding a full
// seven-day window of 100,000 synthetic briefs: the CPU per article (with
// the JSON round trip of the story record a KV bucket costs), and the heap
// the index holds for the window (the store's JSON bytes left out: they
// live on the NATS server).
func BenchmarkPlace100k(b *testing.B) {
	benchOnce.Do(func() {
		benchS = newSynth(1)
		benchStore = &jsonStore{m: map[string]jsonEntry{}, window: DefaultConfig.Window}
		benchC = NewClusterer(Config{}, benchStore)
		ctx := context.Background()
		for i := 0; i < 100000; i++ {
			if _, _, err := benchC.Place(ctx, benchS.next()); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		benchHeap = m.HeapAlloc - uint64(benchStore.bytes)
	})
	ctx := context.Background()
	briefs := make([]news.Brief, b.N)
	for i := range briefs {
		briefs[i] = benchS.next()
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := benchC.Place(ctx, briefs[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// CPU time (user + system) per article: on a shared machine the wall
	// time per op is not the cost.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	st, arts := benchC.Index().Len()
	b.ReportMetric(float64(st), "stories")
	b.ReportMetric(float64(arts), "articles")
	b.ReportMetric(float64(benchHeap)/(1<<20), "MB-index-heap")
	b.ReportMetric(float64(benchStore.bytes)/float64(len(benchStore.m)), "B/story-json")
}

// cpuTime is the process's user + system time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
