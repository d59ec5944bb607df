"""The exam catalog: what each Microsoft exam measures, per dated outline version.

Data lives in ``exams/<CODE>.toml`` (one file per exam, format described at the top of
``exams/AZ-104.toml``) so that updating an outline is a data edit, not a code change. Files are
loaded lazily, one at a time, and validated on load: reading one report touches one file.

Outlines change over time (domains renamed and reweighted), so an exam keeps several dated
outlines and ``match_domains`` picks the one in force on the exam date — unless the printed names
clearly belong to another version (localized exams lag the English update; dates can be missing).
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from scorereader.errors import CatalogError  # re-exported: `from scorereader.catalog import CatalogError` still works

__all__ = [
    "CatalogError", "DomainSpec", "Outline", "Exam", "DomainMatch", "Source",
    "get_exam", "all_exams", "find_exam_by_title", "match_domains", "normalize_code", "normalize_name",
]

EXAMS_DIR = Path(__file__).with_name("exams")
LEVELS = ("fundamentals", "associate", "expert", "specialty")
CERTAINTIES = ("verified", "secondary", "unverified")
TAGS = frozenset({
    "identity", "governance", "security", "networking", "compute", "storage", "monitoring", "data",
    "ai", "development", "devops", "concepts", "management", "apps",
})

# Matching knobs (scores are rapidfuzz 0–100).
MATCH_THRESHOLD = 78.0   # below this a printed name is "no confident match" (spec=None)
FOREIGN_PENALTY = 3.0    # matching via another version's name is weaker evidence for *this* version
WEIGHT_BONUS = 2.0       # a printed "(20–25%)" equal to the outline's range is evidence for it
SWITCH_MARGIN = 2.0      # another outline must fit this much better to override the exam date
UNMATCHED_PENALTY = 1.0  # per catalog domain nothing printed matched (4 printed areas ≠ a 5-area outline)


@dataclass(frozen=True)
class DomainSpec:
    key: str
    name: str
    weight_min: int
    weight_max: int
    aliases: tuple[str, ...]
    skills: tuple[str, ...]
    labs: tuple[str, ...]
    tags: tuple[str, ...]
    hands_on: bool
    # Names this area carries in *other* outline versions (also included in `aliases`); kept apart
    # because they are weaker evidence that a report used this version.
    inherited: tuple[str, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Outline:
    effective: dt.date
    domains: tuple[DomainSpec, ...] = field(repr=False)
    certainty: str
    source: str
    # Exam-specific advice for the planner's score patterns, keyed by pattern id ("security_blind_spot"):
    # what to study for that pattern *on this outline*, so advice never names skills the exam lacks.
    advice: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def domain(self, name: str) -> DomainSpec | None:
        """Exact lookup by name or alias, ignoring case, dashes, '&' and spacing (no fuzz)."""
        want = normalize_name(name)
        for spec in self.domains:
            if any(normalize_name(n) == want for n in (spec.name, *spec.aliases)):
                return spec
        return None


@dataclass(frozen=True)
class Exam:
    code: str
    title: str
    level: str
    foundation: str | None
    retired: dt.date | None
    successor: str | None
    passing_score: int
    max_score: int
    outlines: tuple[Outline, ...] = field(repr=False)
    other_titles: tuple[str, ...] = field(default=(), compare=False)  # certification names etc.
    # The certification that must be held first (AZ-400 needs AZ-104 or AZ-204), unlike `foundation`,
    # which is only advice for a candidate weak everywhere.
    prerequisite: str | None = None
    # This exam's area key → the successor's area key, where the successor's outline covers it: the
    # plan carries a retired exam's bands over to the exam the candidate will sit.
    successor_areas: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    sources: tuple[Source, ...] = field(default=(), repr=False, compare=False)

    def outline_on(self, day: dt.date | None) -> Outline:
        """The outline in force on `day`; newest when unknown, earliest when `day` predates all."""
        if day is None:
            return self.outlines[-1]
        current = self.outlines[0]
        for outline in self.outlines:
            if outline.effective <= day:
                current = outline
        return current


@dataclass(frozen=True)
class Source:
    """Where a fact in an exam file comes from, and when it was read (pages change)."""
    url: str
    title: str
    read: dt.date


@dataclass(frozen=True)
class DomainMatch:
    printed: str
    spec: DomainSpec | None
    score: float


# --------------------------------------------------------------------------- codes and loading

_CODE_RE = re.compile(r"^\s*([A-Za-z]{2,3}|70)\s*[-–—_ ]?\s*([0-9OoIl]{3})\s*$")


def normalize_code(code: str) -> str | None:
    """'az104', 'AZ 104', 'AZ–104', 'az-1O4' → 'AZ-104'; '70-480' stays; None if not shaped like a code.

    Retired exams of the 70- series are printed on reports as the bare number ('480'); recognising
    that form is the interpreter's job, which passes '70-480' here.
    """
    m = _CODE_RE.match(code or "")
    if not m:
        return None
    digits = m.group(2).translate(str.maketrans("OoIl", "0011"))
    return f"{m.group(1).upper()}-{digits}"


_CACHE: dict[str, Exam | None] = {}


def get_exam(code: str) -> Exam | None:
    """The exam for a code in any common spelling, loading only its own file (cached)."""
    norm = normalize_code(code)
    if norm is None:
        return None
    if norm not in _CACHE:
        path = EXAMS_DIR / f"{norm}.toml"
        _CACHE[norm] = load_exam_file(path) if path.is_file() else None
    return _CACHE[norm]


def all_exams() -> list[Exam]:
    """Every exam in the catalog, sorted by code (loads all files; for listings and title search)."""
    exams = [get_exam(p.stem) for p in sorted(EXAMS_DIR.glob("*.toml"))]
    return sorted((e for e in exams if e is not None), key=lambda e: e.code)


def load_exam_file(path: Path) -> Exam:
    """Parse and validate one exam file; any problem raises CatalogError naming the file."""
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        exam = _build_exam(raw)
    except CatalogError as err:
        raise CatalogError(f"Catalog file {path.name} is invalid: {err}") from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as err:
        detail = f"missing field {err}" if isinstance(err, KeyError) else str(err)
        raise CatalogError(f"Catalog file {path.name} is invalid: {detail}") from None
    if exam.code != path.stem:
        raise CatalogError(f"Catalog file {path.name} is invalid: code {exam.code!r} does not match the file name")
    return exam


def _strs(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogError(f"{what} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _opt_date(value: Any, what: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise CatalogError(f"{what} must be a TOML date (YYYY-MM-DD)")


EXAM_KEYS = frozenset({
    "code", "title", "level", "foundation", "prerequisite", "retired", "successor", "successor_areas",
    "passing_score", "max_score", "other_titles", "sources", "areas", "outlines",
})
OUTLINE_KEYS = frozenset({"effective", "certainty", "source", "domains", "advice"})
SOURCE_KEYS = frozenset({"url", "title", "read"})


def _only_keys(raw: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    """An unknown key is a typo that would silently drop data: fail loudly instead."""
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise CatalogError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _str_map(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                              for k, v in value.items()):
        raise CatalogError(f"{what} must be a table of non-empty strings")
    return {k: v.strip() for k, v in value.items()}


def _build_sources(value: Any) -> tuple[Source, ...]:
    if not isinstance(value, list):
        raise CatalogError("sources must be an array of {url, title, read} tables")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise CatalogError(f"sources[{i}] must be a table")
        _only_keys(item, SOURCE_KEYS, f"sources[{i}]")
        read = _opt_date(item["read"], f"sources[{i}].read")
        url = str(item["url"]).strip()
        if read is None or not url:
            raise CatalogError(f"sources[{i}] needs a url and the date it was read")
        out.append(Source(url=url, title=str(item.get("title", "")).strip(), read=read))
    return tuple(out)


def _build_exam(raw: dict[str, Any]) -> Exam:
    _only_keys(raw, EXAM_KEYS, "top level")
    code = normalize_code(str(raw["code"]))
    if code is None or code != raw["code"]:
        raise CatalogError(f"code {raw['code']!r} must look like 'AZ-104'")
    level = raw["level"]
    if level not in LEVELS:
        raise CatalogError(f"level {level!r} is not one of {', '.join(LEVELS)}")
    areas: dict[str, dict[str, Any]] = raw.get("areas", {})
    outlines_raw = raw["outlines"]
    if not outlines_raw:
        raise CatalogError("an exam needs at least one outline")
    # Every name an area has carried in any version becomes an alias in the others.
    names_by_key: dict[str, list[str]] = {}
    for o in outlines_raw:
        for d in o["domains"]:
            names_by_key.setdefault(d["key"], [])
            if d["name"] not in names_by_key[d["key"]]:
                names_by_key[d["key"]].append(d["name"])
    all_names = {normalize_name(n) for names in names_by_key.values() for n in names}
    for key, area in areas.items():
        for alias in area.get("aliases", []):
            if normalize_name(alias) in all_names:
                # It would hide which version a report used; outline names are shared automatically.
                raise CatalogError(f"[areas.{key}] alias {alias!r} is an outline name; remove it")
    outlines = tuple(_build_outline(o, areas, names_by_key) for o in outlines_raw)
    for older, newer in zip(outlines, outlines[1:]):
        if not older.effective < newer.effective:
            raise CatalogError(f"outline dates must be strictly increasing ({older.effective} then {newer.effective})")
    unused = set(areas) - set(names_by_key)
    if unused:
        raise CatalogError(f"[areas] {sorted(unused)} are not used by any outline")
    successor_areas = _str_map(raw.get("successor_areas", {}), "successor_areas")
    if successor_areas and not raw.get("successor"):
        raise CatalogError("successor_areas needs a successor")
    stray = set(successor_areas) - set(names_by_key)
    if stray:
        raise CatalogError(f"successor_areas maps unknown area key(s) {sorted(stray)}")
    passing, maximum = int(raw.get("passing_score", 700)), int(raw.get("max_score", 1000))
    if not 0 < passing <= maximum:
        raise CatalogError("passing_score must be between 1 and max_score")
    return Exam(
        code=code,
        title=str(raw["title"]),
        level=level,
        foundation=normalize_code(raw["foundation"]) if raw.get("foundation") else None,
        retired=_opt_date(raw.get("retired"), "retired"),
        successor=raw.get("successor") or None,
        passing_score=passing,
        max_score=maximum,
        outlines=outlines,
        other_titles=_strs(raw.get("other_titles", []), "other_titles"),
        prerequisite=normalize_code(raw["prerequisite"]) if raw.get("prerequisite") else None,
        successor_areas=successor_areas,
        sources=_build_sources(raw.get("sources", [])),
    )


def _build_outline(raw: dict[str, Any], areas: dict[str, dict[str, Any]],
                   names_by_key: dict[str, list[str]]) -> Outline:
    effective = _opt_date(raw["effective"], "effective")
    if effective is None:
        raise CatalogError("every outline needs an effective date")
    where = f"outline {effective}"
    _only_keys(raw, OUTLINE_KEYS, where)
    if raw["certainty"] not in CERTAINTIES:
        raise CatalogError(f"{where}: certainty must be one of {', '.join(CERTAINTIES)}")
    domains = tuple(_build_domain(d, areas.get(d["key"], {}), names_by_key, where) for d in raw["domains"])
    if len(domains) < 2:
        raise CatalogError(f"{where}: needs at least two domains")
    keys = [d.key for d in domains]
    if len(set(keys)) != len(keys):
        raise CatalogError(f"{where}: domain keys must be unique, got {keys}")
    owner: dict[str, str] = {}
    for d in domains:
        for n in {normalize_name(x) for x in (d.name, *d.aliases)}:
            if owner.setdefault(n, d.key) != d.key:
                raise CatalogError(f"{where}: {n!r} names both {owner[n]!r} and {d.key!r}")
    return Outline(effective=effective, domains=domains, certainty=raw["certainty"], source=str(raw["source"]),
                   advice=_str_map(raw.get("advice", {}), f"{where}: advice"))


def _build_domain(raw: dict[str, Any], area: dict[str, Any], names_by_key: dict[str, list[str]],
                  where: str) -> DomainSpec:
    """One outline domain, filled in from its [areas.<key>] defaults (labs, tags, short aliases)."""
    key, name = raw["key"], raw["name"]
    where = f"{where}, domain {key!r}"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        raise CatalogError(f"{where}: key must be a lower-case slug")
    merged = {**area, **raw}
    weight = merged["weight"]
    if (not isinstance(weight, list) or len(weight) != 2 or not all(isinstance(w, int) for w in weight)
            or not 0 <= weight[0] <= weight[1] <= 100):
        raise CatalogError(f"{where}: weight must be [min, max] with 0 <= min <= max <= 100")
    own = _strs(area.get("aliases", []), f"{where}: aliases") + _strs(raw.get("aliases", []), f"{where}: aliases")
    inherited = tuple(n for n in names_by_key[key] if n != name and n not in own)
    skills = _strs(merged["skills"], f"{where}: skills")
    labs = _strs(merged["labs"], f"{where}: labs")
    tags = _strs(merged["tags"], f"{where}: tags")
    if not skills:
        raise CatalogError(f"{where}: needs at least one skill group")
    if not 2 <= len(labs) <= 4:
        raise CatalogError(f"{where}: needs 2–4 labs, has {len(labs)}")
    if not tags or set(tags) - TAGS:
        raise CatalogError(f"{where}: tags must be from {sorted(TAGS)}")
    if not isinstance(merged["hands_on"], bool):
        raise CatalogError(f"{where}: hands_on must be true or false")
    return DomainSpec(
        key=key, name=name, weight_min=weight[0], weight_max=weight[1],
        aliases=tuple(dict.fromkeys(own + inherited)), skills=skills, labs=labs, tags=tags,
        hands_on=merged["hands_on"], inherited=inherited,
    )


# --------------------------------------------------------------------------- name matching

_WEIGHT_RE = re.compile(r"\(?\s*(\d{1,3})\s*%?\s*(?:[-–—~]|to)\s*(\d{1,3})\s*%\s*\)?")
_TRAILING_PCT_RE = re.compile(r"[\s(]*\d{1,3}(?:[.,]\d+)?\s*%\s*\)?\s*$")


@lru_cache(maxsize=4096)
def normalize_name(text: str) -> str:
    """Canonical form for comparing skill-area names: case, dashes, '&', wrapping, weights, junk."""
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"(\w)[-‐‑–—]\s*\n\s*(\w)", r"\1\2", s)        # "gov-\nernance" → "governance"
    s = _WEIGHT_RE.sub(" ", s)                                  # "(20–25%)", "20-25 %"
    s = _TRAILING_PCT_RE.sub(" ", s)                            # a practice test's "45%"
    s = s.lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()                  # dashes, quotes, bullets, OCR specks
    s = re.sub(r"^(?:\d{1,2}|[a-z])\s+(?=[a-z]{3})", "", s)    # list markers "1." / "a)"
    s = re.sub(r"(?:\s+(?:\w|[^aeiou\s\d]{2}))+$", "", s) if len(s) > 12 else s  # junk "… l ll"
    return s


@lru_cache(maxsize=8192)
def _skeleton(norm: str) -> str:
    """Collapse characters OCR confuses (rn/m, 0/o, 1/l, vv/w) and spaces; applied to both sides."""
    s = norm.replace("rn", "m").replace("vv", "w").translate(str.maketrans("015", "ols"))
    return s.replace(" ", "")


def _similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.ratio(_skeleton(a), _skeleton(b)))


def _printed_weight(text: str) -> tuple[int, int] | None:
    m = _WEIGHT_RE.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


_STOPWORDS = frozenset("a an and the of for to in on by using use with".split())


@dataclass(frozen=True)
class _Candidate:
    text: str                  # normalized name or alias
    foreign: bool              # another version's name (weaker evidence for this outline)
    marks: frozenset[str]      # skeleton words no other domain of the outline uses


@lru_cache(maxsize=256)
def _candidates(outline: Outline) -> tuple[tuple[_Candidate, ...], ...]:
    """Per domain, the strings it can be printed as, with the words that set it apart.

    Names in one outline often share most words ("Demonstrate the capabilities of Power Apps" vs
    "... Power BI"), so a high overall ratio is not enough: the printed text must also contain a
    word that only the matched domain has, when such a word exists.
    """
    texts = [[normalize_name(n) for n in (d.name, *d.aliases)] for d in outline.domains]
    words = [{_skeleton(w) for t in ts for w in t.split()} for ts in texts]
    result = []
    for j, (spec, ts) in enumerate(zip(outline.domains, texts)):
        others = set().union(*(w for k, w in enumerate(words) if k != j))
        inherited = {normalize_name(n) for n in spec.inherited}
        own = set(ts) - inherited
        result.append(tuple(
            _Candidate(t, t not in own, frozenset(_skeleton(w) for w in t.split()
                                                  if w not in _STOPWORDS and _skeleton(w) not in others))
            for t in dict.fromkeys(ts)))
    return tuple(result)


def _has_mark(printed_norm: str, marks: frozenset[str]) -> bool:
    from rapidfuzz import fuzz

    if not marks:
        return True
    return any(fuzz.ratio(m, p) >= 75 for m in marks for p in _pieces(printed_norm))


@lru_cache(maxsize=1024)
def _pieces(printed_norm: str) -> tuple[str, ...]:
    """Words and adjacent word pairs (a word OCR split in two), in skeleton form."""
    words = printed_norm.split()
    return tuple([_skeleton(w) for w in words] + [_skeleton(a + b) for a, b in zip(words, words[1:])])


def _score(printed_norm: str, candidates: tuple[_Candidate, ...]) -> tuple[float, bool]:
    """Best similarity to one domain's names, and whether it came only via another version."""
    best, foreign = 0.0, False
    for c in candidates:
        s = _similarity(printed_norm, c.text)
        if s < 100 and not _has_mark(printed_norm, c.marks):
            s = min(s, MATCH_THRESHOLD - 1)   # similar wording, but not *this* area's words
        if s > best or (s == best and foreign and not c.foreign):
            best, foreign = s, c.foreign
    return best, foreign


def _assign(outline: Outline, printed: list[str]) -> tuple[list[DomainMatch], float]:
    """Greedy one-to-one assignment by best score; returns matches and the outline's fit."""
    norms = [normalize_name(p) for p in printed]
    cands = _candidates(outline)
    scores = [[_score(norm, c) for c in cands] for norm in norms]
    pairs = sorted(((score, not foreign, -i, j, foreign)
                    for i, row in enumerate(scores) for j, (score, foreign) in enumerate(row)
                    if score >= MATCH_THRESHOLD), reverse=True)
    matched: dict[int, tuple[int, float, bool]] = {}
    used: set[int] = set()
    for score, _, neg_i, j, foreign in pairs:
        if -neg_i not in matched and j not in used:
            matched[-neg_i] = (j, score, foreign)
            used.add(j)
    fit = -UNMATCHED_PENALTY * (len(outline.domains) - len(used))
    result = []
    for i, text in enumerate(printed):
        if i in matched:
            j, score, foreign = matched[i]
            spec = outline.domains[j]
            fit += score - (FOREIGN_PENALTY if foreign else 0.0)
            if _printed_weight(text) == (spec.weight_min, spec.weight_max):
                fit += WEIGHT_BONUS
            result.append(DomainMatch(text, spec, round(score, 1)))
        else:
            result.append(DomainMatch(text, None, round(max((sc for sc, _ in scores[i]), default=0.0), 1)))
    return result, fit


def match_domains(exam: Exam, day: dt.date | None,
                  printed: list[str]) -> tuple[Outline | None, list[DomainMatch]]:
    """Match printed skill-area names to the exam's outline in force on `day`.

    Another outline wins only when it fits clearly better (old report, wrong or missing date);
    among equally good alternatives the one nearest in time to the dated one is taken.
    Returns (None, matches with spec=None) when nothing matches any outline.
    """
    if not printed:
        return None, []
    results = [_assign(o, printed) for o in exam.outlines]
    fits = [fit for _, fit in results]
    best = max(fits)
    if day is None:
        # no date: the version whose names fit best (the newest only among equally good ones)
        chosen = max(i for i, f in enumerate(fits) if f >= best - 1e-9)
        matches = results[chosen][0]
        return (None, matches) if all(m.spec is None for m in matches) else (exam.outlines[chosen], matches)
    default = exam.outlines.index(exam.outline_on(day))
    chosen = default
    if best > fits[default] + SWITCH_MARGIN:
        chosen = min((i for i, f in enumerate(fits) if f >= best - 0.5), key=lambda i: (abs(i - default), -i))
    matches = results[chosen][0]
    if all(m.spec is None for m in matches):
        return None, matches
    return exam.outlines[chosen], matches


def area_of(exam_code: str | None, name: str) -> tuple[str, str]:
    """(stable key, current name) of a skill area named in any outline version of an exam.

    Lets attempts and cohorts line up areas that were renamed between outlines ("Configure and
    manage virtual networking" in 2021 is "Implement and manage virtual networking" now). A name the
    catalog does not know keys on its normalized self.
    """
    exam = get_exam(exam_code) if exam_code else None
    if exam is not None:
        for outline in reversed(exam.outlines):
            spec = outline.domain(name)
            if spec is not None:
                current = next((d.name for d in exam.outlines[-1].domains if d.key == spec.key), spec.name)
                return spec.key, current
    return normalize_name(name), name


def find_exam_by_title(text: str) -> Exam | None:
    """The exam whose title (or certification name) best matches `text`, for reports without a code."""
    from rapidfuzz import fuzz

    want = normalize_name(text)
    if len(want) < 8:
        return None
    best: tuple[tuple[float, int, dt.date], Exam] | None = None
    for exam in all_exams():
        for title in (exam.title, *exam.other_titles):
            t = normalize_name(title)
            score = fuzz.ratio(want, t)
            if len(want) > len(t):   # the title inside a longer line, e.g. "Exam AZ-104: Microsoft ..."
                score = max(score, fuzz.partial_ratio(t, want) - 2)
            # Successors often keep the title (AZ-103 → AZ-104): on a tie the exam retired last wins.
            rank = (score, len(t), exam.retired or dt.date.max)
            if best is None or rank > best[0]:
                best = (rank, exam)
    return best[1] if best and best[0][0] >= 88 else None

