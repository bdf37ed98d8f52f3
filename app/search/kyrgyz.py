"""Kyrgyz words for search: telling a Kyrgyz word from a Russian one, and a small stemmer.

Kyrgyz builds a word as root + plural + possessive + case ("көпүрө-лөр-ү-нөн", from its
bridges), each suffix's vowel following the root's last vowel (vowel harmony) and its first
consonant following the sound before it (л after a vowel, д after a voiced consonant, т after a
voiceless one). ``stem`` peels the case, then the possessive, then the plural off the end, only
where harmony and the sound before allow it, and never below three letters or into a root the
word list knows. A stem that ends in б or г before a suffix's vowel takes back the п or к the
bare root is written with (мектеби → мектеп).

``judge`` decides a word's language from the word alone, so a one-word query reduces the way the
same word in a document did: "ky" for Kyrgyz letters (ң ө ү), a word of the list in
app/search/data/kyrgyz_words.txt or a form of one, or a shape Russian does not have (a doubled
vowel, a Kyrgyz case or adjective ending in harmony); "ru" for Russian letters or endings;
None when the word could be either.
"""
import re
from pathlib import Path

KYRGYZ_LETTERS = re.compile(r"[өүң]")
RUSSIAN_LETTERS = re.compile(r"[щъьёцф]")
CYRILLIC = re.compile(r"[а-яёөүң]")
MIN_STEM = 3

BACK_VOWELS = "аыоуя"
VOWELS = "аыоуяеэиөүюё"
VOICELESS = "пктсшчфхцщ"

# The vowels a suffix may take after a stem whose last vowel is the key: (low, high).
HARMONY = {"а": ("а", "ы"), "ы": ("а", "ы"), "я": ("а", "ы"), "о": ("о", "у"), "у": ("а", "у"),
           "е": ("е", "и"), "и": ("е", "и"), "э": ("е", "и"), "ю": ("у", "у"), "ё": ("о", "у"),
           "ө": ("ө", "ү"), "ү": ("ө", "ү")}
LOW, HIGH = "аеоө", "ыиуү"


def _forms(*patterns):
    """Every harmonic form of suffix patterns written with A (low vowel) and I (high vowel)."""
    found = []
    for pattern in patterns:
        for low, high in (("а", "ы"), ("е", "и"), ("о", "у"), ("ө", "ү")):
            form = pattern.replace("A", low).replace("I", high)
            if form not in found:
                found.append(form)
    return found


# Longest first within each layer, so "нын" is tried before "ны".
CASES = sorted(_forms(
    "нIн", "дIн", "тIн",  # genitive
    "нI", "дI", "тI",  # accusative
    "гA", "кA", "нA",  # dative ("нA" after a possessive: көпүрөсүнө)
    "дA", "тA", "ндA",  # locative
    "дAн", "тAн", "нAн",  # ablative
    "дAгI", "тAгI", "ндAгI",  # "the one in" (Гүлчөдөгү)
), key=len, reverse=True)
POSSESSIVES = sorted(_forms(
    "Iм", "Iң", "IбIз", "IңIз", "бIз", "ңIз", "сI", "I", "м", "ң",
), key=len, reverse=True)
PLURALS = _forms("лAр", "дAр", "тAр")
# Endings Kyrgyz has and Russian words do not (adjectives in -лык / -дуу, genitives).
KYRGYZ_ENDINGS = tuple(_forms("лIк", "дIк", "тIк", "лIн", "дIн", "тIн", "нIн", "дAгI", "тAгI", "лIу", "дIу")
                       ) + ("луу", "дуу", "туу")
RUSSIAN_ENDINGS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ыми",
                   "ими", "ами", "ями", "ах", "ях", "ость", "ение", "ание", "ия", "ию", "ии", "ть", "ться")
# Russian words too short or too plain to tell by their endings.
RUSSIAN_WORDS = frozenset("и в во на с со к ко о об от до за из из-за по при для через у как что это а но или не "
                          "ни же бы ли то его ее их она они он мы вы".split())
DOUBLED_VOWELS = re.compile(r"аа|оо|уу|ыы|ээ|өө|үү")
ALTERNATION = {"б": "п", "г": "к"}


def _load(path=Path(__file__).resolve().parent / "data" / "kyrgyz_words.txt"):
    sections = {"words": set(), "names": set(), "irregular": {}}
    section = "words"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "irregular" and line:
            form, root = (part.strip() for part in line.split("→"))
            sections["irregular"][form] = root
        else:
            sections[section].update(line.split())
    irregular = sections["irregular"]
    known = frozenset(sections["words"] | sections["names"] | set(irregular) | set(irregular.values()))
    return known, frozenset(sections["names"]), irregular


WORDS, NAMES, IRREGULAR = _load()


def _last_vowel(stem):
    for letter in reversed(stem):
        if letter in VOWELS:
            return letter
    return None


def _fits(stem, suffix):
    """Whether suffix may follow stem: its vowel in harmony, its first consonant after the right sound."""
    if len(stem) < MIN_STEM:
        return False
    vowel = next((letter for letter in suffix if letter in VOWELS), None)
    last = _last_vowel(stem)
    if vowel and last:
        low, high = HARMONY[last]
        if vowel != (low if vowel in LOW else high):
            return False
    before, first = stem[-1], suffix[0]
    after_vowel = before in VOWELS
    if first == "л":
        return after_vowel or before in "йр"
    if first == "г":
        return before not in VOICELESS
    if first == "д":  # after a vowel only the locative's and ablative's д: көпүрөдө, not *көпүрөдү
        return before not in VOICELESS and (not after_vowel or (suffix[1] in LOW and suffix[-1] != "р"))
    if first in "тк":
        return before in VOICELESS
    if first == "н" and (suffix[1] == "д" or suffix[1] in LOW):
        return before in HIGH  # dative, locative, ablative after a possessive: көпүрөсүнө
    if first in "нсбмң":
        return after_vowel
    return not after_vowel  # a suffix that starts with a vowel follows a consonant


def _strip(word, suffixes, floor):
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= floor:
            stem = word[: -len(suffix)]
            if _fits(stem, suffix):
                return stem
    return word


def _dative_after_possessive(word, floor):
    """The dative's bare vowel after a possessive м or ң (үйүмө, to my house): strip both."""
    if len(word) > floor + 1 and word[-1] in LOW and word[-2] in "мң":
        possessed = word[:-1]
        stem = _strip(possessed, POSSESSIVES, floor)
        if stem != possessed:
            return stem
    return word


def _accusative_after_possessive(word, floor):
    """The accusative's bare н after a third-person possessive (көпүрөсүн): strip the н."""
    if len(word) > floor + 1 and word[-1] == "н" and word[-2] in HIGH:
        stem = _strip(word[:-1], POSSESSIVES, floor)
        if stem != word[:-1]:
            return stem
    return word


def _root_floor(word):
    """The length a stem may not go below: the longest known word the word starts with."""
    floor = MIN_STEM
    for length in range(len(word), MIN_STEM - 1, -1):
        if word[:length] in WORDS:
            return max(floor, length)
    return floor


def stem(word):
    """The Kyrgyz stem of a lower-case word."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= MIN_STEM or word in WORDS:
        return word
    floor = _root_floor(word)
    stem = _strip(word, CASES, floor)
    if stem == word:
        stem = _dative_after_possessive(word, floor)
    if stem == word:
        stem = _accusative_after_possessive(word, floor)
    stem = _strip(stem, POSSESSIVES, floor)
    stem = _strip(stem, PLURALS, floor)
    stem = IRREGULAR.get(stem, stem)
    if stem != word and stem[-1] in ALTERNATION and stem not in WORDS:
        stem = stem[:-1] + ALTERNATION[stem[-1]]
    return stem


def is_name(word):
    """Whether a lower-case word is a place name of the list, or a form of one (Нарынга)."""
    return word in NAMES or (CYRILLIC.search(word) is not None and stem(word) in NAMES)


def judge(word):
    """"ky", "ru" or None (either) for a lower-case Cyrillic word; None for any other word."""
    if not CYRILLIC.search(word):
        return None
    if KYRGYZ_LETTERS.search(word) or word in WORDS:
        return "ky"
    if RUSSIAN_LETTERS.search(word) or word in RUSSIAN_WORDS:
        # A Russian loanword takes Kyrgyz suffixes too: "компьютерлер", "операциялар".
        return "ky" if len(word) > 6 and _strip(word, PLURALS + CASES, MIN_STEM) != word and \
            RUSSIAN_LETTERS.search(word[-4:]) is None else "ru"
    if len(word) > MIN_STEM and (stem(word) in WORDS or DOUBLED_VOWELS.search(word)):
        return "ky"
    ending = next((e for e in KYRGYZ_ENDINGS if word.endswith(e)), None)
    if ending and _fits(word[: -len(ending)], ending):
        return "ky"
    if len(word) > 4 and word.endswith(RUSSIAN_ENDINGS):
        return "ru"
    if len(word) > 5 and _strip(word, PLURALS, MIN_STEM) != word:
        return "ky"  # a plural in harmony: "мектептер", not "доллар" or "мастер"
    return None
