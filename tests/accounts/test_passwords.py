"""Django's four password validators, with a minimum length of 10."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from linli.demo import logins


def refused(password: str, username: str = "liujianguo") -> list[str]:
    user = get_user_model()(username=username, first_name="建国", last_name="刘")
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user=user)
    return [e.code for e in caught.value.error_list]


def test_short_common_and_numeric_passwords_are_refused():
    assert set(refused("12345678")) >= {
        "password_too_short",
        "password_too_common",
        "password_entirely_numeric",
    }
    assert "password_too_common" in refused("password12")
    assert refused("3141592653589793") == ["password_entirely_numeric"]
    assert refused("xq-7a") == ["password_too_short"]
    assert refused("liujianguo1") == ["password_too_similar"]


def test_a_good_password_is_accepted():
    user = get_user_model()(username="liujianguo")
    validate_password("洣水-兴东-2026-春", user=user)
    validate_password("tqf8-lake-ridge", user=user)


def test_the_messages_are_chinese():
    with pytest.raises(ValidationError) as caught:
        validate_password("12345678")
    text = " ".join(caught.value.messages)
    assert "密码" in text and "10" in text


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("admin", "linli-admin"),
        ("county", "linli-county"),
        ("town", "linli-town"),
        ("pianzhang", logins.LEADER_PASSWORD),
        ("zuzhang", logins.LEADER_PASSWORD),
        ("linzhang", logins.LEADER_PASSWORD),
        (logins.COMMITTEE_USERNAME.format(n=1), logins.COMMITTEE_PASSWORD),
    ],
)
def test_the_printed_demo_passwords_would_pass_the_rules(username, password):
    """The demo sets its passwords directly (set_password validates nothing); these would also
    pass a password form. (`linli-xingdong` and `linli-resident` contain their usernames and
    would not: they stay as the demo prints them, since nothing validates them.)"""
    assert (username, password) in {(u, p) for u, p, *_ in logins.DEMO_USERS} or (
        password == "linli-demo"
    )
    validate_password(password, user=get_user_model()(username=username))
