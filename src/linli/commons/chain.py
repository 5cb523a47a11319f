"""The hash chain over an account's posted entries, and its check.

Each posted entry's ``hash`` is SHA-256 over ``prev_hash`` and a canonical serialisation of
the entry: every field that says what happened (account, sequence, direction, kind, amount,
date, counterparty, description, the entry it reverses, who entered and approved it and when,
the SHA-256 of each voucher file). The serialisation is JSON with sorted keys, no spaces,
UTF-8, amounts as two-decimal strings, dates ISO 8601 and times in UTC — the same bytes on
SQLite and PostgreSQL. The first entry's ``prev_hash`` is 64 zeros.

:func:`verify_chain` recomputes every hash in sequence order and reports the first sequence
number where the stored chain and the recomputed one part: a changed field, a changed hash, a
deleted or inserted entry, a swapped voucher file record, or a head that no longer matches.
It also checks that each published notice still points at the hash it printed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from .models import GENESIS_HASH, Entry, EntryStatus, Notice, PublicAccount, Voucher

CENT = Decimal("0.01")


def _time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: Entry, voucher_hashes: list[str]) -> bytes:
    """The bytes hashed for ``entry`` (its ``prev_hash`` included)."""
    data = {
        "account": entry.account_id,
        "sequence": entry.sequence,
        "status": entry.status,
        "direction": entry.direction,
        "kind": entry.kind,
        "amount": str(Decimal(entry.amount).quantize(CENT)),
        "date": entry.date.isoformat(),
        "counterparty": entry.counterparty,
        "counterparty_is_person": bool(entry.counterparty_is_person),
        "description": entry.description,
        "reverses": entry.reverses_id,
        "entered_by": entry.entered_by_id,
        "entered_by_name": entry.entered_by_name,
        "entered_at": _time(entry.entered_at),
        "approved_by": entry.decided_by_id,
        "approved_by_name": entry.decided_by_name,
        "approved_at": _time(entry.decided_at),
        "vouchers": sorted(voucher_hashes),
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: Entry, voucher_hashes: list[str]) -> str:
    return hashlib.sha256(canonical(entry, voucher_hashes)).hexdigest()


def snapshot_hash(snapshot: dict) -> str:
    raw = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class ChainReport:
    """What :func:`verify_chain` found. ``broken_sequence`` is the first bad entry's number
    (None when intact); ``problems`` lists every finding in Chinese."""

    account_id: int
    checked: int = 0
    head_sequence: int = 0
    head_hash: str = GENESIS_HASH
    broken_sequence: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def _break(self, sequence: int, message: str) -> None:
        if self.broken_sequence is None or sequence < self.broken_sequence:
            self.broken_sequence = sequence
        self.problems.append(message)

    def as_dict(self) -> dict:
        return {
            "account_id": self.account_id,
            "ok": self.ok,
            "checked": self.checked,
            "head_sequence": self.head_sequence,
            "head_hash": self.head_hash,
            "broken_sequence": self.broken_sequence,
            "problems": self.problems,
        }


def verify_chain(account: PublicAccount) -> ChainReport:
    """Recompute the account's chain from its rows; report the first sequence that breaks."""
    account = PublicAccount.objects.get(pk=account.pk)
    report = ChainReport(
        account_id=account.pk, head_sequence=account.head_sequence, head_hash=account.head_hash
    )
    vouchers: dict[int, list[str]] = {}
    for entry_id, digest in Voucher.objects.filter(
        entry__account=account, entry__status=EntryStatus.APPROVED
    ).values_list("entry_id", "sha256"):
        vouchers.setdefault(entry_id, []).append(digest)
    hashes: dict[int, str] = {0: GENESIS_HASH}
    expected, prev = 1, GENESIS_HASH
    rows = Entry.objects.filter(account=account, status=EntryStatus.APPROVED).order_by("sequence")
    for entry in rows.iterator(chunk_size=2000):
        report.checked += 1
        sequence = entry.sequence
        if sequence is None:  # an approved entry always has its place in the chain
            raise AssertionError(f"approved entry {entry.pk} without a sequence")
        if sequence != expected:
            report._break(expected, f"第 {expected} 笔缺失（序号不连续，下一笔为第 {sequence} 笔）")
            expected = sequence
        if entry.prev_hash != prev:
            report._break(sequence, f"第 {sequence} 笔的“上一笔哈希”与链不符")
        if entry_hash(entry, vouchers.get(entry.pk, [])) != entry.hash:
            report._break(sequence, f"第 {sequence} 笔的内容与其哈希不符（已被改动）")
        hashes[sequence] = entry.hash
        prev = entry.hash
        expected += 1
    last = expected - 1
    if account.head_sequence != last or account.head_hash != prev:
        report._break(
            min(account.head_sequence, last) + 1 if account.head_sequence != last else last,
            f"账户链头（第 {account.head_sequence} 笔）与入账记录（共 {last} 笔）不符",
        )
    for notice in Notice.objects.filter(account=account).order_by("head_sequence"):
        if hashes.get(notice.head_sequence) != notice.head_hash:
            report._break(
                max(notice.head_sequence, 1),
                f"{notice}发布时的链头哈希与现有记录不符",
            )
        if snapshot_hash(notice.snapshot) != notice.snapshot_hash:
            report._break(max(notice.head_sequence, 1), f"{notice}的内容与其哈希不符（已被改动）")
    return report
