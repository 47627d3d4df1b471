// Package rmbench measures a read model store at a given size: it loads
// synthetic briefs shaped like real ones (20 entities, 5 topics, a
// 600-word body, Italian and English) and times ingest, lists, filters,
// full-text searches and reopening. `newsbrief bench --readmodel` and the
// package's benchmarks run it; docs/performance.md has the figures.
package rmbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
)

// words of our own, frequent first: the head of the Zipf vocabulary. The
// tail is made-up words, so rare terms exist as in real text.
var words = map[string][]string{
	"it": strings.Fields(`il di che la e a per un in del è non si una con le da i alla al nel più sono anche
		della dei come ha gli ma se o mercato governo società investimenti milioni anno progetto dati rete
		azienda prezzi lavoro energia sviluppo tecnologia ricerca servizi utenti sistema nuovo nuova città
		regione europa italia banca fondi crescita settore imprese clienti accordo piano legge ministro
		presidente intelligenza artificiale chip cloud sicurezza attacco informatico privacy piattaforma
		modello linguistico startup finanziamento round investitori borsa titoli vendite trimestre ricavi
		utili perdite dipendenti sindacato sciopero treni trasporti aeroporto porto rete elettrica batterie
		auto elettriche ricarica pannelli solari eolico idrogeno clima emissioni ambiente acqua scuola
		università studenti ospedale salute farmaci vaccino ricercatori laboratorio satellite spazio`),
	"en": strings.Fields(`the of and to a in is that for it on with as was by at from this be are market
		government company investment millions year project data network firm prices work energy growth
		technology research services users system new city region europe bank funds sector businesses
		customers agreement plan law minister president artificial intelligence chip cloud security attack
		privacy platform model language startup funding round investors stock shares sales quarter revenue
		profit losses employees union strike trains transport airport port grid batteries electric cars
		charging solar panels wind hydrogen climate emissions environment water school university students
		hospital health drugs vaccine researchers laboratory satellite space`),
}

// Gen makes synthetic briefs; it is deterministic for a seed.
type Gen struct {
	r        *rand.Rand
	zipf     map[string]*rand.Zipf
	vocab    map[string][]string
	entities []string
	topics   []string
	t0       time.Time
}

// vocabSize is the distinct words per language.
const vocabSize = 30_000

// NewGen returns a generator.
func NewGen(seed uint64) *Gen {
	r := rand.New(rand.NewPCG(seed, 1))
	g := &Gen{r: r, zipf: map[string]*rand.Zipf{}, vocab: map[string][]string{}, t0: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	for lang, head := range words {
		v := slices.Clone(head)
		for i := len(v); i < vocabSize; i++ {
			v = append(v, lang+"w"+strconv.FormatInt(int64(i), 36))
		}
		g.vocab[lang] = v
		g.zipf[lang] = rand.NewZipf(r, 1.07, 2, vocabSize-1)
	}
	for i := range 20_000 {
		g.entities = append(g.entities, "Entity "+strconv.Itoa(i))
	}
	for i := range 40 {
		g.topics = append(g.topics, "topic"+strconv.Itoa(i))
	}
	return g
}

func (g *Gen) text(lang string, n int) string {
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(g.vocab[lang][g.zipf[lang].Uint64()])
		if i%15 == 14 {
			sb.WriteByte('.')
		}
	}
	return sb.String()
}

// Brief returns the i-th synthetic brief: created one minute after the
// previous, published up to a day before it.
func (g *Gen) Brief(i int) news.Brief {
	lang := "it"
	if i%2 == 1 {
		lang = "en"
	}
	created := g.t0.Add(time.Duration(i) * time.Minute)
	pub := created.Add(-time.Duration(g.r.IntN(24*60)) * time.Minute)
	br := news.Brief{
		ID: fmt.Sprintf("%032x", uint64(i)*0x9e3779b97f4a7c15), SchemaVersion: news.SchemaVersion,
		Language: news.Language{Code: lang, Confidence: 0.99}, Title: g.text(lang, 10), Headline: g.text(lang, 12),
		Summary: g.text(lang, 60), KeyPoints: []string{g.text(lang, 15), g.text(lang, 15), g.text(lang, 15)},
		Body: g.text(lang, 600), CreatedAt: created, WordCount: 600,
		Source: news.Source{URL: "https://news.example/" + strconv.Itoa(i), Name: "Example", PublishedAt: &pub},
		Method: news.Method{Entities: "offline", Summary: "offline"},
	}
	seen := map[int]bool{}
	for len(br.Entities) < 20 {
		k := int(g.r.ExpFloat64() * 1500) // a few entities are in many briefs
		if k >= len(g.entities) || seen[k] {
			continue
		}
		seen[k] = true
		br.Entities = append(br.Entities, news.Entity{Name: g.entities[k], Type: news.Org, Count: 2, Mentions: []news.Mention{{Start: 0, End: 5}, {Start: 40, End: 45}}})
	}
	for len(br.Topics) < 5 {
		t := g.topics[min(int(g.r.ExpFloat64()*8), len(g.topics)-1)]
		if !slices.Contains(br.Topics, t) {
			br.Topics = append(br.Topics, t)
		}
	}
	return br
}

// Result is one store at one size.
type Result struct {
	N             int
	IngestPerSec  float64
	IngestCPUMS   float64 // CPU time per brief in this process
	Load          string  // one-minute load average after loading
	List, Filter  Latency
	Search        Latency
	ReopenMS      float64
	RSSMB, HeapMB float64
	DiskMB        float64
}

// Latency summarises query times.
type Latency struct{ P50, P99 time.Duration }

func latency(d []time.Duration) Latency {
	slices.Sort(d)
	return Latency{P50: d[len(d)/2], P99: d[min(len(d)-1, len(d)*99/100)]}
}

// Load applies briefs from..to-1 to s in batches of 512, as the projection
// does, and returns the rate.
// Only Apply is timed: in a gateway the briefs arrive encoded. cpuMS is
// this process's CPU time per brief (user and system, every core) while
// applying: unlike the rate, it does not depend on what else the machine
// runs (PostgreSQL's own work is in its server processes, not here).
func Load(ctx context.Context, s readmodel.Store, g *Gen, from, to int) (rate, cpuMS float64, err error) {
	var spent, cpu time.Duration
	batch := make([]readmodel.Change, 0, 512)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		start, c0 := time.Now(), cpuTime()
		_, err := s.Apply(ctx, batch)
		spent += time.Since(start)
		cpu += cpuTime() - c0
		batch = batch[:0]
		return err
	}
	for i := from; i < to; i++ {
		data, err := json.Marshal(g.Brief(i))
		if err != nil {
			return 0, 0, err
		}
		batch = append(batch, readmodel.Change{Seq: uint64(i + 1), ID: fmt.Sprintf("%032x", uint64(i)*0x9e3779b97f4a7c15), Data: data})
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return 0, 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, 0, err
	}
	n := float64(to - from)
	return n / spent.Seconds(), float64(cpu.Microseconds()) / 1000 / n, nil
}

// Queries times lists, filters and searches on s, q of each.
func Queries(ctx context.Context, s readmodel.Store, g *Gen, q int) (list, filter, search Latency, err error) {
	time1 := func(rq readmodel.Query) (time.Duration, error) {
		start := time.Now()
		_, _, err := s.List(ctx, rq)
		return time.Since(start), err
	}
	var ls, fs, ss []time.Duration
	for i := range q {
		// The first pages and a later one, by each sort.
		rq := readmodel.Query{Limit: 20}
		if i%2 == 1 {
			rq.Sort = readmodel.ByPublished
		}
		if i%4 == 3 {
			first, next, err := s.List(ctx, rq)
			if err != nil || len(first) == 0 {
				return list, filter, search, err
			}
			rq.Cursor = next
		}
		d, err := time1(rq)
		if err != nil {
			return list, filter, search, err
		}
		ls = append(ls, d)
		// A topic, an entity (frequent or rare), a language with a date range.
		var f readmodel.Filter
		switch i % 4 {
		case 0:
			f.Topic = g.topics[i%12]
		case 1:
			f.Entity = g.entities[(i*37)%3000]
		case 2:
			f.Lang, f.Since, f.Until = "it", g.t0.Add(time.Duration(i)*time.Hour), g.t0.Add(time.Duration(i)*time.Hour+72*time.Hour)
		case 3:
			f.Entity, f.Topic = g.entities[i%50], g.topics[0]
		}
		if d, err = time1(readmodel.Query{Filter: f, Limit: 20}); err != nil {
			return list, filter, search, err
		}
		fs = append(fs, d)
		// Searches: a frequent word, a mid-frequency one, a rare one, two words.
		lang := "it"
		if i%2 == 1 {
			lang = "en"
		}
		v := g.vocab[lang]
		var qs string
		switch i % 4 {
		case 0:
			qs = v[20+i%40]
		case 1:
			qs = v[300+i%500]
		case 2:
			qs = v[5000+(i*131)%20000]
		case 3:
			qs = v[40+i%60] + " " + v[100+i%200]
		}
		if d, err = time1(readmodel.Query{Filter: readmodel.Filter{Query: qs}, Limit: 20}); err != nil {
			return list, filter, search, err
		}
		ss = append(ss, d)
	}
	return latency(ls), latency(fs), latency(ss), nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// LoadAvg is the one-minute load average ("" where /proc is missing).
func LoadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	return strings.Fields(string(data))[0]
}

// RSS is the process's resident set in MB (0 where /proc is missing).
func RSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// HeapMB is the Go heap in use.
func HeapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / (1 << 20)
}

// Print writes r as one line.
func (r Result) Print(w io.Writer, kind string) {
	fmt.Fprintf(w, "readmodel: store=%s briefs=%d ingest=%.0f/s ingest_cpu=%.2fms/brief load=%s list_p50=%s list_p99=%s filter_p50=%s filter_p99=%s search_p50=%s search_p99=%s reopen=%.0fms rss=%.0fMB heap=%.0fMB disk=%.0fMB\n",
		kind, r.N, r.IngestPerSec, r.IngestCPUMS, r.Load, ms(r.List.P50), ms(r.List.P99), ms(r.Filter.P50), ms(r.Filter.P99), ms(r.Search.P50), ms(r.Search.P99), r.ReopenMS, r.RSSMB, r.HeapMB, r.DiskMB)
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + "ms"
}

// Run loads a fresh store, opened by open, up to each of sizes in turn and
// measures it at each with q queries of each kind; dir (if set) is the
// embedded store's directory, for its size on disk. It reopens the store
// at each size to time a restart: opening and reading the checkpoint,
// which is all a gateway does before it is ready when it is current.
// With reuse, a store that already holds n briefs (made by an earlier
// run) is measured without loading.
func Run(ctx context.Context, open func(context.Context) (readmodel.Store, error), dir string, sizes []int, q int, reuse bool, log io.Writer) ([]Result, error) {
	s, err := open(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { s.Close() }()
	g := NewGen(1)
	var out []Result
	loaded := 0
	for _, n := range sizes {
		if n <= loaded {
			continue
		}
		var rate, cpu float64
		if have, err := s.Count(ctx); err != nil {
			return out, err
		} else if !reuse || have < n {
			if rate, cpu, err = Load(ctx, s, g, loaded, n); err != nil {
				return out, err
			}
		}
		loaded = n
		// Statistics as autovacuum or PRAGMA optimize keep them in a
		// running store; right after a bulk load they are missing.
		if a, ok := s.(interface{ Analyze(context.Context) error }); ok {
			if err := a.Analyze(ctx); err != nil {
				return out, err
			}
		}
		r := Result{N: n, IngestPerSec: rate, IngestCPUMS: cpu, Load: LoadAvg()}
		s.Close()
		start := time.Now()
		if s, err = open(ctx); err != nil {
			return out, err
		}
		if _, err := s.Checkpoint(ctx); err != nil {
			return out, err
		}
		r.ReopenMS = float64(time.Since(start).Microseconds()) / 1000
		if r.List, r.Filter, r.Search, err = Queries(ctx, s, g, q); err != nil {
			return out, err
		}
		r.RSSMB, r.HeapMB = RSS(), HeapMB()
		if dir != "" {
			r.DiskMB = dirMB(dir)
		}
		if log != nil {
			fmt.Fprintf(log, "loaded %d briefs at %.0f/s\n", n, rate)
		}
		out = append(out, r)
	}
	return out, nil
}

func dirMB(dir string) float64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var total int64
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			total += fi.Size()
		}
	}
	return float64(total) / (1 << 20)
}
