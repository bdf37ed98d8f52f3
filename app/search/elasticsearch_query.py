"""Elasticsearch's queries: the text clauses, filters, sorts and constant-score helpers.

The text query behaves like the embedded engine's (app/search/sqlite_backend.py): each word of a
group as typed matches its stem as a prefix of an indexed stem, in every text field with that
field's weight (app/search/matching.py TEXT_WEIGHTS), the weights of the fields it is found in
adding up; only a stem that begins no indexed word at all is replaced by the indexed words one
letter away from it (whole words, the first letter kept, in words of MIN_FUZZY_LENGTH letters or
more), so "мост" never brings "мест" while "водапровод" still finds "водопровод". Another
language's variant or a Latin word's reading matches at its alternative's lower weight.
"""
from app.search import matching
from app.search.text import MIN_FUZZY_LENGTH
from app.search.vocabulary import query_groups


def constant(query, boost):
    return {"constant_score": {"filter": query, "boost": boost}}


def home_clauses(place, fields):
    """Constant scores that add up to the weight of the closest home tie."""
    clauses = []
    for (level, weight), value, field in zip(matching.increments(matching.HOME_LEVELS), place, fields):
        if value:
            clauses.append(constant({"term": {field: value}}, weight))
    return clauses


def overlap(field, windows):
    return {"bool": {"should": [
        {"range": {field: {"gte": start, "lte": end, "relation": "intersects"}}} for start, end in windows
    ], "minimum_should_match": 1}}


def typed_stems(text):
    """The stems of a query's words as typed, the ones whose neighbours may stand in for them."""
    found = []
    for group in query_groups(text or ""):
        found.extend(s for s in group.typed.stems if s not in found)
    return found


def known_prefixes_query(stems):
    """One request's body: how many documents hold a word beginning with each stem (size 0)."""
    return {"size": 0, "track_total_hits": False, "query": {"match_all": {}},
            "aggs": {"known": {"filters": {"filters": {str(i): {"prefix": {"stems": s}}
                                                       for i, s in enumerate(stems)}}}}}


def unknown_stems(stems, response):
    """The stems of known_prefixes_query that begin no indexed word."""
    buckets = response.get("aggregations", {}).get("known", {}).get("buckets", {})
    return {s for i, s in enumerate(stems) if not buckets.get(str(i), {}).get("doc_count")}


def _per_field(kind, value, **options):
    return [{kind: {f"{name}_stems": {"value": value, "boost": weight, **options}}}
            for name, weight in matching.TEXT_WEIGHTS.items()]


def word_clause(stem, unknown):
    """A typed stem in any text field, each field at its weight: as a prefix, or, when no indexed
    word begins with it, the whole indexed words one letter away (prefix_length 1 as the embedded
    engine keeps the first letter; no transpositions: within_one_edit counts them as two)."""
    if stem in unknown and len(stem) >= MIN_FUZZY_LENGTH:
        found = _per_field("fuzzy", stem, fuzziness=1, prefix_length=1, transpositions=False)
    else:
        found = _per_field("prefix", stem)
    return {"bool": {"should": found, "minimum_should_match": 1}}


def text_query(text, unknown=frozenset()):
    """One clause a group of the query (app/search/vocabulary.py): its words as typed, or any
    alternative at the alternative's lower weight, so a match in the language typed ranks first."""
    clauses = []
    for group in query_groups(text or ""):
        typed = [word_clause(s, unknown) for s in group.typed.stems]
        if not group.expanded:
            clauses.extend(typed)
            continue
        should = [typed[0] if len(typed) == 1 else {"bool": {"must": typed}}]
        for alternative in group.alternatives[1:]:
            phrase = " ".join(alternative.stems)
            found = ({"prefix": {"stems": phrase}} if len(alternative.stems) == 1
                     else {"match_phrase_prefix": {"stems": {"query": phrase}}})
            should.append(constant(found, alternative.weight))
        clauses.append({"bool": {"should": should, "minimum_should_match": 1}})
    return clauses


def filters(query):
    found = []
    for name in ("region", "district", "municipality"):
        if getattr(query, name):
            found.append({"term": {f"{name}_id": getattr(query, name)}})
    for field, values in (("sector_id", query.sector), ("status", query.status),
                          ("need_kinds", query.kind), ("skill_ids", query.skill), ("id", query.ids)):
        if values:
            found.append({"terms": {field: list(values)}})
    if query.origin and query.near:
        lat, lon = query.origin
        found.append({"geo_distance": {"distance": f"{query.km}km", "location": {"lat": lat, "lon": lon}}})
    return found


def sort(query, has_text):
    if query.sort == "nearest" and query.origin:
        lat, lon = query.origin
        return [{"_geo_distance": {"location": {"lat": lat, "lon": lon}, "order": "asc", "unit": "km"}},
                {"id": "desc"}]
    if query.sort == "funding":
        return [{"funding_progress": {"order": "desc", "missing": "_last"}}, {"published_at": "desc"},
                {"id": "desc"}]
    if query.sort == "relevance" and has_text:
        return [{"_score": "desc"}, {"published_at": "desc"}, {"id": "desc"}]
    return [{"published_at": "desc"}, {"id": "desc"}]
