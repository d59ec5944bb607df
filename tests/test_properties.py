"""Property-based tests: the value parsers and the interpreter never raise anything but a typed
error (scorereader.errors.ScoreReaderError), whatever text or layout they are given.

The interpreter is fed the IR of the real text fixtures, perturbed: words shuffled, jittered by a
few points, dropped and duplicated; bars jittered and dropped. The outcome must be a Report that
validates against the SPEC schema, or a typed error — never a crash.
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import random

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, validate_report
from scorereader import parsers
from scorereader.errors import NotAScoreReport, ScoreReaderError
from scorereader.ir import Bar, Box, Document, Page, Word

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT_FIXTURES = sorted((FIXTURES / "text").glob("*.pdf"))

# text that looks like what reports print: digits, separators, month names, percent signs, dashes
report_alphabet = st.sampled_from(list("0123456789/-–—.,:%() ") + ["May", "March", "Sept", "of", "out of", "to",
                                                                  "2026", "1000", "700", "AZ", "\n", "\t"])
report_text = st.lists(report_alphabet, max_size=30).map("".join) | st.text(max_size=60)


# ---------------------------------------------------------------------------------------------
# Parsers
# ---------------------------------------------------------------------------------------------
@FAST
@given(report_text)
def test_parse_date_is_none_or_a_plausible_date(text):
    d = parsers.parse_date(text)
    assert d is None or (isinstance(d, dt.date) and 1990 <= d.year <= 2100)


@FAST
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["%m/%d/%Y", "%Y-%m-%d", "{month} {day}, %Y", "{day} %b %Y", "{day}-%b-%Y", "%B {day} %Y"]),
       st.text(alphabet="abcdefghij :", max_size=12), st.text(alphabet="abcdefghij :", max_size=12))
def test_parse_date_reads_every_printed_form(day, fmt, before, after):
    printed = day.strftime(fmt.replace("{month}", "%B").replace("{day}", str(day.day)))
    assert parsers.parse_date(f"{before} {printed} {after}") == day


@FAST
@given(report_text)
def test_parse_score_is_consistent(text):
    score, top = parsers.parse_score(text)
    assert score is None or (isinstance(score, int) and 0 <= score <= 9999)
    if top is not None:
        assert score is not None and score <= top


@FAST
@given(st.integers(0, 1000), st.sampled_from([100, 1000]), st.sampled_from([" / ", "/", " out of ", " of "]))
def test_parse_score_reads_out_of(score, top, sep):
    assume(score <= top)
    assert parsers.parse_score(f"{score}{sep}{top}") == (score, top)


@FAST
@given(report_text)
def test_parse_percent_and_weight_stay_in_range(text):
    p = parsers.parse_percent(text)
    assert p is None or 0.0 <= p <= 1.0
    w = parsers.parse_weight(text)
    assert w is None or (0 <= w[0] <= w[1] <= 100)
    assert isinstance(parsers.strip_weight(text), str)
    assert isinstance(parsers.clean_name(text), str)
    parsers.find_exam_codes(text)
    parsers.parse_identifier(text)


@FAST
@given(st.integers(0, 99), st.integers(0, 100), st.sampled_from(["–", "-", "—", " to "]),
       st.sampled_from(["({a}{d}{b}%)", "{a}{d}{b} %", "{a}%{d}{b}%"]))
def test_parse_weight_reads_ranges(a, b, dash, fmt):
    assume(a <= b)
    assert parsers.parse_weight(fmt.format(a=a, b=b, d=dash)) == (a, b)
    assert parsers.parse_percent(fmt.format(a=a, b=b, d=dash)) is None


# ---------------------------------------------------------------------------------------------
# Interpreter on perturbed IR of real fixtures
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def fixture_ir(index: int) -> Document:
    from scorereader.detect import sha256_of
    from scorereader.extract.pdf_text import extract_pdf_text

    path = TEXT_FIXTURES[index]
    return extract_pdf_text(str(path), sha256_of(path))


def _jitter(box: Box | None, rnd: random.Random, amount: float) -> Box | None:
    if box is None:
        return None
    dx, dy = rnd.uniform(-amount, amount), rnd.uniform(-amount, amount)
    return Box(box.x0 + dx, box.top + dy, box.x1 + dx + rnd.uniform(-amount, amount) / 4, box.bottom + dy)


def perturb(doc: Document, rnd: random.Random, *, shuffle: bool, jitter: float, drop: float, dup: float,
            bar_drop: float) -> Document:
    out = copy.deepcopy(doc)
    for page in out.pages:
        words: list[Word] = []
        for w in page.words:
            if rnd.random() < drop:
                continue
            w2 = Word(w.text, _jitter(w.box, rnd, jitter), w.size, w.conf)
            words.append(w2)
            if rnd.random() < dup:
                words.append(Word(w.text, _jitter(w.box, rnd, jitter), w.size, w.conf))
        if shuffle:
            rnd.shuffle(words)
        page.words = words
        bars: list[Bar] = []
        for b in page.bars:
            if rnd.random() < bar_drop:
                continue
            bars.append(Bar(_jitter(b.track, rnd, jitter), _jitter(b.fill, rnd, jitter), b.source, b.fill_color))
        if shuffle:
            rnd.shuffle(bars)
        page.bars = bars
    return out


def read(doc: Document):
    """interpret → normalize, as the pipeline does (minus the file I/O)."""
    from scorereader.interpret import interpret
    from scorereader.normalize import normalize
    from scorereader.pipeline import _recognizable

    reading = interpret(doc)
    if not _recognizable(reading):
        raise NotAScoreReport("not a score report")
    return normalize(reading, doc, "x.pdf", None)


@pytest.mark.skipif(not TEXT_FIXTURES, reason="no text fixtures")
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, max(len(TEXT_FIXTURES) - 1, 0)), seed=st.integers(0, 2**32 - 1),
       shuffle=st.booleans(), jitter=st.sampled_from([0.0, 0.5, 2.0, 4.0]),
       drop=st.sampled_from([0.0, 0.05, 0.2, 0.6]), dup=st.sampled_from([0.0, 0.05, 0.3]),
       bar_drop=st.sampled_from([0.0, 0.2, 1.0]))
def test_interpreter_survives_perturbed_ir(index, seed, shuffle, jitter, drop, dup, bar_drop):
    doc = perturb(fixture_ir(index), random.Random(seed), shuffle=shuffle, jitter=jitter, drop=drop,
                  dup=dup, bar_drop=bar_drop)
    try:
        report = read(doc)
    except ScoreReaderError:
        return
    j = report.to_json()
    validate_report(j)
    for d in j["domains"]:
        assert d["performance"] is None or 0.0 <= d["performance"] <= 1.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(min_size=1, max_size=12), st.floats(0, 600), st.floats(0, 800),
                          st.floats(0.1, 200), st.floats(0.1, 30)), max_size=60),
       st.lists(st.tuples(st.floats(0, 600), st.floats(0, 800), st.floats(0, 400), st.floats(0, 400),
                          st.floats(0.1, 20)), max_size=12))
def test_interpreter_survives_arbitrary_ir(words, bars):
    page = Page(number=1, width=612, height=792,
                words=[Word(t, Box(x, y, x + w, y + h), h) for t, x, y, w, h in words],
                bars=[Bar(Box(x, y, x + tw, y + h), Box(x, y, x + fw, y + h), "rect") for x, y, tw, fw, h in bars])
    doc = Document(path="x.pdf", sha256="0" * 64, method="pdf-text", page_count=1, pages=[page])
    try:
        report = read(doc)
    except ScoreReaderError:
        return
    validate_report(report.to_json())
