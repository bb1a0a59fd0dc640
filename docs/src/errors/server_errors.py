from pegboard import App

app = App()  # App(debug=True) shows a traceback instead, for development only


@app.get("/report")
async def report() -> None:
    raise RuntimeError("connection to db://admin:hunter2@db failed")
