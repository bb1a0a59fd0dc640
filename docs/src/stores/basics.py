"""The store interface, used directly: the same code runs on every store."""

from pegboard_stores import Store


async def remember_login(store: Store, user: str) -> int:
    """Count a user's logins this hour and keep their last token for a day."""
    # --8<-- [start:calls]
    logins = await store.increment(f"logins:{user}", expires_in=3600)  # 1, 2, ...
    await store.set(f"token:{user}", b"t0k3n", expires_in=24 * 3600)
    token = await store.get(f"token:{user}")  # b"t0k3n", or None once expired
    await store.delete(f"token:{user}")
    removed = await store.delete_prefix("logins:")  # every user's counter
    # --8<-- [end:calls]
    assert token == b"t0k3n"
    assert removed >= 1
    return logins
