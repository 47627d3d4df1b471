// Command kbbuild converts the shared bilingual place and organisation list
// (../shared/data/kb/entities.tsv: countries, regions, first-level
// subdivisions, cities, international organisations) into the compact file
// the offline entity engine embeds, pkg/entities/data/places.tsv.gz.
//
//	go run ./pkg/entities/cmd/kbbuild -in ../shared/data/kb/entities.tsv \
//	    -out pkg/entities/data/places.tsv.gz
//
// Each output line is id, kind, English name, Italian name (empty when the
// same as the English one) and the aliases of both languages joined with
// "|". Kinds: C country, R world region, O international organisation,
// S first-level subdivision, T city. Rows are sorted by id and the gzip
// header carries no time, so the same input gives the same bytes.
package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kbbuild:", err)
		os.Exit(1)
	}
}

var kinds = map[string]string{
	"LOC.country": "C", "LOC.region": "R", "ORG.international": "O",
	"LOC.subdivision": "S", "LOC.city": "T",
}

func run(args []string) error {
	fs := flag.NewFlagSet("kbbuild", flag.ContinueOnError)
	in := fs.String("in", "../shared/data/kb/entities.tsv", "shared KB file (id, type, label_en, label_it, aliases_en, aliases_it)")
	out := fs.String("out", "pkg/entities/data/places.tsv.gz", "compact file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	var rows []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		if n == 1 {
			continue // header
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 6 {
			return fmt.Errorf("%s:%d: %d fields, want 6", *in, n, len(c))
		}
		kind, ok := kinds[c[1]]
		if !ok {
			return fmt.Errorf("%s:%d: unknown type %q", *in, n, c[1])
		}
		id, en, it := c[0], strings.TrimSpace(c[2]), strings.TrimSpace(c[3])
		if en == "" {
			en = it
		}
		if en == "" {
			continue
		}
		if it == en {
			it = ""
		}
		seen := map[string]bool{strings.ToLower(en): true, strings.ToLower(it): true}
		var al []string
		for _, s := range strings.Split(c[4]+"|"+c[5], "|") {
			s = strings.TrimSpace(s)
			if s == "" || seen[strings.ToLower(s)] || strings.ContainsAny(s, "\t") {
				continue
			}
			seen[strings.ToLower(s)] = true
			al = append(al, s)
		}
		rows = append(rows, strings.Join([]string{id, kind, en, it, strings.Join(al, "|")}, "\t"))
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(rows) == 0 {
		return errors.New("no rows")
	}
	sort.Strings(rows)
	o, err := os.Create(*out)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(o, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	fmt.Fprintln(w, "# Built by pkg/entities/cmd/kbbuild from the newsbrief shared KB; sources and licences in pkg/entities/README.md.")
	for _, r := range rows {
		fmt.Fprintln(w, r)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "kbbuild: %d rows -> %s\n", len(rows), *out)
	return o.Close()
}
