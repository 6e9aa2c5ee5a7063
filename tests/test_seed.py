"""The source text is never edited."""

import hashlib

from conftest import SEED_TEXT, SHARED

SEED_SHA256 = "7b6a2eb96022a7c53e6b61a39cf434a5157f7619d0c33b922f3f9b5f6a6552bc"


def test_seed_is_byte_for_byte_the_source():
    assert hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest() == SEED_SHA256


def test_seed_matches_the_shared_original_when_present():
    original = SHARED / "seeds" / "000_db5fa57325717abf.txt"
    if original.is_file():
        assert SEED_TEXT.read_bytes() == original.read_bytes()
