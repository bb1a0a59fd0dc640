"""pegboard_csrf: CSRF tokens for the unsafe requests of cookie-authenticated routes.

It keeps its secret in the session, so it needs the sessions plugin::

    App(plugins=[sessions(secret_key=...), csrf()])

Forms carry the token in a hidden ``csrf_token`` field, scripts in the
``X-CSRF-Token`` header; a handler gets one with a ``CSRFToken`` parameter.
"""

from pegboard_csrf.plugin import UNSAFE_METHODS, CSRFPlugin, CSRFToken, csrf, header_credentials
from pegboard_csrf.tokens import csrf_token, token_matches

__all__ = [
    "UNSAFE_METHODS",
    "CSRFPlugin",
    "CSRFToken",
    "csrf",
    "csrf_token",
    "header_credentials",
    "token_matches",
]
