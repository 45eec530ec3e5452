"""The crypto provider's personal-field half: SM4-GCM sealing and the HMAC-SM3 blind index."""

import base64

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from anjian.core import crypto
from anjian.core.crypto import SEALED_PREFIX, CryptographySMProvider, DecryptionError

NUMBER = "11010519491231002X"


@pytest.fixture
def provider():
    return CryptographySMProvider(b"audit-key", field_key=b"0123456789abcdef", index_key=b"index-key")


def test_seal_round_trip_and_no_plaintext(provider):
    sealed = provider.seal(NUMBER)
    assert sealed.startswith(SEALED_PREFIX)
    assert NUMBER not in sealed and "19491231" not in sealed
    assert provider.open(sealed) == NUMBER
    # A fresh nonce each time: equal plaintexts do not give equal ciphertexts.
    assert provider.seal(NUMBER) != sealed


def test_the_cipher_is_sm4_gcm(provider):
    """Open a sealed value by hand with SM4-GCM, so the claim "SM4" is checked, not assumed."""
    key_id, _, blob = provider.seal("13800001234")[len(SEALED_PREFIX):].partition(":")
    raw = base64.b64decode(blob)
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(b"0123456789abcdef"), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(key_id.encode())
    assert decryptor.update(body) + decryptor.finalize() == b"13800001234"


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: s[:-4] + ("AAAA" if not s.endswith("AAAA") else "BBBB"),  # the tag or body changed
        lambda s: s.replace(SEALED_PREFIX, "plain:"),
        lambda s: s[: len(SEALED_PREFIX) + 9] + "%%%not-base64%%%",
        lambda s: s[: len(SEALED_PREFIX) + 9] + base64.b64encode(b"short").decode(),
    ],
)
def test_damaged_values_are_refused(provider, damage):
    with pytest.raises(DecryptionError):
        provider.open(damage(provider.seal(NUMBER)))


def test_another_key_cannot_open(provider):
    other = CryptographySMProvider(b"audit-key", field_key=b"fedcba9876543210", index_key=b"index-key")
    with pytest.raises(DecryptionError):
        other.open(provider.seal(NUMBER))


def test_blind_index_is_deterministic_keyed_and_per_field(provider):
    assert provider.index("id_number", NUMBER) == provider.index("id_number", NUMBER)
    assert provider.index("id_number", NUMBER) != provider.index("phone", NUMBER)
    assert NUMBER not in provider.index("id_number", NUMBER)
    other = CryptographySMProvider(b"audit-key", field_key=b"0123456789abcdef", index_key=b"another")
    assert other.index("id_number", NUMBER) != provider.index("id_number", NUMBER)


def test_module_helpers_use_the_configured_keys(settings):
    crypto.get_provider.cache_clear()
    try:
        settings.ANJIAN_FIELD_KEY = "field-secret"
        settings.ANJIAN_INDEX_KEY = "index-secret"
        crypto.get_provider.cache_clear()
        sealed = crypto.seal(NUMBER)
        assert crypto.open_sealed(sealed) == NUMBER
        index = crypto.blind_index("id_number", NUMBER)
        settings.ANJIAN_INDEX_KEY = "changed"
        crypto.get_provider.cache_clear()
        assert crypto.blind_index("id_number", NUMBER) != index
        settings.ANJIAN_FIELD_KEY = "changed"
        crypto.get_provider.cache_clear()
        with pytest.raises(DecryptionError):
            crypto.open_sealed(sealed)
    finally:
        crypto.get_provider.cache_clear()
    # Empty stays empty: an unset phone is not a secret and needs no index.
    assert crypto.seal("") == "" and crypto.open_sealed("") == "" and crypto.blind_index("phone", "") == ""


def test_audit_mac_unchanged_by_the_new_provider():
    """The audit chain's MAC is the same HMAC-SM3 under the same key as before personal fields were sealed."""
    from cryptography.hazmat.primitives import hashes, hmac

    h = hmac.HMAC(b"audit-key", hashes.SM3())
    h.update(b"payload")
    assert CryptographySMProvider(b"audit-key").mac(b"payload") == h.finalize().hex()
