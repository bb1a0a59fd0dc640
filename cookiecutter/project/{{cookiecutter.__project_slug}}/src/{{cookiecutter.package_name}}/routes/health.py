"""Liveness: answers as long as the process can serve requests."""

from pegboard import Router

router = Router(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
