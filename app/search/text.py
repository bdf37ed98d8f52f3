"""Words for search: tokens, stems, languages, typo neighbours, and highlighted snippets.

Every word is reduced to its stem at index and at query time, by the rules of its language:
Kyrgyz words by the stemmer of app/search/kyrgyz.py (plural, possessive and case suffixes off:
"көпүрөлөрүнөн" → "көпүрө"), other Cyrillic words by the Russian Snowball rules, Latin ones by the
English rules. A word's language is judged from the word alone (kyrgyz.judge), so a one-word
query reduces the way the same word did in a document. A word that could be either is stemmed
the Russian way, except in a document text that is Kyrgyz, where it is kept whole: the Russian
rules would cut a Kyrgyz word short ("жума" → "жум", a prefix of "жумуш"), and the query's
Russian stem, a prefix of the whole word, still finds it. A query stem also matches as a
prefix. The same functions highlight results for both backends, so a result reads the same
whichever engine found it.

Changing how words are stemmed changes what the index holds: run `flask search reindex` after
such a release (docs/deployment.md, "Upgrading").
"""
import re
import snowballstemmer
from markupsafe import Markup, escape

from app.search import kyrgyz

WORD = re.compile(r"\w+", re.UNICODE)
CYRILLIC = re.compile(r"[а-яёөүң]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
# Too short to stem or to forgive a typo in.
MIN_STEM_LENGTH = 3
MIN_FUZZY_LENGTH = 3
FIRST_MATCH_WITHIN = 1500  # characters a snippet looks through for its first match

_russian = snowballstemmer.stemmer("russian")
_english = snowballstemmer.stemmer("english")


def words(text):
    return [w for w in WORD.findall((text or "").lower().replace("ё", "е")) if not w.isdigit() or len(w) > 1]


def _stem(word):
    if len(word) < MIN_STEM_LENGTH:
        return word
    if CYRILLIC.search(word):
        if kyrgyz.judge(word) == "ky":
            return kyrgyz.stem(word)
        found = _russian.stemWord(word)
    elif LATIN.search(word):
        found = _english.stemWord(word)
    else:
        return word
    # A stem shorter than that would match as a prefix half the index (Kyrgyz "суу", water,
    # cut by the Russian rules to "су").
    return found if len(found) >= MIN_STEM_LENGTH else word


# word -> (stem, language, what a Kyrgyz sentence stores); a plain dict: reindexing looks up
# hundreds of thousands of words per second.
_analysed = {}


def _analyse(word):
    found = _analysed.get(word)
    if found is None:
        if len(_analysed) > 500_000:
            _analysed.clear()
        language = "name" if kyrgyz.is_name(word) else kyrgyz.judge(word)
        stemmed = _stem(word)
        found = _analysed[word] = (stemmed, language, word if language is None and CYRILLIC.search(word) else stemmed)
    return found


def stem(word):
    return _analyse(word)[0]


def stems(text):
    return [stem(w) for w in words(text)]


def judge(word):
    """The language a lower-case word tells of: "ky", "ru", None (either, or not Cyrillic) or
    "name" (a place name, which tells of none)."""
    return _analyse(word)[1]


def _is_kyrgyz(entries):
    kyrgyz_words = sum(1 for entry in entries if entry[1] == "ky")
    return kyrgyz_words > 0 and kyrgyz_words >= sum(1 for entry in entries if entry[1] == "ru")


# Words and the marks that end a sentence.
SENTENCE_TOKEN = re.compile(r"\w+|[.!?;:\n]", re.UNICODE)


def _sentence_stems(entries, result):
    column = 2 if _is_kyrgyz(entries) else 0
    result.extend(entry[column] for entry in entries)


def _document_stems(text):
    """The stems of a text, sentence by sentence: in a Kyrgyz sentence, words that could be
    either language stay whole."""
    entries = [_analyse(w) for w in words(text)]
    languages = {entry[1] for entry in entries}
    if "ky" not in languages:
        return [entry[0] for entry in entries]
    if "ru" not in languages:  # all Kyrgyz, whatever the sentences
        return [entry[2] for entry in entries]
    result, sentence, known = [], [], _analysed
    for token in SENTENCE_TOKEN.findall(text.lower().replace("ё", "е")):
        if token in ".!?;:\n":
            _sentence_stems(sentence, result)
            sentence = []
        elif not token.isdigit() or len(token) > 1:
            sentence.append(known.get(token) or _analyse(token))
    _sentence_stems(sentence, result)
    return result


def index_text(*parts):
    """What the full-text index stores for some text: its stems, in order (a Kyrgyz text's
    words of either language whole)."""
    return " ".join(" ".join(_document_stems(part)) for part in parts if part)


def query_stems(query):
    """The distinct stems of a query, in the order typed."""
    seen = []
    for s in stems(query):
        if s not in seen:
            seen.append(s)
    return seen[:12]


def languages_of(text):
    """The languages a text is written in, judged word by word: "ky" when a word is Kyrgyz (its
    letters, vocabulary or suffixes), "ru" when a word is Russian or when no Cyrillic word is
    Kyrgyz, "en" for Latin letters. A text mixing two languages has both."""
    found = set()
    judgements = [judge(w) for w in words(text) if CYRILLIC.search(w) and judge(w) != "name"]
    if "ky" in judgements:
        found.add("ky")
    if "ru" in judgements or (judgements and "ky" not in judgements):
        found.add("ru")
    if LATIN.search(text or ""):
        found.add("en")
    return found


def within_one_edit(a, b):
    """True when b is a, or a with one letter added, removed or changed."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


def _matches(word, query):
    s = stem(word)
    # A typo is forgiven in longer words only: "was" is one letter from "wash" but no match.
    return any(s.startswith(q) or (min(len(s), len(q)) > MIN_FUZZY_LENGTH and within_one_edit(s, q))
               for q in query)


def _word_matches(token, query):
    return _matches(token.lower().replace("ё", "е"), query)


def highlight(text, query, *, length=220):
    """An escaped snippet of text around the first word the query matches, those words marked.
    Only the words up to the first match and those inside the snippet are looked at."""
    text = text or ""
    query = [q for q in query if q]
    # The first match is looked for near the start only: a snippet is about what a text opens with.
    first = next((m for m in WORD.finditer(text, 0, FIRST_MATCH_WITHIN) if _word_matches(m.group(), query)),
                 None) if query else None
    start = 0
    if first and first.start() > length // 3:
        start = text.rfind(" ", 0, first.start() - length // 4) + 1
    end = len(text) if len(text) - start <= length else text.rfind(" ", start, start + length)
    if end <= start:
        end = min(len(text), start + length)
    out = [Markup("…") if start > 0 else Markup("")]
    position = start
    if first:
        for m in WORD.finditer(text, start, end):
            if _word_matches(m.group(), query):
                out.append(escape(text[position:m.start()]))
                out.append(Markup("<mark>%s</mark>") % m.group())
                position = m.end()
    out.append(escape(text[position:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)
