package entities

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// ErrModel is returned when an embedded or trained model file cannot be read.
var ErrModel = errors.New("entities: bad model file")

const modelMagic = "NBNER3"

// Model is an averaged-perceptron IOB2 tagger. It is read-only once loaded
// and safe for concurrent use.
type Model struct {
	Tags  []string
	index map[uint64]int32 // feature hash -> row in w, while training
	w     []float32        // rows of len(Tags), while training
	tab   *featTable       // feature hash -> weights, once trained or loaded
	lower map[uint64]bool  // words seen mostly in lower case in training text
	lex   map[uint64]uint8 // word -> bit set of entity types it was seen in (lexicon)
	gaz   *gazetteer

	// derived by prepare
	words *wordTable // by hash of the lower-case word
	tRow  []float64  // weights of feature t-1 by previous tag (nt+1 rows, the last the sentence start)
	tPre  []uint64   // hash of t-1,w up to the word, by previous tag
	allow []bool     // IOB2: tag k may follow previous tag p at [p*nt+k]
	o     int        // index of tag O
	exact bool       // weights are int16 × scale: sums are exact in any order (see doccache.go)

	// the word cache (doccache.go): token -> complete, read-only entry
	shared   atomic.Pointer[map[string]*wordEntry]
	sharedMu sync.Mutex
	pending  map[string]*wordEntry // not yet in shared
	nShared  atomic.Int32          // in shared and pending
}

// feature hashing (FNV-1a, 64 bit).
const (
	fnvOff   = 14695981039346656037
	fnvPrime = 1099511628211
)

func hstr(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func feat(name string, vals ...string) uint64 {
	h := hstr(fnvOff, name)
	for _, v := range vals {
		h ^= 0xff
		h *= fnvPrime
		h = hstr(h, v)
	}
	return h
}

// shape maps a word to a coarse pattern: "Amazon" -> "Xx", "AWS" -> "X",
// "ChatGPT" -> "XxX", "2025" -> "d", "U.S." -> "X.X.".
func shape(w string) string { return string(appendShape(nil, w)) }

func isCap(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

func isAllCaps(w string) bool {
	n := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n > 1
}

func prefix(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}

func suffix(s string, n int) string {
	i := len(s)
	for c := 0; c < n && i > 0; c++ {
		_, sz := utf8.DecodeLastRuneInString(s[:i])
		i -= sz
	}
	return s[i:]
}

// stripElision drops a leading elided article glued to a word the tokeniser
// did not split ("dell’Amazon" in pre-tokenised input).
func stripElision(w string) string {
	for i, r := range w {
		if isApos(r) && i > 0 && elided[strings.ToLower(w[:i])] {
			rest := w[i+utf8.RuneLen(r):]
			if rest != "" {
				return rest
			}
		}
		if i > 8 {
			break
		}
	}
	return w
}

// lexTypes are the bits of a lexicon entry.
var lexTypes = []string{"PER", "ORG", "LOC", "MISC"}

// LexiconFrom builds a word lexicon from labelled sentences: each lower-cased
// word of an entity gets the bit of the entity's type.
func LexiconFrom(tokens, tags [][]string) map[string]uint8 {
	lex := map[string]uint8{}
	for si, s := range tokens {
		for i, w := range s {
			t := tags[si][i]
			if len(t) < 3 {
				continue
			}
			for b, name := range lexTypes {
				if t[2:] == name {
					r, _ := utf8.DecodeRuneInString(w)
					if unicode.IsUpper(r) {
						lex[strings.ToLower(stripElision(w))] |= 1 << b
					}
				}
			}
		}
	}
	return lex
}

// transFeatures are the features that depend on the previous tag p: the
// tag bigram and the previous tag with the current word. They are scored by
// first-order Viterbi decoding.
func transFeatures(p, lw string) [2]uint64 {
	return [2]uint64{feat("t-1", p), feat("t-1,w", p, lw)}
}

// allowed reports whether tag may follow prev in IOB2.
func allowed(prev, tag string) bool {
	if !strings.HasPrefix(tag, "I-") {
		return true
	}
	return len(prev) > 2 && prev[2:] == tag[2:]
}

// viterbi finds the best IOB2-valid tag sequence of n tokens. emit(i, dst)
// adds the static scores of token i for every tag to dst; trans(i, p, dst)
// adds the scores that depend on the previous tag p (p == len(tags) is the
// sentence start). Training and tagging share it, so the perceptron is
// trained with the decoder it is used with.
func viterbi(n int, tags []string, emit func(i int, dst []float64), trans func(i, p int, dst []float64)) []int {
	nt := len(tags)
	if n == 0 {
		return nil
	}
	negInf := math.Inf(-1)
	score := make([]float64, n*nt)
	back := make([]int32, n*nt)
	em := make([]float64, nt)
	tr := make([]float64, nt)
	for i := range n {
		clear(em)
		emit(i, em)
		row := score[i*nt : (i+1)*nt]
		for k := range row {
			row[k] = negInf
		}
		if i == 0 {
			clear(tr)
			trans(0, nt, tr)
			for k := range nt {
				if allowed("<s>", tags[k]) {
					row[k] = em[k] + tr[k]
					back[k] = int32(nt)
				}
			}
			continue
		}
		prev := score[(i-1)*nt : i*nt]
		for p := range nt {
			if prev[p] == negInf {
				continue
			}
			clear(tr)
			trans(i, p, tr)
			for k := range nt {
				if !allowed(tags[p], tags[k]) {
					continue
				}
				if s := prev[p] + em[k] + tr[k]; s > row[k] {
					row[k] = s
					back[i*nt+k] = int32(p)
				}
			}
		}
	}
	out := make([]int, n)
	best, bs := 0, negInf
	for k, s := range score[(n-1)*nt:] {
		if s > bs {
			best, bs = k, s
		}
	}
	for i := n - 1; i >= 0; i-- {
		out[i] = best
		best = int(back[i*nt+best])
	}
	return out
}

// WriteTo stores the model as gzip-compressed binary: tags, lower-case
// vocabulary hashes, then each feature hash with its weights quantised to
// int16.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return 0, fmt.Errorf("compressing model: %w", err)
	}
	bw := bufio.NewWriter(zw)
	put := func(v uint64) {
		var b [binary.MaxVarintLen64]byte
		bw.Write(b[:binary.PutUvarint(b[:], v)])
	}
	bw.WriteString(modelMagic)
	put(uint64(len(m.Tags)))
	for _, t := range m.Tags {
		put(uint64(len(t)))
		bw.WriteString(t)
	}
	put(uint64(len(m.lower)))
	for h := range m.lower {
		binary.Write(bw, binary.LittleEndian, h)
	}
	put(uint64(len(m.lex)))
	for h, v := range m.lex {
		binary.Write(bw, binary.LittleEndian, h)
		bw.WriteByte(v)
	}
	var maxAbs float32
	m.tab.each(func(_ uint64, w []float32) {
		for _, v := range w {
			if a := float32(math.Abs(float64(v))); a > maxAbs {
				maxAbs = a
			}
		}
	})
	scale := maxAbs / 32767
	if scale == 0 {
		scale = 1
	}
	binary.Write(bw, binary.LittleEndian, scale)
	put(uint64(m.tab.len()))
	m.tab.each(func(h uint64, w []float32) {
		binary.Write(bw, binary.LittleEndian, h)
		for _, v := range w {
			binary.Write(bw, binary.LittleEndian, int16(math.Round(float64(v/scale))))
		}
	})
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("writing model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return 0, fmt.Errorf("writing model: %w", err)
	}
	return 0, nil
}

// ReadModel loads a model written by WriteTo.
func ReadModel(r io.Reader, gaz *gazetteer) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("opening model: %w: %w", ErrModel, err)
	}
	br := bufio.NewReaderSize(zr, 1<<16)
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		return nil, fmt.Errorf("reading model header: %w", ErrModel)
	}
	fail := func(what string, err error) (*Model, error) {
		return nil, fmt.Errorf("reading model %s: %w: %w", what, ErrModel, err)
	}
	nt, err := binary.ReadUvarint(br)
	if err != nil || nt == 0 || nt > 64 {
		return fail("tags", fmt.Errorf("count %d: %v", nt, err))
	}
	m := &Model{gaz: gaz}
	for range nt {
		l, err := binary.ReadUvarint(br)
		if err != nil || l > 32 {
			return fail("tag", fmt.Errorf("length %d: %v", l, err))
		}
		b := make([]byte, l)
		if _, err := io.ReadFull(br, b); err != nil {
			return fail("tag", err)
		}
		m.Tags = append(m.Tags, string(b))
	}
	nl, err := binary.ReadUvarint(br)
	if err != nil || nl > 1<<24 {
		return fail("vocabulary", fmt.Errorf("count %d: %v", nl, err))
	}
	m.lower = make(map[uint64]bool, nl)
	var b8 [8]byte
	for range nl {
		if _, err := io.ReadFull(br, b8[:]); err != nil {
			return fail("vocabulary", err)
		}
		m.lower[binary.LittleEndian.Uint64(b8[:])] = true
	}
	nx, err := binary.ReadUvarint(br)
	if err != nil || nx > 1<<24 {
		return fail("lexicon", fmt.Errorf("count %d: %v", nx, err))
	}
	m.lex = make(map[uint64]uint8, nx)
	var b9 [9]byte
	for range nx {
		if _, err := io.ReadFull(br, b9[:]); err != nil {
			return fail("lexicon", err)
		}
		m.lex[binary.LittleEndian.Uint64(b9[:])] = b9[8]
	}
	var scale float32
	if err := binary.Read(br, binary.LittleEndian, &scale); err != nil {
		return fail("scale", err)
	}
	nf, err := binary.ReadUvarint(br)
	if err != nil || nf > 1<<24 {
		return fail("features", fmt.Errorf("count %d: %v", nf, err))
	}
	m.tab = newFeatTable(int(nf), int(nt))
	row := make([]byte, 8+2*nt)
	w := make([]float32, nt)
	for range int(nf) {
		if _, err := io.ReadFull(br, row); err != nil {
			return fail("weights", err)
		}
		for k := range int(nt) {
			q := int16(binary.LittleEndian.Uint16(row[8+2*k:]))
			w[k] = float32(q) * scale
		}
		m.tab.put(binary.LittleEndian.Uint64(row), w)
	}
	m.exact = true // every weight is float32(q)·scale: see doccache.go
	m.prepare()
	return m, nil
}

// MapMISC turns tags of types other than PER, ORG and LOC into O, in place.
func MapMISC(tags []string) []string {
	for i, t := range tags {
		if len(t) > 2 {
			switch t[2:] {
			case "PER", "ORG", "LOC":
			default:
				tags[i] = "O"
			}
		}
	}
	return tags
}
