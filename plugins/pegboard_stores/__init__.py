"""pegboard_stores: the key-value stores that pegboard's traffic plugins share.

One small interface, :class:`Store` (get, set with expiry, delete, atomic
increment, delete by prefix), and two implementations: :class:`MemoryStore` for
one process, the embedded default, and :class:`RedisStore` (the ``redis`` extra)
when several workers or machines share the state. Every operation of a store whose
backend cannot be reached raises :class:`StoreUnavailable`, quickly.
"""

from pegboard_stores.base import Store, StoreUnavailable
from pegboard_stores.memory import MemoryStore
from pegboard_stores.redis import RedisStore

__all__ = ["MemoryStore", "RedisStore", "Store", "StoreUnavailable"]
