// Package readmodel is what readers query: the briefs projected from the
// briefs bucket (the source of truth) into a database that lists, filters,
// searches and pages them without holding them in memory. Two stores
// implement one interface: an embedded SQLite file under the data
// directory (the default: nothing to install) and PostgreSQL, which several
// gateways share. The projection is idempotent: every change carries the
// bucket's sequence, a store records the last one it applied in the same
// transaction as the change, and a change at or below it is skipped, so a
// restart resumes after the checkpoint and a redelivery does nothing.
//
// The package knows nothing of NATS; package bus reads the bucket and the
// services wire the two.
package readmodel

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// ErrCursor is returned by List for a cursor it did not hand out (or one
// made for another sort order).
var ErrCursor = errors.New("readmodel: invalid cursor")

// ErrBadBrief is wrapped by Apply's error when a put's data is not a brief
// stored under its own id. Such a change is applied as a deletion (nothing
// can be served from it) and the rest of the batch as usual: the
// checkpoint moves past it, so one bad entry cannot stall the projection.
var ErrBadBrief = errors.New("readmodel: bad brief")

// Store is a read model of the briefs. Implementations are safe for
// concurrent use.
type Store interface {
	// Apply applies changes in order in one transaction, skipping those at
	// or below the stored checkpoint, and stores the last change's Seq as
	// the new checkpoint. It returns the checkpoint after the call, which is
	// ahead of the changes when another process (a gateway sharing the
	// store) applied further. Bad briefs are reported with ErrBadBrief
	// after the batch is committed.
	Apply(ctx context.Context, changes []Change) (uint64, error)
	// Checkpoint is the Seq of the last change applied (0: none).
	Checkpoint(ctx context.Context) (uint64, error)
	// List returns up to q.Limit briefs matching q.Filter in q.Sort order,
	// newest first, after q.Cursor, and the cursor of the next page ("" at
	// the end). Briefs are in listing form (see Listing).
	List(ctx context.Context, q Query) ([]news.Brief, string, error)
	// After returns, oldest first by creation, up to limit briefs matching
	// f created after the brief with the given id (an event stream's
	// Last-Event-ID); ok is false when the store does not hold that brief
	// (or, in SQLite, when it is more than 2,000 briefs back).
	After(ctx context.Context, id string, f Filter, limit int) (out []news.Brief, ok bool, err error)
	// Count is the number of briefs held.
	Count(ctx context.Context) (int, error)
	// Expire deletes the briefs created before t and returns how many.
	Expire(ctx context.Context, before time.Time) (int, error)
	// Reset deletes every brief and the checkpoint: for a bucket that was
	// created again, whose sequences start over.
	Reset(ctx context.Context) error
	Close() error
}

// Change is one entry of the briefs bucket: a brief put (Data is its JSON)
// or deleted (Data is nil).
type Change struct {
	Seq  uint64
	ID   string
	Data []byte
}

// Sort orders a list.
type Sort string

const (
	// ByCreated orders by when the brief was made (the default).
	ByCreated Sort = "created"
	// ByPublished orders by the article's publication time, or the brief's
	// creation when the source gave none.
	ByPublished Sort = "published"
)

// Filter selects briefs. Empty fields match everything.
type Filter struct {
	Lang  string
	Topic string
	// Entity is an entity's knowledge-base id or its name (case-insensitive).
	Entity string
	// Query is words that must all appear, stemmed in the brief's language,
	// in its title, headline, summary, key points or body.
	Query string
	// Since and Until bound the publication time (see ByPublished).
	Since, Until time.Time
}

// Query is a page request.
type Query struct {
	Filter
	Sort   Sort
	Limit  int
	Cursor string
}

// Listing returns br as lists serve it: without the body and the mentions,
// which only the brief's own page needs.
func Listing(br news.Brief) news.Brief {
	br.Body = ""
	br.Entities = slices.Clone(br.Entities)
	for i := range br.Entities {
		br.Entities[i].Mentions = nil
	}
	return br
}

// published is the time a brief sorts by under ByPublished and that Since
// and Until bound.
func published(br news.Brief) time.Time {
	if br.Source.PublishedAt != nil && !br.Source.PublishedAt.IsZero() {
		return *br.Source.PublishedAt
	}
	return br.CreatedAt
}

// entityKeys are the values an entity filter matches for br: "id:<kb id>"
// and "name:<lower-case name>" of each entity. The ids are read from the
// brief's JSON so that they are found whether or not news.Entity has the
// field.
func entityKeys(br news.Brief, data []byte) []string {
	var ids struct {
		Entities []struct {
			ID string `json:"id"`
		} `json:"entities"`
	}
	_ = json.Unmarshal(data, &ids)
	keys := []string{}
	for _, e := range ids.Entities {
		if e.ID != "" {
			keys = append(keys, "id:"+e.ID)
		}
	}
	for _, e := range br.Entities {
		if e.Name != "" {
			keys = append(keys, "name:"+strings.ToLower(e.Name))
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// filterEntityKeys are the keys Filter.Entity matches.
func filterEntityKeys(entity string) []string {
	return []string{"id:" + entity, "name:" + strings.ToLower(entity)}
}

// Match reports whether br passes f, as a store would decide: what the
// event stream uses for briefs as they arrive.
func (f Filter) Match(br news.Brief) bool {
	if f.Lang != "" && br.Language.Code != f.Lang {
		return false
	}
	if f.Topic != "" && !slices.Contains(br.Topics, f.Topic) {
		return false
	}
	p := published(br)
	if !f.Since.IsZero() && p.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !p.Before(f.Until) {
		return false
	}
	if f.Entity != "" {
		data, _ := json.Marshal(br)
		keys := entityKeys(br, data)
		if !slices.ContainsFunc(filterEntityKeys(f.Entity), func(k string) bool { return slices.Contains(keys, k) }) {
			return false
		}
	}
	if f.Query != "" {
		have := map[string]bool{}
		for _, t := range Terms(br.Language.Code, searchText(br)) {
			have[t] = true
		}
		terms, ok := queryAlternatives(f.Lang, f.Query)[termLang(br.Language.Code)]
		if !ok {
			return false
		}
		for _, t := range terms {
			if !have[t] {
				return false
			}
		}
	}
	return true
}

// searchText is what q searches.
func searchText(br news.Brief) string {
	var sb strings.Builder
	for _, s := range append([]string{br.Title, br.Headline, br.Summary}, br.KeyPoints...) {
		sb.WriteString(s)
		sb.WriteByte('\n')
	}
	sb.WriteString(br.Body)
	return sb.String()
}

// cursor is a position in one sort order: the sort key and the brief id.
type cursor struct {
	sort Sort
	at   int64 // unix nanoseconds
	id   string
}

func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(c.sort[0]) + strconv.FormatInt(c.at, 10) + "_" + c.id))
}

func parseCursor(s string, sort Sort) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 3 || raw[0] != sort[0] {
		return nil, ErrCursor
	}
	ts, id, ok := strings.Cut(string(raw[1:]), "_")
	n, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil || id == "" {
		return nil, ErrCursor
	}
	return &cursor{sort: sort, at: n, id: id}, nil
}

// normalise checks a query and fills its defaults.
func (q *Query) normalise() (*cursor, error) {
	switch q.Sort {
	case "":
		q.Sort = ByCreated
	case ByCreated, ByPublished:
	default:
		return nil, fmt.Errorf("readmodel: unknown sort %q", q.Sort)
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	return parseCursor(q.Cursor, q.Sort)
}

// row is a decoded change, what a store writes.
type row struct {
	id        string
	seq       uint64
	lang      string
	created   time.Time
	published time.Time
	doc       []byte // listing JSON
	topics    []string
	entities  []string
	br        news.Brief
}

// decode reads a put's brief. A brief that cannot be decoded, or whose id
// is not the key, is an error: the bucket holds only what the recorder
// wrote.
func decode(c Change) (row, error) {
	var br news.Brief
	if err := json.Unmarshal(c.Data, &br); err != nil {
		return row{}, fmt.Errorf("%w: decoding brief %s: %w", ErrBadBrief, c.ID, err)
	}
	if br.ID != c.ID {
		return row{}, fmt.Errorf("%w: brief under key %s has id %q", ErrBadBrief, c.ID, br.ID)
	}
	doc, err := json.Marshal(Listing(br))
	if err != nil {
		return row{}, fmt.Errorf("encoding brief %s: %w", c.ID, err)
	}
	topics := append([]string{}, br.Topics...)
	slices.Sort(topics)
	return row{
		id: c.ID, seq: c.Seq, lang: br.Language.Code, created: br.CreatedAt.UTC(), published: published(br).UTC(),
		doc: doc, topics: slices.Compact(topics), entities: entityKeys(br, c.Data), br: br,
	}, nil
}

// pending returns the changes above checkpoint.
func pending(changes []Change, checkpoint uint64) []Change {
	i := 0
	for i < len(changes) && changes[i].Seq <= checkpoint {
		i++
	}
	return changes[i:]
}

func sortKey(r row, s Sort) time.Time {
	if s == ByPublished {
		return r.published
	}
	return r.created
}

func unmarshalDoc(id string, doc []byte) (news.Brief, error) {
	var br news.Brief
	if err := json.Unmarshal(doc, &br); err != nil {
		return br, fmt.Errorf("decoding stored brief %s: %w", id, err)
	}
	return br, nil
}

// prepared is a change decoded, with its searchable text: stemmed terms
// for a store that indexes them itself (SQLite), else the plain text.
type prepared struct {
	row
	text string
	err  error // a bad brief (ErrBadBrief)
}

// prepare decodes the puts among changes, and stems their text when stem
// is set, on every core: it is most of a batch's cost outside the
// database, and the database writer is one goroutine.
func prepare(changes []Change, stem bool) []prepared {
	out := make([]prepared, len(changes))
	work := func(i int) {
		c := changes[i]
		if c.Data == nil {
			return
		}
		r, err := decode(c)
		p := prepared{row: r, err: err}
		if err == nil {
			p.text = searchText(r.br)
			if stem {
				p.text = strings.Join(indexTerms(r.lang, p.text), " ")
			}
		}
		p.br = news.Brief{} // only the text needed it
		out[i] = p
	}
	workers := min(runtime.GOMAXPROCS(0), len(changes)/8+1)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(changes) {
					return
				}
				work(i)
			}
		})
	}
	wg.Wait()
	return out
}
