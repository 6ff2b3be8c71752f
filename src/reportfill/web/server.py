"""Running the web application: bind the port first (so a port in use is said in
words, and port 0 gets a free one), then let uvicorn serve until Ctrl-C."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import Problem, ReportfillError
from .guard import LOOPBACK

_WSAEADDRINUSE = 10048  # Windows Sockets' "address already in use"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    claim_alone(sock)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = "已被其他程序占用，请用 --port 换一个端口" if in_use(exc) else f"无法使用（{exc.strerror}）"
        raise ReportfillError(Problem(f"{host}:{port}", f"端口{reason}")) from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def claim_alone(sock, platform: str = sys.platform) -> None:
    """Let ``sock`` bind only a port no other socket holds. On Windows SO_REUSEADDR would
    let a second server bind a port in use (so "in use" would never be said): there the
    port is claimed exclusively. Elsewhere SO_REUSEADDR only allows rebinding a port
    whose last connections are still closing, as after a restart."""
    if platform == "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
    else:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)


def in_use(exc: OSError) -> bool:
    """Whether binding failed because another program holds the port."""
    return exc.errno == errno.EADDRINUSE or getattr(exc, "winerror", None) == _WSAEADDRINUSE


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}/"


def network_urls(sock: socket.socket) -> list[str]:
    """Where other computers reach a form listening on every address ("0.0.0.0", "::"):
    the machine's own addresses on its networks, as its host name resolves and as the
    route out says (no packet is sent); none for a form bound to one address."""
    host, port = sock.getsockname()[:2]
    if host not in ("0.0.0.0", "::"):
        return []
    found: dict[str, None] = {}
    try:
        for *_, address in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM):
            found[address[0]] = None
    except OSError:
        pass
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))  # a UDP "connection" only picks the route
        found[probe.getsockname()[0]] = None
    return [f"http://{a}:{port}/" for a in found if not ipaddress.ip_address(a).is_loopback
            and not ipaddress.ip_address(a).is_unspecified]


def serve(folder: Path, sock: socket.socket, *, on_ready: Callable[[], None] | None = None) -> None:
    """Serve ``folder`` on the bound ``sock`` until interrupted (Ctrl-C)."""
    import uvicorn

    from .app import create_app

    host = sock.getsockname()[0]
    hosts = LOOPBACK if is_loopback(host) else LOOPBACK + (host,)
    app = create_app(folder, hosts=hosts, any_host=host in ("0.0.0.0", "::"), on_ready=on_ready)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
