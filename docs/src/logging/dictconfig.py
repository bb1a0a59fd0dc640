import logging.config

from pegboard import App
from pegboard_logging import request_logging

# Your own logging setup: the plugin only writes the records (configure=False).
logging.config.dictConfig(
    {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "pegboard_logging.json_formatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        "loggers": {"pegboard.access": {"handlers": ["stdout"], "level": "INFO"}},
    }
)

app = App(plugins=[request_logging(configure=False)])


@app.get("/")
async def home() -> str:
    return "hello"
