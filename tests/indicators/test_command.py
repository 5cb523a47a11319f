"""``linli indicators``: the JSON of a region and month, the errors, the generated docs."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from linli.indicators import selectors

from .test_values import TOWN

DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def run(*args) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_of_a_region_and_month(read_world):
    printed = run("--region", "430424100000", "--period", "2026-03", "--json")
    assert json.loads(printed) == TOWN  # 洣水镇
    assert next(iter(json.loads(printed))) == "ledger.compounds"  # the registry's order


@pytest.mark.django_db
def test_plain_output_names_each_figure(read_world):
    printed = run("--region", "430424100000", "--period", "2026-03")
    assert "衡东县洣水镇 2026-03" in printed.replace("湖南省衡阳市", "")
    assert "收缴率（按金额）（finance.amount_rate）：0.5833 比率" in printed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--region", "430424999999", "--period", "2026-03"), "没有区划代码为 430424999999"),
        (("--region", "4304241", "--period", "2026-03"), "应为 12 位数字"),
        (("--region", "430424100000", "--period", "2026-13"), "格式应为 YYYY-MM"),
        (("--region", "430424100000", "--period", "March"), "格式应为 YYYY-MM"),
        (("--region", "430424100000"), "--period"),
    ],
)
def test_errors_are_clear_and_fail(regions, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--json")


def test_errors_exit_non_zero(tmp_path):
    """Through the real console command: a message on stderr, exit status 1."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "linli", "indicators", "--region", "x", "--period", "2026-03"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert "12 位数字" in done.stderr


def test_committed_docs_equal_the_generated_ones():
    assert DOCS.read_text(encoding="utf-8") == selectors.docs_markdown(), (
        "docs/indicators.md is stale: run `linli indicators --docs > docs/indicators.md`"
    )


def test_docs_from_the_command():
    assert run("--docs") == selectors.docs_markdown()
