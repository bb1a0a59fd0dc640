import os

from pegboard import App
from pegboard_prometheus import prometheus

# prometheus_client's own server, started and stopped with the app; not in the app.
metrics_port = int(os.environ.get("METRICS_PORT", "9100"))
app = App(plugins=[prometheus(port=metrics_port, addr="127.0.0.1")])


@app.get("/")
async def home() -> str:
    return "welcome"
