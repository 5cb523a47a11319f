"""``ledger_import``: the 三无小区台账 and 居民台账 sheets of a workbook into the ledger.

Two passes, so that memory stays flat and a file with errors writes nothing:

1. **Check.** Stream every row, parse and validate it, and report every problem. Keep only
   compact key sets (ID number → row, house → its area and row) and spool each checked row,
   already parsed, to a temporary file (``marshal``, 2,000 rows a chunk).
2. **Write** (only when pass 1 found no error): in one transaction, read the spool back in
   chunks and update in place by natural keys — compound (community + name), building, unit,
   household (compound + building + unit + room), resident (ID number; without one,
   household + name) — looking existing rows up per chunk with ``__in`` queries. New
   households and residents go in with :class:`~..writer.FastInserter`; changed ones with
   ``bulk_update_with_history``. A dry run does pass 2 without writing.

The modules, in the order an import runs through them:

- :mod:`.job` — ``ledger_import``: the actor's scope, the two passes, the ``ImportBatch`` record;
- :mod:`.reading` — opening the workbook, finding the sheets and their columns, skipping
  blank, 合计 and signature rows;
- :mod:`.scope` — the actor's region, and its communities and compounds by name;
- :mod:`.compounds` — checking the compound sheet;
- :mod:`.residents` — checking the resident sheet (where each house is, its facts) and
  spooling it; :mod:`.people` — checking the person on each row;
- :mod:`.report` — the errors and warnings, capped, grouped and sorted;
- :mod:`.records` — the named records pass 1 hands to pass 2;
- :mod:`.writing` — pass 2 (with ``..writer``'s inserters for the rows and their history).
"""

from .job import ledger_import

__all__ = ["ledger_import"]
