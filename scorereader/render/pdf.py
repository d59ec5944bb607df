"""HTML → PDF with WeasyPrint (imported lazily: its import alone costs ~0.5 s)."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from ..plan.model import Plan
from .atomic import atomic_write
from .html import render_html, template_roots


def html_to_pdf(html: str, *, template_dir: str | os.PathLike[str] | None = None,
                fetcher=None) -> bytes:  # noqa: ANN001
    """PDF bytes. Resources resolve against the template folder and go through a local-only fetcher."""
    import weasyprint

    from .fetcher import LocalOnlyFetcher

    roots = template_roots(template_dir)
    fetcher = fetcher or LocalOnlyFetcher(roots)
    base = roots[0].resolve().as_uri() + "/"
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher)
    return doc.write_pdf()


def render_pdf(plan: Plan, *, paper: str = "a4", template_dir: str | os.PathLike[str] | None = None) -> bytes:
    return html_to_pdf(render_html(plan, paper=paper, template_dir=template_dir), template_dir=template_dir)


def write_pdf(plan: Plan, path: str | os.PathLike[str], *, paper: str = "a4",
              template_dir: str | os.PathLike[str] | None = None) -> Path:
    return atomic_write(path, render_pdf(plan, paper=paper, template_dir=template_dir))
