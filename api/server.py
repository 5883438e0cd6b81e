"""Run the API with uvicorn: what `kruger-rules serve` does."""

from __future__ import annotations

import uvicorn

from api.settings import SettingError, Settings, variable_of
from kruger_rules.jobs.service import ImpactJobs, StorageError

APP = "api.app:app"


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> int:
    """Serve until interrupted; says where the interactive documentation is first.

    The settings are read before anything starts, so that a bad one stops the command with its
    message (api.settings.SettingError) rather than a worker with a traceback; so are the data
    folder and the database opened (made, and their tables created, once for every worker).
    """
    prepare_storage(Settings.from_env())
    shown = f"[{host}]" if ":" in host else host
    print(f"kruger-rules API on http://{shown}:{port} - open http://{shown}:{port}/docs for the interactive documentation", flush=True)
    uvicorn.run(APP, host=host, port=port, workers=workers, log_level="info", access_log=False)
    return 0


def prepare_storage(settings: Settings) -> None:
    """Make the data folder and the database's tables, or stop with a message naming the setting at fault."""
    jobs = ImpactJobs(settings.data_dir, settings.database_url or None, 0)
    try:
        jobs.opened()
    except StorageError as error:
        raise SettingError(f"{variable_of(error.setting)}: {error}") from None
    finally:
        jobs.stop()
