"""HTTP helpers shared by the DSS servlets."""

from __future__ import annotations

import html

import tornado.web

from ..context import SandboxContext

JETTY_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 500: "Server Error"}


def container_error_page(status: int, path: str, reason: str) -> str:
    """An error page shaped like the one the real DSS's Jetty container renders.

    Servlet exceptions never reach the client as JSON; pybis only sees the status
    (``requests.HTTPError``), so the body is for humans reading logs.
    """
    title = JETTY_REASONS.get(status, "Error")
    return (
        "<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n'
        f"<title>Error {status} {html.escape(title)}</title>\n"
        "</head>\n<body><h2>HTTP ERROR "
        f"{status}</h2>\n<p>Problem accessing {html.escape(path)}. Reason:\n"
        f"<pre>    {html.escape(reason)}</pre></p><hr/>\n</body>\n</html>\n"
    )


def send_container_error(handler: tornado.web.RequestHandler, status: int, reason: str) -> None:
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html;charset=utf-8")
    handler.finish(container_error_page(status, handler.request.path, reason))


async def injected_delay(ctx: SandboxContext, operation: str) -> None:
    """The fault layer's per-request latency for a servlet ``operation``."""
    await ctx.faults.delay(operation)
