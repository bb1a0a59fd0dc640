from pegboard import App

app = App()


@app.get("/books/")
async def books() -> list[str]:
    return ["Dune"]


strict = App(redirect_slashes=False)


@strict.get("/books/")
async def strict_books() -> list[str]:
    return ["Dune"]
