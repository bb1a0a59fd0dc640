"""Bookshelf: the showcase app, with every first-party plugin enabled.

``scripts/serve`` serves it on http://127.0.0.1:8000; the API docs are at ``/docs``
(Swagger UI), ``/redoc`` and ``/scalar``. Reading needs nothing; writing needs the
API key in the ``X-API-Key`` header (``SHOWCASE_API_KEY``, ``dev-key`` by default):
click **Authorize** in Swagger UI and paste it.

What each plugin does here:

* validation: typed path and query parameters, JSON bodies, a form, an upload,
  and response models that drop fields the client must not see;
* di: an app-scoped store, created at startup, and a per-request dependency chain;
* security: an API key checked in constant time, required by the write routes;
* openapi, swagger_ui, redoc, scalar: the document and three ways to read it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Annotated, Literal

import attrs
from pydantic import BaseModel, Field

from pegboard import App, EventSourceResponse, HTTPException, Router, ServerSentEvent
from pegboard_di import Depends, di
from pegboard_docs import redoc, scalar, swagger_ui
from pegboard_openapi import openapi
from pegboard_security import APIKeyHeader, compare_secrets, security
from pegboard_validation import File, Form, Path, Query, UploadFile, validation

# -- models ----------------------------------------------------------------------------


class BookIn(BaseModel):
    title: str = Field(min_length=1, max_length=200, examples=["The Left Hand of Darkness"])
    author: str = Field(min_length=1, max_length=100, examples=["Ursula K. Le Guin"])
    year: int = Field(ge=-3000, le=2100, examples=[1969])
    tags: list[Annotated[str, Field(max_length=30)]] = Field(default=[], max_length=10)


class BookOut(BaseModel):
    id: int
    title: str
    author: str
    year: int
    tags: list[str]
    reviews: int
    added_at: datetime


class Review(BaseModel):
    rating: int
    text: str


class Cover(BaseModel):
    book_id: int
    filename: str
    content_type: str
    size: int


class Problem(BaseModel):
    """An error the client can fix; ``detail`` says what."""

    detail: str


# -- storage: an app-scoped dependency --------------------------------------------------


@attrs.define
class Book:
    id: int
    title: str
    author: str
    year: int
    tags: list[str]
    added_at: datetime
    reviews: list[Review] = attrs.Factory(list)
    cover: Cover | None = None
    # Never leaves the server: BookOut has no such field.
    internal_note: str = "imported"


@attrs.define
class Store:
    """Books in memory, with a log of changes for the event stream."""

    books: dict[int, Book] = attrs.Factory(dict)
    events: list[ServerSentEvent] = attrs.Factory(list)
    next_id: int = 1

    def add(self, data: BookIn) -> Book:
        book = Book(self.next_id, added_at=datetime.now(timezone.utc), **data.model_dump())
        self.books[book.id] = book
        self.next_id += 1
        self.record("added", book)
        return book

    def record(self, kind: str, book: Book) -> None:
        data = {"id": book.id, "title": book.title}
        self.events.append(ServerSentEvent(data=data, event=kind, id=str(len(self.events) + 1)))
        del self.events[:-100]  # bounded: the stream replays the last hundred


SAMPLE = [
    BookIn(title="A Wizard of Earthsea", author="Ursula K. Le Guin", year=1968, tags=["fantasy"]),
    BookIn(title="Kindred", author="Octavia E. Butler", year=1979, tags=["sf"]),
    BookIn(title="Invisible Cities", author="Italo Calvino", year=1972),
]


async def get_store() -> AsyncIterator[Store]:
    store = Store()
    for book in SAMPLE:
        store.add(book)
    yield store  # created when the app starts, dropped when it stops


StoreDep = Annotated[Store, Depends(get_store, scope="app")]


def get_book(book_id: Annotated[int, Path(ge=1)], store: StoreDep) -> Book:
    book = store.books.get(book_id)
    if book is None:
        raise HTTPException(404, f"No book has id {book_id}.")
    return book


BookDep = Annotated[Book, Depends(get_book)]


def book_out(book: Book) -> BookOut:
    return BookOut(**attrs.asdict(book, recurse=False) | {"reviews": len(book.reviews)})


# -- security: an API key for writes ----------------------------------------------------

api_key = APIKeyHeader(name="X-API-Key", description="Needed to add, change or remove books.")


def require_writer(key: Annotated[str, Depends(api_key)]) -> None:
    if not compare_secrets(key, os.environ.get("SHOWCASE_API_KEY", "dev-key")):
        raise HTTPException(403, "This API key may not write.")


# -- routes -----------------------------------------------------------------------------

# Documented on every route that takes a book id, so clients (and schemathesis) know it.
NO_BOOK = {404: {"model": Problem, "description": "No book has this id."}}


def _link(operation_id: str, description: str) -> dict[str, object]:
    return {
        "operationId": operation_id,
        "parameters": {"book_id": "$response.body#/id"},
        "description": description,
    }


# OpenAPI links: what a client can do next with the book it just added.
ADDED_BOOK_LINKS = {
    201: {
        "links": {
            "read": _link("read_book_books__book_id__get", "Read the book."),
            "replace": _link("replace_book_books__book_id__put", "Replace its details."),
            "remove": _link("remove_book_books__book_id__delete", "Remove it."),
            "reviews": _link("list_reviews_books__book_id__reviews_get", "Read its reviews."),
            "review": _link("add_review_books__book_id__reviews_post", "Review it."),
            "cover": _link("upload_cover_books__book_id__cover_put", "Upload its cover."),
        }
    }
}

app = App(
    plugins=[
        validation(),
        di(),
        security(),
        openapi(
            title="Bookshelf",
            version="1.0.0",
            description="The pegboard showcase: every first-party plugin in one small API.",
            tags=[
                {"name": "books", "description": "Read and write the shelf."},
                {"name": "reviews", "description": "What readers think."},
                {"name": "events", "description": "Changes as they happen."},
            ],
        ),
        swagger_ui(),
        redoc(),
        scalar(),
    ]
)

books = Router(prefix="/books", tags=["books"])
writes = Router(prefix="/books", tags=["books"], dependencies=[Depends(require_writer)])


@app.get("/", include_in_schema=False)
async def index() -> dict[str, str]:
    return {"name": "Bookshelf", "docs": "/docs", "redoc": "/redoc", "scalar": "/scalar"}


@app.get("/health", tags=["meta"])
async def health() -> dict[str, str]:
    """Liveness probe."""
    return {"status": "ok"}


@books.get("", response_model=list[BookOut])
async def list_books(
    store: StoreDep,
    q: Annotated[
        str | None, Query(max_length=50, description="Words in the title or author.")
    ] = None,
    tag: Annotated[list[str], Query(max_length=10)] = [],  # noqa: B006 - parsed, never mutated
    sort: Literal["id", "title", "year"] = "id",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[BookOut]:
    """List books, filtered and sorted."""
    found = list(store.books.values())
    if q:
        words = q.lower().split()
        found = [b for b in found if all(w in f"{b.title} {b.author}".lower() for w in words)]
    if tag:
        found = [b for b in found if set(tag) <= set(b.tags)]
    found.sort(key=lambda book: getattr(book, sort))
    return [book_out(book) for book in found[offset : offset + limit]]


@books.get("/{book_id}", responses=NO_BOOK)
async def read_book(book: BookDep) -> BookOut:
    """One book."""
    return book_out(book)


@writes.post("", status_code=201, responses=ADDED_BOOK_LINKS)
async def add_book(data: BookIn, store: StoreDep) -> BookOut:
    """Add a book."""
    return book_out(store.add(data))


@writes.put("/{book_id}", responses=NO_BOOK)
async def replace_book(data: BookIn, book: BookDep, store: StoreDep) -> BookOut:
    """Replace a book's details."""
    for field, value in data.model_dump().items():
        setattr(book, field, value)
    store.record("changed", book)
    return book_out(book)


@writes.delete("/{book_id}", status_code=204, responses=NO_BOOK)
async def remove_book(book: BookDep, store: StoreDep) -> None:
    """Remove a book."""
    del store.books[book.id]
    store.record("removed", book)


@writes.put(
    "/{book_id}/cover",
    response_model=Cover,
    responses={**NO_BOOK, 415: {"model": Problem, "description": "Not a PNG or JPEG image."}},
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "encoding": {"cover": {"contentType": "image/png, image/jpeg"}}
                }
            }
        }
    },
)
async def upload_cover(book: BookDep, cover: Annotated[UploadFile, File()]) -> Cover:
    """Upload a cover image (PNG or JPEG, up to the app's body size limit)."""
    if cover.content_type not in ("image/png", "image/jpeg"):
        raise HTTPException(415, "A cover must be a PNG or JPEG image.")
    size = len(await cover.read())
    book.cover = Cover(
        book_id=book.id,
        filename=cover.filename or "cover",
        content_type=cover.content_type,
        size=size,
    )
    return book.cover


@books.get("/{book_id}/reviews", tags=["reviews"], responses=NO_BOOK)
async def list_reviews(book: BookDep) -> list[Review]:
    """Reviews of a book."""
    return book.reviews


@books.post("/{book_id}/reviews", status_code=201, tags=["reviews"], responses=NO_BOOK)
async def add_review(
    book: BookDep,
    rating: Annotated[int, Form(ge=1, le=5)],
    text: Annotated[str, Form(max_length=2000)] = "",
) -> Review:
    """Review a book (a form, as an HTML page would post it)."""
    review = Review(rating=rating, text=text)
    book.reviews.append(review)
    return review


@app.get("/events", response_class=EventSourceResponse, tags=["events"])
async def events(store: StoreDep) -> AsyncIterator[ServerSentEvent]:
    """The last changes to the shelf, as server-sent events."""
    for event in list(store.events):
        yield event


app.include_router(books)
app.include_router(writes)
