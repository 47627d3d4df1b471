// Package storyeval measures story clustering against hand labels: B-cubed
// precision, recall and F1 over all articles, pairwise precision and
// recall of the links between articles in different languages, and
// precision and recall of the syndicated copies flagged.
//
// A data directory holds one article per *.txt file (title, blank line,
// body) and labels.tsv with a header row naming its columns: file, lang,
// published_at (YYYY-MM-DD, may be empty), story_id, and optionally
// source, url, syndicated_from.
package storyeval

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Item is one labelled article.
type Item struct {
	File, Lang, Story, Source, URL, SyndicatedFrom string
	Title, Body                                    string
	// Published is the labelled date; zero when unknown.
	Published time.Time
}

// maxArticle bounds one article file.
const maxArticle = 1 << 20

// Read reads dir's labels and articles, in published order (ties and
// undated articles by file name, undated ones after the article before
// them in that order).
func Read(dir string) ([]Item, error) {
	f, err := os.Open(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var col map[string]int
	var items []Item
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Split(text, "\t")
		if col == nil {
			col = map[string]int{}
			for i, h := range fields {
				col[strings.TrimSpace(h)] = i
			}
			for _, need := range []string{"file", "lang", "published_at", "story_id"} {
				if _, ok := col[need]; !ok {
					return nil, fmt.Errorf("labels.tsv: no %q column", need)
				}
			}
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(fields) {
				return strings.TrimSpace(fields[i])
			}
			return ""
		}
		it := Item{File: get("file"), Lang: get("lang"), Story: get("story_id"), Source: get("source"), URL: get("url"), SyndicatedFrom: get("syndicated_from")}
		if it.File == "" || it.Story == "" || strings.ContainsAny(it.File, `/\`) {
			return nil, fmt.Errorf("labels.tsv line %d: a file name and a story_id are required", line)
		}
		if p := get("published_at"); p != "" {
			t, err := time.Parse("2006-01-02", p)
			if err != nil {
				return nil, fmt.Errorf("labels.tsv line %d: published_at %q: %w", line, p, err)
			}
			it.Published = t
		}
		if it.Title, it.Body, err = readArticle(filepath.Join(dir, it.File)); err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, errors.New("labels.tsv: no articles")
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if !a.Published.Equal(b.Published) && !a.Published.IsZero() && !b.Published.IsZero() {
			return a.Published.Before(b.Published)
		}
		return a.File < b.File
	})
	return items, nil
}

func readArticle(path string) (title, body string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxArticle+1))
	if err != nil {
		return "", "", err
	}
	if len(data) > maxArticle {
		return "", "", fmt.Errorf("%s: larger than %d bytes", path, maxArticle)
	}
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	title, body, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(title), strings.TrimSpace(body), nil
}

// Prediction is what the clustering said of one article.
type Prediction struct {
	Story string
	// DuplicateOf is the file this one was flagged a copy of.
	DuplicateOf string
}

// Report is the measurement.
type Report struct {
	Articles, Stories, PredStories int
	// B-cubed over all articles.
	BP, BR, BF1 float64
	// Cross-lingual links: gold pairs, predicted pairs, both.
	XGold, XPred, XBoth int
	XP, XR              float64
	// Syndication: gold copies, flagged copies, flagged right.
	SGold, SPred, SBoth int
	SP, SR              float64
}

// Score compares predictions (by file) with the labels.
func Score(items []Item, pred map[string]Prediction) Report {
	r := Report{Articles: len(items)}
	gold := map[string][]string{}
	sys := map[string][]string{}
	for _, it := range items {
		gold[it.Story] = append(gold[it.Story], it.File)
		sys[pred[it.File].Story] = append(sys[pred[it.File].Story], it.File)
	}
	r.Stories, r.PredStories = len(gold), len(sys)
	goldOf := map[string]string{}
	for _, it := range items {
		goldOf[it.File] = it.Story
	}
	for _, it := range items {
		g := gold[it.Story]
		s := sys[pred[it.File].Story]
		both := 0
		for _, f := range s {
			if goldOf[f] == it.Story {
				both++
			}
		}
		r.BP += float64(both) / float64(len(s))
		r.BR += float64(both) / float64(len(g))
	}
	n := float64(len(items))
	r.BP, r.BR = r.BP/n, r.BR/n
	r.BF1 = f1(r.BP, r.BR)
	for i, a := range items {
		for _, b := range items[i+1:] {
			if a.Lang == b.Lang {
				continue
			}
			g := a.Story == b.Story
			s := pred[a.File].Story == pred[b.File].Story
			if g {
				r.XGold++
			}
			if s {
				r.XPred++
			}
			if g && s {
				r.XBoth++
			}
		}
	}
	r.XP, r.XR = ratio(r.XBoth, r.XPred), ratio(r.XBoth, r.XGold)
	for _, it := range items {
		p := pred[it.File]
		if it.SyndicatedFrom != "" {
			r.SGold++
		}
		if p.DuplicateOf != "" {
			r.SPred++
			// Either order: the copy may have been seen first.
			if it.SyndicatedFrom == p.DuplicateOf || syndicatedFrom(items, p.DuplicateOf) == it.File {
				r.SBoth++
			}
		}
	}
	r.SP, r.SR = ratio(r.SBoth, r.SPred), ratio(r.SBoth, r.SGold)
	return r
}

func syndicatedFrom(items []Item, file string) string {
	for _, it := range items {
		if it.File == file {
			return it.SyndicatedFrom
		}
	}
	return ""
}

// ratio is a/b, or 1 when b is 0 (nothing claimed, nothing wrong).
func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Write prints the report as a small table.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "articles %d, gold stories %d, predicted stories %d\n", r.Articles, r.Stories, r.PredStories)
	fmt.Fprintf(w, "B-cubed          P %.3f  R %.3f  F1 %.3f\n", r.BP, r.BR, r.BF1)
	fmt.Fprintf(w, "cross-lingual    P %.3f  R %.3f  (links: gold %d, predicted %d, right %d)\n", r.XP, r.XR, r.XGold, r.XPred, r.XBoth)
	fmt.Fprintf(w, "syndication      P %.3f  R %.3f  (copies: gold %d, flagged %d, right %d)\n", r.SP, r.SR, r.SGold, r.SPred, r.SBoth)
}
