from pegboard import App
from pegboard_docs import swagger_ui
from pegboard_openapi import openapi

app = App(
    plugins=[
        openapi(title="Shop", version="1.0"),
        swagger_ui(
            # Filled in the Authorize dialog, so users need not type them.
            init_oauth={
                "clientId": "shop-docs",
                "appName": "Shop",
                "scopes": ["items:read", "items:write"],
                "usePkceWithAuthorizationCodeGrant": True,
            },
            # Where the authorization server sends the browser back after a login
            # (authorization-code and implicit flows). Register this URL with it.
            oauth2_redirect_url="/docs/oauth2-redirect",
            # Keep the token across reloads of the page.
            config={"persistAuthorization": True},
            # The token endpoint is elsewhere: let the page call it.
            csp={"connect-src": ["https://login.example.com"]},
        ),
    ]
)
