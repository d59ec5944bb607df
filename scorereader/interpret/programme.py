"""Which certification programme a report belongs to, when it is not Microsoft's or GitHub's.

The same delivery system prints Pega, SAS, IBM, Tableau, UiPath, ISTQB, … reports that candidates
keep beside their Microsoft ones. Their names are data (rules/report.toml [programmes]); only the
report's first lines (its title block) are looked at, so a skill area that mentions a product of
another vendor never makes a Microsoft report foreign.
"""
from __future__ import annotations

from ..layout import Line
from ..rules import ReportWording

HEAD_LINES = 12


def other_programme(lines: list[Line], w: ReportWording) -> str | None:
    """The other programme named in the title block, or None (Microsoft/GitHub wording wins)."""
    if not lines:
        return None
    head = "\n".join([ln.text for ln in lines if ln.page == lines[0].page][:HEAD_LINES])
    if any(p.search(head) for p in w.our_programmes):
        return None
    for name, patterns in w.other_programmes.items():
        if any(p.search(head) for p in patterns):
            return name
    return None
