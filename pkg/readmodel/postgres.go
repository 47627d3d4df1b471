package readmodel

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/newsbrief/newsbrief/pkg/language"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// Postgres is the shared store: several gateways project into it and read
// from it. Each Apply holds a transaction-scoped advisory lock while it
// reads and advances the checkpoint, so whichever gateway gets there first
// applies a change and the others skip it. Full-text search uses the
// brief's language's text search configuration (italian, english, else
// simple).
type Postgres struct {
	pool *pgxpool.Pool
}

const pgSchema = `
CREATE TABLE IF NOT EXISTS readmodel_briefs(
	id text COLLATE "C" PRIMARY KEY,
	seq bigint NOT NULL,
	lang text NOT NULL,
	created bigint NOT NULL,   -- unix ns
	published bigint NOT NULL, -- unix ns; created when the source gave none
	topics text[] NOT NULL,
	entities text[] NOT NULL,
	doc bytea NOT NULL,        -- listing JSON
	tsv tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS readmodel_briefs_created ON readmodel_briefs(created, id);
CREATE INDEX IF NOT EXISTS readmodel_briefs_published ON readmodel_briefs(published, id);
CREATE INDEX IF NOT EXISTS readmodel_briefs_topics ON readmodel_briefs USING gin(topics);
CREATE INDEX IF NOT EXISTS readmodel_briefs_entities ON readmodel_briefs USING gin(entities);
CREATE INDEX IF NOT EXISTS readmodel_briefs_tsv ON readmodel_briefs USING gin(tsv);
-- Each brief's topic and entity keys in creation order: a filter walks its
-- key's entries newest first and stops after a page, where the planner
-- would otherwise walk readmodel_briefs_created filtering out every brief
-- without a rare entity.
CREATE TABLE IF NOT EXISTS readmodel_keys(
	key text COLLATE "C" NOT NULL, -- "t:<topic>" or "e:<entity key>"
	at bigint NOT NULL,             -- the brief's created
	id text COLLATE "C" NOT NULL,
	PRIMARY KEY(key, at, id)
);
CREATE INDEX IF NOT EXISTS readmodel_keys_id ON readmodel_keys(id);
CREATE TABLE IF NOT EXISTS readmodel_meta(k text PRIMARY KEY, v bigint NOT NULL);
`

// pgLock keys the advisory lock that serialises Apply across gateways (and
// the schema creation).
const pgLock = 0x6e657773 // "news"

// OpenPostgres connects to url (postgres://…) and creates the schema if
// needed.
func OpenPostgres(ctx context.Context, url string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parsing the PostgreSQL URL: %w", err)
	}
	if cfg.MaxConns > 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pgLock); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, pgSchema)
		return err
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("creating read model schema: %w", err)
	}
	return &Postgres{pool: pool}, nil
}

// Close closes the connections.
func (p *Postgres) Close() error { p.pool.Close(); return nil }

type pgQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func pgCheckpoint(ctx context.Context, q pgQuerier) (uint64, error) {
	var v int64
	err := q.QueryRow(ctx, `SELECT v FROM readmodel_meta WHERE k = 'checkpoint'`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading checkpoint: %w", err)
	}
	return uint64(v), nil
}

// Checkpoint implements Store.
func (p *Postgres) Checkpoint(ctx context.Context) (uint64, error) { return pgCheckpoint(ctx, p.pool) }

// tsConfig is the text search configuration for a language (the
// registry's search configuration), "simple" for one without.
func tsConfig(lang string) string {
	if stemmers[lang] != nil {
		l, _ := language.Get(lang)
		return l.Search
	}
	return "simple"
}

// Apply implements Store.
func (p *Postgres) Apply(ctx context.Context, changes []Change) (uint64, error) {
	var cp uint64
	var bad []error
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pgLock); err != nil {
			return err
		}
		var err error
		if cp, err = pgCheckpoint(ctx, tx); err != nil {
			return err
		}
		todo := pending(changes, cp)
		if len(todo) == 0 {
			return nil
		}
		b := &pgx.Batch{}
		rows := prepare(todo, false)
		for i, c := range todo {
			b.Queue(`DELETE FROM readmodel_keys WHERE id = $1`, c.ID)
			if c.Data == nil {
				b.Queue(`DELETE FROM readmodel_briefs WHERE id = $1`, c.ID)
				continue
			}
			r := rows[i]
			if r.err != nil {
				bad = append(bad, r.err)
				b.Queue(`DELETE FROM readmodel_briefs WHERE id = $1`, c.ID)
				continue
			}
			var keys []string
			for _, t := range r.topics {
				keys = append(keys, "t:"+t)
			}
			for _, e := range r.entities {
				keys = append(keys, "e:"+e)
			}
			b.Queue(`INSERT INTO readmodel_keys(key, at, id) SELECT unnest($1::text[]), $2, $3 ON CONFLICT DO NOTHING`, keys, r.created.UnixNano(), r.id)
			b.Queue(`INSERT INTO readmodel_briefs(id, seq, lang, created, published, topics, entities, doc, tsv)
				VALUES($1, $2, $3, $4, $5, $6, $7, $8, to_tsvector($9::regconfig, $10))
				ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, lang = excluded.lang, created = excluded.created,
					published = excluded.published, topics = excluded.topics, entities = excluded.entities,
					doc = excluded.doc, tsv = excluded.tsv`,
				r.id, int64(r.seq), r.lang, r.created.UnixNano(), r.published.UnixNano(), r.topics, r.entities, r.doc,
				tsConfig(r.lang), r.text)
		}
		cp = todo[len(todo)-1].Seq
		b.Queue(`INSERT INTO readmodel_meta(k, v) VALUES('checkpoint', $1) ON CONFLICT(k) DO UPDATE SET v = excluded.v`, int64(cp))
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("storing briefs: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("applying changes: %w", err)
	}
	return cp, errors.Join(bad...)
}

// where builds the filter's conditions.
func (p *Postgres) where(f Filter, col string, c *cursor, args []any) (string, []any) {
	var conds []string
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Lang != "" {
		conds = append(conds, `lang = `+arg(f.Lang))
	}
	if f.Topic != "" {
		conds = append(conds, `topics @> ARRAY[`+arg(f.Topic)+`::text]`)
	}
	if f.Entity != "" {
		conds = append(conds, `entities && `+arg(filterEntityKeys(f.Entity))+`::text[]`)
	}
	if !f.Since.IsZero() {
		conds = append(conds, `published >= `+arg(f.Since.UnixNano()))
	}
	if !f.Until.IsZero() {
		conds = append(conds, `published < `+arg(f.Until.UnixNano()))
	}
	if f.Query != "" {
		// Each brief is searched in its own language's configuration.
		q := arg(f.Query)
		langs := append(append([]string(nil), searchLangs...), "")
		if f.Lang != "" {
			langs = []string{f.Lang}
		}
		quoted := make([]string, len(searchLangs))
		for i, l := range searchLangs {
			quoted[i] = `'` + l + `'`
		}
		var alts []string
		for _, l := range langs {
			cond := `lang NOT IN (` + strings.Join(quoted, `, `) + `)`
			if _, ok := stemmers[l]; ok {
				cond = `lang = '` + l + `'`
			}
			alts = append(alts, `(`+cond+` AND tsv @@ plainto_tsquery('`+tsConfig(l)+`', `+q+`))`)
		}
		conds = append(conds, `(`+strings.Join(alts, ` OR `)+`)`)
	}
	if c != nil {
		at := arg(c.at)
		conds = append(conds, `(`+col+` < `+at+` OR (`+col+` = `+at+` AND id < `+arg(c.id)+`))`)
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// entityKey resolves an entity filter to the key it matches: the
// knowledge-base id when some brief has it, else the name.
func (p *Postgres) entityKey(ctx context.Context, entity string) (string, error) {
	ks := filterEntityKeys(entity)
	var one int
	err := p.pool.QueryRow(ctx, `SELECT 1 FROM readmodel_keys WHERE key = $1 LIMIT 1`, "e:"+ks[0]).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return "e:" + ks[1], nil
	}
	return "e:" + ks[0], err
}

// List implements Store.
func (p *Postgres) List(ctx context.Context, q Query) ([]news.Brief, string, error) {
	c, err := q.normalise()
	if err != nil {
		return nil, "", err
	}
	col := string(q.Sort)
	f := q.Filter
	var sql string
	var args []any
	switch {
	case q.Sort == ByCreated && (f.Topic != "" || f.Entity != ""):
		// Walk the entity's (else the topic's) keys newest first; a topic
		// beside an entity is probed in the same table. The walked keys'
		// conditions are not repeated on the briefs, or the planner reads
		// them through their GIN index and sorts instead.
		key, other := "t:"+f.Topic, ""
		if f.Entity != "" {
			if key, err = p.entityKey(ctx, f.Entity); err != nil {
				return nil, "", fmt.Errorf("listing briefs: %w", err)
			}
			if f.Topic != "" {
				other = "t:" + f.Topic
			}
		}
		rest := f
		rest.Topic, rest.Entity = "", ""
		var where string
		where, args = p.where(rest, col, nil, []any{key})
		cond := ` WHERE k.key = $1`
		if where != "" {
			cond += " AND " + strings.TrimPrefix(where, " WHERE ")
		}
		if other != "" {
			args = append(args, other)
			cond += ` AND EXISTS (SELECT 1 FROM readmodel_keys k2 WHERE k2.key = $` + strconv.Itoa(len(args)) + ` AND k2.at = k.at AND k2.id = k.id)`
		}
		if c != nil {
			args = append(args, c.at, c.id)
			n := strconv.Itoa(len(args))
			m := strconv.Itoa(len(args) - 1)
			cond += ` AND (k.at < $` + m + ` OR (k.at = $` + m + ` AND k.id < $` + n + `))`
		}
		args = append(args, q.Limit+1)
		sql = `SELECT b.id, k.at, b.doc FROM readmodel_keys k JOIN readmodel_briefs b ON b.id = k.id` + cond +
			` ORDER BY k.at DESC, k.id DESC LIMIT $` + strconv.Itoa(len(args))
	default:
		var where string
		where, args = p.where(f, col, c, nil)
		args = append(args, q.Limit+1)
		order := col + ` DESC, id DESC`
		if q.Sort == ByCreated && (!f.Since.IsZero() || !f.Until.IsZero()) {
			// A publication range: read the range and sort it, rather than
			// walk the creation index down to the range.
			order = `created + 0 DESC, id DESC`
		}
		// The ids first, the documents for the page only: a sort then
		// never carries (or detoasts) documents.
		sql = `SELECT id, ` + col + `, doc FROM readmodel_briefs WHERE id IN (SELECT id FROM readmodel_briefs` + where +
			` ORDER BY ` + order + ` LIMIT $` + strconv.Itoa(len(args)) + `) ORDER BY ` + col + ` DESC, id DESC`
	}
	rows, err := p.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, "", fmt.Errorf("listing briefs: %w", err)
	}
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
			return out, last.String(), nil
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
func (p *Postgres) After(ctx context.Context, id string, f Filter, limit int) ([]news.Brief, bool, error) {
	var created int64
	err := p.pool.QueryRow(ctx, `SELECT created FROM readmodel_briefs WHERE id = $1`, id).Scan(&created)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading brief %s: %w", id, err)
	}
	where, args := p.where(f, "created", nil, []any{created, id, limit})
	cond := `(created > $1 OR (created = $1 AND id > $2))`
	if where == "" {
		where = " WHERE " + cond
	} else {
		where += " AND " + cond
	}
	rows, err := p.pool.Query(ctx, `SELECT id, doc FROM readmodel_briefs`+where+` ORDER BY created, id LIMIT $3`, args...)
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
func (p *Postgres) Count(ctx context.Context) (int, error) {
	var n int
	err := p.pool.QueryRow(ctx, `SELECT count(*) FROM readmodel_briefs`).Scan(&n)
	return n, err
}

// Expire implements Store.
func (p *Postgres) Expire(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM readmodel_keys WHERE at < $1`, before.UnixNano()); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM readmodel_briefs WHERE created < $1`, before.UnixNano())
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("expiring briefs: %w", err)
	}
	return int(n), nil
}

// Reset implements Store.
func (p *Postgres) Reset(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pgLock); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `TRUNCATE readmodel_briefs, readmodel_keys; DELETE FROM readmodel_meta`)
		return err
	})
	if err != nil {
		return fmt.Errorf("resetting the read model: %w", err)
	}
	return nil
}

// Analyze updates the planner's statistics (autovacuum does it in time;
// the bench calls it after a bulk load).
func (p *Postgres) Analyze(ctx context.Context) error {
	_, err := p.pool.Exec(ctx, `ANALYZE readmodel_briefs`)
	return err
}
