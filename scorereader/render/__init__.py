"""Renderings of a Plan: HTML (Jinja2), PDF (WeasyPrint, imported lazily), iCalendar, atomic writes."""
from .atomic import atomic_write
from .html import render_html

__all__ = ["atomic_write", "render_html", "render_pdf", "write_pdf", "render_ics"]


def __getattr__(name: str):  # lazy: WeasyPrint and icalendar load only when a PDF/ICS is made
    if name in ("render_pdf", "write_pdf", "html_to_pdf"):
        from . import pdf
        return getattr(pdf, name)
    if name == "render_ics":
        from .ics import render_ics
        return render_ics
    raise AttributeError(name)
