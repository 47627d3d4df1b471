package readmodel

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite with FTS5: no cgo, nothing to install

	"github.com/newsbrief/newsbrief/pkg/news"
)

// SQLite is the embedded store: one file under the data directory, in WAL
// mode so that readers never wait for the projection. Full-text search is
// an FTS5 index of the briefs' words stemmed in Go (see Terms), since
// SQLite has no Italian stemmer of its own.
//
// Lists must not cost more as the store grows, so every filter has a path
// that reads about one page's worth of rows. Each brief has a trow, its
// creation time in microseconds made unique, which orders it by creation
// and is its row id in the text index: a search reads the index's matches
// newest first and stops after a page, however common the words. A topic,
// entity or language filter walks table brief_keys, which holds each of a
// brief's filter keys once per sort order, already in that order.
type SQLite struct {
	w *sql.DB // the one writer
	r *sql.DB // readers
}

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS briefs(
	rid INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	trow INTEGER NOT NULL UNIQUE, -- creation order: created in µs, made unique; the text index's rowid
	seq INTEGER NOT NULL,
	lang TEXT NOT NULL,
	created INTEGER NOT NULL,   -- unix ns
	published INTEGER NOT NULL, -- unix ns; created when the source gave none
	keys TEXT NOT NULL,         -- JSON array of its filter keys, to delete them
	doc BLOB NOT NULL           -- listing JSON
);
-- covering for a publication range sorted by trow (no row lookups)
CREATE INDEX IF NOT EXISTS briefs_published ON briefs(published, id, lang, trow);
CREATE TABLE IF NOT EXISTS brief_keys(
	key TEXT NOT NULL, -- sort ("c" created, "p" published) + "t:<topic>", "l:<lang>" or "e:<entity key>"
	at INTEGER NOT NULL, -- the brief's trow ("c") or published time ("p")
	id TEXT NOT NULL,
	rid INTEGER NOT NULL,
	PRIMARY KEY(key, at, id)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS brief_text USING fts5(
	terms, content='', contentless_delete=1, detail=none,
	tokenize='unicode61 remove_diacritics 2 tokenchars ''_''');
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL);
`

// OpenSQLite opens (creating it if needed) the store in dir/readmodel.db.
func OpenSQLite(ctx context.Context, dir string) (*SQLite, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	dsn := "file:" + filepath.Join(dir, "readmodel.db") +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(OFF)"
	// The writer's page cache holds the right edges of the filter keys'
	// ranges, where new briefs go: 2 MB (the default) made every insert
	// read pages again.
	w, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, fmt.Errorf("opening read model: %w", err)
	}
	w.SetMaxOpenConns(1)
	if _, err := w.ExecContext(ctx, sqliteSchema); err != nil {
		w.Close()
		return nil, fmt.Errorf("creating read model schema: %w", err)
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)&_pragma=cache_size(-8192)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("opening read model: %w", err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return &SQLite{w: w, r: r}, nil
}

// Close closes the database.
func (s *SQLite) Close() error { return errors.Join(s.r.Close(), s.w.Close()) }

// Checkpoint implements Store.
func (s *SQLite) Checkpoint(ctx context.Context) (uint64, error) {
	return sqliteCheckpoint(ctx, s.w)
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func sqliteCheckpoint(ctx context.Context, q querier) (uint64, error) {
	var v int64
	err := q.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'checkpoint'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading checkpoint: %w", err)
	}
	return uint64(v), nil
}

// sortKeys are a brief's filter keys without the sort prefix.
func sortKeys(r row) []string {
	keys := []string{"l:" + r.lang}
	for _, t := range r.topics {
		keys = append(keys, "t:"+t)
	}
	for _, e := range r.entities {
		keys = append(keys, "e:"+e)
	}
	return keys
}

// keyRow is one row of brief_keys, as JSON for json_each.
type keyRow struct {
	Key string `json:"k"`
	At  int64  `json:"a"`
	ID  string `json:"i"`
	Rid int64  `json:"r,omitempty"`
}

// keyRows are the brief_keys rows of a brief. Entities are kept in
// creation order only: twenty per brief in publication order too would
// double the table; a publication-ordered entity list reads the entity's
// briefs and sorts them.
func keyRows(keys []string, trow, published int64, id string, rid int64) []keyRow {
	out := make([]keyRow, 0, 2*len(keys))
	for _, k := range keys {
		out = append(out, keyRow{"c" + k, trow, id, rid})
		if !strings.HasPrefix(k, "e:") {
			out = append(out, keyRow{"p" + k, published, id, rid})
		}
	}
	return out
}

// Apply implements Store. The keys, terms and deletions of the whole
// batch are written with one statement each at the end (json_each):
// FTS5 flushes its pending terms at every statement savepoint, and a
// statement per brief made it write, and then merge, a segment per brief.
func (s *SQLite) Apply(ctx context.Context, changes []Change) (uint64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("applying changes: %w", err)
	}
	defer tx.Rollback()
	cp, err := sqliteCheckpoint(ctx, tx)
	if err != nil {
		return 0, err
	}
	todo := pending(changes, cp)
	if len(todo) == 0 {
		return cp, nil
	}
	del, err := tx.PrepareContext(ctx, `DELETE FROM briefs WHERE id = ? RETURNING trow, published, keys`)
	if err != nil {
		return 0, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO briefs(id, trow, seq, lang, created, published, keys, doc) VALUES(?, ?, ?, ?, ?, ?, ?, ?) RETURNING rid`)
	if err != nil {
		return 0, err
	}
	taken, err := tx.PrepareContext(ctx, `SELECT 1 FROM briefs WHERE trow = ?`)
	if err != nil {
		return 0, err
	}
	type text struct {
		Rid   int64  `json:"r"`
		Terms string `json:"t"`
	}
	var texts []text
	var addKeys, delKeys []keyRow
	var delTexts []int64
	var bad []error
	// Decoding and stemming run ahead of the writes, a chunk at a time,
	// so that they use the other cores while this one writes.
	const chunk = 64
	chunks := make(chan []prepared, len(todo)/chunk+1)
	go func() {
		defer close(chunks)
		for off := 0; off < len(todo); off += chunk {
			chunks <- prepare(todo[off:min(off+chunk, len(todo))], true)
		}
	}()
	defer func() {
		for range chunks { // let the goroutine finish on an early return
		}
	}()
	last := map[string]int{}
	for i, c := range todo {
		last[c.ID] = i
	}
	var rows []prepared
	for i, c := range todo {
		if i%chunk == 0 {
			rows = <-chunks
		}
		r := rows[i%chunk]
		if last[c.ID] != i {
			continue // replaced later in the batch
		}
		var rid, trow, published int64
		var oldKeys string
		err := del.QueryRowContext(ctx, c.ID).Scan(&trow, &published, &oldKeys)
		switch {
		case err == nil:
			var ks []string
			if err := json.Unmarshal([]byte(oldKeys), &ks); err != nil {
				return 0, fmt.Errorf("deleting brief %s: %w", c.ID, err)
			}
			delKeys = append(delKeys, keyRows(ks, trow, published, c.ID, 0)...)
			delTexts = append(delTexts, trow)
		case !errors.Is(err, sql.ErrNoRows):
			return 0, fmt.Errorf("deleting brief %s: %w", c.ID, err)
		}
		if c.Data == nil {
			continue
		}
		if r.err != nil {
			bad = append(bad, r.err)
			continue
		}
		ks := sortKeys(r.row)
		ksJSON, _ := json.Marshal(ks)
		// The first free microsecond at or after its creation.
		published = r.published.UnixNano()
		for trow = r.created.UnixMicro(); ; trow++ {
			var one int
			err := taken.QueryRowContext(ctx, trow).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			if err != nil {
				return 0, fmt.Errorf("storing brief %s: %w", c.ID, err)
			}
		}
		if err := ins.QueryRowContext(ctx, r.id, trow, int64(r.seq), r.lang, r.created.UnixNano(), published, string(ksJSON), r.doc).Scan(&rid); err != nil {
			return 0, fmt.Errorf("storing brief %s: %w", c.ID, err)
		}
		addKeys = append(addKeys, keyRows(ks, trow, published, r.id, rid)...)
		texts = append(texts, text{trow, r.text})
	}
	for _, st := range []struct {
		sql  string
		rows any
		n    int
	}{
		{`DELETE FROM brief_keys WHERE (key, at, id) IN (SELECT value->>'k', value->>'a', value->>'i' FROM json_each(?))`, delKeys, len(delKeys)},
		{`DELETE FROM brief_text WHERE rowid IN (SELECT value FROM json_each(?))`, delTexts, len(delTexts)},
		{`INSERT INTO brief_keys(key, at, id, rid) SELECT value->>'k', value->>'a', value->>'i', value->>'r' FROM json_each(?)`, addKeys, len(addKeys)},
		{`INSERT INTO brief_text(rowid, terms) SELECT value->>'r', value->>'t' FROM json_each(?)`, texts, len(texts)},
	} {
		if st.n == 0 {
			continue
		}
		data, _ := json.Marshal(st.rows)
		if _, err := tx.ExecContext(ctx, st.sql, string(data)); err != nil {
			return 0, fmt.Errorf("storing briefs: %w", err)
		}
	}
	cp = todo[len(todo)-1].Seq
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(k, v) VALUES('checkpoint', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v`, int64(cp)); err != nil {
		return 0, fmt.Errorf("storing checkpoint: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("applying changes: %w", err)
	}
	return cp, errors.Join(bad...)
}

// ftsQuery is q as an FTS5 query: each language's terms quoted (so nothing
// in q is FTS syntax) and joined by AND, the languages by OR.
func ftsQuery(lang, q string) string {
	alts := queryAlternatives(lang, q)
	if len(alts) == 0 {
		return `""` // no words: matches nothing
	}
	var parts []string
	for _, l := range slices.Sorted(maps.Keys(alts)) {
		terms := alts[l]
		quoted := make([]string, len(terms))
		for i, t := range terms {
			quoted[i] = `"` + l + "_" + strings.ReplaceAll(t, `"`, `""`) + `"`
		}
		parts = append(parts, "("+strings.Join(quoted, " AND ")+")")
	}
	return strings.Join(parts, " OR ")
}

// plan is a list query being built.
type plan struct {
	from  string // the table walked, and its joins
	col   string // the sort column of the walked table
	idCol string // and its tie-breaker
	conds []string
	args  []any
}

func (p *plan) where(cond string, args ...any) {
	p.conds = append(p.conds, cond)
	p.args = append(p.args, args...)
}

// entityKey resolves an entity filter to the key it matches: the
// knowledge-base id when some brief has it, else the name.
func (s *SQLite) entityKey(ctx context.Context, entity string) (string, error) {
	ks := filterEntityKeys(entity)
	var one int
	err := s.r.QueryRowContext(ctx, `SELECT 1 FROM brief_keys WHERE key = ? LIMIT 1`, "ce:"+ks[0]).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return "e:" + ks[1], nil
	}
	return "e:" + ks[0], err
}

// List implements Store.
func (s *SQLite) List(ctx context.Context, q Query) ([]news.Brief, string, error) {
	c, err := q.normalise()
	if err != nil {
		return nil, "", err
	}
	f := q.Filter
	var keys []string
	if f.Entity != "" {
		k, err := s.entityKey(ctx, f.Entity)
		if err != nil {
			return nil, "", fmt.Errorf("listing briefs: %w", err)
		}
		keys = append(keys, k)
	}
	if f.Topic != "" {
		keys = append(keys, "t:"+f.Topic)
	}
	sortPrefix, sortCol := "c", "b.trow"
	if q.Sort == ByPublished {
		sortPrefix, sortCol = "p", "b.published"
	}
	ranged := !f.Since.IsZero() || !f.Until.IsZero()
	var p plan
	cursorOn := func(col, idCol string) {
		switch {
		case c == nil:
		case idCol == "": // trow: unique, no tie to break
			p.where(col+` < ?`, c.at)
		default:
			p.where(`(`+col+` < ? OR (`+col+` = ? AND `+idCol+` < ?))`, c.at, c.at, c.id)
		}
	}
	switch {
	case f.Query != "" && q.Sort == ByCreated:
		// The text index's matches, newest first: a page is read after
		// about limit/density matches whatever the words.
		p.from, p.col = `brief_text t JOIN briefs b ON b.trow = t.rowid`, "t.rowid"
		p.where(`t.brief_text MATCH ?`, ftsQuery(f.Lang, f.Query))
		cursorOn("t.rowid", "")
		for _, k := range keys {
			p.where(`EXISTS (SELECT 1 FROM brief_keys k2 WHERE k2.key = ? AND k2.at = b.trow AND k2.id = b.id)`, "c"+k)
		}
	case len(keys) > 0 && (q.Sort == ByCreated || f.Entity == ""):
		// Walk the first key's entries in sort order; the others are probed.
		p.from, p.col, p.idCol = `brief_keys k JOIN briefs b ON b.rid = k.rid`, "k.at", "k.id"
		p.where(`k.key = ?`, sortPrefix+keys[0])
		for _, k := range keys[1:] {
			p.where(`EXISTS (SELECT 1 FROM brief_keys k2 WHERE k2.key = ? AND k2.at = k.at AND k2.id = k.id)`, sortPrefix+k)
		}
		cursorOn("k.at", "k.id")
	case len(keys) > 0:
		// By publication with an entity: the entity's briefs, sorted.
		p.from, p.col, p.idCol = `brief_keys k JOIN briefs b ON b.rid = k.rid`, sortCol, "b.id"
		p.where(`k.key = ?`, "c"+keys[0])
		for _, k := range keys[1:] {
			p.where(`EXISTS (SELECT 1 FROM brief_keys k2 WHERE k2.key = ? AND k2.at = k.at AND k2.id = k.id)`, "c"+k)
		}
		cursorOn(sortCol, "b.id")
	case ranged && q.Sort == ByCreated:
		// The briefs published in the range, then sorted: a range is
		// usually a small part of the whole.
		p.from, p.col = `briefs b INDEXED BY briefs_published`, sortCol
		if q.Sort == ByPublished {
			p.idCol = "b.id"
		}
		cursorOn(sortCol, p.idCol)
	default:
		p.from, p.col = `briefs b`, sortCol
		if q.Sort == ByPublished {
			p.idCol = "b.id"
		}
		cursorOn(sortCol, p.idCol)
	}
	if f.Lang != "" {
		p.where(`b.lang = ?`, f.Lang)
	}
	if !f.Since.IsZero() {
		p.where(`b.published >= ?`, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		p.where(`b.published < ?`, f.Until.UnixNano())
	}
	if f.Query != "" && q.Sort != ByCreated {
		// By publication time the matches are read whole and sorted.
		p.where(`b.trow IN (SELECT rowid FROM brief_text WHERE brief_text MATCH ?)`, ftsQuery(f.Lang, f.Query))
	}
	where := ""
	if len(p.conds) > 0 {
		where = " WHERE " + strings.Join(p.conds, " AND ")
	}
	// The walk selects rids only, so that no sort carries the documents;
	// they are read for the page alone.
	order := p.col + ` DESC`
	if p.idCol != "" {
		order += `, ` + p.idCol + ` DESC`
	}
	inner := `SELECT b.rid FROM ` + p.from + where + ` ORDER BY ` + order + ` LIMIT ?`
	col, outer := "trow", "trow DESC"
	if q.Sort == ByPublished {
		col, outer = "published", "published DESC, id DESC"
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, `+col+`, doc FROM briefs WHERE rid IN (`+inner+`) ORDER BY `+outer,
		append(p.args, q.Limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("listing briefs: %w", err)
	}
	return scanPage(rows, q)
}

// scanPage reads up to q.Limit+1 rows of (id, sort key, doc) and returns
// the page and its next cursor.
func scanPage(rows *sql.Rows, q Query) ([]news.Brief, string, error) {
	defer rows.Close()
	out := []news.Brief{}
	var last cursor
	for rows.Next() {
		var id string
		var at int64
		var doc []byte
		if err := rows.Scan(&id, &at, &doc); err != nil {
			return nil, "", fmt.Errorf("listing briefs: %w", err)
		}
		if len(out) == q.Limit {
			return out, last.String(), rows.Err()
		}
		br, err := unmarshalDoc(id, doc)
		if err != nil {
			return nil, "", err
		}
		out = append(out, br)
		last = cursor{sort: q.Sort, at: at, id: id}
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("listing briefs: %w", err)
	}
	return out, "", nil
}

// afterMax bounds how many briefs After reads back to find the position.
const afterMax = 2000

// After implements Store: a list by creation after the brief's position,
// oldest first, through List's plan with the order reversed.
func (s *SQLite) After(ctx context.Context, id string, f Filter, limit int) ([]news.Brief, bool, error) {
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT created FROM briefs WHERE id = ?`, id).Scan(&created)
	// (Creation time: the stream's order, as Filter.Match sees briefs.)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading brief %s: %w", id, err)
	}
	// A reconnecting stream missed few briefs: read those created since,
	// newest first, and keep the oldest limit of them.
	// A client further behind than afterMax briefs gets none (ok false):
	// replaying is for short drops, and each request is bounded.
	var out []news.Brief
	rq := Query{Filter: f, Limit: 500}
	reached := false
	for range afterMax / 500 {
		page, next, err := s.List(ctx, rq)
		if err != nil {
			return nil, false, err
		}
		done := false
		for _, br := range page {
			if br.CreatedAt.UnixNano() < created || (br.CreatedAt.UnixNano() == created && br.ID <= id) {
				done = true
				break
			}
			out = append(out, br)
		}
		if done || next == "" {
			reached = true
			break
		}
		rq.Cursor = next
	}
	if !reached {
		return nil, false, nil
	}
	slices.Reverse(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, true, nil
}

// Count implements Store.
func (s *SQLite) Count(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM briefs`).Scan(&n)
	return n, err
}

// Expire implements Store: the briefs created before the cut are deleted
// in batches, as the projection deletes them.
func (s *SQLite) Expire(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		var ids []string
		rows, err := s.r.QueryContext(ctx, `SELECT id FROM briefs WHERE trow < ? ORDER BY trow LIMIT 500`, before.UnixMicro())
		if err != nil {
			return total, fmt.Errorf("expiring briefs: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err == nil {
				ids = append(ids, id)
			}
		}
		rows.Close()
		if len(ids) == 0 {
			return total, nil
		}
		if err := s.delete(ctx, ids); err != nil {
			return total, err
		}
		total += len(ids)
	}
}

// delete removes briefs by id without moving the checkpoint.
func (s *SQLite) delete(ctx context.Context, ids []string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var delKeys []keyRow
	var delTexts []int64
	for _, id := range ids {
		var trow, published int64
		var keys string
		err := tx.QueryRowContext(ctx, `DELETE FROM briefs WHERE id = ? RETURNING trow, published, keys`, id).Scan(&trow, &published, &keys)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("expiring brief %s: %w", id, err)
		}
		var ks []string
		_ = json.Unmarshal([]byte(keys), &ks)
		delKeys = append(delKeys, keyRows(ks, trow, published, id, 0)...)
		delTexts = append(delTexts, trow)
	}
	k, _ := json.Marshal(delKeys)
	t, _ := json.Marshal(delTexts)
	if _, err := tx.ExecContext(ctx, `DELETE FROM brief_keys WHERE (key, at, id) IN (SELECT value->>'k', value->>'a', value->>'i' FROM json_each(?))`, string(k)); err != nil {
		return fmt.Errorf("expiring briefs: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM brief_text WHERE rowid IN (SELECT value FROM json_each(?))`, string(t)); err != nil {
		return fmt.Errorf("expiring briefs: %w", err)
	}
	return tx.Commit()
}

// Reset implements Store.
func (s *SQLite) Reset(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("resetting the read model: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM briefs; DELETE FROM brief_keys; DELETE FROM brief_text; DELETE FROM meta`); err != nil {
		return fmt.Errorf("resetting the read model: %w", err)
	}
	return tx.Commit()
}
