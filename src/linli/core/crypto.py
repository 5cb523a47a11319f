"""Personal data at rest (PIPL art. 51): ID numbers and phones encrypted, with keyed hashes.

**Encryption.** AES-256-GCM (``cryptography``'s ``AESGCM``) under ``LINLI_PII_KEY``. A stored
value is text: ``<key id>:<base64(nonce 12 bytes | ciphertext | tag 16 bytes)>``, where the
key id is 8 hex characters of SHA-256 of the key (so an operator never numbers keys by hand,
and ``linli pii rotate-key`` finds the rows still under an old key with a ``NOT LIKE``
without decrypting them). Empty text stays ``""`` and ``None`` stays NULL: that a phone is
blank is not a secret worth a ciphertext, and ``exclude(phone="")`` keeps working. Every value
gets a fresh random nonce, so equal numbers do not look equal in the database.
Decryption accepts the current key and every key of ``LINLI_PII_OLD_KEYS`` (during a rotation).

**Keyed hash.** HMAC-SHA256 under ``LINLI_PII_HASH_KEY`` of the *normalised* value (ID: no
spaces, full-width folded, upper-case X; phone: digits only, without +86), with the kind
(``id`` / ``phone``) in the message so an ID and a phone never share a hash. It sits beside
each encrypted column (``id_number_hash``, unique) for exact look-ups, uniqueness and the
importer's matching. The hash key is a separate, stable secret and is **not** rotated with the
encryption key: every stored hash depends on it, so changing it would break every look-up
until all hashes are recomputed. It is not derived from ``LINLI_PII_KEY`` for that reason.

Speed (the ledger import encrypts and hashes two fields of ~50,000 residents): one ``AESGCM``
object per key, built once; HMAC through ``hmac.digest`` (the one-shot C path); no key
derivation per call; the HMAC's padded-key states computed once. About 2.5 µs to encrypt
and 2 µs to hash a value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import unicodedata
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

NONCE_BYTES = 12
KEY_BYTES = 32
SEPARATOR = ":"

# Used only with LINLI_DEBUG=1 and no key of its own (settings.py): never protects real data.
DEVELOPMENT_KEY = hashlib.sha256(b"linli development PII key - not secret").digest()
DEVELOPMENT_HASH_KEY = hashlib.sha256(b"linli development PII hash key - not secret").digest()


class PiiKeyError(Exception):
    """A stored value cannot be decrypted: its key is not configured, or it was altered."""


def parse_key(name: str, raw: str) -> bytes:
    """A 32-byte key from base64 (standard or URL-safe) or 64 hex characters."""
    text = raw.strip()
    key = None
    if len(text) == 2 * KEY_BYTES:
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = None
    if key is None:
        try:
            key = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            key = None
    if key is None or len(key) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{name}: expected a 32-byte key as base64 or 64 hex characters "
            '(python -c "import secrets,base64; '
            'print(base64.b64encode(secrets.token_bytes(32)).decode())")'
        )
    return key


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"linli-pii-key-id\x00" + key).hexdigest()[:8]


class Keyring:
    """The current key (encrypts), the old ones (decrypt only) and the hash key."""

    def __init__(self, current: bytes, old: list[bytes] | tuple[bytes, ...], hash_key: bytes):
        self.current_id = key_id(current)
        self.prefix = self.current_id + SEPARATOR
        self._aead = AESGCM(current)
        self.by_id: dict[str, AESGCM] = {self.current_id: self._aead}
        for key in old:
            kid = key_id(key)
            if kid != self.current_id:
                self.by_id[kid] = AESGCM(key)
        # HMAC-SHA256 (RFC 2104) with the padded key's two SHA-256 states computed once: each
        # hash then copies them (1.7 µs a value where hmac.digest takes 3 µs).
        padded = (
            hash_key.ljust(64, b"\0")
            if len(hash_key) <= 64
            else hashlib.sha256(hash_key).digest().ljust(64, b"\0")
        )
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def encrypt(self, text: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode(), None)
        return self.prefix + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, stored: str) -> str:
        kid, sep, body = stored.partition(SEPARATOR)
        aead = self.by_id.get(kid) if sep else None
        if aead is None:
            raise PiiKeyError(
                f"个人信息密文的密钥（{kid if sep else '无密钥标识'}）未配置："
                "轮换期间请把旧密钥列入 LINLI_PII_OLD_KEYS"
            )
        raw = base64.b64decode(body)
        try:
            return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
        except InvalidTag:
            raise PiiKeyError(f"个人信息密文校验失败（密钥 {kid}）：数据被改动或密钥不符") from None

    def is_current(self, stored: str | None) -> bool:
        return not stored or stored.startswith(self.prefix)

    def hash(self, kind: str, normalised: str) -> str:
        """HMAC-SHA256(hash key, ``kind`` NUL ``normalised``) in hex."""
        inner = self._inner.copy()
        inner.update((kind + "\x00" + normalised).encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    from django.conf import settings

    return Keyring(
        settings.LINLI_PII_KEY, tuple(settings.LINLI_PII_OLD_KEYS), settings.LINLI_PII_HASH_KEY
    )


def _reset(*, setting: str, **kwargs) -> None:
    if setting.startswith("LINLI_PII_"):
        keyring.cache_clear()


setting_changed.connect(_reset)


def encrypt(text: str | None) -> str | None:
    """``None`` and ``""`` as they are; other text as ``<key id>:<base64>``."""
    if not text:
        return text
    return keyring().encrypt(text)


def decrypt(stored: str | None) -> str | None:
    if not stored:
        return stored
    return keyring().decrypt(stored)


# -- the keyed hashes -------------------------------------------------------------------------


def normalise_id_number(value: str) -> str:
    """As ``linli.ledger.validation.normalise_id_number``: full-width folded, no spaces, X."""
    if value.isascii():  # NFKC leaves ASCII as it is (the fast path: stored numbers)
        return value.upper() if value.isalnum() else "".join(value.split()).upper()
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def normalise_phone(value: str) -> str:
    """Digits only, without a +86 / 0086 prefix: ``0734-5221234`` → ``07345221234``."""
    if value.isascii() and value.isdigit():
        digits = value
    else:
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch.isdecimal())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


NORMALISERS = {"id": normalise_id_number, "phone": normalise_phone}


def pii_hash(kind: str, value: str | None) -> str | None:
    """The keyed hash of ``value`` as stored beside it; ``None`` for a blank value."""
    if not value:
        return None
    normalised = NORMALISERS[kind](value)
    if not normalised:
        return None
    return keyring().hash(kind, normalised)


def id_number_hash(value: str | None) -> str | None:
    return pii_hash("id", value)


def phone_hash(value: str | None) -> str | None:
    return pii_hash("phone", value)
