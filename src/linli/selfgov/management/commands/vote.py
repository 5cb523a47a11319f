"""``linli vote tally FILE.json``: the owners' vote tally (民法典第二百七十八条) on its own.

Reads ``{"item": 1-9, "follow_majority": false, "units": [{"unit", "area", "owners",
"developer_unsold"}, ...], "ballots": {owner: "yes"|"no"|"abstain"}}`` and prints one JSON
object: total_area, total_heads, voted_area, voted_heads, yes_area, yes_heads (areas as decimal
strings), quorum, major (the item's approval rule is met) and passed. Bad input: the reason in
Chinese on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from linli.selfgov.tally import TallyError, tally_json


class Command(BaseCommand):
    help = "业主共同决定表决计票（民法典第二百七十八条）：linli vote tally FILE.json"
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        t = sub.add_parser("tally", help="按 JSON 文件计票，输出一个 JSON 对象")
        t.add_argument("file", help="表决数据 JSON 文件（- 表示标准输入）")

    def handle(self, *args, **options):
        if options["action"] == "tally":
            self._tally(options["file"])

    def _fail(self, message: str) -> None:
        self.stderr.write(f"计票失败：{message}")
        sys.exit(2)

    def _tally(self, path: str) -> None:
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
        except FileNotFoundError:
            return self._fail(f"文件不存在：{path}")
        except IsADirectoryError:
            return self._fail(f"{path} 是目录，不是文件")
        except UnicodeDecodeError:
            return self._fail(f"文件 {path} 不是 UTF-8 编码的文本")
        except OSError as exc:
            return self._fail(f"无法读取文件 {path}：{exc.strerror}")
        try:
            result = tally_json(text)
        except TallyError as exc:
            return self._fail(exc.message)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
