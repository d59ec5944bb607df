"""The vendored schemas must be the SPEC's own (checked when ../shared is beside the checkout)."""

import pytest

from conftest import ROOT, SCHEMAS

SHARED = ROOT.parent / "shared" / "schema"


@pytest.mark.parametrize("name", ["report.schema.json", "plan.schema.json"])
def test_vendored_schema_matches_spec(name):
    if not (SHARED / name).exists():
        pytest.skip("../shared/schema is not beside this checkout")
    assert (SCHEMAS / name).read_text() == (SHARED / name).read_text()
