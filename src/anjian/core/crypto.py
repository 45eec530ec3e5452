"""The crypto provider: HMAC-SM3 for the audit chain, SM4 for personal fields at rest, HMAC-SM3 blind indexes.

* ``mac`` / ``verify`` — the audit chain's MAC (HMAC-SM3, GB/T 32905) under the audit key.
* ``seal`` / ``open`` — a personal field (ID-card number, phone) encrypted with SM4 (GB/T 32907) in GCM mode under
  the field key; the stored text is ``sm4gcm:<key id>:<base64 of nonce | ciphertext | tag>``, so a database dump
  holds no plaintext and a changed key is recognised.
* ``index`` — the searchable form of a personal field: HMAC-SM3 of the normalised value under the index key, with
  the field's name mixed in (an ID-card index never equals a phone index). Equal values give equal indexes, so an
  exact search and a uniqueness check work without decrypting anything.

Keys come from the environment (``ANJIAN_AUDIT_KEY``, ``ANJIAN_FIELD_KEY``, ``ANJIAN_INDEX_KEY``); where one is not
set it is derived from ``SECRET_KEY``, so a deployment that sets only the secret key still gets private keys. A
certified crypto module (密码模块) can replace this class: point ANJIAN_CRYPTO_PROVIDER at a class with the same
methods, constructed with the three keys.
"""

import base64
import hashlib
import hmac as std_hmac
import os
from functools import cache
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.utils.module_loading import import_string

SEALED_PREFIX = "sm4gcm:"
_NONCE = 12
_TAG = 16


class DecryptionError(ValueError):
    """A sealed value that this key cannot open (a different key, or a damaged value)."""


class CryptoProvider(Protocol):
    name: str

    def mac(self, data: bytes) -> str:
        """Hex MAC of data under the platform's audit key."""

    def verify(self, data: bytes, mac_hex: str) -> bool:
        """True when mac_hex is the MAC of data."""

    def seal(self, plaintext: str) -> str:
        """The text to store for a personal field."""

    def open(self, sealed: str) -> str:
        """The plaintext of a sealed field; DecryptionError when it cannot be opened."""

    def index(self, field: str, normalised: str) -> str:
        """The blind index (hex) of a field's normalised value."""


class CryptographySMProvider:
    """HMAC-SM3 and SM4-GCM from the `cryptography` package."""

    name = "HMAC-SM3 / SM4-GCM"

    def __init__(self, key: bytes, *, field_key: bytes | None = None, index_key: bytes | None = None) -> None:
        self._key = key
        self._field_key = (field_key or hashlib.sha256(b"anjian-field:" + key).digest())[:16]
        self._index_key = index_key or hashlib.sha256(b"anjian-index:" + key).digest()
        # A short, non-secret fingerprint of the field key, stored with each value.
        self._key_id = hashlib.sha256(b"anjian-key-id:" + self._field_key).hexdigest()[:8]

    def mac(self, data: bytes) -> str:
        h = crypto_hmac.HMAC(self._key, hashes.SM3())
        h.update(data)
        return h.finalize().hex()

    def verify(self, data: bytes, mac_hex: str) -> bool:
        return std_hmac.compare_digest(self.mac(data), mac_hex)

    def seal(self, plaintext: str) -> str:
        nonce = os.urandom(_NONCE)
        encryptor = Cipher(algorithms.SM4(self._field_key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(self._key_id.encode())
        body = encryptor.update(plaintext.encode()) + encryptor.finalize()
        blob = base64.b64encode(nonce + body + encryptor.tag).decode()
        return f"{SEALED_PREFIX}{self._key_id}:{blob}"

    def open(self, sealed: str) -> str:
        if not sealed.startswith(SEALED_PREFIX):
            raise DecryptionError("not a sealed value")
        key_id, _, blob = sealed[len(SEALED_PREFIX):].partition(":")
        if key_id != self._key_id:
            raise DecryptionError("sealed under another key")
        try:
            raw = base64.b64decode(blob, validate=True)
        except ValueError as exc:
            raise DecryptionError("damaged value") from exc
        if len(raw) < _NONCE + _TAG:
            raise DecryptionError("damaged value")
        nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
        decryptor = Cipher(algorithms.SM4(self._field_key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(key_id.encode())
        try:
            return (decryptor.update(body) + decryptor.finalize()).decode()
        except (InvalidTag, UnicodeDecodeError) as exc:
            raise DecryptionError("damaged value") from exc

    def index(self, field: str, normalised: str) -> str:
        h = crypto_hmac.HMAC(self._index_key, hashes.SM3())
        h.update(field.encode() + b"\x00" + normalised.encode())
        return h.finalize().hex()


# The name the settings used before personal fields were encrypted.
CryptographySM3Provider = CryptographySMProvider


def audit_key() -> bytes:
    if settings.ANJIAN_AUDIT_KEY:
        return settings.ANJIAN_AUDIT_KEY.encode()
    # Derived, so a deployment that sets only the secret key still gets a private audit key.
    return hashlib.sha256(b"anjian-audit:" + settings.SECRET_KEY.encode()).digest()


def _setting_key(name: str, purpose: bytes) -> bytes:
    value = getattr(settings, name, "")
    if value:
        return hashlib.sha256(purpose + value.encode()).digest()
    return hashlib.sha256(purpose + settings.SECRET_KEY.encode()).digest()


@cache
def get_provider() -> CryptoProvider:
    cls = import_string(settings.ANJIAN_CRYPTO_PROVIDER)
    return cls(
        audit_key(),
        field_key=_setting_key("ANJIAN_FIELD_KEY", b"anjian-field:")[:16],
        index_key=_setting_key("ANJIAN_INDEX_KEY", b"anjian-index:"),
    )


def seal(plaintext: str) -> str:
    """A personal field for storage ("" stays "": an empty field is not a secret)."""
    return get_provider().seal(plaintext) if plaintext else ""


def open_sealed(sealed: str) -> str:
    return get_provider().open(sealed) if sealed else ""


def blind_index(field: str, normalised: str) -> str:
    return get_provider().index(field, normalised) if normalised else ""
