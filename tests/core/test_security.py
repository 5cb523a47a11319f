"""Production settings and response headers: HTTPS, cookies, CSP without inline script or style,
and templates that need neither."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import linli

SETTINGS = Path(linli.__file__).with_name("settings.py")
SRC = Path(linli.__file__).parent
PRODUCTION = {
    "LINLI_DEBUG": "0",
    "LINLI_SECRET_KEY": "k" * 20 + "-production-secret-for-the-settings-test-0123456789",
    "LINLI_ALLOWED_HOSTS": "linli.example.cn",
    "LINLI_PII_KEY": "cHJvZHVjdGlvbi1waWkta2V5LWZvci10aGUtdGVzdHM=",
    "LINLI_PII_HASH_KEY": "cHJvZHVjdGlvbi1oYXNoLWtleS1mb3ItdGhlLXRlc3Q=",
}


def load_settings(monkeypatch, tmp_path, **env) -> dict:
    for name in [n for n in os.environ if n.startswith("LINLI_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_production_defaults_are_strict(monkeypatch, tmp_path):
    s = load_settings(monkeypatch, tmp_path, **PRODUCTION)
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True and s["CSRF_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] == s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["SECURE_HSTS_SECONDS"] == 31_536_000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert "SECURE_PROXY_SSL_HEADER" not in s  # no proxy trusted unless told
    assert s["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$", r"^api/v1/health$"]
    assert s["LINLI_REQUIRE_2FA"] is False


def test_the_embedded_setup_stays_on_plain_http(monkeypatch, tmp_path):
    s = load_settings(monkeypatch, tmp_path)
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["SESSION_COOKIE_SECURE"] is False
    assert s["SECURE_HSTS_SECONDS"] == 0


def test_each_variable_is_read(monkeypatch, tmp_path):
    s = load_settings(
        monkeypatch,
        tmp_path,
        **PRODUCTION,
        LINLI_PROXY_COUNT="1",
        LINLI_SSL_REDIRECT="0",
        LINLI_HSTS_SECONDS="600",
        LINLI_HSTS_INCLUDE_SUBDOMAINS="0",
        LINLI_HSTS_PRELOAD="0",
        LINLI_REFERRER_POLICY="strict-origin-when-cross-origin",
        LINLI_COOKIE_SAMESITE="Strict",
        LINLI_SECURE_COOKIES="0",
        LINLI_LOGIN_FAILURE_LIMIT="3",
        LINLI_LOGIN_ADDRESS_FAILURE_LIMIT="50",
        LINLI_LOGIN_COOLDOWN_MINUTES="30",
        LINLI_REQUIRE_2FA="1",
        LINLI_REQUIRE_2FA_LEADERS="1",
        LINLI_OFFICE_SESSION_HOURS="4",
        LINLI_OFFICE_SESSION_IDLE_MINUTES="10",
        LINLI_SESSION_DAYS="30",
        LINLI_PASSWORD_MIN_LENGTH="12",
    )
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["SECURE_SSL_REDIRECT"] is False
    assert (s["SECURE_HSTS_SECONDS"], s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (600, False)
    assert s["SECURE_HSTS_PRELOAD"] is False
    assert s["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert s["SESSION_COOKIE_SAMESITE"] == "Strict" and s["SESSION_COOKIE_SECURE"] is False
    assert (s["AXES_FAILURE_LIMIT"], s["LINLI_LOGIN_ADDRESS_FAILURE_LIMIT"]) == (3, 50)
    assert s["AXES_COOLOFF_TIME"].total_seconds() == 30 * 60
    assert s["LINLI_REQUIRE_2FA"] and s["LINLI_REQUIRE_2FA_LEADERS"]
    assert (s["LINLI_OFFICE_SESSION_HOURS"], s["LINLI_OFFICE_SESSION_IDLE_MINUTES"]) == (4, 10)
    assert s["SESSION_COOKIE_AGE"] == 30 * 24 * 3600
    assert s["AUTH_PASSWORD_VALIDATORS"][1]["OPTIONS"] == {"min_length": 12}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LINLI_HSTS_SECONDS", "a year"),
        ("LINLI_HSTS_SECONDS", "-1"),
        ("LINLI_SSL_REDIRECT", "maybe"),
        ("LINLI_REFERRER_POLICY", "unsafe-url"),
        ("LINLI_COOKIE_SAMESITE", "None"),
        ("LINLI_LOGIN_FAILURE_LIMIT", "0"),
        ("LINLI_LOGIN_COOLDOWN_MINUTES", "15m"),
        ("LINLI_PROXY_COUNT", "-1"),
        ("LINLI_REQUIRE_2FA", "yes please"),
        ("LINLI_PASSWORD_MIN_LENGTH", "6"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(monkeypatch, tmp_path, name, value):
    with pytest.raises(ImproperlyConfigured, match=f"^{name}="):
        load_settings(monkeypatch, tmp_path, **PRODUCTION, **{name: value})


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LINLI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"  # browser tests set it
    }
    env.update(PRODUCTION, LINLI_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "linli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_the_security_headers(client, db):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    assert "unsafe" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response.cookies["csrftoken"]["httponly"] is True
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


def test_the_admin_may_use_inline_styles_but_never_inline_scripts(admin_client):
    csp = admin_client.get("/admin/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["script-src"] == "'self'"
    assert admin_client.get("/ledger/")["Content-Security-Policy"].count("unsafe") == 0


def test_a_response_with_its_own_policy_keeps_it(rf):
    from django.http import HttpResponse

    from linli.core.csp import CSPMiddleware

    def view(request):
        response = HttpResponse(b"file")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = CSPMiddleware(view)(rf.get("/media/x"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"<style", re.I), "a <style> block"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"hx-on|hx-vars|js:", re.I), "htmx that needs eval"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_needs_unsafe_inline():
    found = []
    for path in sorted(SRC.glob("**/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(SRC)}:{line}: {what}")
    assert found == []


def test_htmx_is_told_not_to_eval_or_inject_styles(client, county_official):
    client.force_login(county_official)
    page = client.get("/ledger/").content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false,'
        '"allowEval":false,"allowScriptTags":false}\'>'
    ) in page
    assert re.search(r'<script src="/static/linli/linli\.js" defer>', page)
