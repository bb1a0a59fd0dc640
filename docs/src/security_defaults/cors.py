"""Let one web front end, on another origin, call the API with credentials."""

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from pegboard import App

app = App(
    middleware=[
        Middleware(
            CORSMiddleware,
            allow_origins=["https://app.example.com"],  # exact origins, never "*" here
            allow_credentials=True,  # cookies and Authorization headers
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,  # browsers may cache a preflight for 10 minutes
        )
    ]
)


@app.get("/me")
async def me() -> dict[str, str]:
    return {"name": "ada"}
