from timelive.lib.codes import ALPHABET, hash_secret, new_code, new_secret


def test_it_makes_opaque_unambiguous_codes():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 12
        assert set(code) <= set(ALPHABET)
    assert not set("ilou") & set(ALPHABET)
    assert len(new_code(8)) == 8


def test_it_makes_long_url_safe_secrets():
    secret = new_secret()
    assert len(secret) >= 43
    assert secret != new_secret()
    assert all(c.isalnum() or c in "-_" for c in secret)


def test_it_hashes_stably_and_hides_the_secret():
    assert hash_secret("abc") == hash_secret("abc")
    assert hash_secret("abc") != hash_secret("abd")
    assert "abc" not in hash_secret("abc")
    assert len(hash_secret("abc")) == 64
