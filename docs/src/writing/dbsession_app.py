from collections.abc import AsyncIterator
from typing import Annotated

from pegboard_dbsession import database
from sqlalchemy import ForeignKey, event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pegboard import App
from pegboard_di import Depends, di

db = database("sqlite+aiosqlite:///:memory:")
# scope="function": the commit runs before the response is sent, so a failed
# commit answers 500 instead of a 200 for data that was never stored.
Session = Annotated[AsyncSession, Depends(db.session, scope="function")]


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    # Checked when the transaction commits, not when the row is written.
    author_id: Mapped[int] = mapped_column(
        ForeignKey("authors.id", deferrable=True, initially="DEFERRED")
    )


@event.listens_for(db.engine.sync_engine, "connect")
def enforce_foreign_keys(connection: object, record: object) -> None:
    connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[attr-defined]


async def lifespan(app: App) -> AsyncIterator[None]:
    async with db.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield


app = App(plugins=[di(), db], lifespan=lifespan)


@app.post("/authors/{name}", status_code=201)
async def add_author(name: str, session: Session) -> dict[str, object]:
    author = Author(name=name)
    session.add(author)
    await session.flush()  # assigns the id
    return {"id": author.id, "name": name}


@app.post("/authors/{author_id:int}/books/{title}")
async def add_book(author_id: int, title: str, session: Session) -> dict[str, object]:
    session.add(Book(title=title, author_id=author_id))
    return {"title": title, "author_id": author_id}


@app.get("/books")
async def books(session: Session) -> list[str]:
    return list(await session.scalars(select(Book.title).order_by(Book.id)))
