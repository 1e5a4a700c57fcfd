"""The schema lives in one place and the documentation is rendered from it."""

from __future__ import annotations

import subprocess
import sys

from smartlead_nb.mirror.schema import TABLES, schema_markdown

from ..helpers import REPO


def test_docs_are_the_rendered_schema():
    assert (REPO / "docs" / "mirror-schema.md").read_text() == schema_markdown()


def test_the_readme_links_to_the_schema():
    assert "(docs/mirror-schema.md)" in (REPO / "README.md").read_text()


def test_every_campaign_scoped_table_carries_campaign_id():
    account_wide = {"accounts", "mirror_meta"}
    for table in TABLES:
        if table.name not in account_wide:
            assert "campaign_id" in table.names, table.name


def test_no_table_can_hold_a_password():
    for table in TABLES:
        assert not any("password" in c or "token" in c for c in table.names), table.name


def test_importing_the_package_does_not_load_duckdb():
    code = ("import sys, smartlead_nb as sl; sl.Mirror; import smartlead_nb.mirror; "
            "print('duckdb' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env={"PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "False", out.stderr
