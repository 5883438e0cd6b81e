"""Run the API with uvicorn: what `kruger-rules serve` does."""

from __future__ import annotations

import uvicorn

from api.settings import Settings

APP = "api.app:app"


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> int:
    """Serve until interrupted; says where the interactive documentation is first.

    The settings are read before anything starts, so that a bad one stops the command with its
    message (api.settings.SettingError) rather than a worker with a traceback.
    """
    Settings.from_env()
    shown = f"[{host}]" if ":" in host else host
    print(f"kruger-rules API on http://{shown}:{port} - open http://{shown}:{port}/docs for the interactive documentation", flush=True)
    uvicorn.run(APP, host=host, port=port, workers=workers, log_level="info", access_log=False)
    return 0
