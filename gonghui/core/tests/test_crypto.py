import base64

import pytest
from django.test import override_settings

from gonghui.core import crypto

KEY_A = "a:" + base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = "b:" + base64.urlsafe_b64encode(b"B" * 32).decode()


def test_encrypt_round_trip_is_randomised():
    one, two = crypto.encrypt("610113199001010011"), crypto.encrypt("610113199001010011")
    assert one != two  # fresh nonce each time
    assert "610113" not in one
    assert crypto.decrypt(one) == crypto.decrypt(two) == "610113199001010011"


def test_empty_stays_empty():
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_old_key_still_decrypts_after_rotation_and_new_values_use_the_new_key():
    with override_settings(GONGHUI_FIELD_KEYS=KEY_A):
        old = crypto.encrypt("13812345678")
    with override_settings(GONGHUI_FIELD_KEYS=f"{KEY_B},{KEY_A}"):
        assert crypto.decrypt(old) == "13812345678"
        assert crypto.needs_rotation(old)
        new = crypto.encrypt("13812345678")
        assert new.startswith("b$") and not crypto.needs_rotation(new)
    with override_settings(GONGHUI_FIELD_KEYS=KEY_B), pytest.raises(ValueError):
        crypto.decrypt(old)


def test_tampered_ciphertext_is_rejected():
    token = crypto.encrypt("secret")
    head, body = token.split("$")
    raw = bytearray(base64.urlsafe_b64decode(body + "=="))
    raw[-1] ^= 1
    with pytest.raises(Exception):  # noqa: B017 - cryptography raises InvalidTag
        crypto.decrypt(head + "$" + base64.urlsafe_b64encode(bytes(raw)).decode())


def test_blind_index_is_keyed_deterministic_and_domain_separated():
    assert crypto.blind_index("id", "X") == crypto.blind_index("id", "X")
    assert crypto.blind_index("id", "13812345678") != crypto.blind_index("phone", "13812345678")
    with override_settings(GONGHUI_BLIND_INDEX_KEY=base64.urlsafe_b64encode(b"k" * 32).decode()):
        other = crypto.blind_index("id", "X")
    assert other != crypto.blind_index("id", "X")
