package nereval

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Brief-level evaluation (issue #14): what a reader sees. A labels file
// lists, per article, the entities its brief should show:
//
//	file<TAB>type<TAB>name<TAB>aliases<TAB>id
//
// file is the article's file name (its language is the file name's prefix:
// "it_…", "en_…"), type one of PERSON ORG LOCATION PRODUCT EVENT LAW, name
// the name the brief should show in the article's language, aliases other
// ways the article writes it (joined with "|"), id the knowledge-base id
// it should carry (empty: the entity is not expected to be known). Lines
// starting with "#" are comments; "# url FILE URL" records where an article
// came from. Every article with labels must be in the texts directory; an
// article with no entity to find is listed with type "-".

// BriefLabel is one expected entity of an article.
type BriefLabel struct {
	File, Lang, Type, Name, ID string
	Aliases                    []string
}

// ReadBriefLabels reads a labels file.
func ReadBriefLabels(path string) ([]BriefLabel, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readBriefLabels(f, path)
}

func readBriefLabels(r io.Reader, name string) ([]BriefLabel, error) {
	var out []BriefLabel
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		for len(f) < 5 {
			f = append(f, "")
		}
		if len(f) > 5 || f[0] == "" || (f[1] != "-" && (f[2] == "" || !briefTypes[f[1]])) {
			return nil, fmt.Errorf("%s:%d: want file, type, name, aliases, id: %q", name, n, line)
		}
		lang, _, _ := strings.Cut(filepath.Base(f[0]), "_")
		l := BriefLabel{File: f[0], Lang: lang, Type: f[1], Name: f[2], ID: f[4]}
		for _, a := range strings.Split(f[3], "|") {
			if a = strings.TrimSpace(a); a != "" {
				l.Aliases = append(l.Aliases, a)
			}
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

var briefTypes = map[string]bool{news.Person: true, news.Org: true, news.Location: true, news.Product: true, news.Event: true, news.Law: true}

// BriefScoredTypes are the types precision and recall are reported over
// (EVENT and LAW are reported on their own lines but not in "overall").
var BriefScoredTypes = []string{news.Person, news.Org, news.Location, news.Product}

// BriefReport is the outcome of a brief-level evaluation.
type BriefReport struct {
	Articles int
	// ByLang["it"]["ORG"], with "all" for every language and "overall"
	// for the scored types together.
	ByLang map[string]map[string]*Counts
	// Known: matched entities the labels expect to be known (an id);
	// KnownID: of those, shown with that id; OtherName: shown with another
	// name than the label's ("Gemini" for "Gemini 3"); WrongLang: of
	// those, shown with a name the labels give the same id in another
	// language only ("Stati Uniti" in an English brief).
	Known, KnownID, OtherName, WrongLang int
	// Misses and FalsePos list the unmatched labels and predictions.
	Misses, FalsePos []string
}

// ScoreBriefs compares the entities predict returns for each article with
// the labels. A prediction matches a label of the same type when they have
// the same non-empty id, or when its name or one of its mentions as written
// is the label's name or one of its aliases (case and spacing ignored);
// each label and each prediction matches at most once.
func ScoreBriefs(labels []BriefLabel, texts func(file string) (string, error), predict func(body, lang string) []news.Entity) (BriefReport, error) {
	rep := BriefReport{ByLang: map[string]map[string]*Counts{}}
	byFile := map[string][]BriefLabel{}
	var files []string
	for _, l := range labels {
		if _, ok := byFile[l.File]; !ok {
			files = append(files, l.File)
		}
		if l.Type == "-" {
			byFile[l.File] = append(byFile[l.File], []BriefLabel(nil)...)
			continue
		}
		byFile[l.File] = append(byFile[l.File], l)
	}
	sort.Strings(files)
	// names[id][lang]: the names labels give each id, per language.
	names := map[string]map[string]map[string]bool{}
	for _, l := range labels {
		if l.ID == "" || l.Type == "-" {
			continue
		}
		if names[l.ID] == nil {
			names[l.ID] = map[string]map[string]bool{}
		}
		if names[l.ID][l.Lang] == nil {
			names[l.ID][l.Lang] = map[string]bool{}
		}
		names[l.ID][l.Lang][norm(l.Name)] = true
	}
	count := func(lang, typ string) []*Counts {
		var out []*Counts
		for _, lg := range []string{lang, "all"} {
			if rep.ByLang[lg] == nil {
				rep.ByLang[lg] = map[string]*Counts{}
			}
			for _, t := range []string{typ, "overall"} {
				if t == "overall" && !contains(BriefScoredTypes, typ) {
					continue
				}
				if rep.ByLang[lg][t] == nil {
					rep.ByLang[lg][t] = &Counts{}
				}
				out = append(out, rep.ByLang[lg][t])
			}
		}
		return out
	}
	for _, file := range files {
		body, err := texts(file)
		if err != nil {
			return rep, fmt.Errorf("article %s: %w", file, err)
		}
		rep.Articles++
		lang, _, _ := strings.Cut(filepath.Base(file), "_")
		gold := byFile[file]
		var pred []news.Entity
		for _, e := range predict(body, lang) {
			if briefTypes[e.Type] {
				pred = append(pred, e)
			}
		}
		used := make([]bool, len(pred))
		for _, g := range gold {
			match := -1
			for i, p := range pred {
				if !used[i] && p.Type == g.Type && briefMatch(g, p, body) {
					match = i
					break
				}
			}
			if match < 0 {
				for _, c := range count(lang, g.Type) {
					c.FN++
				}
				rep.Misses = append(rep.Misses, fmt.Sprintf("%s\t%s\t%s", file, g.Type, g.Name))
				continue
			}
			used[match] = true
			p := pred[match]
			for _, c := range count(lang, g.Type) {
				c.TP++
			}
			if g.ID != "" {
				rep.Known++
				if p.ID == g.ID {
					rep.KnownID++
				}
				if norm(p.Name) != norm(g.Name) {
					rep.OtherName++
					wrong := false
					for lg, ns := range names[g.ID] {
						if lg != lang && ns[norm(p.Name)] && !names[g.ID][lang][norm(p.Name)] {
							wrong = true
						}
					}
					note := "shown as"
					if wrong {
						rep.WrongLang++
						note = "shown in another language as"
					}
					rep.Misses = append(rep.Misses, fmt.Sprintf("%s\t%s\t%s\t%s %q", file, g.Type, g.Name, note, p.Name))
				}
			}
		}
		for i, p := range pred {
			if used[i] {
				continue
			}
			for _, c := range count(lang, p.Type) {
				c.FP++
			}
			rep.FalsePos = append(rep.FalsePos, fmt.Sprintf("%s\t%s\t%s\t%s", file, p.Type, p.Name, p.ID))
		}
	}
	return rep, nil
}

func briefMatch(g BriefLabel, p news.Entity, body string) bool {
	if g.ID != "" && p.ID == g.ID {
		return true
	}
	names := append([]string{g.Name}, g.Aliases...)
	cands := []string{p.Name}
	for _, m := range p.Mentions {
		if m.Start >= 0 && m.Start <= m.End && m.End <= len(body) {
			cands = append(cands, body[m.Start:m.End])
		}
	}
	for _, c := range cands {
		for _, n := range names {
			if norm(c) == norm(n) {
				return true
			}
		}
	}
	return false
}

func norm(s string) string {
	s = strings.ReplaceAll(s, "’", "'")
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Write prints the report: P/R/F1 per language and type, then the id and
// language figures, then misses (-) and false positives (+).
func (r BriefReport) Write(w io.Writer, details bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d articles\n%-6s %-9s %5s %5s %5s %7s %7s %7s\n", r.Articles, "lang", "type", "tp", "fp", "fn", "P", "R", "F1")
	langs := make([]string, 0, len(r.ByLang))
	for l := range r.ByLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		types := make([]string, 0, len(r.ByLang[l]))
		for t := range r.ByLang[l] {
			types = append(types, t)
		}
		sort.Slice(types, func(i, j int) bool {
			if (types[i] == "overall") != (types[j] == "overall") {
				return types[j] == "overall"
			}
			return types[i] < types[j]
		})
		for _, t := range types {
			c := r.ByLang[l][t]
			fmt.Fprintf(&b, "%-6s %-9s %5d %5d %5d %7.3f %7.3f %7.3f\n", l, t, c.TP, c.FP, c.FN, c.P(), c.R(), c.F1())
		}
	}
	fmt.Fprintf(&b, "known entities found: %d; with the expected id: %d (%.3f); shown with another name: %d (%.3f); in the wrong language: %d (%.3f)\n",
		r.Known, r.KnownID, ratio(r.KnownID, r.Known), r.OtherName, ratio(r.OtherName, r.Known), r.WrongLang, ratio(r.WrongLang, r.Known))
	if details {
		for _, m := range r.Misses {
			fmt.Fprintf(&b, "- %s\n", m)
		}
		for _, m := range r.FalsePos {
			fmt.Fprintf(&b, "+ %s\n", m)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
