"""What the observability plugins cost a plain route, in process, side by side.

Run from the repository root:  python -m benchmarks.observability [--quick] [--wire]

Every variant is a pegboard app serving ``GET /plain`` -> ``{"message": "hello"}``;
variants differ only in the plugins enabled and in route options. Each is checked
once (status and body), then all of them are timed in the same run: per repeat, each
variant serves N sequential requests, in an order rotated every repeat. Reported:
the median req/s over the repeats and, per variant, the ratio to ``core`` (the app
without plugins) as the median of same-repeat ratios, so a slow spell of the machine
hits both sides and mostly cancels out, and the Python calls per request (cProfile),
which a busy machine does not change. A variant's ``floor`` is the lowest ratio it
may reach (0.8: within 20% of the core); the exit status is 1 when one is missed
(a ``--quick`` run only reports).

With ``--wire`` the same variants are served by uvicorn (one worker each, as in
:mod:`benchmarks.wire`) and loaded in turn by wrk for a few seconds each: what a
client of a real server sees, where the plugins' cost is a share of the server's.

With ``--run`` the comparison a user makes: the app served by ``pegboard run`` (its
defaults: uvicorn, h11, log level info), every server's output going to a file, in
three settings (:data:`RUN_VARIANTS`): without the logging plugin and with uvicorn's
access log on (uvicorn's default, which the plugin replaces), with the plugin (which
turns the server's access log off), and without either. Ratios are given to both
of the first two.

With ``--floor`` the least a plugin's per-request work can cost, each piece timed
alone (CPU time, best of the repeats): one standard-library log record (with a plain
formatter, with the plugin's JSON formatter, and uvicorn's access line) and one SDK
span (bare, and with the plugin's attributes), next to the plain route itself, and
the best ratio to the route each leaves possible.

To add a plugin: add a :class:`Variant` to :data:`VARIANTS`. A variant whose
plugin is not installed is listed as skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.cases import Case
from benchmarks.environment import versions_line
from benchmarks.inprocess import call, lifespan, run_batch
from benchmarks.stats import paired_ratio
from pegboard import App, PluginInfo, RouteInfo, RouteObserver, hookimpl

PLAIN = Case("plain", "GET", "/plain", 200, expect={"message": "hello"})
BASELINE = "core"
#: Tells benchmarks/apps/observed.py, in a server process, which variant to serve.
VARIANT_ENV = "PEGBOARD_BENCH_VARIANT"
ROOT = Path(__file__).resolve().parent.parent


def plain_app(plugins: list[object], **route_options: Any) -> Any:
    """The app every variant times: one plain route, with ``plugins`` enabled."""
    app = App(plugins=plugins)

    @app.get("/plain", **route_options)
    async def plain() -> dict[str, str]:
        return {"message": "hello"}

    return app


def _core() -> Any:
    return plain_app([])


def _prometheus(**route_options: Any) -> Callable[[], Any]:
    def build() -> Any:
        from prometheus_client import CollectorRegistry

        from pegboard_prometheus import prometheus

        return plain_app([prometheus(registry=CollectorRegistry())], **route_options)

    return build


def _opentelemetry(ratio: float = 1.0, **route_options: Any) -> Callable[[], Any]:
    """tracing() recording into the SDK, spans batched to an exporter that drops them.

    ``ratio`` is the share of traces sampled (``OTEL_TRACES_SAMPLER=traceidratio``).
    """

    def build() -> Any:
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

        from pegboard_opentelemetry import tracing

        provider = TracerProvider(sampler=ParentBased(TraceIdRatioBased(ratio)))
        provider.add_span_processor(BatchSpanProcessor(_DroppingExporter()))
        return plain_app([tracing(tracer_provider=provider)], **route_options)

    return build


def _opentelemetry_no_sdk() -> Any:
    from opentelemetry.trace import NoOpTracerProvider

    from pegboard_opentelemetry import tracing

    return plain_app([tracing(tracer_provider=NoOpTracerProvider())])


def _opentelemetry_no_provider() -> Any:
    """tracing() in a process where no provider is installed: the API's global proxy.

    What an app gets without configuring an SDK (nor ``OTEL_TRACES_EXPORTER``); no other
    variant installs a global provider, so it stays so for the whole run.
    """
    from pegboard_opentelemetry import tracing

    return plain_app([tracing()])


def _starlette_opentelemetry() -> Any:
    """Starlette's own OpenTelemetryMiddleware on the core app: the yardstick."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from starlette.middleware.opentelemetry import OpenTelemetryMiddleware

    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(_DroppingExporter()))
    app = plain_app([])
    app.add_middleware(OpenTelemetryMiddleware, tracer_provider=provider)
    return app


class _DroppingExporter:
    """A span exporter that exports nowhere: the spans' cost without a collector's."""

    def export(self, spans: object) -> Any:
        from opentelemetry.sdk.trace.export import SpanExportResult

        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def _logging(**route_options: Any) -> Callable[[], Any]:
    """request_logging(), its JSON lines formatted and written to a stream that drops them."""

    def build() -> Any:
        from pegboard_logging import request_logging

        return plain_app([request_logging(stream=_Discard())], **route_options)

    return build


class _Discard(io.TextIOBase):
    """A text stream that drops what is written: the lines' cost without a terminal's."""

    def write(self, text: str) -> int:
        return len(text)


def _logging_to_stderr() -> Any:
    """request_logging() as an app enables it: JSON lines on standard error."""
    from pegboard_logging import request_logging

    return plain_app([request_logging()])


def _server_access_line() -> Any:
    """The core app plus uvicorn's access line per request: what logging replaces."""
    import logging

    from uvicorn.logging import AccessFormatter

    logger = logging.getLogger("benchmarks.server_access")
    logger.propagate = False
    handler = logging.StreamHandler(_Discard())
    handler.setFormatter(
        AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False)
    )
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    inner = plain_app([])

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":  # the lifespan
            await inner(scope, receive, send)
            return
        status = 0

        async def watch(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await inner(scope, receive, watch)
        client = scope.get("client") or ("-", 0)
        # The call uvicorn makes (protocols/http/httptools_impl.py).
        logger.info(
            '%s - "%s %s HTTP/%s" %d',
            f"{client[0]}:{client[1]}",
            scope["method"],
            scope["path"],
            scope["http_version"],
            status,
        )

    return app


class _IdleObserver:
    """A plugin observing every route with callbacks that do nothing: the core's share."""

    plugin_info = PluginInfo(name="idle_observer")

    @hookimpl
    def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver:
        return RouteObserver(_ignore, started=_ignore)


def _ignore(value: object) -> None:
    return None


def _sdk_span_only() -> Any:
    """The SDK's share of a traced request alone: the opentelemetry plugin's floor.

    An observer making the span the plugin makes (same provider setup, name, kind and
    attributes, these given as a constant), current while the route runs and ended
    with the status, with none of the plugin's own work (reading the request, the
    parent, the provider).
    """
    from opentelemetry import context, trace
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
    from opentelemetry.trace import SpanKind

    from benchmarks.inprocess import make_scope
    from pegboard_opentelemetry.attributes import request_attributes

    provider = TracerProvider(sampler=ParentBased(TraceIdRatioBased(1.0)))
    provider.add_span_processor(BatchSpanProcessor(_DroppingExporter()))  # type: ignore[arg-type]
    tracer = provider.get_tracer("benchmarks.sdk_span_only")
    attributes = request_attributes(make_scope(PLAIN), "/plain")
    root = Context()

    def started(request: object) -> Any:
        span = tracer.start_span(
            "GET /plain", context=root, kind=SpanKind.SERVER, attributes=attributes
        )
        return span, context.attach(trace.set_span_in_context(span, root))

    def finished(exchange: Any) -> None:
        span, token = exchange.state
        span.set_attribute("http.response.status_code", exchange.status_code)
        span.end()
        context.detach(token)

    class SpanOnly:
        plugin_info = PluginInfo(name="sdk_span_only")

        @hookimpl
        def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver:
            return RouteObserver(finished, started=started)

    return plain_app([SpanOnly()])


@dataclass(frozen=True)
class Variant:
    """One app to time: how to build it, and the lowest ratio to ``core`` it may reach."""

    build: Callable[[], Any]  # the ASGI app
    floor: float | None = None
    note: str = ""


VARIANTS: dict[str, Variant] = {
    BASELINE: Variant(_core, note="App() without plugins"),
    "idle_observer": Variant(
        lambda: plain_app([_IdleObserver()]), note="an observer doing nothing: the core's cost"
    ),
    "sdk_span_only": Variant(
        _sdk_span_only, note="only the SDK's span, as opentelemetry makes it: that plugin's floor"
    ),
    "prometheus": Variant(_prometheus(), floor=0.8, note="prometheus(), route measured"),
    "prometheus_opted_out": Variant(
        _prometheus(metrics=False), floor=0.9, note="prometheus(), route metrics=False"
    ),
    "opentelemetry": Variant(
        _opentelemetry(), floor=0.8, note="tracing(), SDK provider, batched, exported nowhere"
    ),
    "opentelemetry_sampled_10": Variant(
        _opentelemetry(ratio=0.1), note="tracing(), SDK sampling 10% of traces"
    ),
    "opentelemetry_no_sdk": Variant(
        _opentelemetry_no_sdk, note="tracing() with a no-op provider (no SDK configured)"
    ),
    "opentelemetry_no_provider": Variant(
        _opentelemetry_no_provider, note="tracing(), no provider installed anywhere"
    ),
    "opentelemetry_opted_out": Variant(
        _opentelemetry(tracing=False), floor=0.9, note="tracing(), route tracing=False"
    ),
    "starlette_otel_middleware": Variant(
        _starlette_opentelemetry, note="yardstick: Starlette's OpenTelemetryMiddleware, same SDK"
    ),
    "logging": Variant(
        _logging(), floor=0.8, note="request_logging(), JSON lines to a stream that drops them"
    ),
    "logging_opted_out": Variant(
        _logging(access_log=False), floor=0.9, note="request_logging(), route access_log=False"
    ),
    "server_access_line": Variant(
        _server_access_line,
        note="yardstick: uvicorn's access line per request, which logging replaces",
    ),
}


@dataclass(frozen=True)
class RunVariant:
    """One app served by ``pegboard run``: which app, and the command's extra options."""

    app: str  # a name of SERVED_APPS
    options: tuple[str, ...] = ()
    note: str = ""


#: The apps a server may be told to serve (``PEGBOARD_BENCH_VARIANT``).
SERVED_APPS: dict[str, Callable[[], Any]] = {
    **{name: variant.build for name, variant in VARIANTS.items()},
    "logging_to_stderr": _logging_to_stderr,
}

RUN_BASELINE = "no_access_log"
RUN_ACCESS_LOG = "server_access_log"
#: ``--run``: what a user compares, each served by ``pegboard run``.
RUN_VARIANTS: dict[str, RunVariant] = {
    RUN_BASELINE: RunVariant(
        "core", ("--no-access-log",), note="App() without plugins, server access log off"
    ),
    RUN_ACCESS_LOG: RunVariant(
        "core", note="App() without plugins, uvicorn's access log on (its default)"
    ),
    "logging_plugin": RunVariant(
        "logging_to_stderr",
        note="request_logging(), JSON lines; pegboard run turns uvicorn's access log off",
    ),
}


@dataclass(frozen=True)
class Settings:
    requests: int = 5000  # in process: per timed batch
    repeats: int = 9
    warmup: int = 500
    variants: tuple[str, ...] = tuple(VARIANTS)
    duration: float = 3.0  # over the wire: seconds of wrk per (repeat, variant)
    connections: int = 32
    http: str = "h11"  # --run: uvicorn's parser, pegboard run's default


def build_all(names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """The apps of ``names`` that can be built here, and why the others cannot."""
    apps: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for name in names:
        try:
            apps[name] = VARIANTS[name].build()
        except ImportError as exc:
            skipped[name] = f"not installed: {exc.name}"
    return apps, skipped


def _names(settings: Settings) -> tuple[str, ...]:
    names = settings.variants
    return names if BASELINE in names else (BASELINE, *names)


def _rotations(names: list[str], repeats: int) -> Iterator[tuple[int, list[str]]]:
    """Per repeat, every name once, starting one further each time."""
    for rep in range(repeats):
        shift = rep % len(names)
        yield rep, names[shift:] + names[:shift]


def _rows(
    runs: dict[str, list[float]], cpu_runs: dict[str, list[float]], baseline: str = BASELINE
) -> dict[str, Any]:
    """Per variant: ``runs`` are req/s of wall time, ``cpu_runs`` requests per CPU second."""
    rows: dict[str, Any] = {}
    for name, values in runs.items():
        rps = statistics.median(values)
        cpu = cpu_runs[name]
        cpu_ratio = paired_ratio(cpu, cpu_runs[baseline])
        variant = VARIANTS.get(name)
        floor = None if variant is None else variant.floor
        rows[name] = {
            "rps": rps,
            "vs_core": paired_ratio(values, runs[baseline]),
            "spread": (max(values) - min(values)) / rps,
            "cpu_us_per_request": 1e6 / statistics.median(cpu),
            "cpu_vs_core": cpu_ratio,
            "cpu_spread": (max(cpu) - min(cpu)) / statistics.median(cpu),
            "floor": floor,
            "met": None if floor is None else cpu_ratio >= floor,
            "note": RUN_VARIANTS[name].note if variant is None else variant.note,
            "runs": values,
            "cpu_runs": cpu,
        }
    return rows


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(settings: Settings) -> dict[str, Any]:
    """In process: each app called directly, as :mod:`benchmarks.inprocess` does."""
    apps, skipped = build_all(_names(settings))
    states: dict[str, dict[str, Any]] = {name: {} for name in apps}
    runs: dict[str, list[float]] = {name: [] for name in apps}
    cpu_runs: dict[str, list[float]] = {name: [] for name in apps}
    # Each app's lifespan (plugin startup) is entered before timing, left after.
    async with _lifespans(apps, states):
        for name, app in apps.items():
            exchange = await call(app, states[name], PLAIN)
            body = json.loads(b"".join(exchange.chunks))
            if (exchange.status, body) != (PLAIN.status, PLAIN.expect):
                raise RuntimeError(f"{name}: got {exchange.status} {body!r}")
            await run_batch(app, states[name], PLAIN, settings.warmup)
        for rep, order in _rotations(list(apps), settings.repeats):
            for name in order:
                gc.collect()
                cpu = time.process_time()
                seconds = await run_batch(apps[name], states[name], PLAIN, settings.requests)
                cpu = time.process_time() - cpu
                runs[name].append(settings.requests / seconds)
                cpu_runs[name].append(settings.requests / cpu)
            print(f"observability: repeat {rep + 1}/{settings.repeats}", file=sys.stderr)
        calls = {name: await _calls_per_request(app, states[name]) for name, app in apps.items()}
    rows = _rows(runs, cpu_runs)
    for name, count in calls.items():
        rows[name]["calls_per_request"] = count
    return {"mode": "in-process", "rows": rows, "skipped": skipped}


async def _calls_per_request(app: Any, state: dict[str, Any], n: int = 1000) -> float:
    """Python calls per request (cProfile): the same on a busy machine as on an idle one."""
    profiler = cProfile.Profile()
    profiler.enable()
    await run_batch(app, state, PLAIN, n)
    profiler.disable()
    return pstats.Stats(profiler).total_calls / n  # type: ignore[attr-defined,no-any-return]


def measure_wire(settings: Settings) -> dict[str, Any]:
    """Over the wire: each variant under uvicorn, loaded by wrk in turn."""
    from benchmarks.serve import command
    from benchmarks.server import Server, free_port
    from benchmarks.wire import SERVER_CPUS, server_env

    _, skipped = build_all(_names(settings))  # which variants can be served here
    servers: dict[str, Server] = {}
    for name in _names(settings):
        if name not in skipped:
            port = free_port()
            argv = command("benchmarks.apps.observed", port)
            env = {**server_env(), VARIANT_ENV: name}
            servers[name] = Server(
                argv, port, name=f"{name} [uvicorn]", cwd=ROOT, env=env, cpus=SERVER_CPUS
            )
    runs, cpu_runs = _load_in_turn(servers, settings, "wire")
    return {"mode": "wire (uvicorn, wrk)", "rows": _rows(runs, cpu_runs), "skipped": skipped}


def measure_run(settings: Settings) -> dict[str, Any]:
    """Over the wire, as a user serves the app: ``pegboard run``, output to a file."""
    from benchmarks.server import Server, free_port
    from benchmarks.wire import SERVER_CPUS, server_env

    servers: dict[str, Server] = {}
    for name, variant in RUN_VARIANTS.items():
        port = free_port()
        argv = [*PEGBOARD_RUN, "benchmarks.apps.observed:app", "--port", str(port)]
        argv += ["--http", settings.http]
        env = {**server_env(), VARIANT_ENV: variant.app}
        label = f"{name} [pegboard run]"
        servers[name] = Server(
            [*argv, *variant.options], port, name=label, cwd=ROOT, env=env, cpus=SERVER_CPUS
        )
    runs, cpu_runs = _load_in_turn(servers, settings, "pegboard run")
    rows = _rows(runs, cpu_runs, baseline=RUN_BASELINE)
    for name, row in rows.items():
        row["vs_access_log"] = paired_ratio(runs[name], runs[RUN_ACCESS_LOG])
        row["cpu_vs_access_log"] = paired_ratio(cpu_runs[name], cpu_runs[RUN_ACCESS_LOG])
    mode = (
        f"pegboard run (uvicorn, {settings.http}, output to a file; wrk), ratios to {RUN_BASELINE}"
    )
    return {"mode": mode, "rows": rows, "skipped": {}}


#: ``pegboard run`` in this interpreter (the script may not be on PATH).
PEGBOARD_RUN = [
    sys.executable,
    "-c",
    "import sys, pegboard.cli; sys.exit(pegboard.cli.main())",
    "run",
]


def _load_in_turn(
    servers: dict[str, Any], settings: Settings, label: str
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Start ``servers``, check each answers, then load each in turn with wrk, repeatedly.

    Returns req/s and requests per CPU second of the server process, per repeat.
    """
    from benchmarks.wire import LOAD_CPUS, fetch, running
    from benchmarks.wrk import run_wrk

    runs: dict[str, list[float]] = {name: [] for name in servers}
    cpu_runs: dict[str, list[float]] = {name: [] for name in servers}
    with running(list(servers.values())):
        for name, server in servers.items():
            status, _, body = fetch(server, PLAIN)
            if (status, json.loads(body)) != (PLAIN.status, PLAIN.expect):
                raise RuntimeError(f"{name}: got {status} {body!r}")
            run_wrk(
                server.url(PLAIN.target),
                [PLAIN],
                duration=1,
                connections=settings.connections,
                cpus=LOAD_CPUS,
            )
        for rep, order in _rotations(list(servers), settings.repeats):
            for name in order:
                cpu = _cpu_seconds(servers[name].pid)
                result = run_wrk(
                    servers[name].url(PLAIN.target),
                    [PLAIN],
                    duration=settings.duration,
                    connections=settings.connections,
                    cpus=LOAD_CPUS,
                )
                if result.socket_errors or result.status_errors:
                    raise RuntimeError(f"{name}: wrk saw errors: {result}")
                cpu = _cpu_seconds(servers[name].pid) - cpu
                runs[name].append(result.rps)
                cpu_runs[name].append(result.requests / cpu)
            print(f"observability ({label}): repeat {rep + 1}/{settings.repeats}", file=sys.stderr)
    return runs, cpu_runs


def _best_cpu_us(action: Callable[[], object], n: int, repeats: int) -> float:
    """CPU microseconds per call of ``action``: the best of ``repeats`` runs of ``n``."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.process_time()
        for _ in range(n):
            action()
        best = min(best, time.process_time() - start)
    return best / n * 1e6


def _floor_actions() -> dict[str, Callable[[], object]]:
    """One log record or one span each, as the plugins (or uvicorn) make them."""
    import logging

    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.trace import SpanKind
    from uvicorn.logging import AccessFormatter

    from benchmarks.inprocess import make_scope
    from pegboard_logging import json_formatter
    from pegboard_logging.context import install_record_factory
    from pegboard_logging.output import JsonLinesHandler
    from pegboard_logging.records import AccessRecords
    from pegboard_opentelemetry.attributes import request_attributes

    def logger(name: str, formatter: logging.Formatter) -> logging.Logger:
        found = logging.getLogger(f"benchmarks.floor.{name}")
        found.propagate = False
        handler = (
            JsonLinesHandler(_Discard()) if name == "json" else logging.StreamHandler(_Discard())
        )
        handler.setFormatter(formatter)
        found.handlers[:] = [handler]
        found.setLevel(logging.INFO)
        return found

    plain = logger("plain", logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    uvicorn = logger(
        "uvicorn",
        AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False),
    )
    as_json = logger("json", json_formatter())
    extra = {
        "method": "GET",
        "route": "/plain",
        "path": "/plain",
        "status": 200,
        "duration_ms": 0.042,
        "client": "127.0.0.1:50000",
    }

    access_records: list[AccessRecords] = []

    def json_line() -> None:  # as the plugin makes and writes its access record
        if not access_records:  # first call: the plugin's record factory, as it runs
            install_record_factory()  # (the pieces before this one are timed without it)
            access_records.append(AccessRecords(as_json, logging.INFO, "access log", (*extra,)))
        as_json.handle(access_records[0].make("GET /plain 200", "0" * 32, extra))

    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(_DroppingExporter()))  # type: ignore[arg-type]
    tracer = provider.get_tracer("benchmarks.floor")
    scope = make_scope(PLAIN) | {"client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}

    def bare_span() -> None:
        tracer.start_span("GET /plain", context=Context(), kind=SpanKind.SERVER).end()

    def attributed_span() -> None:
        attributes = request_attributes(scope, "/plain")
        span = tracer.start_span(
            "GET /plain", context=Context(), kind=SpanKind.SERVER, attributes=attributes
        )
        span.set_attribute("http.response.status_code", 200)
        span.end()

    return {
        "log record, plain %-formatter": lambda: plain.info("%s %s %s", "GET", "/plain", 200),
        "log record, uvicorn's access formatter": lambda: uvicorn.info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", "/plain", "1.1", 200
        ),
        "log record, the plugin's JSON access record": json_line,
        "SDK span, no attributes": bare_span,
        "SDK span, the plugin's attributes and status": attributed_span,
    }


def measure_floor(settings: Settings) -> dict[str, Any]:
    """Each piece alone, in CPU µs, and the plain route's own cost for scale."""
    app = _core()

    async def route_us() -> float:
        best = float("inf")
        async with lifespan(app, {}):
            await run_batch(app, {}, PLAIN, settings.warmup)
            for _ in range(settings.repeats):
                gc.collect()
                start = time.process_time()
                await run_batch(app, {}, PLAIN, settings.requests)
                best = min(best, time.process_time() - start)
        return best / settings.requests * 1e6

    route = asyncio.run(route_us())
    rows = {"plain route (core app, in process)": route}
    for name, action in _floor_actions().items():
        action()
        rows[name] = _best_cpu_us(action, settings.requests, settings.repeats)
    return {"route_us": route, "rows": rows}


def render_floor(result: dict[str, Any]) -> str:
    route = result["route_us"]
    lines = [
        "Each piece alone, in process: CPU µs per call (best of the repeats), and the best",
        "ratio to the plain route a plugin doing only this could reach: route / (route + piece).",
        "",
        "| piece | CPU µs | best ratio |",
        "|---|---:|---:|",
    ]
    for name, us in result["rows"].items():
        ratio = "" if us == route else f"{route / (route + us):.2f}"
        lines.append(f"| {name} | {us:.1f} | {ratio} |")
    return "\n".join(lines)


class _lifespans:
    """Enter every app's lifespan, and leave them all at the end."""

    def __init__(self, apps: dict[str, Any], states: dict[str, dict[str, Any]]) -> None:
        self.managers = [lifespan(app, states[name]) for name, app in apps.items()]

    async def __aenter__(self) -> None:
        for manager in self.managers:
            await manager.__aenter__()

    async def __aexit__(self, *exc: object) -> None:
        for manager in reversed(self.managers):
            await manager.__aexit__(None, None, None)


def render(result: dict[str, Any]) -> str:
    lines = [
        f"{result['mode']}, a plain GET route. Medians over the repeats; ratios to core are",
        "medians of same-repeat ratios; CPU = the serving process's CPU time per request,",
        "which other processes on the machine disturb far less than wall time.",
        "",
        "| variant | req/s | vs core | spread | CPU µs/request | CPU vs core | CPU spread "
        "| floor (CPU) | | calls/request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    if any("vs_access_log" in row for row in result["rows"].values()):
        return _render_run(result)
    for name, row in result["rows"].items():
        floor = "" if row["floor"] is None else f"{row['floor']:.2f}"
        met = {None: "", True: "ok", False: "MISSED"}[row["met"]]
        calls = row.get("calls_per_request")
        lines.append(
            f"| {name} | {row['rps']:,.0f} | {row['vs_core']:.3f} | {row['spread']:.0%} | "
            f"{row['cpu_us_per_request']:.1f} | {row['cpu_vs_core']:.3f} | "
            f"{row['cpu_spread']:.0%} | {floor} | {met} | "
            f"{'' if calls is None else f'{calls:.0f}'} |"
        )
    for name, why in result["skipped"].items():
        lines.append(f"| {name} | skipped: {why} | | | | | | | | |")
    return "\n".join(lines)


def save(result: dict[str, Any], mode: str) -> None:
    """Write the table and the numbers where the docs page includes them."""
    stem = ROOT / "benchmarks" / "results" / f"observability-{mode}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    stem.with_suffix(".md").write_text(f"{render(result)}\n\n{versions_line()}\n")


def _render_run(result: dict[str, Any]) -> str:
    lines = [
        f"{result['mode']}. Medians over the repeats; ratios are medians of same-repeat",
        "ratios; CPU = the server process's CPU time per request.",
        "",
        f"| variant | req/s | vs {RUN_BASELINE} | vs {RUN_ACCESS_LOG} | spread "
        f"| CPU µs/request | CPU vs {RUN_BASELINE} | CPU vs {RUN_ACCESS_LOG} | CPU spread | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in result["rows"].items():
        lines.append(
            f"| {name} | {row['rps']:,.0f} | {row['vs_core']:.3f} | {row['vs_access_log']:.3f} "
            f"| {row['spread']:.0%} | {row['cpu_us_per_request']:.1f} | "
            f"{row['cpu_vs_core']:.3f} | {row['cpu_vs_access_log']:.3f} | "
            f"{row['cpu_spread']:.0%} | {row['note']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run; never fails")
    parser.add_argument("--wire", action="store_true", help="under uvicorn, loaded by wrk")
    parser.add_argument(
        "--run", action="store_true", help="pegboard run: access log vs logging plugin vs none"
    )
    parser.add_argument(
        "--floor", action="store_true", help="one log record, one span, alone (the floor)"
    )
    parser.add_argument("--requests", type=int, default=Settings.requests)
    parser.add_argument("--repeats", type=int, default=Settings.repeats)
    parser.add_argument("--duration", type=float, default=Settings.duration)
    parser.add_argument("--only", default="", help="comma-separated variants (core is kept)")
    parser.add_argument(
        "--http",
        choices=["h11", "httptools"],
        default=Settings.http,
        help="--run: uvicorn's parser",
    )
    parser.add_argument("--json", type=Path, help="also write every number to this file")
    parser.add_argument(
        "--save",
        action="store_true",
        help="write results/observability-{inprocess,wire,run,floor}.md (the docs include them)",
    )
    args = parser.parse_args(argv)
    settings = Settings(
        requests=500 if args.quick else args.requests,
        repeats=3 if args.quick else args.repeats,
        warmup=100 if args.quick else Settings.warmup,
        variants=tuple(args.only.split(",")) if args.only else tuple(VARIANTS),
        duration=1.0 if args.quick else args.duration,
        http=args.http,
    )
    unknown = set(settings.variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; known: {', '.join(VARIANTS)}")
    if args.floor:
        table = render_floor(measure_floor(settings))
        print(versions_line())
        print(table)
        if args.save:
            floor_md = ROOT / "benchmarks" / "results" / "observability-floor.md"
            floor_md.write_text(f"{table}\n\n{versions_line()}\n")
        return 0
    if args.wire or args.run:
        from benchmarks.server import exit_on_sigterm

        exit_on_sigterm()  # a stopped run still stops its servers
        result = measure_run(settings) if args.run else measure_wire(settings)
    else:
        result = asyncio.run(measure(settings))
    result["settings"] = vars(settings) | {"variants": list(_names(settings))}
    print(versions_line())
    print(render(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    if args.save:
        save(result, "run" if args.run else "wire" if args.wire else "inprocess")
    missed = [name for name, row in result["rows"].items() if row["met"] is False]
    return 1 if missed and not args.quick else 0


if __name__ == "__main__":
    sys.exit(main())
