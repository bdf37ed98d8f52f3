"""The trilingual vocabulary (app/search/data/vocabulary.csv) and the query groups it expands to."""
import re

from app.search import vocabulary
from app.search.text import highlight, stem
from app.search.vocabulary import LANGUAGES, TRANSLATED, TYPED, lexicon, query_groups

CYRILLIC_ONLY = re.compile(r"[а-яёөүң][а-яёөүң \-]*", re.IGNORECASE)
LATIN_ONLY = re.compile(r"[a-z][a-z \-]*", re.IGNORECASE)


def _alternatives(text):
    return [[a.stems for a in group.alternatives] for group in query_groups(text)]


def test_every_concept_has_all_three_languages_and_no_empty_variant():
    concepts = vocabulary.read()
    assert len(concepts) >= 150
    assert len({c.key for c in concepts}) == len(concepts)
    for concept in concepts:
        for lang in LANGUAGES:
            variants = concept.variants[lang]
            assert variants and all(v.strip() == v and v for v in variants), (concept.key, lang)
            script = LATIN_ONLY if lang == "en" else CYRILLIC_ONLY
            assert all(script.fullmatch(v) for v in variants), (concept.key, lang, variants)


def test_no_variant_stands_for_two_concepts():
    shared = {stems: [c.key for c in concepts] for stems, concepts in lexicon().by_stems.items()
              if len(concepts) > 1}
    assert shared == {}


def test_the_issue_list_is_covered():
    known = set(lexicon().by_stems)
    for phrase in ("мост", "көпүрө", "bridge", "дорога", "школа", "мектеп", "крыша", "детский сад", "бала бакча",
                   "kindergarten", "водопровод", "трубы", "насос", "арык", "больница", "фап", "поликлиника",
                   "скорая помощь", "оборудование", "отопление", "котел", "электричество",
                   "солнечные панели", "күн панелдери", "solar panels", "спортзал", "библиотека", "теплица",
                   "компьютеры", "ноутбук", "laptop", "учебники", "хирургия", "операция", "здравоохранение"):
        assert vocabulary.phrase_stems(phrase) in known, phrase


def test_a_word_brings_its_concept_in_the_other_languages_typed_first():
    groups = query_groups("мост")
    assert len(groups) == 1
    typed, *others = groups[0].alternatives
    assert typed.stems == ("мост",) and typed.weight == TYPED
    assert {("көпүрө",), (stem("bridge"),)} <= {a.stems for a in others}
    assert all(a.weight == TRANSLATED for a in others)


def test_a_known_phrase_is_one_group():
    assert _alternatives("детский сад")[0][:2] == [("детск", "сад"), vocabulary.phrase_stems("бала бакча")]
    assert len(query_groups("детский сад")) == 1
    kyrgyz = _alternatives("Күн панелдери")
    assert len(kyrgyz) == 1 and vocabulary.phrase_stems("солнечные панели") in kyrgyz[0]
    assert vocabulary.phrase_stems("solar panels") in kyrgyz[0]


def test_kyrgyz_word_forms_find_their_concept():
    assert ("мост",) in _alternatives("көпүрөлөр")[0]  # plural: the stem begins with the variant


def test_words_the_vocabulary_does_not_know_stay_as_they_are():
    assert _alternatives("ремонт моста") == [[("ремонт",)], _alternatives("мост")[0]]
    assert _alternatives("Кочкор") == [[("кочкор",)]]
    assert _alternatives("мост мост") == _alternatives("мост")
    assert query_groups("") == ()


def test_latin_letters_bring_cyrillic_readings_and_their_concept():
    most = _alternatives("most")[0]
    assert most[0] == ("most",)
    assert {("мост",), ("көпүрө",), (stem("bridge"),)} <= set(most)
    assert vocabulary.phrase_stems("хирургия") in _alternatives("xirurg")[0]
    assert vocabulary.phrase_stems("теплица") in _alternatives("teplitsa")[0]
    assert vocabulary.phrase_stems("мектеп") in _alternatives("mektep")[0]
    assert vocabulary.phrase_stems("көпүрө") in _alternatives("kopuro")[0]
    assert [("at",), ("ат",)] == _alternatives("At-Bashy")[0]
    assert vocabulary.phrase_stems("башы") in _alternatives("At-Bashy")[1]


def test_groups_are_bounded():
    assert len(query_groups(" ".join(f"слово{i}" for i in range(30)))) == vocabulary.MAX_GROUPS
    assert all(len(g.alternatives) <= vocabulary.MAX_ALTERNATIVES for g in query_groups("koepuroe solnechnye"))


def test_a_snippet_marks_the_word_found_in_another_language():
    assert "<mark>көпүрөнү</mark>" in highlight("Гүлчөдөгү көпүрөнү калыбына келтирүү",
                                                 vocabulary.highlight_stems("мост"))
    assert "<mark>моста</mark>" in highlight("Ремонт моста через реку", vocabulary.highlight_stems("most"))
