from pegboard import App, BackgroundTasks

app = App()
OUTBOX: list[str] = []


def send_welcome_email(address: str) -> None:
    OUTBOX.append(address)


@app.post("/signup/{address}")
async def signup(address: str, tasks: BackgroundTasks) -> dict[str, str]:
    tasks.add_task(send_welcome_email, address)
    return {"status": "welcome mail queued"}
