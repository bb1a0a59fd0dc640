"""pegboard_compression: gzip, brotli and zstd responses, negotiated per request.

Enable it with ``App(plugins=[compression()])`` (or by the name ``"compression"``);
opt a route out with ``compress=False``. gzip needs nothing; brotli and zstd come with
the ``brotli`` and ``zstd`` extras (``pip install "pegboard[compression]"`` for both).
"""

from pegboard_compression.codecs import Codec, available
from pegboard_compression.middleware import CompressionMiddleware, is_compressible
from pegboard_compression.negotiation import parse_accept_encoding
from pegboard_compression.plugin import CompressionPlugin, compression
from pegboard_compression.policy import Compress

__all__ = [
    "Codec",
    "Compress",
    "CompressionMiddleware",
    "CompressionPlugin",
    "available",
    "compression",
    "is_compressible",
    "parse_accept_encoding",
]
