"""Kyrgyz words in search: the stemmer on a word list, telling Kyrgyz from Russian, and the
languages a text is tagged with (which the matching's "speaks the project's language" uses)."""
from pathlib import Path

import pytest
import snowballstemmer

from app.search import kyrgyz, matching
from app.search.text import index_text, languages_of, query_stems, stem

FORMS = Path(__file__).parent / "data" / "kyrgyz_forms.txt"


def _word_list():
    pairs, keep, section = [], [], "forms"
    for line in FORMS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line == "[keep]":
            section = "keep"
        elif line and section == "keep":
            keep.extend(line.split())
        elif line:
            form, expected = line.split()
            pairs.append((form, expected))
    return pairs, keep


PAIRS, KEEP = _word_list()
_russian = snowballstemmer.stemmer("russian")


def test_the_word_list_is_big_enough():
    assert len(PAIRS) >= 80
    assert len(KEEP) >= 20


@pytest.mark.parametrize("form, expected", PAIRS)
def test_a_form_reduces_to_its_roots_stem(form, expected):
    assert stem(form) == stem(expected) == expected


@pytest.mark.parametrize("word", KEEP)
def test_roots_names_and_known_words_are_not_cut(word):
    assert stem(word) == word


def test_the_russian_rules_no_longer_cut_kyrgyz_words():
    # Regressions: the Russian Snowball stemmer made "бал" (a ball) of "бала" (a child) and
    # "исфа" of the town of Исфана.
    assert stem("бала") == "бала"
    assert stem("Исфана".lower()) == "исфана"
    assert stem("жума") == "жума"  # not "жум", a prefix of "жумуш" (work)


@pytest.mark.parametrize("word", ["мосты", "моста", "школы", "больница", "хирургии", "площадь", "паводком",
                                  "разрушен", "детский", "солнечные", "участка", "доллар", "мастер", "вода"])
def test_russian_words_keep_the_russian_rules(word):
    assert kyrgyz.judge(word) != "ky"
    assert stem(word) == (_russian.stemWord(word) if len(_russian.stemWord(word)) >= 3 else word)


def test_vowel_harmony_and_the_sound_before_decide_what_is_a_suffix():
    assert kyrgyz.stem("доллар") == "доллар"  # after о a plural is -лор, so -лар is no suffix here
    assert kyrgyz.stem("вода") == "вода"  # too short to cut
    assert kyrgyz.stem("машина") == "машина"  # -на follows a possessive only
    assert kyrgyz.stem("мектептар") == "мектептар"  # -тар after е breaks harmony


@pytest.mark.parametrize("form, bare", [("компьютерлер", "компьютер"), ("компьютерге", "компьютер"),
                                        ("операциялар", "операция"), ("операцияга", "операция")])
def test_a_russian_loanword_with_kyrgyz_suffixes_is_found_by_the_bare_word(form, bare):
    # The bare word is stemmed the Russian way ("операц"), a prefix of the suffixed form's stem.
    assert kyrgyz.judge(form) == "ky"
    assert stem(form).startswith(stem(bare))


def test_kyrgyz_is_told_by_letters_vocabulary_and_suffixes():
    for word in ("көпүрө", "жана", "үчүн", "менен", "айыл", "айылдар", "мектептер", "ооруканасы", "хирургиялык"):
        assert kyrgyz.judge(word) == "ky", word
    for word in ("мост", "бесплатно", "щебень", "для", "и"):
        assert kyrgyz.judge(word) != "ky", word


def test_a_kyrgyz_document_keeps_its_ambiguous_words_whole_and_the_query_still_finds_them():
    indexed = index_text("Айылдын борбордук көпүрөсүн оңдоо керек, сурет тартуу").split()
    assert "сурет" in indexed
    for query in ("сурет", "көпүрөлөр", "көпүрөгө", "айылдарда"):
        assert any(term.startswith(s) for s in query_stems(query) for term in indexed), query


def test_a_russian_sentence_in_a_kyrgyz_body_keeps_the_russian_rules():
    indexed = index_text("Айылдын көпүрөсүн оңдоо керек. Старый мост разрушен паводком.").split()
    assert {"көпүрө", "стар", "мост", "разруш", "паводк"} <= set(indexed)


@pytest.mark.parametrize("text, expected", [
    ("Гүлчөдөгү көпүрөнү калыбына келтирүү", {"ky"}),
    ("Хирургиялык жума: Ат-Башы райондук ооруканасы", {"ky"}),
    ("Таза суу айылга жана мектепке", {"ky"}),
    ("Ремонт моста через реку Кочкор", {"ru"}),  # a Kyrgyz place name makes no Kyrgyz text
    ("Водопровод для села Сокулук", {"ru"}),
    ("Мост", {"ru"}),
    ("Неделя хирургии. Хирургиялык жума", {"ky", "ru"}),
    ("New school roof in Kyzyl-Suu", {"en"}),
    ("Бала бакча үчүн компьютерлер", {"ky"}),
])
def test_languages_of_a_text(text, expected):
    assert languages_of(text) == expected


def _document(title, summary=""):
    return {"skill_ids": [], "region_id": None, "district_id": None, "municipality_id": None,
            "sector_id": None, "skill_windows": [], "published_at": "2020-01-01T00:00:00",
            "languages": sorted(languages_of(" ".join((title, summary))))}


def test_a_kyrgyz_speaker_shares_a_language_with_a_kyrgyz_project_only():
    subject = matching.MemberSubject(languages=("ky",))
    russian = _document("Ремонт моста через реку Кочкор", "Старый мост разрушен паводком.")
    kyrgyz_project = _document("Гүлчөдөгү көпүрөнү калыбына келтирүү", "Айылдын борбордук көпүрөсүн оңдоо керек.")
    assert "language" not in {r.key for r in matching.explain_project(subject, russian)}
    assert "language" in {r.key for r in matching.explain_project(subject, kyrgyz_project)}


def test_a_kyrgyz_speaker_is_no_volunteer_who_speaks_a_russian_projects_language():
    # "speaks the project's language" on a need's suggested volunteers.
    profile = {"verified_skill_ids": [], "skill_ids": [1], "region_id": None, "district_id": None,
               "municipality_id": None, "sector_ids": [], "windows": [], "languages": ["ky"],
               "updated_at": "2020-01-01T00:00:00"}

    def need(title):
        return matching.NeedSubject(skill_id=1, lsg_id=1, region_id=1, district_id=1, municipality_id=1,
                                    languages=tuple(sorted(languages_of(title))))

    assert "language" not in {r.key for r in matching.explain_profile(need("Ремонт моста через реку"), profile)}
    assert "language" in {r.key for r in matching.explain_profile(need("Көпүрөнү оңдоо"), profile)}
