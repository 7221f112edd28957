/*
 * redact.c: finding personal data in free text and replacing it with tags.
 *
 * The passes read the normalised copy of the text (common/textnorm.c), so
 * "07700<U+00A0>900123", "943<U+200B>476<U+200B>5919" and a fullwidth
 * "ＳＴ４ ６ＱＧ" read as their plain forms; the spans found there are mapped
 * back to the original bytes, which are what gets replaced.
 *
 * One call makes five passes over the text, each claiming the bytes it
 * replaces so that later passes leave them alone:
 *
 *   1. e-mail addresses, grown outwards from each '@';
 *   2. runs of digits joined by spaces, hyphens and brackets: NHS numbers
 *      (10 digits, alone or 3-3-4, valid check digit) before UK phone
 *      numbers (0 or +44 / 0044, 10 or 11 digits once normalised) and
 *      numbers written with another +country code;
 *   3. full postcodes (a known postcode area, outward and inward code, with
 *      or without the space);
 *   4. names after an introducing phrase, found with two PCRE2 patterns: one
 *      for the phrases, one that reads the next word and says its shape
 *      (Capitalised, CAPITALS, lower case, an initial, or a letter without
 *      case), and word lists that say which words are not names;
 *   5. later mentions of a name found in pass 4.
 *
 * Passes 1 to 3 read ASCII only and look at each byte a bounded number of
 * times. The patterns of pass 4 have no nested repetition that could
 * backtrack badly and run under a match limit. The text is checked for
 * valid UTF-8 once; PCRE2 then only ever sees its valid stretches, each
 * matched with PCRE2_NO_UTF_CHECK (PCRE2 would otherwise check the rest of
 * the text again on every call, which is quadratic), so invalid bytes are
 * never part of a match. Replacements start and end on ASCII bytes or on
 * the edges of whole letters, so valid UTF-8 stays valid.
 */
#include "redact.h"
#include "strbuf.h"
#include "textnorm.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define MATCH_LIMIT 100000
#define DEPTH_LIMIT 1000
#define CAPS_WINDOW 100     /* bytes each side of a phrase that say whether the writer uses capitals */
#define MAX_SEEN 32         /* name words remembered for later mentions */
#define WORD_MAX 40         /* longer words are never in the lists */

enum kind {
	K_EMAIL = REDACT_EMAIL,
	K_PHONE = REDACT_PHONE,
	K_NHS = REDACT_NHS,
	K_POSTCODE = REDACT_POSTCODE,
	K_NAME = REDACT_NAME,
};

static const char *const tag_text[] = { "[email]", "[phone]", "[NHS number]", "[postcode]",
					"[name]" };

/* -- word lists (lower case; sorted when a redactor is made) ------------------- */

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

struct wordlist {
	const char **v;
	size_t n;
};

enum { L_COMMON, L_IAM, L_PLACE, L_WEAK, L_PARTICLE, L_CALLER, L_AREA, NLISTS };

/* -- patterns -------------------------------------------------------------------- */

/* The phrases that introduce a name; the group that matched says which kind. */
enum intro {
	I_STRONG = 1,   /* "my name is", "name:", "contact me:" */
	I_IAM = 2,      /* "I am", "I'm" */
	I_TITLE = 3,    /* "Dr", "Mrs", "Nurse", "Sister", ... */
	I_CALLED = 4,   /* "called", "named", "call me" */
	I_FAMILY = 5,   /* "my son", "our mum", "my mother-in-law" */
	I_SIGNOFF = 6,  /* "Regards,", "Many thanks,", "Signed" */
};

static const char intro_pattern[] =
	"(?<![\\p{L}\\p{N}_'\\x{2019}])(?:"
	"(my\\s+names?\\s+is|my\\s+name['\\x{2019}]s|my\\s+name\\s+was"
	"|(?:full\\s+|first\\s+|sur)?name\\s*:|contact(?:\\s+name|\\s+me)?\\s*:)"
	"|(i\\s+am|i['\\x{2019}]m)"
	"|(dr|doctor|prof|professor|mrs|mr|ms|miss|mx|nurse|sister|matron|midwife)"
	"|(called|named|call\\s+me)"
	"|((?:my|our|his|her|their)\\s+"
	"(?:(?:late|little|eldest|youngest|elder|younger|older|oldest|baby|twin|great)[\\s-]+){0,2}"
	"(?:grand(?:son|daughter|child|ma|mother|pa|father|dad)|granddad|grandad"
	"|step(?:son|daughter|mum|mother|dad|father)|son|daughter|wife|husband|partner|mummy|mum"
	"|mom|mother|daddy|dad|father|brother|sister|nanna|nana|nanny|nan|granny|gran|aunty"
	"|auntie|aunt|uncle|nephew|niece|cousin|friend|neighbour|neighbor|carer|fianc\\x{e9}e?"
	"|fiancee?|boyfriend|girlfriend|child|baby|boy|girl)(?:-in-law)?)"
	"|((?:kind\\s+|best\\s+|warm\\s+|many\\s+)?(?:regards|thanks)\\s*,|signed\\s*:?"
	"|yours\\s+(?:sincerely|faithfully|truly)\\s*,?)"
	")(?![\\p{L}\\p{N}_])";

/* The shape of the word at the start: which group matched. */
enum shape {
	W_INITIAL = 1,  /* "J" or "J." before another word */
	W_UPPER = 2,    /* "HUGHES", "O'NEILL" */
	W_CAP = 3,      /* "Hughes", "McDonald", "O'Neill", "Smith-Jones", "Zoë", "Łukasz" */
	W_LOWER = 4,    /* "hughes", "o'neill" */
	W_OTHER = 5,    /* letters without case (Arabic, Devanagari, CJK, ...) */
};

static const char word_pattern[] =
	"(\\p{Lu}\\.?)(?=[ \\t])"
	"|(\\p{Lu}\\p{M}*(?:(?:-|['\\x{2019}])?\\p{Lu}\\p{M}*)+)(?![\\p{L}\\p{M}\\p{N}_])"
	"|(\\p{Lu}\\p{M}*(?:(?:-|['\\x{2019}](?=\\p{Lu}))?\\p{L}\\p{M}*)*)(?![\\p{L}\\p{M}\\p{N}_])"
	"|((?:\\p{Ll}['\\x{2019}](?=\\p{Ll}))?\\p{Ll}\\p{M}*(?:-?\\p{Ll}\\p{M}*)*)"
	"(?![\\p{L}\\p{M}\\p{N}_])"
	"|([\\p{Lo}\\p{Lm}][\\p{Lo}\\p{Lm}\\p{M}]*)(?![\\p{L}\\p{M}\\p{N}_])";

struct redactor {
	pcre2_code *intro, *word;
	pcre2_match_context *mctx;
	struct wordlist lists[NLISTS];
};

/* -- small helpers --------------------------------------------------------------- */

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

static int is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static unsigned char to_lower(unsigned char c)
{
	return is_upper(c) ? (unsigned char)(c - 'A' + 'a') : c;
}

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

static int list_has(const struct wordlist *l, const char *w)
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

static int word_in(const struct redactor *r, int list, const char *s, size_t n)
{
	char buf[WORD_MAX + 1];

	return fold_word(s, n, buf) && list_has(&r->lists[list], buf);
}

/*
 * The length of a quotation mark or dash written in UTF-8 at `s` (n bytes
 * left), 0 for anything else: ‘ ’ “ ” – — … « » and the no-break space.
 */
static size_t punct_len(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == 0xC2 && (s[1] == 0xAB || s[1] == 0xBB || s[1] == 0xA0))
		return 2;
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
	    (s[2] == 0x98 || s[2] == 0x99 || s[2] == 0x9C || s[2] == 0x9D || s[2] == 0x93 ||
	     s[2] == 0x94 || s[2] == 0xA6))
		return 3;
	return 0;
}

/* 1 when the UTF-8 character that ends at `end` is one punct_len() knows. */
static int punct_ends_at(const unsigned char *s, size_t end)
{
	if (end >= 2 && punct_len(s + end - 2, 2) == 2)
		return 1;
	return end >= 3 && punct_len(s + end - 3, 3) == 3;
}

/* -- one call's state -------------------------------------------------------- */

struct span {
	size_t a, b;
	enum kind k;
};

struct job {
	const struct redactor *r;
	const unsigned char *s;      /* the normalised copy the passes read */
	size_t n;                    /* its length */
	unsigned char *claimed;      /* one flag per byte of the copy */
	struct span *spans;          /* in the copy's bytes until map_spans() */
	size_t nspans, capspans;
	size_t *groups;              /* digit runs of one chain: start, end, start, end, ... */
	size_t capgroups;            /* allocated elements (two a group) */
	size_t *segs;                /* stretches of valid UTF-8: start, end, start, end, ... */
	size_t nsegs;
	pcre2_match_data *md, *wmd;
	size_t ia, ib;               /* the introducing phrase being read */
	int caps;                    /* whether capitals are written around it; -1: not worked out yet */
	size_t seen[MAX_SEEN][2];    /* name words found, for later mentions */
	size_t nseen;
	int oom;
};

static int is_free(const struct job *j, size_t a, size_t b)
{
	return b > a && !memchr(j->claimed + a, 1, b - a);
}

static void claim(struct job *j, size_t a, size_t b, enum kind k)
{
	if (ALLOC_GROW(j->spans, j->nspans + 1, j->capspans) < 0) {
		j->oom = 1;
		return;
	}
	j->spans[j->nspans++] = (struct span){ a, b, k };
	memset(j->claimed + a, 1, b - a);
}

/* -- 1. e-mail addresses ------------------------------------------------------- */

static int local_char(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' ||
	       c == '\'' || c >= 0x80;
}

static int domain_char(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

/* 1 when [a, b) is a domain: two or more labels, the last 2 or more ASCII letters. */
static int domain_ok(const unsigned char *s, size_t a, size_t b)
{
	size_t dots = 0, last = a, len = 0;

	for (size_t i = a; i < b; i++) {
		if (s[i] == '.') {
			if (i == last)
				return 0;   /* empty label */
			dots++;
			last = i + 1;
		}
	}
	if (!dots || last >= b)
		return 0;
	for (size_t i = last; i < b; i++, len++)
		if (!is_alpha(s[i]))
			return 0;
	return len >= 2;
}

static void find_emails(struct job *j)
{
	const unsigned char *s = j->s;
	size_t n = j->n, at = 0;

	while (at < n) {
		const unsigned char *p = memchr(s + at, '@', n - at);
		size_t l, r;

		if (!p)
			break;
		at = (size_t)(p - s);
		l = at;
		while (l > 0 && local_char(s[l - 1]))
			l--;
		/* Quotation marks and punctuation before the address are not part of it. */
		while (l < at) {
			size_t q = punct_len(s + l, at - l);

			if (q)
				l += q;
			else if (s[l] < 0x80 && !is_alnum(s[l]))
				l++;
			else
				break;
		}
		r = at + 1;
		while (r < n && domain_char(s[r]))
			r++;
		while (r > at + 1 && (s[r - 1] == '.' || s[r - 1] == '-'))
			r--;
		if (l < at && domain_ok(s, at + 1, r) && is_free(j, l, r))
			claim(j, l, r, K_EMAIL);
		at = r > at + 1 ? r : at + 1;
	}
}

/* -- 2. NHS and phone numbers -------------------------------------------------- */

int redact_nhs_valid(const char *digits, size_t n)
{
	int sum = 0, check, zeros = 1;

	if (n != 10)
		return 0;
	for (size_t i = 0; i < 10; i++) {
		if (!is_digit((unsigned char)digits[i]))
			return 0;
		if (digits[i] != '0')
			zeros = 0;
	}
	if (zeros)
		return 0;
	for (int i = 0; i < 9; i++)
		sum += (digits[i] - '0') * (10 - i);
	check = 11 - sum % 11;
	if (check == 11)
		check = 0;
	return check != 10 && check == digits[9] - '0';
}

/* A UK number written from its leading 0: 01 and 05/08 have 10 or 11 digits, 02/03/07/09 have 11. */
static int uk_number_ok(const char *d, size_t n)
{
	if (n < 10 || n > 11 || d[0] != '0')
		return 0;
	switch (d[1]) {
	case '1':
	case '5':
	case '8':
		return 1;
	case '2':
	case '3':
	case '7':
	case '9':
		return n == 11;
	default:
		return 0;
	}
}

/* What may separate the digit groups of one number: 1 to 3 of space, hyphen and brackets. */
static int gap_ok(const unsigned char *s, size_t a, size_t b)
{
	if (b <= a || b - a > 3)
		return 0;
	for (size_t i = a; i < b; i++)
		if (s[i] != ' ' && s[i] != '-' && s[i] != '(' && s[i] != ')')
			return 0;
	return 1;
}

/* Nothing before `a` that makes the digits part of something else: a word, money, a decimal. */
static int left_ok(const unsigned char *s, size_t a)
{
	unsigned char c;

	if (a == 0)
		return 1;
	c = s[a - 1];
	if (is_alnum(c) || c == '_' || c == '#' || c == '$' || c == '@' || c == '\\')
		return 0;
	if ((c == '.' || c == ',' || c == ':') && a >= 2 && is_digit(s[a - 2]))
		return 0;
	if (a >= 2 && s[a - 2] == 0xC2 && c == 0xA3)   /* £ */
		return 0;
	if (a >= 3 && s[a - 3] == 0xE2 && s[a - 2] == 0x82 && c == 0xAC)   /* € */
		return 0;
	return 1;
}

/* Likewise after `b`: no letter, no percentage, no decimal or time going on. */
static int right_ok(const unsigned char *s, size_t n, size_t b)
{
	unsigned char c;

	if (b >= n)
		return 1;
	c = s[b];
	if (is_alnum(c) || c == '_' || c == '%' || c == '@' || c == '\\')
		return 0;
	if ((c == '.' || c == ',' || c == ':') && b + 1 < n && is_digit(s[b + 1]))
		return 0;
	return 1;
}

#define NUM_MAX 17  /* digits read for one number */

/*
 * Tries for a number starting at digit group `k` of the chain (ng groups).
 * Returns how many groups it took, 0 for none.
 */
static size_t number_at(struct job *j, size_t k, size_t ng)
{
	const unsigned char *s = j->s;
	const size_t *g = j->groups;
	char d[NUM_MAX + 1];
	size_t cum[NUM_MAX + 1];     /* digits up to the end of each group taken */
	size_t nd = 0, m = 0, start = g[2 * k];
	int plus = start > 0 && s[start - 1] == '+';

	for (size_t i = k; i < ng && m <= NUM_MAX; i++) {
		size_t len = g[2 * i + 1] - g[2 * i];

		if (nd + len > NUM_MAX)
			break;
		memcpy(d + nd, s + g[2 * i], len);
		nd += len;
		cum[m++] = nd;
	}
	if (!m)
		return 0;
	d[nd] = '\0';

	/* An NHS number: ten digits, alone or 3-3-4. */
	if (!plus) {
		size_t t = 0;

		if (cum[0] == 10)
			t = 1;
		else if (m >= 3 && cum[0] == 3 && cum[1] == 6 && cum[2] == 10 &&
			 g[2 * k + 2] - g[2 * k + 1] == 1 && g[2 * k + 4] - g[2 * k + 3] == 1 &&
			 (s[g[2 * k + 1]] == ' ' || s[g[2 * k + 1]] == '-') &&
			 (s[g[2 * k + 3]] == ' ' || s[g[2 * k + 3]] == '-'))
			t = 3;
		if (t && redact_nhs_valid(d, 10) && left_ok(s, start) &&
		    right_ok(s, j->n, g[2 * (k + t - 1) + 1]) &&
		    is_free(j, start, g[2 * (k + t - 1) + 1])) {
			claim(j, start, g[2 * (k + t - 1) + 1], K_NHS);
			return t;
		}
	}

	/* A phone number: the longest reading that fits, from the last group back. */
	{
		size_t skip = 0;     /* digits of the country code and a "(0)" */
		int intl = 0, other = 0;
		size_t from = start;

		if (plus && nd >= 2 && d[0] == '4' && d[1] == '4') {
			intl = 1;
			skip = 2;
		} else if (!plus && nd >= 4 && !memcmp(d, "0044", 4)) {
			intl = 1;
			skip = 4;
		} else if (plus) {
			other = 1;
		} else if (d[0] != '0') {
			return 0;
		}
		if (intl && skip < nd && d[skip] == '0')
			skip++;   /* +44 (0)7700 ..., +44 07700 ... */
		if (plus)
			from = start - 1;
		else if (start > 0 && s[start - 1] == '(' && m > 1 &&
			 memchr(s + g[2 * k + 1], ')', g[2 * k + 2] - g[2 * k + 1]))
			from = start - 1;   /* (01782) 123456 */
		for (size_t i = m; i-- > 0;) {
			size_t end = g[2 * (k + i) + 1], len = cum[i], ok;
			char uk[NUM_MAX + 2];

			if (other) {
				ok = len >= 8 && len <= 15;
			} else if (intl) {
				if (len <= skip || len - skip + 1 > NUM_MAX)
					continue;
				uk[0] = '0';
				memcpy(uk + 1, d + skip, len - skip);
				ok = uk_number_ok(uk, len - skip + 1);
			} else {
				ok = uk_number_ok(d, len);
			}
			if (ok && left_ok(s, from) && right_ok(s, j->n, end) && is_free(j, from, end)) {
				claim(j, from, end, K_PHONE);
				return i + 1;
			}
		}
	}
	return 0;
}

static void find_numbers(struct job *j)
{
	const unsigned char *s = j->s;
	size_t n = j->n, i = 0;

	while (i < n) {
		size_t ng = 0, p;

		if (!is_digit(s[i])) {
			i++;
			continue;
		}
		/* A chain: digit groups joined by short runs of spaces, hyphens and brackets. */
		p = i;
		for (;;) {
			size_t a = p, q;

			while (p < n && is_digit(s[p]))
				p++;
			if (ALLOC_GROW(j->groups, 2 * ng + 2, j->capgroups) < 0) {
				j->oom = 1;
				return;
			}
			j->groups[2 * ng] = a;
			j->groups[2 * ng + 1] = p;
			ng++;
			q = p;
			while (q < n && q - p < 4 &&
			       (s[q] == ' ' || s[q] == '-' || s[q] == '(' || s[q] == ')'))
				q++;
			if (q < n && is_digit(s[q]) && gap_ok(s, p, q))
				p = q;
			else
				break;
		}
		for (size_t k = 0; k < ng;) {
			size_t took = number_at(j, k, ng);

			if (j->oom)
				return;
			k += took ? took : 1;
		}
		i = j->groups[2 * ng - 1];
	}
}

/* -- 3. postcodes ---------------------------------------------------------------- */

static int area_ok(const struct redactor *r, const unsigned char *s, size_t len)
{
	char buf[3];

	if (len < 1 || len > 2)
		return 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(is_lower(s[i]) ? s[i] - 'a' + 'A' : s[i]);
	buf[len] = '\0';
	return list_has(&r->lists[L_AREA], buf);
}

/* An outward code: area, a digit, and perhaps a second digit or a letter (A9, A99, A9A, AA9, AA99, AA9A). */
static int outward_ok(const struct redactor *r, const unsigned char *s, size_t len)
{
	size_t a = 0;

	while (a < len && a < 2 && is_alpha(s[a]))
		a++;
	if (!area_ok(r, s, a) || a >= len || !is_digit(s[a]))
		return 0;
	if (len == a + 1)
		return 1;
	if (len != a + 2)
		return 0;
	if (is_digit(s[a + 1]))
		return 1;
	if (!is_alpha(s[a + 1]))
		return 0;
	return strchr(a == 1 ? "ABCDEFGHJKPSTUW" : "ABEHMNPRVWXY",
		      is_lower(s[a + 1]) ? s[a + 1] - 'a' + 'A' : s[a + 1]) != NULL;
}

/* An inward code: a digit and two letters, none of C I K M O V. */
static int inward_ok(const unsigned char *s)
{
	if (!is_digit(s[0]))
		return 0;
	for (int i = 1; i < 3; i++) {
		unsigned char c = s[i];

		if (!is_alpha(c))
			return 0;
		if (strchr("CIKMOV", is_lower(c) ? c - 'a' + 'A' : c))
			return 0;
	}
	return 1;
}

static int is_gir(const unsigned char *s, size_t len)
{
	static const char g[] = "GIR0AA";

	if (len != 6)
		return 0;
	for (size_t i = 0; i < 6; i++)
		if ((is_lower(s[i]) ? s[i] - 'a' + 'A' : s[i]) != g[i])
			return 0;
	return 1;
}

static void find_postcodes(struct job *j)
{
	const unsigned char *s = j->s;
	size_t n = j->n, i = 0;

	while (i < n) {
		size_t t1, l1;

		if (!is_alpha(s[i]) || (i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '_'))) {
			i++;
			continue;
		}
		t1 = i;
		while (t1 < n && is_alnum(s[t1]))
			t1++;
		l1 = t1 - i;
		if (l1 >= 5 && l1 <= 7 && inward_ok(s + t1 - 3) &&
		    (outward_ok(j->r, s + i, l1 - 3) || is_gir(s + i, l1))) {
			/* ST46QG */
			if (is_free(j, i, t1) && (t1 >= n || s[t1] != '_'))
				claim(j, i, t1, K_POSTCODE);
		} else if (l1 >= 2 && l1 <= 4 && t1 + 4 <= n && s[t1] == ' ') {
			/* ST4 6QG */
			size_t t2 = t1 + 1;

			while (t2 < n && is_alnum(s[t2]))
				t2++;
			if (t2 - t1 - 1 == 3 && inward_ok(s + t1 + 1) && (t2 >= n || s[t2] != '_')) {
				int ok = outward_ok(j->r, s + i, l1);

				if (!ok && l1 == 3) {
					unsigned char gir[6];

					memcpy(gir, s + i, 3);
					memcpy(gir + 3, s + t1 + 1, 3);
					ok = is_gir(gir, 6);
				}
				if (ok && is_free(j, i, t2)) {
					claim(j, i, t2, K_POSTCODE);
					t1 = t2;
				}
			}
		}
		i = t1;
	}
}

/* -- 4. names after an introduction ---------------------------------------------- */

/* 1 when the writer uses capitals around [a, b): few lower-case letters near it. */
static int caps_around(const unsigned char *s, size_t n, size_t a, size_t b)
{
	size_t from = a > CAPS_WINDOW ? a - CAPS_WINDOW : 0;
	size_t to = n - b > CAPS_WINDOW ? b + CAPS_WINDOW : n;
	size_t up = 0, low = 0;

	for (size_t i = from; i < to; i++) {
		up += is_upper(s[i]);
		low += is_lower(s[i]);
	}
	return up >= 4 && low * 8 <= up;
}

/* caps_around() the introducing phrase, worked out when first needed. */
static int writes_caps(struct job *j)
{
	if (j->caps < 0)
		j->caps = caps_around(j->s, j->n, j->ia, j->ib);
	return j->caps;
}

/* Splits the text into its stretches of valid UTF-8, skipping what is not. */
static void find_segments(struct job *j)
{
	size_t pos = 0, cap = 0;

	while (pos < j->n) {
		size_t bad = j->n - pos;

		if (!utf8_check((const char *)j->s + pos, j->n - pos, &bad) && bad == 0) {
			pos++;
			continue;
		}
		if (ALLOC_GROW(j->segs, 2 * j->nsegs + 2, cap) < 0) {
			j->oom = 1;
			return;
		}
		j->segs[2 * j->nsegs] = pos;
		j->segs[2 * j->nsegs + 1] = pos + bad;
		j->nsegs++;
		pos += bad;
	}
}

/* The valid stretch [*a, *b) that holds byte `p`; 0 when there is none. */
static int segment_of(const struct job *j, size_t p, size_t *a, size_t *b)
{
	size_t lo = 0, hi = j->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (j->segs[2 * mid] <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || p >= j->segs[2 * (lo - 1) + 1])
		return 0;
	*a = j->segs[2 * (lo - 1)];
	*b = j->segs[2 * (lo - 1) + 1];
	return 1;
}

/* The shape of the word at `p` and its end; 0 when there is no word there. */
static int word_at(struct job *j, size_t p, size_t *end)
{
	size_t a, b;
	int rc;
	PCRE2_SIZE *ov;

	if (!segment_of(j, p, &a, &b))
		return 0;
	rc = pcre2_match(j->r->word, j->s + a, b - a, p - a, PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK,
			 j->wmd, j->r->mctx);
	if (rc < 2)
		return 0;
	ov = pcre2_get_ovector_pointer(j->wmd);
	for (int g = 1; g < rc; g++)
		if (ov[2 * g] != PCRE2_UNSET) {
			*end = a + ov[2 * g + 1];
			return ov[1] > ov[0] ? g : 0;
		}
	return 0;
}

static size_t skip_blanks(const unsigned char *s, size_t n, size_t p)
{
	while (p < n && (s[p] == ' ' || s[p] == '\t'))
		p++;
	return p;
}

/* Endings of words that describe rather than name, for "I AM ..." in capitals. */
static int describing(const unsigned char *s, size_t n)
{
	static const char *const ends[] = { "ed", "ing", "ly", "ful", "ous", "ive", "able",
					     "ible", "less", "ness", "ish" };

	for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
		size_t l = strlen(ends[i]);

		if (n > l + 1) {
			size_t k = 0;

			while (k < l && to_lower(s[n - l + k]) == (unsigned char)ends[i][k])
				k++;
			if (k == l)
				return 1;
		}
	}
	return 0;
}

/* Whether a word of this shape can be a name after this kind of phrase. */
static int name_word_ok(struct job *j, int intro, int shape, size_t a, size_t b)
{
	const unsigned char *s = j->s;
	const char *w = (const char *)s + a;
	int ok;

	if (word_in(j->r, L_COMMON, w, b - a))
		return 0;
	if (intro == I_IAM && word_in(j->r, L_IAM, w, b - a))
		return 0;
	switch (shape) {
	case W_CAP:
		ok = b - a >= 2;
		break;
	case W_UPPER:
		ok = intro == I_STRONG || writes_caps(j);
		break;
	case W_LOWER: {
		const unsigned char *q = memchr(s + a, '\'', b - a);

		ok = intro == I_STRONG && b - a >= 2 && (!q || q == s + a + 1);
		if (ok && !q)
			for (size_t i = a; i + 2 < b; i++)
				if (s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0x99 && i != a + 1)
					ok = 0;
		break;
	}
	case W_OTHER:
		ok = intro == I_STRONG;
		break;
	default:
		ok = 0;
	}
	if (ok && intro == I_IAM && shape != W_CAP && describing(s + a, b - a))
		ok = 0;
	return ok;
}

/* 1 when the word before `a` makes "called" the verb of phoning ("I called", "we called"). */
static int called_by_caller(struct job *j, size_t a)
{
	const unsigned char *s = j->s;
	size_t e = a, b;

	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	b = e;
	while (b > 0 && e - b < WORD_MAX && (is_alpha(s[b - 1]) || s[b - 1] == '\''))
		b--;
	return b < e && word_in(j->r, L_CALLER, (const char *)s + b, e - b);
}

static void remember(struct job *j, size_t a, size_t b, int shape)
{
	if (j->nseen >= MAX_SEEN || (shape != W_CAP && shape != W_UPPER) || b - a < 3)
		return;
	if (word_in(j->r, L_WEAK, (const char *)j->s + a, b - a))
		return;
	for (size_t i = 0; i < j->nseen; i++)
		if (j->seen[i][1] - j->seen[i][0] == b - a &&
		    !memcmp(j->s + j->seen[i][0], j->s + a, b - a))
			return;
	j->seen[j->nseen][0] = a;
	j->seen[j->nseen][1] = b;
	j->nseen++;
}

/*
 * Reads the name after an introducing phrase that ends at `p`: up to three
 * name words, with initials and surname particles between them. Claims it
 * and returns 1, or returns 0.
 */
static int name_after(struct job *j, int intro, size_t p)
{
	const unsigned char *s = j->s;
	size_t n = j->n, first = SIZE_MAX, last = 0, pending = SIZE_MAX;
	size_t words = 0, tokens = 0, wa[3], wb[3];
	int shapes[3];

	while (words < 3 && tokens < 6) {
		size_t we, next;
		int shape = word_at(j, p, &we);

		tokens++;
		if (!shape || !is_free(j, p, we))
			break;
		next = skip_blanks(s, n, we);
		if (shape == W_INITIAL) {
			/* "Dr J. Patel": an initial counts only with a name after it. */
			if (intro != I_TITLE && intro != I_STRONG && intro != I_SIGNOFF)
				break;
			if (intro != I_TITLE && we - p == 1 && (s[p] == 'A' || s[p] == 'I'))
				break;   /* "MY NAME IS A SECRET" */
			if (pending == SIZE_MAX)
				pending = p;
			p = next;
			continue;
		}
		if (shape == W_LOWER && words + 1 < 3 && (words > 0 || intro == I_TITLE) &&
		    word_in(j->r, L_PARTICLE, (const char *)s + p, we - p) && next > we) {
			/* "de Souza", "van der Berg" */
			if (pending == SIZE_MAX)
				pending = p;
			p = next;
			continue;
		}
		if (words > 0 && (shape == W_LOWER) != (shapes[0] == W_LOWER))
			break;   /* "my name is dafydd wójcik Use ..." */
		if (!name_word_ok(j, intro, shape, p, we))
			break;
		if (first == SIZE_MAX)
			first = pending != SIZE_MAX ? pending : p;
		pending = SIZE_MAX;
		wa[words] = p;
		wb[words] = we;
		shapes[words] = shape;
		words++;
		last = we;
		if (next == we)
			break;   /* punctuation after the word ends the name */
		p = next;
	}
	if (!words)
		return 0;
	if (intro == I_IAM && words < 2 && writes_caps(j))
		return 0;   /* "I AM FURIOUS" */
	if (words == 1 && word_in(j->r, L_WEAK, (const char *)s + wa[0], wb[0] - wa[0]))
		return 0;
	if (intro == I_CALLED) {
		/* "a home called Oak House" names a place */
		size_t q = skip_blanks(s, n, last), qe;

		if (word_at(j, q, &qe) && word_in(j->r, L_PLACE, (const char *)s + q, qe - q))
			return 0;
		if (word_in(j->r, L_PLACE, (const char *)s + wa[words - 1],
			    wb[words - 1] - wa[words - 1]))
			return 0;
	}
	claim(j, first, last, K_NAME);
	for (size_t i = 0; i < words; i++)
		remember(j, wa[i], wb[i], shapes[i]);
	return 1;
}

/* Titles written short, which may take a full stop: "Dr.", "Mrs.", "Prof." */
static int abbreviated(const unsigned char *t, size_t len)
{
	static const char *const abbr[] = { "dr", "mr", "mrs", "ms", "mx", "prof" };

	for (size_t i = 0; i < sizeof abbr / sizeof *abbr; i++)
		if (strlen(abbr[i]) == len && !strncasecmp((const char *)t, abbr[i], len))
			return 1;
	return 0;
}

/* The names introduced in the valid stretch [from, to) of the text. */
static void names_in(struct job *j, size_t from, size_t to)
{
	const unsigned char *s = j->s;
	size_t n = j->n, off = from;

	while (off < to) {
		int rc = pcre2_match(j->r->intro, s + from, to - from, off - from, PCRE2_NO_UTF_CHECK,
				     j->md, j->r->mctx);
		PCRE2_SIZE *ov;
		size_t a, b, p;
		int intro = 0, sep;

		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			/* The match limit: go on from the next character. */
			off++;
			while (off < to && (s[off] & 0xC0) == 0x80)
				off++;
			continue;
		}
		ov = pcre2_get_ovector_pointer(j->md);
		a = from + ov[0];
		b = from + ov[1];
		off = b > a ? b : a + 1;
		for (int g = 1; g < rc; g++)
			if (ov[2 * g] != PCRE2_UNSET) {
				intro = g;
				break;
			}
		if (!intro || !is_free(j, a, b))
			continue;
		j->ia = a;
		j->ib = b;
		j->caps = -1;
		if (intro == I_TITLE) {
			/* "Ms"/"Miss" only with a capital; "MS" in mixed text is the illness */
			int m = to_lower(s[a]) == 'm' && (b - a == 2 || b - a == 4) &&
				to_lower(s[a + 1]) != 'r' && to_lower(s[a + 1]) != 'x';

			if (m && (s[a] != 'M' || (is_upper(s[a + 1]) && !writes_caps(j))))
				continue;
		}
		if (intro == I_CALLED && b - a == 6 && !strncasecmp((const char *)s + a, "called", 6) &&
		    called_by_caller(j, a))
			continue;
		p = b;
		sep = s[b - 1] == ':' || s[b - 1] == ',';
		if (intro == I_TITLE && p < n && s[p] == '.' && abbreviated(s + a, b - a)) {
			p++;
			sep = 1;
		}
		if (intro == I_FAMILY && p < n && s[p] == ',') {
			p++;
			sep = 1;
		}
		{
			size_t q = skip_blanks(s, n, p);

			if (q == p && !sep)
				continue;   /* "Dr's", "Mr." at the end, "my son's" */
			p = q;
		}
		name_after(j, intro, p);
		if (j->oom)
			return;
	}
}

static void find_names(struct job *j)
{
	find_segments(j);
	for (size_t i = 0; i < j->nsegs && !j->oom; i++)
		names_in(j, j->segs[2 * i], j->segs[2 * i + 1]);
}

/* -- 5. later mentions ------------------------------------------------------- */

static int boundary_before(const unsigned char *s, size_t a)
{
	if (a == 0)
		return 1;
	if (s[a - 1] >= 0x80)
		return punct_ends_at(s, a);
	return !is_alnum(s[a - 1]) && s[a - 1] != '_';
}

static int boundary_after(const unsigned char *s, size_t n, size_t b)
{
	if (b >= n)
		return 1;
	if (s[b] >= 0x80)
		return punct_len(s + b, n - b) > 0;
	return !is_alnum(s[b]) && s[b] != '_';
}

/* The same word again: the same bytes, or in capitals; it must start with a capital. */
static int same_word(const unsigned char *s, size_t at, const unsigned char *w, size_t len)
{
	if (s[at] < 0x80 && !is_upper(s[at]))
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[at + i], d = w[i];

		if (c != d && !(is_alpha(c) && is_alpha(d) && to_lower(c) == to_lower(d)))
			return 0;
	}
	return 1;
}

static void find_mentions(struct job *j)
{
	const unsigned char *s = j->s;
	size_t n = j->n, nseen = j->nseen;

	for (size_t k = 0; k < nseen; k++) {
		size_t wa = j->seen[k][0], len = j->seen[k][1] - wa;
		unsigned char w[WORD_MAX * 4];

		if (len > sizeof w)
			continue;
		memcpy(w, s + wa, len);
		for (size_t i = 0; i + len <= n; i++) {
			if (to_lower(s[i]) != to_lower(w[0]) || j->claimed[i])
				continue;
			if (same_word(s, i, w, len) && boundary_before(s, i) &&
			    boundary_after(s, n, i + len) && is_free(j, i, i + len)) {
				size_t end = i + len, we;

				/* "Tom. Tom Baggaley": a surname after the name comes too */
				if (end + 1 < n && s[end] == ' ' &&
				    word_at(j, end + 1, &we) == W_CAP && is_free(j, end + 1, we) &&
				    name_word_ok(j, I_TITLE, W_CAP, end + 1, we) &&
				    !word_in(j->r, L_PLACE, (const char *)s + end + 1, we - end - 1))
					end = we;
				claim(j, i, end, K_NAME);
				if (j->oom)
					return;
				i = end - 1;
			}
		}
	}
}

/* -- putting it together ------------------------------------------------------- */

static int cmp_span(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	return (a->a > b->a) - (a->a < b->a);
}

/* Names next to each other ("[name] [name]" from later mentions) become one. */
static void merge_names(struct job *j)
{
	size_t o = 0;

	for (size_t i = 0; i < j->nspans; i++) {
		struct span *sp = &j->spans[i];

		if (o > 0 && sp->k == K_NAME && j->spans[o - 1].k == K_NAME) {
			size_t gap = j->spans[o - 1].b, e = sp->a;

			while (gap < e && (j->s[gap] == ' ' || j->s[gap] == '\t'))
				gap++;
			if (gap == e && e - j->spans[o - 1].b <= 2) {
				j->spans[o - 1].b = sp->b;
				continue;
			}
		}
		j->spans[o++] = *sp;
	}
	j->nspans = o;
}

/*
 * The spans found in the copy, as spans of the original (whole characters).
 * Two spans that end up sharing a character of the original (both came from
 * what one character became, such as "½" → "1⁄2") become one, of the first
 * one's kind.
 */
static void map_spans(struct job *j, const struct textnorm *tn)
{
	size_t o = 0;

	for (size_t i = 0; i < j->nspans; i++) {
		size_t a, b;

		textnorm_span(tn, j->spans[i].a, j->spans[i].b, &a, &b);
		if (o > 0 && a < j->spans[o - 1].b) {
			if (b > j->spans[o - 1].b)
				j->spans[o - 1].b = b;
			continue;
		}
		j->spans[o++] = (struct span){ a, b, j->spans[i].k };
	}
	j->nspans = o;
}

/*
 * Runs the passes over the normalised copy of the `len` bytes at `text`;
 * leaves the spans, in the original's bytes, in j->spans. 0, or -1 when out
 * of memory. The caller frees j->spans and calls job_release().
 */
static int find_spans(struct job *j, const char *text, size_t len)
{
	struct textnorm tn;
	int rc = -1;

	if (textnorm_make(&tn, text, len))
		return -1;
	j->s = (const unsigned char *)tn.text;
	j->n = tn.len;
	if (!(j->claimed = calloc(j->n ? j->n : 1, 1)) ||
	    !(j->md = pcre2_match_data_create_from_pattern(j->r->intro, NULL)) ||
	    !(j->wmd = pcre2_match_data_create_from_pattern(j->r->word, NULL)))
		goto done;
	find_emails(j);
	if (!j->oom)
		find_numbers(j);
	if (!j->oom)
		find_postcodes(j);
	if (!j->oom)
		find_names(j);
	if (!j->oom)
		find_mentions(j);
	if (j->oom)
		goto done;
	if (j->nspans)
		qsort(j->spans, j->nspans, sizeof *j->spans, cmp_span);
	merge_names(j);
	map_spans(j, &tn);
	rc = 0;
done:
	textnorm_release(&tn);
	j->s = NULL;
	j->n = 0;
	return rc;
}

/* Frees what one call used, but for its spans. */
static void job_release(struct job *j)
{
	pcre2_match_data_free(j->md);
	pcre2_match_data_free(j->wmd);
	free(j->claimed);
	free(j->groups);
	free(j->segs);
}

/* The `len` bytes at `text` with the spans replaced by their tags; NULL when out of memory. */
static char *build(const struct span *spans, size_t nspans, const char *text, size_t len,
		   struct redact_counts *counts)
{
	size_t outlen = len, o = 0, at = 0;
	char *out;

	for (size_t i = 0; i < nspans; i++)
		outlen = outlen - (spans[i].b - spans[i].a) + strlen(tag_text[spans[i].k]);
	if (!(out = malloc(outlen + 1)))
		return NULL;
	for (size_t i = 0; i < nspans; i++) {
		const struct span *sp = &spans[i];
		size_t tl = strlen(tag_text[sp->k]);

		memcpy(out + o, text + at, sp->a - at);
		o += sp->a - at;
		memcpy(out + o, tag_text[sp->k], tl);
		o += tl;
		at = sp->b;
	}
	memcpy(out + o, text + at, len - at);
	o += len - at;
	out[o] = '\0';
	if (counts)
		for (size_t i = 0; i < nspans; i++)
			switch (spans[i].k) {
			case K_EMAIL:
				counts->email++;
				break;
			case K_PHONE:
				counts->phone++;
				break;
			case K_NHS:
				counts->nhs++;
				break;
			case K_POSTCODE:
				counts->postcode++;
				break;
			case K_NAME:
				counts->name++;
				break;
			}
	return out;
}

char *redactor_apply(const struct redactor *r, const char *text, size_t len,
		     struct redact_counts *counts)
{
	struct job j = { .r = r };
	char *out = NULL;

	if (!text)
		text = "", len = 0;
	if (find_spans(&j, text, len) == 0)
		out = build(j.spans, j.nspans, text, len, counts);
	job_release(&j);
	free(j.spans);
	return out;
}

int redactor_find(const struct redactor *r, const char *text, size_t len,
		  struct redact_span **spans, size_t *n)
{
	struct job j = { .r = r };
	int rc;

	*spans = NULL;
	*n = 0;
	if (!text)
		text = "", len = 0;
	rc = find_spans(&j, text, len);
	job_release(&j);
	if (rc == 0 && j.nspans) {
		if (!(*spans = malloc(j.nspans * sizeof **spans))) {
			rc = -1;
		} else {
			for (size_t i = 0; i < j.nspans; i++)
				(*spans)[i] = (struct redact_span){ j.spans[i].a, j.spans[i].b,
								    (enum redact_kind)j.spans[i].k };
			*n = j.nspans;
		}
	}
	free(j.spans);
	return rc;
}

const char *redact_tag(enum redact_kind kind)
{
	return (unsigned)kind < sizeof tag_text / sizeof *tag_text ? tag_text[kind] : "";
}

/* -- the redactor ------------------------------------------------------------- */

static pcre2_code *compile(const char *pattern, uint32_t opts, struct err *e)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       opts | PCRE2_UTF | PCRE2_UCP,
				       &code, &off, NULL);

	if (!re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof msg);
		err_set(e, EXIT_SYSTEM, "redaction pattern does not compile at offset %zu: %s",
			(size_t)off, (const char *)msg);
		return NULL;
	}
	/* JIT where the platform has it; the interpreter gives the same answers. */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

#define LIST(l, words) list_make(&r->lists[l], words, sizeof words / sizeof *words)

struct redactor *redactor_new(struct err *e)
{
	struct redactor *r = calloc(1, sizeof *r);

	if (!r)
		goto oom;
	if (LIST(L_COMMON, common_words) || LIST(L_IAM, iam_words) ||
	    LIST(L_PLACE, place_words) || LIST(L_WEAK, weak_words) ||
	    LIST(L_PARTICLE, particle_words) || LIST(L_CALLER, caller_words) ||
	    LIST(L_AREA, postcode_areas) || !(r->mctx = pcre2_match_context_create(NULL))) {
		redactor_free(r);
		goto oom;
	}
	pcre2_set_match_limit(r->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, DEPTH_LIMIT);
	if (!(r->intro = compile(intro_pattern, PCRE2_CASELESS, e)) ||
	    !(r->word = compile(word_pattern, 0, e))) {
		redactor_free(r);
		return NULL;
	}
	return r;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory making the redaction patterns");
	return NULL;
}

void redactor_free(struct redactor *r)
{
	if (!r)
		return;
	pcre2_code_free(r->intro);
	pcre2_code_free(r->word);
	pcre2_match_context_free(r->mctx);
	for (int i = 0; i < NLISTS; i++)
		free(r->lists[i].v);
	free(r);
}
