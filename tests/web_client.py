"""A real ``reportfill serve`` application on a free loopback port, for the web tests,
and a small HTTP client for it: requests go through uvicorn and a socket, as a
browser's do."""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import quote

import uvicorn

from reportfill.web.app import create_app
from reportfill.web.server import bind, url_of


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


class Client:
    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.host, self.port = url.split("//")[1].rstrip("/").split(":")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
        connection = http.client.HTTPConnection(self.host, int(self.port), timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def get(self, path: str, **headers) -> Reply:
        return self.request("GET", path, headers=headers)

    def token(self) -> str:
        return re.search(r'name="csrf-token" content="([^"]+)"', self.get("/").text).group(1)

    def post_json(self, path: str, data, token: str | None = None, **headers) -> Reply:
        headers = {"Content-Type": "application/json", **headers}
        if token:
            headers["X-CSRF-Token"] = token
        return self.request("POST", path, json.dumps(data, ensure_ascii=False).encode(), headers)

    def post_form(self, path: str, fields: dict, files: list[tuple[str, str, bytes]] = (), **headers) -> Reply:
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        for field, filename, data in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}", **headers})

    def editor_state(self, name: str) -> tuple[dict, str]:
        """The state the editor page opens with, and the digest it holds."""
        page = self.get(f"/edit/{quote(name, safe='')}").text
        state = json.loads(unescape(re.search(r'data-state="([^"]*)"', page).group(1)))
        version = re.search(r'data-version="([0-9a-f]+)"', page).group(1)
        return state, version


@contextmanager
def serving(folder: Path, **options):
    """The application for ``folder`` served on a free port, until the block ends."""
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app(folder, **options), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web application did not start")
        time.sleep(0.02)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
