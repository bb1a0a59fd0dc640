from collections.abc import AsyncIterator

from pegboard import App, PluginInfo, hookimpl

EVENTS: list[str] = []


class Cache:
    plugin_info = PluginInfo(name="cache")

    @hookimpl
    async def pegboard_startup(self, app: App) -> None:
        EVENTS.append("cache: startup")

    @hookimpl
    async def pegboard_shutdown(self, app: App) -> None:
        EVENTS.append("cache: shutdown")


class Jobs:
    plugin_info = PluginInfo(name="jobs", requires=("cache",))

    @hookimpl
    def pegboard_startup(self, app: App) -> None:
        EVENTS.append("jobs: startup")

    @hookimpl
    def pegboard_shutdown(self, app: App) -> None:
        EVENTS.append("jobs: shutdown")


async def lifespan(app: App) -> AsyncIterator[None]:  # an async generator works too
    EVENTS.append("lifespan: enter")
    yield
    EVENTS.append("lifespan: exit")


app = App(plugins=[Jobs(), Cache()], lifespan=lifespan)
