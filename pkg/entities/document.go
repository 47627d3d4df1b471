package entities

// TagDoc labels the sentences of one document with IOB2 tags.
func (m *Model) TagDoc(sents [][]string) [][]string {
	out := make([][]string, len(sents))
	for i, s := range sents {
		out[i] = m.Tag(s)
	}
	return out
}
