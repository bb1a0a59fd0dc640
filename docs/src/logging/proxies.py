from pegboard import App
from pegboard_logging import request_logging

app = App(
    plugins=[
        request_logging(
            header="X-Correlation-ID",
            # Only the load balancers may set the id; other clients get a new one.
            trust_incoming=["10.0.0.0/8", "127.0.0.1"],
        )
    ]
)


@app.get("/")
async def home() -> str:
    return "hello"
