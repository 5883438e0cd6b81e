"""The service's own endpoints under /api/v1: health and version."""

from __future__ import annotations

import importlib.metadata

from fastapi import APIRouter

from api.jsonio import JSONResponse
from api.schemas import Health, Version
from kruger_rules.system import package_version, rules_hash, rules_version

router = APIRouter(prefix="/api/v1", tags=["Service"])


@router.get("/health", summary="Is the service up", response_model=Health)
async def health():
    return JSONResponse({"status": "ok", "rules_version": rules_version()})


@router.get("/version", summary="Which rules answer", response_model=Version)
async def version():
    return JSONResponse(
        {
            "rules_version": rules_version(),
            "package_version": package_version(),
            "rules_hash": rules_hash(),
            "openfisca_core": importlib.metadata.version("openfisca-core"),
        }
    )
