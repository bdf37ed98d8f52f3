"""Latin letters read back as Cyrillic (app/search/translit.py), by Kyrgyz and Russian conventions."""
import pytest

from app.search.translit import MAX_CANDIDATES, candidates, is_latin


@pytest.mark.parametrize("latin, cyrillic", [
    ("most", "мост"), ("kopuro", "көпүрө"), ("köpürö", "көпүрө"), ("koepuroe", "көпүрө"), ("kopuru", "көпүрү"),
    ("mektep", "мектеп"), ("xirurg", "хирург"), ("hirurg", "хирург"), ("khirurg", "хирург"),
    ("teplitsa", "теплица"), ("teplica", "теплица"), ("naryn", "нарын"), ("bashy", "башы"), ("bashi", "башы"),
    ("shkola", "школа"), ("jol", "жол"), ("zhol", "жол"), ("chatyr", "чатыр"), ("chatir", "чатыр"),
    ("kun", "күн"), ("kün", "күн"), ("kuen", "күн"), ("ming", "миң"), ("shchetka", "щетка"), ("schetka", "щетка"),
    ("yasli", "ясли"), ("iasli", "ясли"), ("yunost", "юност"), ("noutbuk", "ноутбук"), ("bakcha", "бакча"),
    ("ekologiya", "экология"), ("jalal", "джалал"), ("qol", "кол"), ("solnechnye", "солнечные"),
])
def test_a_latin_word_reads_as_its_cyrillic_spelling(latin, cyrillic):
    assert cyrillic in candidates(latin)


@pytest.mark.parametrize("latin, best", [("most", "мост"), ("mektep", "мектеп"), ("xirurg", "хирург"),
                                          ("teplitsa", "теплица"), ("shkola", "школа"), ("chatyr", "чатыр")])
def test_the_likeliest_reading_comes_first(latin, best):
    assert candidates(latin)[0] == best


def test_candidates_are_bounded_and_distinct():
    for word in ("koepuroe", "solnechnye", "shchastye", "yiyiyiyiyiyi", "a" * 40):
        found = candidates(word)
        assert 0 < len(found) <= MAX_CANDIDATES
        assert len(set(found)) == len(found)


def test_only_latin_words_are_read():
    assert candidates("мост") == [] and candidates("most2") == [] and candidates("") == []
    assert is_latin("at") and not is_latin("ат")
