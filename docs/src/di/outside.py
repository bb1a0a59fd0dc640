import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from pegboard import App, BackgroundTasks
from pegboard_di import Depends, di, resolve

LOG: list[str] = []


async def get_settings() -> dict[str, str]:
    return {"smtp": "smtp://mail.example"}


async def get_mailer(
    settings: Annotated[dict[str, str], Depends(get_settings)],
) -> AsyncIterator[str]:
    LOG.append("mailer opened")
    yield f"mailer({settings['smtp']})"
    LOG.append("mailer closed")


app = App(plugins=[di()])


async def send_report(to: str) -> None:
    # A background task runs after the response: it resolves its own dependencies.
    async with resolve(app, get_mailer) as mailer:
        LOG.append(f"sent report to {to} with {mailer}")


@app.post("/reports/{to}")
async def report(to: str, tasks: BackgroundTasks) -> dict[str, str]:
    tasks.add_task(send_report, to)
    return {"queued": to}


def main() -> None:
    """A command-line entry point using the same graph, overrides included."""
    asyncio.run(send_report("ops@example.org"))
