"""Run the API with uvicorn: what `kruger-rules serve` does."""

from __future__ import annotations

import uvicorn

APP = "api.app:app"


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> int:
    """Serve until interrupted; says where the interactive documentation is first."""
    shown = f"[{host}]" if ":" in host else host
    print(f"kruger-rules API on http://{shown}:{port} - open http://{shown}:{port}/docs for the interactive documentation", flush=True)
    uvicorn.run(APP, host=host, port=port, workers=workers, log_level="info", access_log=False)
    return 0
