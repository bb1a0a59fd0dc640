"""The docs UIs' pinned upstream versions and file hashes.

Written by scripts/update_docs_assets.py; do not edit by hand. The asset package of
each UI's extra must hold exactly these files: pegboard refuses to serve any other.
"""

from __future__ import annotations

from pegboard_docs.assets import Pin

PINS: dict[str, Pin] = {
    "swagger": Pin(
        npm="swagger-ui-dist",
        version="5.35.0",
        tarball="sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==",
        files={
            "swagger-ui-bundle.js": "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
            "swagger-ui.css": "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
            "oauth2-redirect.js": "sha384-XuY48ztmqRBrZqX+bDrPUqkTumNohu9Bl+yztOEp/hDTS5qXIApmbiD04MrTFpjk",
            "favicon-32x32.png": "sha384-vCPruBEcPmxk2uv19KNJCkWttTDv8oQxBAzSuTndOepjsIyiKHSoLNlWOcQMpXdL",
        },
    ),
    "redoc": Pin(
        npm="redoc",
        version="3.0.1",
        tarball="sha512-KDfoKaYW19LCl4YStgBnwlaNjYEFfs5zCNt1s1WZ2YM5u8d26Yuzd2l43fZO851ZsgIMe/D640fDJkD8eaRQKQ==",
        files={
            "redoc.standalone.js": "sha384-j07qRKHNNmcwU1/Y1elJc7pDLHXP/QfbQXTtSkbOJ7uYGJikqAzsFVbY2zR9FqOT",
        },
    ),
    "scalar": Pin(
        npm="@scalar/api-reference",
        version="1.76.4",
        tarball="sha512-bHSVv494yuNTcBzmfZR3eYhckOTiu3L6IJmvM2kdKzBVmWqm+JhEHbYc7ydsv7FBSs3vTW9sCz00La2dFgWxVg==",
        files={
            "standalone.js": "sha384-hwB9WroDTpZaI38gr+u9CXA6ksz5gUYgD2GxXazKl/agT1L2GWUiRFWGJYNiFu4Q",
        },
    ),
    "rapidoc": Pin(
        npm="rapidoc",
        version="9.3.8",
        tarball="sha512-eCYEbr1Xr8OJZvVCw8SXl9zBCRoLJbhNGuG5IZTHq/RWAOq/O4MafUCuFEyZHsrhLrlUcGZMa64pyhpib8fQKQ==",
        files={
            "rapidoc-min.js": "sha384-szzoYhqSJqZH8X90KwbBjYL1CMLEa3U7xl/oAZg4ViKpYEY5GVhM+peBQB4u7ANM",
        },
    ),
    "elements": Pin(
        npm="@stoplight/elements",
        version="9.0.25",
        tarball="sha512-rDbNsgSCNo74lyV57cBzym+8F68/R2j7UPq4r3w5qK608vX8APNJhTq+2MkbTjsM3bUhFIoRdI225tlI85KpCA==",
        files={
            "web-components.min.js": "sha384-X5kH2B8aH81JEl8IfSBwwnr8FYcCqMzdxpqjmmlRbhIl7SsQ9Zn0xk+csQmU37zN",
            "styles.min.css": "sha384-NzdOiocfnINlXfuCXi4OpL/xvdbgLiKaLHQ07Z+IwhVaxHqLShn5rVD5OHt/LYgz",
        },
    ),
}
