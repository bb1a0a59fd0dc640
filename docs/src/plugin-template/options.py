"""The route option the plugin reads, in one place for the hooks and the command."""

from pegboard import RouteInfo

#: ``@app.get("/", hello="value")``: the header's value on that route's
#: responses. Set on a router or the app, it applies to every route under it; None turns
#: it off again.
OPTION = "hello"


def header_value(route: RouteInfo) -> object:
    """The value ``route`` asks for (merged from the app, routers and route), or None."""
    return route.option(OPTION, None)
