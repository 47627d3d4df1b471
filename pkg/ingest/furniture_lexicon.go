package ingest

// The word lists that recognise page furniture, Italian and English. They
// are data, kept apart from the scanners in furniture.go so that a language
// registry can supply them later; every entry is lower case.

// bylineLeads open a byline paragraph ("By Toby Sterling", "di Mario
// Rossi", "a cura di Redazione Tech"). Longest first.
var bylineLeads = []string{
	"a cura della redazione", "a cura di", "written by", "reported by", "story by", "words by",
	"testo di", "scritto da", "articolo di", "by", "di", "da",
}

// nameJoiners may sit between the capitalised words of a byline.
var nameJoiners = set(
	"and", "e", "ed", "&", "de", "del", "della", "dei", "di", "da", "van", "von", "der", "den", "la", "le", "du", "y",
)

// wireAgencies are the agencies named in a dateline's brackets, as in
// "SAN FRANCISCO (AP) —" or "(ANSA) - ROMA".
var wireAgencies = set(
	"ap", "reuters", "afp", "ansa", "agi", "adnkronos", "lapresse", "askanews", "dire", "bloomberg",
	"dpa", "efe", "upi", "cnn", "bbc", "nova", "italpress", "xinhua", "kyodo", "yonhap", "ians", "pti",
	"the associated press", "associated press", "agenzia nova",
)

// creditLeads open a wire credit or copyright line ("Reporting by …",
// "© Riproduzione riservata").
var creditLeads = []string{
	"reporting by", "additional reporting by", "editing by", "writing by", "compiled by", "edited by",
	"©", "(c) ", "copyright", "riproduzione riservata", "© riproduzione riservata",
	"all rights reserved", "tutti i diritti riservati", "our standards:", "(reporting by",
	"(additional reporting by", "(editing by", "(writing by", "redazione ansa", "fonte: ansa",
}

// creditPhrases anywhere in a short paragraph mark it as a credit.
var creditPhrases = []string{
	"contributed to this report", "contributed reporting", "ha collaborato", "hanno collaborato",
	"all rights reserved", "tutti i diritti riservati", "riproduzione riservata", "trust principles",
	"this material may not be published", "this story has been corrected", "this story was updated",
}

// captionLeads open a photo or video caption or credit.
var captionLeads = []string{
	"photo:", "photos:", "foto:", "image:", "immagine:", "credit:", "credits:", "video:", "picture:",
	"(photo", "(foto", "(image", "(immagine", "photo by", "foto di", "nella foto", "in foto", "in the photo",
	"pictured:", "file photo", "caption:", "didascalia:", "getty images", "foto ansa", "foto afp",
}

// captionMarks anywhere in a short paragraph mark it as a photo credit.
var captionMarks = []string{
	"reuters/", "/reuters", "ap photo", "afp via getty", "getty images", "/file photo", "file photo",
	"/afp", "afp/", "foto ansa", "ansa/", "/ansa", "epa/", "/epa", "shutterstock", "lapresse/", "/lapresse",
	"imago/", "/imago", "©foto", "© foto", "photo credit", "credito foto",
}

// captionVerbs are what a caption says a pictured subject does ("An AT&T
// logo is pictured in Pasadena, California, U.S., January 24, 2018.").
var captionVerbs = []string{
	" is pictured", " are pictured", " is seen ", " are seen ", " is displayed", " are displayed",
	" is shown", " are shown", " poses ", " pose ", " attends ", " gestures", " looks on", " is photographed",
	" speaks during", " speaks at", " walks ", " stands ", " holds ", " arrives ", " in una foto", " nella foto",
	" ritratto ", " ritratta ", " in posa",
}

// relatedLeads open a related-article line ("Leggi anche: …").
var relatedLeads = []string{
	"leggi anche", "leggi pure", "leggi l'articolo", "leggi l’articolo", "vedi anche", "guarda anche",
	"potrebbe interessarti", "ti potrebbe interessare", "potrebbe interessarti anche", "approfondisci",
	"per approfondire", "articoli correlati", "correlati:", "read more", "read also", "also read",
	"related:", "related articles", "related stories", "related coverage", "see also", "more from",
	"you may also like", "you might also like", "recommended:", "continua a leggere", "continue reading",
	"more on this story", "read next", "watch:", "listen:", "ascolta:", "guarda:", "leggi:",
}

// promoLeads open newsletter, subscription, sharing and cookie lines.
var promoLeads = []string{
	"sign up", "subscribe", "iscriviti", "abbonati", "registrati", "follow us", "seguici", "scarica l'app",
	"scarica l’app", "download the app", "download our app", "share this", "condividi", "advertisement",
	"pubblicità", "annuncio", "ad feedback", "accetta i cookie", "accept cookies", "accept all cookies",
	"we use cookies", "questo sito utilizza cookie", "questo sito usa cookie", "utilizziamo i cookie",
	"usiamo i cookie", "cookie policy", "privacy policy", "manage cookies", "gestisci i cookie",
	"click here", "clicca qui", "get the latest", "ricevi le notizie", "unisciti al canale",
	"join our", "newsletter", "skip to", "vai al contenuto", "torna su", "back to top",
}

// promoPairs mark a short paragraph as promotion when both words occur.
var promoPairs = [][2]string{
	{"newsletter", "iscri"}, {"newsletter", "sign"}, {"newsletter", "subscri"}, {"newsletter", "ricev"},
	{"newsletter", "inbox"}, {"cookie", "accett"}, {"cookie", "accept"}, {"cookie", "utilizz"},
	{"cookie", "we use"}, {"cookie", "consent"}, {"cookie", "consenso"}, {"whatsapp", "canale"},
	{"telegram", "canale"}, {"whatsapp", "channel"}, {"google news", "segui"}, {"google news", "follow"},
}

// dateWords name the months (full and short) of both languages, for
// datelines and related-link dates.
var monthWords = set(
	"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
	"november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
	"novembre", "dicembre", "gen", "mag", "giu", "lug", "ago", "set", "ott", "dic",
)

// italianMonths are capitalised only in a page's date stamps, never in
// Italian prose ("20 Dicembre 2024" ends a related-link line).
var italianMonths = set(
	"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
	"ottobre", "novembre", "dicembre",
)

// dateLeads may precede a date on a date-only line ("Updated", "Pubblicato il").
var dateLeads = []string{
	"published", "updated", "last updated", "posted", "pubblicato il", "pubblicato", "aggiornato il",
	"aggiornato", "ultimo aggiornamento", "ultima modifica", "modificato il", "data:", "date:", "on",
}

// timeWords may stand in a date line beside the date: times, time zones
// and the small words around them ("il", "alle ore", "on … at").
var timeWords = set(
	"at", "alle", "ore", "h", "am", "pm", "a.m", "p.m",
	"et", "est", "edt", "pt", "pst", "gmt", "utc", "cet", "cest", "bst",
	"il", "on", "del",
)

// weekdayWords may open a date.
var weekdayWords = set(
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
	"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// newsroomWords may sign a byline alone ("di Redazione").
var newsroomWords = set("redazione", "staff", "editorial", "newsroom", "desk")

// captionWords name a picture in an image placeholder ("image 677").
var captionWords = set("image", "immagine", "foto", "photo", "picture", "img", "video")

// commentWords count comments under a headline ("0 commenti").
var commentWords = set("commenti", "commento", "comments", "comment", "risposte", "replies")
