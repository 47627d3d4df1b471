package amount

import (
	"sort"
	"strings"
)

// lexeme is what the scanner knows about one lower-cased word. One word can
// play several parts ("a" is an English "one" before a scale word and an
// Italian preposition before a month), so the fields are independent.
type lexeme struct {
	key string
	idx int16 // position in lexemes, plus one

	scale   float64 // multiplier after a number: mila, milioni, bn, million
	curOnly bool    // scale only next to a currency ("£2.3m"), never bare ("10m" may be metres)
	gluable bool    // may be written glued to the digits ("10mila", "$10bn")
	vague   float64 // vague amount: decine 10, centinaia 100, millions 1e6 (lower bound)
	num     float64 // number word that can stand before a scale word: un, due, one, a
	itSing  bool    // Italian singular scale (milione): only after "un"/"mezzo"
	itPl    bool    // Italian plural scale (milioni): never after "un"

	cur    string // currency named by the word: dollari, euro, yen
	preAdj string // adjective before a currency word that picks it: canadian → CAD
	postAd string // adjective after a currency word that picks it: canadesi → CAD

	month    int
	abbr     bool // month abbreviation: only inside a full date, never alone
	en       bool // English month or weekday: counts only when capitalised (May, March)
	weekday  bool
	weekdayN int // 1 = Sunday … 7 = Saturday

	unit      bool // a unit noun that makes a plain small number a QUANTITY ("100 dipendenti")
	mUnit     bool // a measurement unit that may be glued to the digits ("3nm", "10GB")
	stop      bool // function word: never a unit
	of        bool // di, of: links a scale to its currency or unit
	art       bool // article that may sit between a qualifier and the number
	yearPrep  bool // word that makes an older four-digit number a year ("nel 1497", "since 1800")
	monthPrep bool // preposition that makes a bare month name a date ("a dicembre", "in May")
	pct       int  // 1: percent on its own (percento, percent); 2: "per" waiting for cento/cent
}

var (
	maxLexLen int // longest key in bytes: longer words are not looked up
	lexicon   = map[string]*lexeme{}
	lexemes   []*lexeme // by idx-1, so tokens can refer to a lexeme without a pointer
)

func lx(word string) *lexeme {
	if l, ok := lexicon[word]; ok {
		return l
	}
	lexemes = append(lexemes, &lexeme{key: word, idx: int16(len(lexemes) + 1)})
	l := lexemes[len(lexemes)-1]
	lexicon[word] = l
	maxLexLen = max(maxLexLen, len(word))
	return l
}

func each(words string, f func(*lexeme)) {
	for _, w := range strings.Fields(words) {
		f(lx(w))
	}
}

// currency codes written in capitals before or after a number ("EUR 3 million").
var currencyCodes = map[string]bool{
	"USD": true, "EUR": true, "GBP": true, "JPY": true, "CHF": true, "CNY": true, "RMB": true,
	"INR": true, "RUB": true, "KRW": true, "CAD": true, "AUD": true, "HKD": true, "SEK": true,
	"NOK": true, "DKK": true, "BRL": true,
}

// currencySymbols maps a currency sign to its code. "¥" is taken as yen; yuan
// amounts are nearly always written with the word.
var currencySymbols = map[rune]string{
	'$': "USD", '€': "EUR", '£': "GBP", '¥': "JPY", '₹': "INR", '₽': "RUB", '₩': "KRW",
}

// dollarPrefixes are the letters glued before "$": US$, C$, A$, HK$.
var dollarPrefixes = map[string]string{"US": "USD", "C": "CAD", "A": "AUD", "HK": "HKD", "NZ": "NZD", "S": "SGD"}

// qualifier phrases, matched backwards from the number. Longer phrases are
// tried first so "non meno di" wins over "meno di".
type qualPhrase struct {
	words []string
	q     string
}

var qualPhrases []qualPhrase

func addQual(q string, phrases ...string) {
	for _, p := range phrases {
		ws := strings.Fields(p)
		for _, w := range ws {
			lx(w)
		}
		qualPhrases = append(qualPhrases, qualPhrase{words: ws, q: q})
	}
}

func init() {
	scale := func(v float64, glue, curOnly bool, words string) {
		each(words, func(l *lexeme) { l.scale, l.gluable, l.curOnly = v, glue, curOnly })
	}
	scale(1e3, true, false, "mila")
	scale(1e3, false, false, "thousand migliaio")
	scale(1e3, true, true, "k")
	scale(1e6, false, false, "milione milioni million")
	scale(1e6, true, false, "mln mn")
	scale(1e6, true, true, "m")
	scale(1e9, false, false, "miliardo miliardi billion")
	scale(1e9, true, false, "mld mrd mdi bn bln")
	scale(1e9, true, true, "b")
	// Italian "bilione" is 1e12. "trilione" is strictly 1e18, but tech news
	// uses it as a calque of the English "trillion", so it is 1e12 here.
	scale(1e12, false, false, "bilione bilioni trilione trilioni trillion")
	scale(1e12, true, false, "tn trn")
	each("milione miliardo migliaio bilione trilione", func(l *lexeme) { l.itSing = true })
	each("milioni miliardi mila bilioni trilioni", func(l *lexeme) { l.itPl = true })

	vague := func(v float64, words string) { each(words, func(l *lexeme) { l.vague = v }) }
	vague(10, "decine tens")
	vague(12, "dozzine dozens")
	vague(100, "centinaia hundreds")
	vague(1e3, "migliaia thousands")
	vague(1e6, "milioni millions")
	vague(1e9, "miliardi billions")

	num := func(v float64, words string) { each(words, func(l *lexeme) { l.num = v }) }
	num(1, "un uno una a one")
	num(0.5, "mezzo half")
	num(2, "due two")
	num(3, "tre three")
	num(4, "quattro four")
	num(5, "cinque five")
	num(6, "sei six")
	num(7, "sette seven")
	num(8, "otto eight")
	num(9, "nove nine")
	num(10, "dieci ten")
	num(20, "venti twenty")
	num(100, "cento hundred")
	num(1000, "mille")

	cur := func(code, words string) { each(words, func(l *lexeme) { l.cur = code }) }
	cur("USD", "dollaro dollari dollar dollars")
	cur("EUR", "euro euros")
	cur("GBP", "sterlina sterline pound pounds sterling")
	cur("JPY", "yen")
	cur("CNY", "yuan renminbi")
	cur("CHF", "franco franchi franc francs")
	cur("INR", "rupia rupie rupee rupees")
	cur("SEK", "corona corone krona kronor")
	cur("RUB", "rublo rubli rouble roubles ruble rubles")
	lx("us").preAdj = "USD"
	lx("canadian").preAdj = "CAD"
	lx("australian").preAdj = "AUD"
	lx("swiss").preAdj = "CHF"
	lx("taiwan").preAdj = "TWD"
	lx("taiwanese").preAdj = "TWD"
	lx("singapore").preAdj = "SGD"
	lx("taiwanesi").postAd = "TWD"
	lx("singaporiani").postAd = "SGD"
	lx("svedesi").postAd = "SEK"
	lx("norvegesi").postAd = "NOK"
	lx("danesi").postAd = "DKK"
	lx("ceche").postAd = "CZK"
	lx("statunitensi").postAd = "USD"
	lx("americani").postAd = "USD"
	lx("canadesi").postAd = "CAD"
	lx("australiani").postAd = "AUD"
	lx("svizzeri").postAd = "CHF"

	months := []string{
		"gennaio january", "febbraio february", "marzo march", "aprile april", "maggio may", "giugno june",
		"luglio july", "agosto august", "settembre september", "ottobre october", "novembre november", "dicembre december",
	}
	abbrs := []string{"gen jan", "feb", "mar", "apr", "mag", "giu jun", "lug jul", "ago aug", "set sep sept", "ott oct", "nov", "dic dec"}
	for i, ws := range months {
		f := strings.Fields(ws)
		lx(f[0]).month = i + 1
		l := lx(f[1])
		l.month, l.en = i+1, true
	}
	for i, ws := range abbrs {
		each(ws, func(l *lexeme) {
			if l.month == 0 {
				l.month, l.abbr = i+1, true
			}
		})
	}
	for i, ws := range []string{"domenica sunday", "lunedì lunedi monday", "martedì martedi tuesday", "mercoledì mercoledi wednesday",
		"giovedì giovedi thursday", "venerdì venerdi friday", "sabato saturday"} {
		each(ws, func(l *lexeme) {
			l.weekday, l.weekdayN = true, i+1
			l.en = l.key[len(l.key)-1] == 'y' // the English names end in "day"
		})
	}

	// Unit nouns: a plain number below 1000 becomes a QUANTITY only before one of these.
	each(`chip chips gpu gpus cpu cpus tpu tpus processori processors server servers core cores qubit qubits
		utenti utente users user dipendenti employees lavoratori workers posti jobs persone people clienti customers
		abbonati subscribers iscritti follower followers download downloads dispositivi devices unità units copie copies
		veicoli vehicles auto cars smartphone licenziamenti layoffs esuberi ingegneri engineers sviluppatori developers
		ricercatori researchers parametri parameters token tokens transistor transistors satelliti satellites
		visitatori visitors negozi stores data datacenter tonnellate tonnes tons barili barrels azioni shares
		megawatt gigawatt terawatt watt chilometri kilometres kilometers km miglia miles metri metres meters`,
		func(l *lexeme) { l.unit = true })
	each(`gb tb pb mb kb ghz mhz nm mm cm km kg mw gw kw kwh mwh gwh twh mah tops tflops pflops exaflops`,
		func(l *lexeme) { l.unit, l.mUnit = true, true })

	each(`di del dello della dei degli delle d da dal dallo dalla dai dagli dalle in nel nello nella nei negli nelle
		a ad al allo alla ai agli alle all su sul sulla sui con per tra fra e ed o od il lo la i gli le l un una uno
		che non come più piu meno oltre circa quasi fino almeno anche è sono era erano ha hanno sarà volte volta
		anni anno mesi mese giorni giorno ore ora fa ogni
		of the a an and or in on at to for from by with than that which who is are was were be been has have had
		will would more less over under about around some up least times time years year months month days day
		hours ago each per as into`,
		func(l *lexeme) { l.stop = true })
	each("di of d", func(l *lexeme) { l.of = true })
	each("il lo la l i gli le the", func(l *lexeme) { l.art = true })
	each(`a ad in di da entro dal nel fino tra fra inizio fine metà since by until till during early late mid last next this from before after`,
		func(l *lexeme) { l.monthPrep = true })
	each(`nel del dal al nell dell dall all entro anno year in since by until from before after early late mid`,
		func(l *lexeme) { l.yearPrep = true })
	each("percento percent pct", func(l *lexeme) { l.pct = 1 })
	lx("per").pct = 2
	each("cento cent punti punto percentuali percentuale percentage points point", func(*lexeme) {})

	addQual("over", "oltre", "più di", "più del", "più dei", "più degli", "più della", "più dell",
		"piu di", "over", "more than", "above", "in excess of", "upwards of", "superiore a", "superiori a")
	addQual("under", "meno di", "meno del", "meno dei", "meno della", "meno dell", "under", "less than",
		"fewer than", "below", "sotto", "inferiore a", "inferiori a")
	addQual("about", "circa", "quasi", "intorno a", "intorno al", "intorno ai", "attorno a", "attorno al",
		"attorno ai", "about", "around", "some", "approximately", "roughly", "nearly", "almost", "approx", "ca")
	addQual("up_to", "fino a", "fino al", "fino ai", "fino agli", "fino all", "up to", "as much as",
		"as many as", "al massimo", "at most")
	addQual("at_least", "almeno", "at least", "non meno di", "non meno del")
	sort.SliceStable(qualPhrases, func(i, j int) bool { return len(qualPhrases[i].words) > len(qualPhrases[j].words) })
}
