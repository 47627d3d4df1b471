package entities

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// Word clusters give the tagger a coarse, label-free idea of what an unseen
// word is like: words that occur in similar contexts (left and right
// neighbours) share a cluster. They are computed from unlabelled text by
// BuildClusters (cmd/nerclusters) and embedded as data/clusters.tsv.gz, one
// `word<TAB>path` line per word, where path is a hierarchical cluster id such
// as "3/5/1" (top level, then finer levels). A third column "l" marks words
// seen in lower case more often than capitalised (away from a sentence
// start): common words, not names.

//go:embed data/clusters.tsv.gz
var clustersGz []byte

// ErrClusters is returned when the embedded cluster file cannot be read.
var ErrClusters = errors.New("entities: bad cluster file")

var (
	clusterOnce sync.Once
	clusterMap  map[string][]string
	clusterLow  map[string]bool
	clusterErr  error
)

// wordClusters returns word -> cluster path prefixes (coarse to fine).
func wordClusters() (map[string][]string, error) {
	clusterOnce.Do(func() {
		clusterMap, clusterLow, clusterErr = ReadClusters(bytes.NewReader(clustersGz))
	})
	return clusterMap, clusterErr
}

// commonLower reports a word the cluster text has mostly in lower case.
func commonLower(l string) bool {
	wordClusters()
	return clusterLow[l]
}

// ReadClusters parses a gzip-compressed `word<TAB>path[<TAB>l]` file into
// word -> path prefixes and the set of common lower-case words.
func ReadClusters(r io.Reader) (map[string][]string, map[string]bool, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, nil, fmt.Errorf("opening clusters: %w: %w", ErrClusters, err)
	}
	out := map[string][]string{}
	low := map[string]bool{}
	sc := bufio.NewScanner(zr)
	n := 0
	for sc.Scan() {
		n++
		w, path, ok := strings.Cut(sc.Text(), "\t")
		path, flag, _ := strings.Cut(path, "\t")
		if !ok || w == "" || path == "" {
			return nil, nil, fmt.Errorf("reading clusters line %d: %w", n, ErrClusters)
		}
		if flag == "l" {
			low[w] = true
		}
		parts := strings.Split(path, "/")
		pre := make([]string, len(parts))
		for i := range parts {
			pre[i] = strings.Join(parts[:i+1], "/")
		}
		out[w] = pre
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading clusters: %w: %w", ErrClusters, err)
	}
	return out, low, nil
}

// ClusterOptions controls BuildClusters.
type ClusterOptions struct {
	MinCount int   // words seen fewer times get no cluster
	Contexts int   // number of most frequent words used as context features
	Branch   []int // clusters per level, e.g. 16, 8, 8
	Iters    int   // k-means iterations per split
	Seed     uint64
}

// BuildClusters groups lower-cased words by their neighbours with
// hierarchical spherical k-means. It is deterministic for a given input and
// seed.
func BuildClusters(sents [][]string, opt ClusterOptions) map[string]string {
	count := map[string]int{}
	lc, uc := map[string]int{}, map[string]int{}
	low := make([][]string, len(sents))
	for i, s := range sents {
		low[i] = make([]string, len(s))
		for j, w := range s {
			l := strings.ToLower(w)
			low[i][j] = l
			count[l]++
			if w == l {
				lc[l]++
			} else if j > 0 {
				uc[l]++
			}
		}
	}
	var vocab []string
	for w := range count {
		vocab = append(vocab, w)
	}
	sort.Slice(vocab, func(a, b int) bool {
		if count[vocab[a]] != count[vocab[b]] {
			return count[vocab[a]] > count[vocab[b]]
		}
		return vocab[a] < vocab[b]
	})
	ctx := map[string]int{}
	for i, w := range vocab {
		if i >= opt.Contexts {
			break
		}
		ctx[w] = i
	}
	nc := opt.Contexts
	id := map[string]int{}
	var words []string
	for _, w := range vocab {
		if count[w] >= opt.MinCount {
			id[w] = len(words)
			words = append(words, w)
		}
	}
	// sparse context counts: offsets -2, -1, +1, +2 each get a block
	vecs := make([]map[int32]float64, len(words))
	for i := range vecs {
		vecs[i] = map[int32]float64{}
	}
	offs := []int{-2, -1, 1, 2}
	for _, s := range low {
		for j, w := range s {
			wi, ok := id[w]
			if !ok {
				continue
			}
			for b, o := range offs {
				k := j + o
				c := -1
				switch {
				case k < 0:
					c = nc // sentence start
				case k >= len(s):
					c = nc + 1 // sentence end
				default:
					if x, ok := ctx[s[k]]; ok {
						c = x
					}
				}
				if c >= 0 {
					wt := 1.0
					if o == -2 || o == 2 {
						wt = 0.5
					}
					vecs[wi][int32(b*(nc+2)+c)] += wt
				}
			}
		}
	}
	dim := len(offs) * (nc + 2)
	type sv struct {
		idx []int32
		val []float64
	}
	sp := make([]sv, len(words))
	for i, v := range vecs {
		keys := make([]int32, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
		var norm float64
		vals := make([]float64, len(keys))
		for j, k := range keys {
			vals[j] = math.Sqrt(v[k])
			norm += v[k]
		}
		norm = math.Sqrt(norm)
		for j := range vals {
			if norm > 0 {
				vals[j] /= norm
			}
		}
		sp[i] = sv{keys, vals}
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 7))
	dot := func(i int, c []float64) float64 {
		var s float64
		for j, k := range sp[i].idx {
			s += sp[i].val[j] * c[k]
		}
		return s
	}
	// kmeans splits members into k groups; returns group of each member.
	kmeans := func(members []int, k int) []int {
		assign := make([]int, len(members))
		if len(members) <= k {
			for i := range assign {
				assign[i] = i
			}
			return assign
		}
		cent := make([][]float64, k)
		// k-means++ style seeding with cosine distance
		best := make([]float64, len(members))
		for i := range best {
			best[i] = 2
		}
		first := members[rng.IntN(len(members))]
		for c := range k {
			cent[c] = make([]float64, dim)
			pick := first
			if c > 0 {
				var tot float64
				for _, d := range best {
					tot += d
				}
				r := rng.Float64() * tot
				for i, d := range best {
					r -= d
					if r <= 0 {
						pick = members[i]
						break
					}
				}
			}
			for j, kk := range sp[pick].idx {
				cent[c][kk] = sp[pick].val[j]
			}
			for i, m := range members {
				if d := 1 - dot(m, cent[c]); d < best[i] {
					best[i] = math.Max(d, 0)
				}
			}
		}
		for it := 0; it < opt.Iters; it++ {
			for i, m := range members {
				bc, bs := 0, math.Inf(-1)
				for c := range k {
					if s := dot(m, cent[c]); s > bs {
						bc, bs = c, s
					}
				}
				assign[i] = bc
			}
			for c := range k {
				clear(cent[c])
			}
			for i, m := range members {
				c := cent[assign[i]]
				for j, kk := range sp[m].idx {
					c[kk] += sp[m].val[j]
				}
			}
			for c := range k {
				var n float64
				for _, v := range cent[c] {
					n += v * v
				}
				if n = math.Sqrt(n); n > 0 {
					for j := range cent[c] {
						cent[c][j] /= n
					}
				}
			}
		}
		return assign
	}
	paths := make([]string, len(words))
	var split func(members []int, level int, prefix string)
	split = func(members []int, level int, prefix string) {
		if level == len(opt.Branch) || len(members) < 2 {
			for _, m := range members {
				paths[m] = strings.TrimPrefix(prefix, "/")
			}
			return
		}
		as := kmeans(members, opt.Branch[level])
		groups := make([][]int, opt.Branch[level])
		for i, m := range members {
			groups[as[i]] = append(groups[as[i]], m)
		}
		for g, ms := range groups {
			if len(ms) > 0 {
				split(ms, level+1, fmt.Sprintf("%s/%d", prefix, g))
			}
		}
	}
	all := make([]int, len(words))
	for i := range all {
		all[i] = i
	}
	split(all, 0, "")
	out := make(map[string]string, len(words))
	for i, w := range words {
		out[w] = paths[i]
		if lc[w] >= 2 && lc[w] > uc[w] && strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			out[w] += "\tl"
		}
	}
	return out
}

// WriteClusters writes word clusters (path, optionally followed by a tab and
// "l") as a gzip-compressed, sorted `word<TAB>path` file, so the same clusters give the same bytes.
func WriteClusters(w io.Writer, cl map[string]string) error {
	words := make([]string, 0, len(cl))
	for k := range cl {
		words = append(words, k)
	}
	sort.Strings(words)
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("compressing clusters: %w", err)
	}
	bw := bufio.NewWriter(zw)
	for _, k := range words {
		if strings.ContainsAny(k, "\t\n") {
			continue
		}
		fmt.Fprintf(bw, "%s\t%s\n", k, cl[k])
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing clusters: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("writing clusters: %w", err)
	}
	return nil
}
