"""What every request passes before a handler sees it.

``serve`` runs on a clerk's own machine, where any web page they visit could send it
requests. So:

- a request whose ``Host`` is not this server's name is refused, so a page on another
  site cannot reach it through a name that resolves to 127.0.0.1 (DNS rebinding);
- every state-changing request carries the token of this run of the server, which only
  its own pages know (the ``X-CSRF-Token`` header from the editor's scripts, a
  ``csrf`` field from its forms), and a cross-site ``Origin`` is refused outright;
- a body is read up to a limit, counted as it arrives, and uploads are parsed in memory
  with python-multipart: nothing from a request is written anywhere but where a
  handler decides, nor reaches a shell.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ..readers.source import megabytes

JSON_LIMIT = 8 * 2**20  # an input's form: its texts are at most a few hundred kB
UPLOAD_LIMIT = 64 * 2**20  # reports to check, together: a report is a few MB
MAX_FILES = 200
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Refused(Exception):
    """A request refused before any work: ``status`` and a message in Chinese."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Upload:
    field: str
    filename: str
    data: bytes


@dataclass
class Posted:
    fields: dict[str, str]
    files: list[Upload]


class Guard:
    def __init__(self, hosts: tuple[str, ...] = LOOPBACK, any_host: bool = False):
        self.token = secrets.token_urlsafe(32)
        self.hosts = frozenset(h.lower() for h in hosts)
        self.any_host = any_host

    def check_host(self, request: Request) -> None:
        host = request.headers.get("host", "")
        name = urlsplit(f"//{host}").hostname or ""
        if not self.any_host and name.lower() not in self.hosts:
            raise Refused(400, "请用 reportfill serve 显示的地址（http://127.0.0.1:端口）打开本页")

    def check_token(self, request: Request, sent: str | None) -> None:
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
            raise Refused(403, "拒绝来自其他网站的请求")
        if not sent or not hmac.compare_digest(sent.encode(), self.token.encode()):
            raise Refused(403, "页面已过期（或请求不是从本页发出的）：请刷新页面后重试")

    async def json(self, request: Request) -> dict:
        """The JSON body of a request from the editor's scripts, token checked."""
        self.check_token(request, request.headers.get("x-csrf-token"))
        body = await read_body(request, JSON_LIMIT)
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise Refused(400, "请求的内容无法识别，请刷新页面后重试") from None
        if not isinstance(data, dict):
            raise Refused(400, "请求的内容无法识别，请刷新页面后重试")
        return data

    async def form(self, request: Request, limit: int = UPLOAD_LIMIT) -> Posted:
        """The fields and files of a form post (multipart), token checked."""
        form = parse_multipart(await read_body(request, limit), request.headers.get("content-type", ""))
        self.check_token(request, form.fields.get("csrf") or request.headers.get("x-csrf-token"))
        return form


async def read_body(request: Request, limit: int) -> bytes:
    too_large = Refused(413, f"上传的内容过大，合计不能超过 {megabytes(limit)}：年度报告的文件通常只有几 MB，"
                             "请确认选对了文件，或分几次上传")
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def parse_multipart(body: bytes, content_type: str) -> Posted:
    """A multipart/form-data body, in memory: text fields (UTF-8) and files."""
    kind, options = parse_options_header(content_type.encode("latin-1", "replace"))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise Refused(400, "请求的格式不对（应为表单上传），请刷新页面后重试")
    parts: list[dict] = []
    header: dict = {"field": b"", "value": b""}

    def on_part_begin():
        parts.append({"headers": {}, "data": []})

    def on_header_field(data, start, end):
        header["field"] += data[start:end]

    def on_header_value(data, start, end):
        header["value"] += data[start:end]

    def on_header_end():
        parts[-1]["headers"][header["field"].lower()] = header["value"]
        header["field"], header["value"] = b"", b""

    def on_part_data(data, start, end):
        parts[-1]["data"].append(data[start:end])

    parser = MultipartParser(boundary, {"on_part_begin": on_part_begin, "on_header_field": on_header_field,
                                        "on_header_value": on_header_value, "on_header_end": on_header_end,
                                        "on_part_data": on_part_data})
    try:
        parser.write(body)
        parser.finalize()
    except Exception:  # python-multipart raises its own errors for malformed bodies
        raise Refused(400, "上传的内容不完整或格式不对，请重新上传") from None
    fields, files = {}, []
    for part in parts:
        _, disposition = parse_options_header(part["headers"].get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        data = b"".join(part["data"])
        if b"filename" in disposition:
            filename = disposition[b"filename"].decode("utf-8", "replace").replace("\\", "/").rsplit("/", 1)[-1]
            if data or filename:
                files.append(Upload(name, filename, data))
        else:
            fields[name] = data.decode("utf-8", "replace")
    if len(files) > MAX_FILES:
        raise Refused(413, f"一次最多上传 {MAX_FILES} 个文件，请分几次上传")
    return Posted(fields, files)
