from pegboard import App, HTTPException
from pegboard.testing import TestClient
from sqlalchemy import select

from {{ cookiecutter.package_name }}.dependencies import Session
from {{ cookiecutter.package_name }}.models import User


def test_a_request_commits_when_it_succeeds_and_rolls_back_when_it_fails(app: App) -> None:
    @app.post("/users/{email}", status_code=201)
    async def add_user(email: str, session: Session) -> str:
        session.add(User(email=email, password_hash="not a hash"))
        await session.flush()  # written, in the request's transaction
        if email.startswith("fail"):
            raise HTTPException(400, "Nothing is kept.")
        return email

    @app.get("/emails")
    async def emails(session: Session) -> list[str]:
        return list(await session.scalars(select(User.email).order_by(User.id)))

    with TestClient(app) as client:
        assert client.post("/users/fail@example.com").status_code == 400
        assert client.post("/users/kept@example.com").status_code == 201
        assert client.get("/emails").json() == ["kept@example.com"]
