package entities

// MaxSentenceTokens bounds the tokens the tagger sees as one sentence. Real
// news sentences stay far below it (the longest in the shared Wikinews set
// and the seed has 157 tokens); a text with no sentence ends at all (1 MiB of
// names or amounts, issue #13) would otherwise be one sentence, and the
// per-sentence alias merge is quadratic in it. A longer run is cut into
// pieces of this size: work per article stays linear in its length.
const MaxSentenceTokens = 256

// capSentences cuts every sentence longer than max tokens into pieces of
// at most max tokens.
func capSentences(sents [][]Token, max int) [][]Token {
	long := false
	for _, s := range sents {
		if len(s) > max {
			long = true
			break
		}
	}
	if !long {
		return sents
	}
	out := make([][]Token, 0, len(sents)+1)
	for _, s := range sents {
		for len(s) > max {
			out = append(out, s[:max:max])
			s = s[max:]
		}
		out = append(out, s)
	}
	return out
}
