"""A search as data: what the URL holds, what a saved search stores, what backends answer."""
from dataclasses import dataclass, field, fields, replace

SORTS = ("relevance", "newest", "nearest", "funding")
FACETS = ("region", "district", "sector", "kind", "skill", "status")
NEED_KINDS = ("funds", "skill", "in_kind")
STATUSES = ("open", "funded", "in_progress", "completed")
DEFAULT_RADIUS_KM = 50
MAX_RADIUS_KM = 1000
MAX_PAGE = 500
KM_PER_DEGREE = 111.2


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _ints(values):
    return tuple(sorted({n for n in map(_int, values) if n is not None}))


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    region: int | None = None
    district: int | None = None
    municipality: int | None = None
    sector: tuple = ()
    kind: tuple = ()
    skill: tuple = ()
    status: tuple = ()
    near: int | None = None  # a municipality
    km: int = DEFAULT_RADIUS_KM
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    ids: tuple = ()  # only these projects (how alerts test one new project against saved searches)
    with_facets: bool = True
    # Filled in by the service from `near`: (lat, lon) of the municipality.
    origin: tuple | None = field(default=None, compare=False)

    @classmethod
    def from_args(cls, args):
        """From a URL's query string (a MultiDict); what makes no sense is dropped, not fatal."""
        sort = args.get("sort", "relevance")
        km = _int(args.get("km")) or DEFAULT_RADIUS_KM
        return cls(
            q=(args.get("q") or "").strip()[:200],
            region=_int(args.get("region")),
            district=_int(args.get("district")),
            municipality=_int(args.get("municipality")),
            sector=_ints(args.getlist("sector")),
            kind=tuple(sorted(set(args.getlist("kind")) & set(NEED_KINDS))),
            skill=_ints(args.getlist("skill")),
            status=tuple(sorted(set(args.getlist("status")) & set(STATUSES))),
            near=_int(args.get("near")),
            km=min(km, MAX_RADIUS_KM),
            sort=sort if sort in SORTS else "relevance",
            page=min(_int(args.get("page")) or 1, MAX_PAGE),
        )

    def to_args(self, **changes):
        """The query string parameters for this search (with changes), defaults left out. (A
        results page asks for a few dozen: one per facet value and page link.)"""
        unknown = changes.keys() - _IN_URL.keys()
        if unknown:
            raise TypeError(f"not a search parameter: {', '.join(sorted(unknown))}")
        args = []
        for name, default in _IN_URL.items():
            value = changes[name] if name in changes else getattr(self, name)
            if value in (None, "", ()) or value == default:
                continue
            if name == "km" and changes.get("near", self.near) is None:
                continue
            for item in value if isinstance(value, tuple) else (value,):
                args.append((name, item))
        return args

    def to_saved(self):
        """What a saved search keeps: the filters and words, not the page or the sort."""
        return {name: list(value) if isinstance(value, tuple) else value
                for name, value in ((f.name, getattr(self, f.name)) for f in fields(self))
                if name not in ("page", "per_page", "ids", "origin", "sort", "with_facets")}

    @classmethod
    def from_saved(cls, data, **changes):
        known = {f.name for f in fields(cls)}
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
        return replace(cls(**values), **changes)

    @property
    def is_empty(self):
        return not (self.q or self.region or self.district or self.municipality or self.sector
                    or self.kind or self.skill or self.status or self.near)

    @property
    def offset(self):
        return (self.page - 1) * self.per_page


@dataclass
class Hit:
    id: int
    score: float = 0.0


@dataclass
class SearchResults:
    total: int
    hits: list
    facets: dict  # facet name -> {value: count}; values are ints (ids) or strings
    query_stems: tuple = ()


@dataclass
class Drift:
    entity: str
    in_database: int
    in_index: int
    missing: list  # ids in the database, not in the index
    extra: list  # ids in the index, not (any more) in the database

    @property
    def ok(self):
        return not self.missing and not self.extra


# The fields a search's URL carries, with their defaults (left out of it), in order.
_IN_URL = {f.name: f.default for f in fields(SearchQuery) if f.name not in ("per_page", "ids", "origin", "with_facets")}
