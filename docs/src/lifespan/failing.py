from pegboard import App, PluginInfo, hookimpl


class Broker:
    plugin_info = PluginInfo(name="broker")

    @hookimpl
    async def pegboard_startup(self, app: App) -> None:
        raise ConnectionError("amqp://queue:5672 refused the connection")


app = App(plugins=[Broker()])
# Starting the server fails with:
#   pegboard.exceptions.StartupError: Plugin 'broker' failed during startup:
#   ConnectionError: amqp://queue:5672 refused the connection
