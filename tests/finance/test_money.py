"""Fee arithmetic (shared/domain-rules.md §5): Decimal, half-up to the fen at the bill line;
the database's set-based bill run computes the same amounts as Python."""

import random
from decimal import Decimal

import pytest

from linli.core.errors import DomainError
from linli.finance import services
from linli.finance.models import Bill
from linli.finance.money import age_bucket, bill_amount, parse_amount, parse_price
from linli.ledger import services as ledger_services

D = Decimal


def test_domain_rules_example():
    """2.50 × 89.37 × 12 = 2681.10 元."""
    assert bill_amount(basis="per_area", price=D("2.50"), area=D("89.37"), months=12) == D(
        "2681.10"
    )


@pytest.mark.parametrize(
    ("price", "area", "months", "expected"),
    [
        ("0.5", "0.01", 1, "0.01"),  # 0.005 → half-up 0.01 (banker's rounding would give 0.00)
        ("0.5", "0.03", 1, "0.02"),  # 0.015 → 0.02
        ("0.5", "0.05", 1, "0.03"),  # 0.025 → 0.03 (not 0.02)
        ("1.2345", "45.67", 1, "56.38"),  # 56.379615
        ("0.35", "89.37", 12, "375.35"),  # 375.354
        ("2.5", "89.37", 1, "223.43"),  # 223.425 → 223.43
    ],
)
def test_half_up_to_the_fen(price, area, months, expected):
    assert bill_amount(basis="per_area", price=D(price), area=D(area), months=months) == D(expected)


def test_per_household_ignores_area():
    assert bill_amount(basis="per_household", price=D("25.125"), area=None, months=1) == D("25.13")
    assert bill_amount(basis="per_household", price=D("25"), area=D("80"), months=12) == D("300.00")


def test_rounding_is_per_line_not_per_month():
    # 2.5 × 89.37 = 223.425/month; a 12-month line is 2681.10, twelve rounded months 2681.16
    twelve = bill_amount(basis="per_area", price=D("2.5"), area=D("89.37"), months=12)
    monthly = bill_amount(basis="per_area", price=D("2.5"), area=D("89.37"), months=1)
    assert twelve == D("2681.10") and monthly * 12 == D("2681.16")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("-1", "finance.amount_not_positive"),
        ("0", "finance.amount_not_positive"),
        ("12.345", "finance.too_many_decimals"),
        ("0.001", "finance.too_many_decimals"),
        ("abc", "finance.bad_amount"),
        ("NaN", "finance.bad_amount"),
        ("Infinity", "finance.bad_amount"),
        ("", "finance.bad_amount"),
    ],
)
def test_bad_amounts(value, code):
    with pytest.raises(DomainError) as exc:
        parse_amount(value)
    assert exc.value.code == code
    assert exc.value.details[0]["field"] == "amount"


def test_good_amounts():
    assert parse_amount("1,000.5") == D("1000.50")
    assert parse_amount("12.340") == D("12.34")  # trailing zero is not a third decimal
    assert parse_amount(200) == D("200.00")


def test_prices():
    assert parse_price("0.585") == D("0.5850")
    with pytest.raises(DomainError):
        parse_price("0.12345")
    with pytest.raises(DomainError):
        parse_price("-2")


def test_age_buckets():
    import datetime as dt

    asof = dt.date(2026, 11, 26)
    assert age_bucket(dt.date(2026, 11, 1), asof) == "0_3"
    assert age_bucket(dt.date(2026, 8, 1), asof) == "0_3"
    assert age_bucket(dt.date(2026, 7, 1), asof) == "3_6"
    assert age_bucket(dt.date(2026, 5, 1), asof) == "3_6"
    assert age_bucket(dt.date(2026, 4, 1), asof) == "6_12"
    assert age_bucket(dt.date(2025, 11, 1), asof) == "6_12"
    assert age_bucket(dt.date(2025, 10, 1), asof) == "12_"


def test_database_amounts_equal_python(fees, regions):
    """The INSERT … SELECT computes in integer fen: equal to Decimal half-up for every line."""
    rng = random.Random(7)
    compound = ledger_services.compound_create(community=regions["xingdong"], name="随机小区")
    for i in range(120):
        area = D(f"{rng.uniform(0.01, 400):.2f}")
        ledger_services.household_ensure(
            compound=compound, building="9栋", unit="1单元", room=f"{i + 100}", area=area
        )
    for start, months, last in (
        ("2026-01", 1, "2026-01"),
        ("2026-02", 7, "2026-08"),
        ("2026-09", 12, "2027-08"),
    ):
        services.schedule_create(
            actor=fees["worker"],
            compound=compound,
            basis="per_area",
            price=D(f"{rng.uniform(0.1, 9):.4f}"),
            valid_from=start,
            valid_to=last,
        )
        run = services.bill_run(
            actor=fees["worker"], period_start=start, months=months, compound=compound
        )
        bills = list(Bill.objects.filter(run=run).select_related("household"))
        assert len(bills) == 120
        for b in bills:
            expected = bill_amount(
                basis="per_area", price=b.price, area=b.household.area, months=months
            )
            assert (b.amount, b.outstanding) == (expected, expected), (b.price, b.area)
