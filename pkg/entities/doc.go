// Package entities finds people, organisations, places and products in
// Italian and English news without calling any service, so that every brief
// has entities even when no LLM is configured or the LLM fails.
//
// An averaged-perceptron sequence tagger (weights embedded in the binary)
// labels tokens with IOB2 tags; mentions are then canonicalised through an
// alias file that is easy to extend (data/aliases.tsv), grouped across
// spellings and surname-only references, and returned with byte offsets into
// the article body so a page can highlight them.
package entities

import "errors"

// ErrAliases is returned when the alias file has a malformed line.
var ErrAliases = errors.New("entities: bad alias line")
