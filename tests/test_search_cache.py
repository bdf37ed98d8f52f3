"""The search caches' bounds: the least recently used entries go first, by count and by weight."""
from app.search.cache import LRUCache


def test_the_least_recently_used_entry_goes_first():
    cache = LRUCache(size=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_a_weight_budget_keeps_the_total_under_it():
    cache = LRUCache(size=100, budget=10, weigh=len)
    cache.put("a", "x" * 4)
    cache.put("b", "x" * 4)
    cache.put("c", "x" * 4)  # 12 > 10: "a" goes
    assert (cache.get("a"), cache.weight) == (None, 8)
    cache.put("b", "x" * 9)  # replacing an entry counts its new weight only
    assert (cache.get("b"), cache.get("c"), cache.weight) == ("x" * 9, None, 9)
    cache.put("huge", "x" * 11)  # heavier than the budget: not kept
    assert (cache.get("huge"), cache.weight) == (None, 0)
