"""Readiness: answers 200 only while the database answers, for load balancers and probes."""

import anyio
from pegboard import HTTPException, Router
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from {{ cookiecutter.package_name }}.dependencies import Engine

router = Router(tags=["health"])

#: Seconds to wait for the database before answering 503.
TIMEOUT = 2.0


@router.get("/ready")
async def ready(engine: Engine) -> dict[str, str]:
    """``SELECT 1`` on the database: 503 when it fails or takes longer than ``TIMEOUT``."""
    try:
        with anyio.fail_after(TIMEOUT):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError, TimeoutError):
        raise HTTPException(503, "The database is not reachable.") from None
    return {"status": "ready"}
