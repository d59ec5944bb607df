"""HTML → PDF with WeasyPrint (imported lazily: its import alone costs ~0.5 s).

Batch workers render hundreds of plans per process, so what WeasyPrint lets us reuse is kept per
process: the Fontconfig/Pango font configuration (building one costs ~0.3 s per document and holds
Pango's font and strut caches). It is keyed by the template roots, so a `--template-dir` with its own
@font-face rules never lends its fonts to another template set.
"""
from __future__ import annotations

import functools
import logging
import os
import re
import threading
from pathlib import Path

from ..plan.model import Plan
from .atomic import atomic_write
from .html import render_html, template_roots

_LOCK = threading.Lock()  # Pango/Fontconfig objects are not safe to share between threads at once
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_CSS_CACHE: dict[tuple[str, str, int], object] = {}


@functools.lru_cache(maxsize=4)
def _font_config(roots: tuple[str, ...]):  # noqa: ANN202 - weasyprint type, imported lazily
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _split_style(html: str) -> tuple[str, str | None]:
    """(html without its <style>, the CSS) when the document has exactly one plain <style>; else
    (html, None). Either way every URL goes through our fetcher: this split is only for speed."""
    found = _STYLE.findall(html)
    if len(found) != 1 or "<" in found[0]:
        return html, None
    return _STYLE.sub("", html, count=1), found[0]


def _stylesheet(css: str, base: str, font_config, fetcher, cache: bool):  # noqa: ANN001, ANN202
    """The parsed stylesheet, once per process per (text, base URL): parsing it was ~10 % of a plan.

    Always parsed with our URL fetcher (an `@IMPORT`, an escaped `@\\69mport` or an `@FONT-FACE` in a
    user template fetch through it, never around it); only the packaged templates' sheet is cached."""
    import weasyprint

    if not cache:
        return weasyprint.CSS(string=css, base_url=base, font_config=font_config, url_fetcher=fetcher)
    key = (css, base, id(font_config))
    sheet = _CSS_CACHE.get(key)
    if sheet is None:
        if len(_CSS_CACHE) >= 16:
            _CSS_CACHE.clear()
        sheet = _CSS_CACHE[key] = weasyprint.CSS(string=css, base_url=base, font_config=font_config,
                                                 url_fetcher=fetcher)
    return sheet


def html_to_pdf(html: str, *, template_dir: str | os.PathLike[str] | None = None,
                fetcher=None) -> bytes:  # noqa: ANN001
    """PDF bytes. Resources resolve against the template folder and go through a local-only fetcher."""
    import weasyprint

    from .fetcher import LocalOnlyFetcher

    roots = template_roots(template_dir)
    custom = fetcher is not None
    fetcher = fetcher or LocalOnlyFetcher(roots)
    base = roots[0].resolve().as_uri() + "/"
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with _LOCK:
        font_config = _font_config(tuple(str(r) for r in roots))
        body, css = _split_style(html)
        sheets = ([_stylesheet(css, base, font_config, fetcher, cache=template_dir is None and not custom)]
                  if css is not None else None)
        doc = weasyprint.HTML(string=body, base_url=base, url_fetcher=fetcher)
        # Defaults kept on purpose (measured): full_fonts=True makes a 4-page plan ~20× larger and
        # is slower; uncompressed_pdf saves little time for a ~6× larger file.
        return doc.write_pdf(stylesheets=sheets, font_config=font_config)


def render_pdf(plan: Plan, *, paper: str = "a4", template_dir: str | os.PathLike[str] | None = None) -> bytes:
    return html_to_pdf(render_html(plan, paper=paper, template_dir=template_dir), template_dir=template_dir)


def write_pdf(plan: Plan, path: str | os.PathLike[str], *, paper: str = "a4",
              template_dir: str | os.PathLike[str] | None = None) -> Path:
    return atomic_write(path, render_pdf(plan, paper=paper, template_dir=template_dir))
