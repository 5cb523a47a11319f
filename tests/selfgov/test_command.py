"""``linli vote tally FILE.json``: one JSON object out, or exit 2 with the reason in Chinese."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

EXAMPLE = {
    "item": 1,
    "follow_majority": False,
    "units": [
        {"unit": "3-2-501", "area": "89.37", "owners": ["p1", "p2"], "developer_unsold": False},
        {"unit": "3-2-502", "area": "120.00", "owners": ["p3"], "developer_unsold": False},
        {"unit": "3-2-601", "area": "89.37", "owners": ["p3"], "developer_unsold": False},
        {"unit": "3-2-701", "area": "95.10", "owners": ["dev"], "developer_unsold": True},
        {"unit": "3-2-702", "area": "95.10", "owners": ["dev"], "developer_unsold": True},
    ],
    "ballots": {"p2": "yes", "p3": "yes", "dev": "no"},
}


def run(tmp_path, data, capsys):
    path = tmp_path / "vote.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    try:
        call_command("vote", "tally", str(path))
    except SystemExit as exc:
        return exc.code, capsys.readouterr()
    return 0, capsys.readouterr()


def test_prints_exactly_the_issue_keys(tmp_path, capsys):
    code, out = run(tmp_path, EXAMPLE, capsys)
    assert code == 0
    assert json.loads(out.out) == {
        "total_area": "488.94",
        "total_heads": 3,  # p1/p2's unit, p3 (two units), the developer (two units)
        "voted_area": "488.94",
        "voted_heads": 3,
        "yes_area": "298.74",
        "yes_heads": 2,
        "quorum": True,
        "major": True,  # 2·298.74 > 488.94 and 2·2 > 3
        "passed": True,
    }


def test_major_item_same_ballots_fails_three_quarters(tmp_path, capsys):
    code, out = run(tmp_path, EXAMPLE | {"item": 6}, capsys)
    result = json.loads(out.out)
    assert (code, result["quorum"], result["major"], result["passed"]) == (0, True, False, False)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("{not json", "JSON 格式错误"),
        ([], "JSON 对象"),
        (EXAMPLE | {"item": 10}, "1–9"),
        (EXAMPLE | {"item": "6"}, "1–9"),
        ({k: v for k, v in EXAMPLE.items() if k != "item"}, "item"),
        (
            EXAMPLE | {"units": [{"unit": "1", "area": "-5", "owners": ["p1"]}], "ballots": {}},
            "负数",
        ),
        (EXAMPLE | {"units": [{"unit": "1", "area": 5.5, "owners": ["p1"]}]}, "十进制"),
        (EXAMPLE | {"units": [{"unit": "1", "area": "abc", "owners": ["p1"]}]}, "不是数字"),
        (EXAMPLE | {"ballots": {"p9": "yes"}}, "未列在任何专有部分"),
        (EXAMPLE | {"ballots": {"p1": "赞成"}}, "yes（同意）"),
        (EXAMPLE | {"follow_majority": "yes"}, "follow_majority"),
    ],
)
def test_bad_input_exits_2_with_the_reason(tmp_path, capsys, data, words):
    code, out = run(tmp_path, data, capsys)
    assert code == 2
    assert out.out == ""
    assert words in out.err and "计票失败" in out.err


def test_missing_file_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        call_command("vote", "tally", str(tmp_path / "none.json"))
    assert info.value.code == 2
    assert "文件不存在" in capsys.readouterr().err


def test_the_linli_command_itself(tmp_path):
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path)}
    path = tmp_path / "vote.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    ok = subprocess.run(
        [sys.executable, "-m", "linli", "vote", "tally", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["passed"] is True
    path.write_text(json.dumps(EXAMPLE | {"ballots": {"ghost": "no"}}), encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "linli", "vote", "tally", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert bad.returncode == 2 and "ghost" in bad.stderr and bad.stdout == ""
