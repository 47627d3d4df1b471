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
type SQLite struct {
	w *sql.DB // the one writer
	r *sql.DB // readers
}

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS briefs(
	rid INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	seq INTEGER NOT NULL,
	lang TEXT NOT NULL,
	created INTEGER NOT NULL,   -- unix ns
	published INTEGER NOT NULL, -- unix ns; created when the source gave none
	doc BLOB NOT NULL           -- listing JSON
);
CREATE INDEX IF NOT EXISTS briefs_created ON briefs(created, id);
CREATE INDEX IF NOT EXISTS briefs_published ON briefs(published, id);
CREATE TABLE IF NOT EXISTS brief_keys(
	key TEXT NOT NULL,          -- "t:<topic>", "l:<lang>" or "e:<entity key>"
	rid INTEGER NOT NULL,
	PRIMARY KEY(key, rid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS brief_keys_rid ON brief_keys(rid);
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
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening read model: %w", err)
	}
	w.SetMaxOpenConns(1)
	if _, err := w.ExecContext(ctx, sqliteSchema); err != nil {
		w.Close()
		return nil, fmt.Errorf("creating read model schema: %w", err)
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
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

// Apply implements Store.
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
	del, err := tx.PrepareContext(ctx, `DELETE FROM briefs WHERE id = ? RETURNING rid`)
	if err != nil {
		return 0, err
	}
	delKeys, _ := tx.PrepareContext(ctx, `DELETE FROM brief_keys WHERE rid = ?`)
	delText, _ := tx.PrepareContext(ctx, `DELETE FROM brief_text WHERE rowid = ?`)
	ins, _ := tx.PrepareContext(ctx, `INSERT INTO briefs(id, seq, lang, created, published, doc) VALUES(?, ?, ?, ?, ?, ?) RETURNING rid`)
	insKey, _ := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO brief_keys(key, rid) VALUES(?, ?)`)
	if err != nil {
		return 0, err
	}
	// The batch's terms go into the FTS index in one statement at the end:
	// FTS5 flushes its pending terms to disk at every statement savepoint,
	// and one insert per brief made it write (and then merge) a segment per
	// brief.
	type text struct {
		Rid   int64  `json:"r"`
		Terms string `json:"t"`
	}
	var texts []text
	var bad []error
	rows := prepare(todo, true)
	for i, c := range todo {
		var rid int64
		err := del.QueryRowContext(ctx, c.ID).Scan(&rid)
		switch {
		case err == nil:
			if _, err := delKeys.ExecContext(ctx, rid); err != nil {
				return 0, fmt.Errorf("deleting brief %s: %w", c.ID, err)
			}
			if _, err := delText.ExecContext(ctx, rid); err != nil {
				return 0, fmt.Errorf("deleting brief %s: %w", c.ID, err)
			}
		case !errors.Is(err, sql.ErrNoRows):
			return 0, fmt.Errorf("deleting brief %s: %w", c.ID, err)
		}
		if c.Data == nil {
			continue
		}
		r := rows[i]
		if r.err != nil {
			bad = append(bad, r.err)
			continue
		}
		if err := ins.QueryRowContext(ctx, r.id, int64(r.seq), r.lang, r.created.UnixNano(), r.published.UnixNano(), r.doc).Scan(&rid); err != nil {
			return 0, fmt.Errorf("storing brief %s: %w", c.ID, err)
		}
		keys := []string{"l:" + r.lang}
		for _, t := range r.topics {
			keys = append(keys, "t:"+t)
		}
		for _, e := range r.entities {
			keys = append(keys, "e:"+e)
		}
		for _, k := range keys {
			if _, err := insKey.ExecContext(ctx, k, rid); err != nil {
				return 0, fmt.Errorf("storing brief %s: %w", c.ID, err)
			}
		}
		texts = append(texts, text{rid, r.text})
	}
	if len(texts) > 0 {
		data, _ := json.Marshal(texts)
		if _, err := tx.ExecContext(ctx, `INSERT INTO brief_text(rowid, terms) SELECT value->>'r', value->>'t' FROM json_each(?)`, string(data)); err != nil {
			return 0, fmt.Errorf("indexing briefs: %w", err)
		}
	}
	last := todo[len(todo)-1].Seq
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(k, v) VALUES('checkpoint', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v`, int64(last)); err != nil {
		return 0, fmt.Errorf("storing checkpoint: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("applying changes: %w", err)
	}
	return last, errors.Join(bad...)
}

// where builds the filter's conditions on table b.
func (s *SQLite) where(f Filter, col string, c *cursor) (string, []any) {
	var conds []string
	var args []any
	key := func(k ...string) {
		conds = append(conds, `b.rid IN (SELECT rid FROM brief_keys WHERE key IN (?`+strings.Repeat(", ?", len(k)-1)+`))`)
		for _, v := range k {
			args = append(args, v)
		}
	}
	if f.Lang != "" {
		key("l:" + f.Lang)
	}
	if f.Topic != "" {
		key("t:" + f.Topic)
	}
	if f.Entity != "" {
		ks := filterEntityKeys(f.Entity)
		key("e:"+ks[0], "e:"+ks[1])
	}
	if !f.Since.IsZero() {
		conds = append(conds, `b.published >= ?`)
		args = append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		conds = append(conds, `b.published < ?`)
		args = append(args, f.Until.UnixNano())
	}
	if f.Query != "" {
		conds = append(conds, `b.rid IN (SELECT rowid FROM brief_text WHERE brief_text MATCH ?)`)
		args = append(args, ftsQuery(f.Lang, f.Query))
	}
	if c != nil {
		conds = append(conds, `(b.`+col+` < ? OR (b.`+col+` = ? AND b.id < ?))`)
		args = append(args, c.at, c.at, c.id)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ftsQuery is q as an FTS5 query: each alternative's terms quoted (so
// nothing in q is FTS syntax) and joined by AND, the alternatives by OR.
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

// List implements Store.
func (s *SQLite) List(ctx context.Context, q Query) ([]news.Brief, string, error) {
	c, err := q.normalise()
	if err != nil {
		return nil, "", err
	}
	col := string(q.Sort)
	where, args := s.where(q.Filter, col, c)
	rows, err := s.r.QueryContext(ctx, `SELECT b.id, b.`+col+`, b.doc FROM briefs b`+where+
		` ORDER BY b.`+col+` DESC, b.id DESC LIMIT ?`, append(args, q.Limit+1)...)
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

// After implements Store.
func (s *SQLite) After(ctx context.Context, id string, f Filter, limit int) ([]news.Brief, bool, error) {
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT created FROM briefs WHERE id = ?`, id).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading brief %s: %w", id, err)
	}
	where, args := s.where(f, "created", nil)
	cond := `(b.created > ? OR (b.created = ? AND b.id > ?))`
	if where == "" {
		where = " WHERE " + cond
	} else {
		where += " AND " + cond
	}
	args = append(args, created, created, id, limit)
	rows, err := s.r.QueryContext(ctx, `SELECT b.id, b.doc FROM briefs b`+where+` ORDER BY b.created, b.id LIMIT ?`, args...)
	if err != nil {
		return nil, false, fmt.Errorf("listing briefs: %w", err)
	}
	defer rows.Close()
	out := []news.Brief{}
	for rows.Next() {
		var bid string
		var doc []byte
		if err := rows.Scan(&bid, &doc); err != nil {
			return nil, false, err
		}
		br, err := unmarshalDoc(bid, doc)
		if err != nil {
			return nil, false, err
		}
		out = append(out, br)
	}
	return out, true, rows.Err()
}

// Count implements Store.
func (s *SQLite) Count(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM briefs`).Scan(&n)
	return n, err
}

// Expire implements Store.
func (s *SQLite) Expire(ctx context.Context, before time.Time) (int, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	cut := before.UnixNano()
	for _, q := range []string{
		`DELETE FROM brief_keys WHERE rid IN (SELECT rid FROM briefs WHERE created < ?)`,
		`DELETE FROM brief_text WHERE rowid IN (SELECT rid FROM briefs WHERE created < ?)`,
	} {
		if _, err := tx.ExecContext(ctx, q, cut); err != nil {
			return 0, fmt.Errorf("expiring briefs: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM briefs WHERE created < ?`, cut)
	if err != nil {
		return 0, fmt.Errorf("expiring briefs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Commit()
}
