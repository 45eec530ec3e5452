"""The crypto provider behind the audit chain: HMAC-SM3 by default.

A certified crypto module (密码模块) can replace it: point ANJIAN_CRYPTO_PROVIDER at a class with
the same two methods.
"""

import hashlib
import hmac as std_hmac
from functools import cache
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.utils.module_loading import import_string


class CryptoProvider(Protocol):
    name: str

    def mac(self, data: bytes) -> str:
        """Hex MAC of data under the platform's audit key."""

    def verify(self, data: bytes, mac_hex: str) -> bool:
        """True when mac_hex is the MAC of data."""


class CryptographySM3Provider:
    """HMAC-SM3 (GB/T 32905) from the `cryptography` package."""

    name = "HMAC-SM3"

    def __init__(self, key: bytes) -> None:
        self._key = key

    def mac(self, data: bytes) -> str:
        h = crypto_hmac.HMAC(self._key, hashes.SM3())
        h.update(data)
        return h.finalize().hex()

    def verify(self, data: bytes, mac_hex: str) -> bool:
        return std_hmac.compare_digest(self.mac(data), mac_hex)


def audit_key() -> bytes:
    if settings.ANJIAN_AUDIT_KEY:
        return settings.ANJIAN_AUDIT_KEY.encode()
    # Derived, so a deployment that sets only the secret key still gets a private audit key.
    return hashlib.sha256(b"anjian-audit:" + settings.SECRET_KEY.encode()).digest()


@cache
def get_provider() -> CryptoProvider:
    cls = import_string(settings.ANJIAN_CRYPTO_PROVIDER)
    return cls(audit_key())
