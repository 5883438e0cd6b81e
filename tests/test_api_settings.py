"""The API's settings: read from KRUGER_<NAME>, each bad value refused at start-up with its variable's name."""

import pytest

from api.app import create_app
from api.settings import SettingError, Settings
from kruger_rules import reforms
from kruger_rules.cli import main
from kruger_rules.reforms import system_cache

LIMITS = ["max_body_bytes", "max_organisations", "max_explained_organisations", "max_json_depth", "reform_cache_size"]


def test_every_setting_but_the_origins_is_a_limit_tested_here():
    assert set(Settings.model_fields) == {*LIMITS, "cors_origins"}


BAD_VALUES = [("ten", "a whole number"), ("", "a whole number"), ("0", "at least 1"), ("-3", "at least 1")]


@pytest.mark.parametrize("name", LIMITS)
@pytest.mark.parametrize(("value", "reason"), BAD_VALUES)
def test_a_bad_limit_is_refused_with_its_variable_and_the_reason(name, value, reason):
    variable = f"KRUGER_{name.upper()}"
    with pytest.raises(SettingError, match=f"^{variable} must be {reason}, not '{value}'$"):
        Settings.from_env({variable: value})


@pytest.mark.parametrize("name", LIMITS)
def test_a_limit_is_read_from_its_variable(name):
    assert getattr(Settings.from_env({f"KRUGER_{name.upper()}": "2_000"}), name) == 2000


def test_the_process_environment_is_read_with_the_same_message(monkeypatch):
    monkeypatch.setenv("KRUGER_MAX_JSON_DEPTH", "deep")
    with pytest.raises(SettingError, match="^KRUGER_MAX_JSON_DEPTH must be a whole number, not 'deep'$"):
        Settings()
    with pytest.raises(SettingError, match="KRUGER_MAX_JSON_DEPTH"):
        create_app()


def test_a_mapping_is_read_alone_without_the_process_environment(monkeypatch):
    monkeypatch.setenv("KRUGER_MAX_ORGANISATIONS", "7")
    assert Settings().max_organisations == 7
    assert Settings.from_env({}).max_organisations == Settings.model_fields["max_organisations"].default


def test_the_origins_are_a_comma_separated_list():
    assert Settings.from_env({"KRUGER_CORS_ORIGINS": " https://a.example, ,https://b.example "}).allowed_origins == [
        "https://a.example",
        "https://b.example",
    ]


@pytest.fixture
def cache_restored():
    previous = system_cache()
    yield
    reforms._cache = previous


def test_the_reform_cache_size_reaches_the_cache(cache_restored):
    assert Settings().reform_cache_size == 64
    create_app(Settings.from_env({"KRUGER_REFORM_CACHE_SIZE": "3"}))
    assert system_cache().size == 3


def test_serve_with_a_bad_setting_stops_at_once_with_its_message(monkeypatch, capsys):
    monkeypatch.setenv("KRUGER_MAX_BODY_BYTES", "ten")
    assert main(["serve", "--port", "1"]) == 2
    error = capsys.readouterr().err
    assert error == "kruger-rules: error: KRUGER_MAX_BODY_BYTES must be a whole number, not 'ten'\n"
