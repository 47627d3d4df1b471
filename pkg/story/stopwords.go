package story

import "strings"

// stop are function words of Italian and English (folded: no accents),
// plus the reporting verbs every news article has. They carry no story.
var stop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
the and for that with from this have has had was were are been will would
could should its their they them there than then which who whom what when
where while also after before about into over under more most other some
such only very just but not can may one two three all any each our out
his her him she you your yes said says say told according new last first
year years week day days time today yesterday monday tuesday wednesday
thursday friday saturday sunday per cent percent million billion
della dello delle degli dei del dal dalla dalle dagli dai nel nella nelle
negli nei sul sulla sulle sugli sui per con tra fra che chi non come anche
piu gia sono stato stata stati state essere era erano sara hanno aveva
avevano questo questa questi queste quello quella quelli quelle suo sua
suoi sue loro una uno gli alla alle agli allo coi col cui dove quando
mentre dopo prima secondo oggi ieri domani anno anni giorno giorni ore
lunedi martedi mercoledi giovedi venerdi sabato domenica milioni miliardi
detto dichiarato ancora molto poi cosi tutti tutto tutta tutte ogni
`) {
		m[w] = true
	}
	return m
}()
