"""Personal-data encryption at rest and blind indexes (ADR 0006).

* Values are encrypted with AES-256-GCM. The stored text is ``<keyid>$<base64(nonce|ciphertext)>``
  so several keys can be live at once: the first key of ``GONGHUI_FIELD_KEYS`` encrypts, every
  listed key decrypts, and ``rotate_personal_data`` re-encrypts old rows under the first key.
* Look-ups and de-duplication use a keyed HMAC-SHA256 of the normalised value (a blind index);
  the table is never decrypted to search it.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_NONCE = 12


def _b64decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[tuple[str, AESGCM], ...]:
    keys = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, raw = item.partition(":")
        if not sep or not key_id or "$" in key_id:
            raise ImproperlyConfigured("GONGHUI_FIELD_KEYS entries look like keyid:base64key")
        key = _b64decode(raw)
        if len(key) != 32:
            raise ImproperlyConfigured(f"GONGHUI_FIELD_KEYS key {key_id!r} must be 32 bytes")
        keys.append((key_id, AESGCM(key)))
    if not keys:
        raise ImproperlyConfigured("GONGHUI_FIELD_KEYS is empty")
    return tuple(keys)


def _keys() -> tuple[tuple[str, AESGCM], ...]:
    return _parse_keys(settings.GONGHUI_FIELD_KEYS)


@lru_cache(maxsize=4)
def _blind_key(spec: str) -> bytes:
    key = _b64decode(spec)
    if len(key) < 16:
        raise ImproperlyConfigured("GONGHUI_BLIND_INDEX_KEY must be at least 16 bytes")
    return key


def encrypt(plaintext: str) -> str:
    """Encrypt a short text under the current key; empty stays empty."""
    if not plaintext:
        return ""
    key_id, aead = _keys()[0]
    nonce = os.urandom(_NONCE)
    blob = aead.encrypt(nonce, plaintext.encode("utf-8"), key_id.encode())
    return f"{key_id}${base64.urlsafe_b64encode(nonce + blob).decode()}"


def decrypt(token: str) -> str:
    if not token:
        return ""
    key_id, sep, body = token.partition("$")
    if not sep:
        raise ValueError("not an encrypted value")
    for kid, aead in _keys():
        if kid == key_id:
            try:
                raw = _b64decode(body)
                return aead.decrypt(raw[:_NONCE], raw[_NONCE:], key_id.encode()).decode("utf-8")
            except (InvalidTag, ValueError, UnicodeDecodeError):
                raise ValueError(
                    f"value under key {key_id!r} does not decrypt (wrong key material?)"
                ) from None
    raise ValueError(f"no key {key_id!r} configured to decrypt this value")


def needs_rotation(token: str) -> bool:
    return bool(token) and token.partition("$")[0] != _keys()[0][0]


def blind_index(kind: str, normalised_value: str) -> str:
    """Keyed hash for exact look-up. ``kind`` separates domains (an ID number and a phone
    number that happen to share digits never collide)."""
    if not normalised_value:
        return ""
    key = _blind_key(settings.GONGHUI_BLIND_INDEX_KEY)
    digest = hmac.new(key, f"{kind}:{normalised_value}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode().rstrip("=").lower()
