/*
 * redact_words.c: the word lists redaction looks words up in (lower case;
 * sorted when a redactor is made) and the lookup.
 */
#include "redact_int.h"

#include <stdlib.h>

/* Never a name, whatever introduces it. */
static const char *const common_words[] = {
	/* function words */
	"a", "about", "above", "after", "again", "against", "all", "also", "although", "always",
	"an", "and", "another", "any", "anyone", "anything", "are", "as", "at", "away", "back",
	"be", "because", "been", "before", "behind", "being", "below", "between", "both", "but",
	"by", "can", "cannot", "could", "did", "do", "does", "doing", "done", "down", "during",
	"each", "either", "else", "even", "ever", "every", "everyone", "everything", "few", "for",
	"from", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
	"himself", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself",
	"just", "least", "less", "many", "me", "might", "more", "most", "much", "must", "my",
	"myself", "neither", "never", "next", "no", "none", "nor", "not", "nothing", "now", "of",
	"off", "often", "on", "once", "one", "only", "onto", "or", "other", "our", "ours", "out",
	"over", "own", "per", "please", "quite", "rather", "really", "same", "shall", "she",
	"should", "since", "so", "some", "someone", "something", "sometimes", "soon", "still",
	"such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
	"those", "though", "through", "till", "to", "today", "together", "tomorrow", "tonight",
	"too", "two", "three", "under", "until", "up", "upon", "us", "very", "was", "we", "well",
	"were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose",
	"why", "with", "within", "without", "would", "yes", "yesterday", "yet", "you", "your",
	"yours", "yourself",
	/* people in general */
	"children", "everybody", "folk", "kids", "men", "patients", "people", "staff", "women",
	/* contractions */
	"can't", "couldn't", "didn't", "doesn't", "don't", "hadn't", "hasn't", "haven't", "isn't",
	"it's", "let's", "shouldn't", "that's", "there's", "wasn't", "weren't", "won't",
	"wouldn't",
	/* verbs that follow "the nurse", "Dr", "my son" and so on */
	"answered", "arrived", "ask", "asked", "asks", "became", "become", "becomes", "booked",
	"brought", "called", "calls", "came", "cancelled", "come", "comes", "cried", "died",
	"diagnosed", "examined", "explained", "felt", "found", "gave", "get", "gets", "give",
	"gives", "go", "goes", "going", "gone", "got", "held", "help", "helped", "helps", "hold",
	"holds", "kept", "knew", "know", "knows", "laughed", "left", "let", "lets", "listened",
	"live", "lived", "lives", "look", "looked", "looks", "made", "make", "makes", "need",
	"needed", "needs", "passed", "phoned", "prescribed", "put", "rang", "referred", "said",
	"saw", "say", "says", "see", "seemed", "seems", "seen", "sent", "showed", "sorted",
	"spoke", "started", "stayed", "stopped", "take", "takes", "talked", "talks", "tell",
	"tells", "thanked", "think", "thinks", "thought", "told", "took", "treated", "tried",
	"turned", "used", "visited", "wait", "waited", "waits", "want", "wanted", "wants", "went",
	"work", "worked", "works", "wrote",
	"ended", "attended", "attends", "cares", "cried", "cries", "depends", "deserves", "does",
	"drives", "eventually", "feels", "finally", "finds", "hates", "likes", "loved", "loves",
	"phones", "recently", "relies", "rings", "sleeps", "spends", "spent", "stays",
	"struggled", "struggles", "suffered", "suffers", "usually", "use", "uses", "visits",
	"walks",
	/* greetings and replies */
	"bye", "cheers", "dear", "hello", "hi", "ok", "okay", "sorry", "thank", "thanks",
	/* titles and roles */
	"dame", "doctor", "dr", "lady", "lord", "madam", "matron", "midwife", "miss", "mr", "mrs",
	"ms", "mx", "nurse", "prof", "professor", "rev", "reverend", "sir", "sister",
	"advisor", "adviser", "assistant", "associate", "consultant", "lead", "manager",
	"paramedic", "physio", "practitioner", "receptionist", "registrar", "specialist",
	"support", "surgeon", "worker", "consultants", "doctors", "led", "nurses",
	"practitioners", "specialists",
	/* services, organisations, places */
	"a&e", "ambulance", "care", "centre", "clinic", "council", "county", "department",
	"facebook", "gp", "google", "group", "health", "healthwatch", "hospital", "nhs",
	"pharmacy", "practice", "royal", "service", "services", "society", "surgery", "team",
	"trust", "unit", "ward", "who",
	"biddulph", "birmingham", "britain", "burslem", "cannock", "england", "hanley", "leek",
	"lichfield", "london", "longton", "newcastle", "penkridge", "rugeley", "staffordshire",
	"stoke", "tamworth", "uk", "uttoxeter", "wales",
	/* days and months (April, May, June and August are in weak_words) */
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
	"february", "march", "july", "september", "october", "november", "december",
	"christmas", "easter", "covid", "coronavirus",
	/* after "my name is" */
	"anonymous", "confidential", "irrelevant", "private", "spelled", "spelt", "unimportant",
	"withheld", "wrong",
};

/* Not a name after "I am" / "I'm": who or how the writer is. */
static const char *const iam_words[] = {
	"able", "afraid", "aged", "alone", "angry", "asian", "atheist", "autistic", "aware",
	"bisexual", "black", "blind", "british", "buddhist", "carer", "catholic", "christian",
	"concerned", "currently", "deaf", "diabetic", "disabled", "divorced", "dyslexic", "elderly",
	"english", "epileptic", "fed", "female", "fine", "fit", "frail", "gay", "glad", "grateful",
	"happy", "hindu", "housebound", "irish", "jewish", "lesbian", "lonely", "lucky", "male",
	"married", "mixed", "muslim", "old", "older", "partially", "patient", "pensioner",
	"polish", "pregnant", "proud", "registered", "retired", "sad", "scared", "scottish", "self",
	"sick", "sikh", "single", "sorry", "sure", "tired", "trans", "transgender", "type",
	"unable", "unhappy", "unwell", "upset", "veteran", "volunteer", "vulnerable", "welsh",
	"white", "widowed", "young", "younger",
};

/* Words that name a place or a service: "a home called Oak House". */
static const char *const place_words[] = {
	"avenue", "centre", "center", "clinic", "close", "court", "drive", "hall", "health",
	"home", "hospital", "house", "hub", "infirmary", "lane", "lodge", "medical", "park",
	"practice", "project", "road", "scheme", "service", "services", "street", "surgery",
	"team", "trust", "unit", "village", "ward", "way",
};

/* Names that are also common words: a name only with a second name word after them. */
static const char *const weak_words[] = {
	"april", "august", "autumn", "faith", "hope", "joy", "june", "may", "summer", "will",
};

/* Lower-case parts of surnames: "Dr de Souza", "Anna van der Berg". */
static const char *const particle_words[] = {
	"ab", "al", "ap", "bin", "da", "de", "del", "della", "den", "der", "di", "du", "el",
	"ibn", "la", "le", "ten", "ter", "van", "von",
};

/* Words before "called" that make it the verb of phoning: "we called Royal Stoke". */
static const char *const caller_words[] = {
	"already", "also", "and", "d", "eventually", "finally", "had", "has", "have", "he",
	"i", "it", "just", "ll", "mum", "never", "she", "then", "they", "twice", "ve", "we",
	"who", "you",
};

/* The postcode areas of the UK, the Channel Islands and the Isle of Man. */
static const char *const postcode_areas[] = {
	"AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF",
	"CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT",
	"DY", "E", "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG",
	"HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L",
	"LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN",
	"NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S",
	"SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA",
	"TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR",
	"WS", "WV", "YO", "ZE",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int list_make(struct wordlist *l, const char *const *words, size_t n)
{
	if (!(l->v = malloc(n * sizeof *l->v)))
		return -1;
	memcpy(l->v, words, n * sizeof *l->v);
	qsort(l->v, n, sizeof *l->v, cmp_str);
	l->n = n;
	return 0;
}

int redact_list_has(const struct wordlist *l, const char *w)
{
	return bsearch(&w, l->v, l->n, sizeof *l->v, cmp_str) != NULL;
}

/*
 * The `n` bytes at `s` in lower case into `buf` (WORD_MAX + 1 bytes), the
 * curly apostrophe written as "'". 0 when the word cannot be in a list:
 * too long, or letters outside ASCII.
 */
static int fold_word(const char *s, size_t n, char *buf)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o >= WORD_MAX)
			return 0;
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x99) {
			buf[o++] = '\'';
			i += 2;
		} else if (c < 0x80) {
			buf[o++] = (char)to_lower(c);
		} else {
			return 0;
		}
	}
	buf[o] = '\0';
	return 1;
}

int redact_word_in(const struct redactor *r, int list, const char *s, size_t n)
{
	char buf[WORD_MAX + 1];

	return fold_word(s, n, buf) && redact_list_has(&r->lists[list], buf);
}

#define LIST(l, words) list_make(&r->lists[l], words, sizeof words / sizeof *words)

int redact_lists_make(struct redactor *r)
{
	return LIST(L_COMMON, common_words) || LIST(L_IAM, iam_words) ||
	       LIST(L_PLACE, place_words) || LIST(L_WEAK, weak_words) ||
	       LIST(L_PARTICLE, particle_words) || LIST(L_CALLER, caller_words) ||
	       LIST(L_AREA, postcode_areas) ? -1 : 0;
}

void redact_lists_free(struct redactor *r)
{
	for (int i = 0; i < NLISTS; i++)
		free(r->lists[i].v);
}
