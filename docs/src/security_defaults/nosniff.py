from pegboard import App, PlainTextResponse

# The default: every response says X-Content-Type-Options: nosniff.
app = App()

# Behind a proxy that adds the header already, or to set it yourself per response:
bare = App(nosniff=False)


@bare.get("/download")
async def download() -> PlainTextResponse:
    # A header a response sets itself is always kept as it is.
    return PlainTextResponse("data", headers={"X-Content-Type-Options": "nosniff"})


@bare.get("/plain")
async def plain() -> dict[str, str]:
    return {"sniffed": "maybe"}  # no X-Content-Type-Options header
