"""Excel in and out of the ledger (台账).

``ledger_import`` reads the 三无小区台账 and 居民台账 sheets (``columns.py`` names their
headers) and ``ledger_export`` writes them back; see ``docs/import-export.md``.
"""

from .exporter import ledger_export
from .importer import ledger_import
from .issues import ImportResult, RowIssue

__all__ = ["ImportResult", "RowIssue", "ledger_export", "ledger_import"]
