"""Subcommands of ``linli grid`` that apps above the grid add (``linli grid qr``: the
stairwell QR sheets of ``linli.stairwell``).

The grid sits below those apps and cannot import them; each registers its subcommand here
from its ``AppConfig.ready()`` — the ``party.contributions`` pattern — and the ``grid``
management command adds every registered one to its parser and dispatches to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subcommand:
    help: str
    add_arguments: Callable[[Any], None]  # (argparse sub-parser) -> None
    handle: Callable[[Any, dict], None]  # (the BaseCommand, options) -> None


_SUBCOMMANDS: dict[str, Subcommand] = {}


def register(name: str, subcommand: Subcommand) -> None:
    _SUBCOMMANDS[name] = subcommand


def registered() -> dict[str, Subcommand]:
    return dict(_SUBCOMMANDS)
