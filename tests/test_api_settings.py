"""The API's settings: read from KRUGER_<NAME>, each bad value refused at start-up with its variable's name."""

import pytest

from api.app import create_app
from api.settings import SettingError, Settings
from kruger_rules import reforms
from kruger_rules.cli import main
from kruger_rules.reforms import system_cache

LIMITS = [
    "max_body_bytes",
    "max_organisations",
    "max_explained_organisations",
    "max_json_depth",
    "reform_cache_size",
    "max_upload_bytes",
    "batch_sync_rows",
    "key_rate_limit",
]
OTHERS = ["cors_origins", "calculation_access", "max_impact_jobs", "data_dir", "database_url"]


def test_every_setting_is_a_limit_or_one_of_the_others_tested_here():
    assert set(Settings.model_fields) == {*LIMITS, *OTHERS}


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


def test_cross_origin_access_is_off_unless_origins_are_given():
    assert Settings().allowed_origins == []


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


def test_calculations_are_open_unless_keyed():
    assert Settings().calculation_access == "open"
    assert Settings.from_env({"KRUGER_CALCULATION_ACCESS": "keyed"}).calculation_access == "keyed"
    with pytest.raises(SettingError, match="^KRUGER_CALCULATION_ACCESS must be 'open' or 'keyed', not 'closed'$"):
        Settings.from_env({"KRUGER_CALCULATION_ACCESS": "closed"})


def test_impact_jobs_may_be_none_at_once_but_not_fewer():
    assert Settings().max_impact_jobs == 1
    assert Settings.from_env({"KRUGER_MAX_IMPACT_JOBS": "0"}).max_impact_jobs == 0
    with pytest.raises(SettingError, match="^KRUGER_MAX_IMPACT_JOBS must be at least 0, not '-1'$"):
        Settings.from_env({"KRUGER_MAX_IMPACT_JOBS": "-1"})


def test_the_data_folder_must_be_a_folder(tmp_path):
    assert Settings.from_env({"KRUGER_DATA_DIR": str(tmp_path / "new")}).data_dir == tmp_path / "new"
    (tmp_path / "file").write_text("")
    with pytest.raises(SettingError, match=r"^KRUGER_DATA_DIR must be a folder, or a path where one can be made \(this is a file\), not '"):
        Settings.from_env({"KRUGER_DATA_DIR": str(tmp_path / "file")})
    with pytest.raises(SettingError, match="^KRUGER_DATA_DIR must be a folder's path, not ''$"):
        Settings.from_env({"KRUGER_DATA_DIR": ""})


def test_the_database_is_sqlite_in_the_data_folder_unless_a_url_is_given(tmp_path):
    assert Settings.from_env({"KRUGER_DATA_DIR": str(tmp_path)}).database == f"sqlite:///{tmp_path}/kruger-rules.sqlite3"
    assert Settings.from_env({"KRUGER_DATABASE_URL": "sqlite:////srv/jobs.db"}).database == "sqlite:////srv/jobs.db"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("sqlite://", "a database file: an in-memory SQLite database would lose every job at a restart"),
        ("no url at all", "a database URL such as"),
        ("nosuchdb://host/db", "a database URL whose dialect and driver are installed"),
    ],
)
def test_a_database_url_that_cannot_keep_jobs_is_refused_at_start_up(url, reason):
    with pytest.raises(SettingError, match=f"^KRUGER_DATABASE_URL must be {reason}"):
        Settings.from_env({"KRUGER_DATABASE_URL": url})


def test_a_database_password_never_appears_in_the_message():
    with pytest.raises(SettingError) as refused:
        Settings.from_env({"KRUGER_DATABASE_URL": "nosuchdb://kruger:s3cret@db.example/kruger"})
    assert "s3cret" not in str(refused.value) and "nosuchdb://kruger:***@db.example/kruger" in str(refused.value)
    with pytest.raises(SettingError) as unreadable:
        Settings.from_env({"KRUGER_DATABASE_URL": "kruger:s3cret@db.example"})
    assert "s3cret" not in str(unreadable.value)


def test_serve_with_a_data_folder_it_cannot_make_stops_at_once_with_its_message(monkeypatch, capsys, tmp_path):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("KRUGER_DATA_DIR", str(tmp_path / "file" / "jobs"))
    assert main(["serve", "--port", "1"]) == 2
    error = capsys.readouterr().err
    assert error == f"kruger-rules: error: KRUGER_DATA_DIR: the folder {tmp_path}/file/jobs cannot be made (Not a directory)\n"
