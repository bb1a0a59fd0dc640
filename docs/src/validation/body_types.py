import dataclasses

import attrs
from typing_extensions import TypedDict

from pegboard import App
from pegboard_validation import validation

app = App(plugins=[validation()])


@dataclasses.dataclass
class Point:
    x: float
    y: float = 0.0


class Movie(TypedDict):
    title: str
    year: int


@attrs.define
class Book:
    title: str = attrs.field(validator=attrs.validators.min_len(1))
    pages: int = 1


@app.post("/points")
async def add_points(points: list[Point]) -> dict[str, float]:
    return {"sum_x": sum(p.x for p in points)}


@app.post("/movies")
async def add_movie(movie: Movie) -> Movie:
    return movie


@app.post("/books")
async def add_book(book: Book) -> Book:  # attrs validators run: "" is a 422
    return book


@app.post("/stock")
async def set_stock(stock: dict[str, int]) -> dict[str, int]:
    return {"total": sum(stock.values())}
