import os

from pegboard import App
from pegboard_sessions import sessions

app = App(
    plugins=[
        sessions(
            secret_key=os.environ["APP_SESSION_KEY"],
            old_secret_keys=[os.environ["APP_OLD_SESSION_KEY"]],  # still accepted
            cookie_name="sid",
            max_age=8 * 3600,  # a working day...
            expiry="absolute",  # ...from the login, however active the user is
            samesite="strict",
            # Local development over http://: browsers drop Secure cookies there.
            secure=os.environ.get("APP_ENV") != "dev",
        )
    ]
)
