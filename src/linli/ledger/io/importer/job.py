"""One import, start to end: the actor's scope, pass 1 (check), pass 2 (write), the record."""

from __future__ import annotations

import logging
import marshal
import tempfile
from typing import Literal

from django.db import transaction
from django.utils import timezone

from linli.ledger.models import ImportBatch

from ..issues import ImportResult, empty_counts
from ..workbook import READ_ERRORS, NotAWorkbook, Workbook
from .compounds import check_compounds
from .reading import find_sheets, name_of, open_book
from .records import CheckedFile, CompoundSheet, ResidentSheet
from .report import Report, TooManyErrors, kept
from .residents import ResidentCheck
from .scope import Scope
from .writing import ChunkWriter, WriteContext, write_compounds

log = logging.getLogger(__name__)


def ledger_import(
    *,
    source,
    file_name: str | None = None,
    actor=None,
    dry_run: bool = False,
    _writer: Literal["fast", "orm"] = "fast",
) -> ImportResult:
    """Import a ledger workbook; see the package docstring and ``docs/import-export.md``.

    ``source`` is a path or a binary file-like object (a Django ``UploadedFile``). ``actor``
    None is the system (the command line), which may write anywhere; a user may only write
    inside their region. A file with any error writes nothing; ``dry_run`` never writes (but
    records an ImportBatch with status dry_run).
    """
    return ImportJob(
        source=source, file_name=file_name, actor=actor, dry_run=dry_run, writer=_writer
    ).run()


class ImportJob:
    def __init__(
        self, *, source, file_name: str | None, actor, dry_run: bool, writer: Literal["fast", "orm"]
    ) -> None:
        self.source = source
        self.file_name = file_name or name_of(source)
        self.actor = actor
        self.user = actor if _is_user(actor) else None
        self.dry_run = dry_run
        self.writer = writer
        self.report = Report()
        self.counts = empty_counts()
        self.today = timezone.localdate()
        self.book: Workbook | None = None

    def run(self) -> ImportResult:
        report = self.report
        batch = ImportBatch.objects.create(
            file_name=self.file_name[:255], created_by=self.user, dry_run=self.dry_run
        )
        reason = f"Excel导入：{self.file_name}（#{batch.pk}）"
        with tempfile.TemporaryFile(prefix="linli-import-") as spool:
            try:
                checked = self._check(spool)
                if checked is not None and not report.failed:
                    self._write(checked, spool, reason)
            except TooManyErrors:
                pass
            finally:
                if self.book is not None:
                    self.book.close()
        report.finish()
        ok = not report.errors
        if not ok:
            self.counts = empty_counts()
        batch.rows = report.rows
        batch.status = (
            ImportBatch.Status.REJECTED
            if not ok
            else ImportBatch.Status.DRY_RUN
            if self.dry_run
            else ImportBatch.Status.APPLIED
        )
        batch.summary = self.counts
        # The record keeps ID numbers and phones masked (the database holds none in clear);
        # the result returned to the person importing carries them as typed, to fix the file.
        batch.errors = [kept(e) for e in report.errors]
        batch.warnings = [kept(w) for w in report.warnings]
        batch.finished_at = timezone.now()
        batch.save()
        return ImportResult(
            ok=ok,
            dry_run=self.dry_run,
            errors=report.errors,
            warnings=report.warnings,
            counts=self.counts,
            batch_id=batch.pk,
            rows=report.rows,
        )

    # -- pass 1 ------------------------------------------------------------------------------
    def _check(self, spool) -> CheckedFile | None:
        """Check the file, spooling the checked resident rows; None when it cannot be read."""
        report = self.report
        scope = Scope.of(self.actor)
        if scope is None:
            report.file_error("", "当前账号无权导入台账", "ledger.forbidden")
            return None
        book = self.book = open_book(self.source, self.file_name, report)
        if book is None:
            return None
        try:
            sheets = find_sheets(book, self.file_name, report)
            if sheets is None:
                return None
            scope.load()
            compounds = (
                check_compounds(sheets.compounds, scope, report)
                if sheets.compounds
                else CompoundSheet()
            )
            residents = (
                ResidentCheck(sheets.residents, scope, compounds, report, today=self.today).run(
                    spool
                )
                if sheets.residents
                else ResidentSheet()
            )
        except TooManyErrors:
            raise
        except READ_ERRORS as exc:
            log.warning("unreadable workbook %s", self.file_name, exc_info=True)
            reason = str(exc) if isinstance(exc, NotAWorkbook) else f"文件内容已损坏（{exc}）"
            report.file_error(self.file_name, reason, "ledger.not_excel")
            return None
        return CheckedFile(compounds, residents)

    # -- pass 2 ------------------------------------------------------------------------------
    def _write(self, checked: CheckedFile, spool, reason: str) -> None:
        """Write (or on a dry run, count) in one transaction; a database error undoes it all."""
        ctx = WriteContext(
            write=not self.dry_run,
            user=self.user,
            reason=reason,
            when=timezone.now(),
            writer=self.writer,
        )
        try:
            with transaction.atomic():
                compound_ids = write_compounds(
                    checked.compounds, checked.residents.referenced, self.counts, ctx
                )
                spool.seek(0)
                writer = ChunkWriter(ctx, compound_ids, checked.residents, self.counts)
                while True:
                    try:
                        chunk = marshal.load(spool)
                    except EOFError:
                        break
                    writer.write(chunk)
        except TooManyErrors:
            raise
        except Exception as exc:  # a database error: nothing was written
            log.exception("ledger import failed while writing %s", self.file_name)
            message = f"写入数据库时出错，已全部撤销：{exc}"
            self.report.file_error("", message, "ledger.write_failed")


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "pk", None) is not None
