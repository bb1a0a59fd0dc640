import csv
import io
from typing import Any

from pegboard import App, Encoder, PluginInfo, Response, RouteInfo, RouteOption, hookimpl
from pegboard.descriptions import ResponseDescription, Schema


class CsvResponses:
    plugin_info = PluginInfo(
        name="csv",
        route_options=(RouteOption("csv", help="True: send the returned rows as CSV."),),
    )

    # tryfirst: a CSV route must not be serialized by a plugin that encodes models.
    @hookimpl(tryfirst=True)
    def pegboard_encode_response(self, app: App, route: RouteInfo) -> Encoder | None:
        if not route.option("csv", False):
            return None  # the next plugin, or the core's JSON, encodes this route
        status = route.status_code or 200

        def encode(rows: list[dict[str, Any]]) -> Response:
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [])
            writer.writeheader()
            writer.writerows(rows)
            return Response(out.getvalue(), status_code=status, media_type="text/csv")

        described = ResponseDescription(
            status, "Rows as CSV", {"text/csv": Schema.of({"type": "string"})}
        )
        return Encoder(encode, describes=(described,), label="csv")


app = App(plugins=[CsvResponses()])


@app.get("/scores", csv=True)
async def scores() -> list[dict[str, Any]]:
    return [{"name": "ada", "score": 3}, {"name": "grace", "score": 5}]
