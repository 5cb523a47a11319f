"""Materialised paths (``/1/4/9/``) shared by the region, grid and party trees.

"This node and everything below it" is then one indexed ``path__startswith`` filter.
"""

from __future__ import annotations


def child_path(parent, pk: int) -> str:
    """The path of node ``pk`` under ``parent`` (``None`` for a root)."""
    return f"{parent.path if parent is not None else '/'}{pk}/"


def path_ids(path: str) -> list[int]:
    """``/1/4/9/`` → ``[1, 4, 9]``: the ids from the root down to the node itself."""
    return [int(x) for x in path.strip("/").split("/") if x]
