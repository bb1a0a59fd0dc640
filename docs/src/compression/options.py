from pegboard import App, Router
from pegboard_compression import compression

app = App(
    plugins=[
        compression(
            encodings=["br", "gzip"],  # offered, best first (default: zstd, br, gzip)
            minimum_size=1024,
            levels={"br": 5, "gzip": 6},
            content_types=["application/vnd.example+csv"],
        )
    ],
    compress=False,  # off unless a router or route turns it on
)
api = Router(prefix="/api", compress=True)


@api.get("/rows")
async def rows() -> list[dict[str, int]]:
    return [{"row": n, "value": n * n} for n in range(200)]


@app.get("/health")
async def health() -> str:
    return "ok"


app.include_router(api)
