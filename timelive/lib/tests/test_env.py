import pytest
from django.core.exceptions import ImproperlyConfigured

from timelive.lib.env import env_bool, env_choice, env_int, env_list, env_secret, env_str


def test_it_reads_strings(monkeypatch):
    monkeypatch.delenv("TL_X", raising=False)
    assert env_str("TL_X", "fallback") == "fallback"
    monkeypatch.setenv("TL_X", "value")
    assert env_str("TL_X", "fallback") == "value"


@pytest.mark.parametrize("raw,expected", [("1", True), ("true", True), (" YES ", True), ("on", True),
                                          ("0", False), ("false", False), ("No", False), ("off", False)])
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("TL_FLAG", raw)
    assert env_bool("TL_FLAG", not expected) is expected


def test_it_uses_the_default_for_an_unset_boolean(monkeypatch):
    monkeypatch.delenv("TL_FLAG", raising=False)
    assert env_bool("TL_FLAG", True) is True


def test_it_fails_loudly_on_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("TL_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TL_FLAG"):
        env_bool("TL_FLAG")


def test_it_reads_whole_numbers(monkeypatch):
    monkeypatch.delenv("TL_N", raising=False)
    assert env_int("TL_N", 7) == 7
    monkeypatch.setenv("TL_N", "")
    assert env_int("TL_N", 7) == 7
    monkeypatch.setenv("TL_N", " 42 ")
    assert env_int("TL_N", 7) == 42


@pytest.mark.parametrize("raw", ["4.5", "ten", "1e3"])
def test_it_fails_loudly_on_a_bad_number(monkeypatch, raw):
    monkeypatch.setenv("TL_N", raw)
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("TL_N", 7)


def test_it_fails_loudly_below_the_minimum(monkeypatch):
    monkeypatch.setenv("TL_N", "59")
    with pytest.raises(ImproperlyConfigured, match="at least 60"):
        env_int("TL_N", 3600, minimum=60)


def test_it_reads_choices(monkeypatch):
    monkeypatch.setenv("TL_EDITION", " OnPrem ")
    assert env_choice("TL_EDITION", ("cloud", "onprem"), "cloud") == "onprem"
    monkeypatch.delenv("TL_EDITION")
    assert env_choice("TL_EDITION", ("cloud", "onprem"), "cloud") == "cloud"


def test_it_treats_a_blank_choice_as_unset(monkeypatch):
    # Like a blank number: `TIMELIVE_EDITION=` in a compose file means "not set".
    monkeypatch.setenv("TL_EDITION", "  ")
    assert env_choice("TL_EDITION", ("cloud", "onprem"), "cloud") == "cloud"


def test_it_fails_loudly_on_a_bad_choice(monkeypatch):
    monkeypatch.setenv("TL_EDITION", "enterprise")
    with pytest.raises(ImproperlyConfigured, match="cloud, onprem"):
        env_choice("TL_EDITION", ("cloud", "onprem"), "cloud")


def test_it_reads_lists(monkeypatch):
    monkeypatch.delenv("TL_HOSTS", raising=False)
    assert env_list("TL_HOSTS", ["a"]) == ["a"]
    monkeypatch.setenv("TL_HOSTS", " example.com, ,www.example.com ,")
    assert env_list("TL_HOSTS", ["a"]) == ["example.com", "www.example.com"]
    monkeypatch.setenv("TL_HOSTS", "")
    assert env_list("TL_HOSTS", ["a"]) == []


def test_a_secret_comes_from_the_environment_or_a_file(monkeypatch, tmp_path):
    monkeypatch.delenv("TL_SECRET", raising=False)
    monkeypatch.delenv("TL_SECRET_FILE", raising=False)
    assert env_secret("TL_SECRET", "fallback") == "fallback"
    monkeypatch.setenv("TL_SECRET", "in-env")
    assert env_secret("TL_SECRET") == "in-env"
    monkeypatch.delenv("TL_SECRET")
    secret_file = tmp_path / "secret"
    secret_file.write_text("in-a-file\n")
    monkeypatch.setenv("TL_SECRET_FILE", str(secret_file))
    assert env_secret("TL_SECRET") == "in-a-file"


def test_a_secret_set_twice_or_unreadable_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("TL_SECRET", "in-env")
    monkeypatch.setenv("TL_SECRET_FILE", str(tmp_path / "secret"))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_secret("TL_SECRET")
    monkeypatch.delenv("TL_SECRET")
    with pytest.raises(ImproperlyConfigured, match="TL_SECRET_FILE cannot be read"):
        env_secret("TL_SECRET")
    (tmp_path / "secret").write_text("\n")
    with pytest.raises(ImproperlyConfigured, match="empty file"):
        env_secret("TL_SECRET")
