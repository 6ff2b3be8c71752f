"""``reportfill serve``: the web form, on this machine."""

from __future__ import annotations

import sys
import threading
import webbrowser
from pathlib import Path

import click

from .common import library_errors
from .usage import Integer, PathValue, command, option


@command("serve")
@click.argument("folder", default=".", type=PathValue(exists=True, file_okay=False, path_type=Path))
@option("--port", type=Integer(0, 65535, example=8421), default=8421, show_default=True,
              help="端口；0 表示任选一个空闲端口。")
@option("--host", default="127.0.0.1", show_default=True,
              help="监听的地址。默认只有本机可以访问；改为其他地址会让网络上的其他计算机也能打开（没有登录验证）。")
@option("--no-browser", is_flag=True, help="不自动打开浏览器。")
def command(folder, port, host, no_browser):
    """在本机打开网页表单：按规定格式显示三张统计表，边填边核对，一键生成 DOCX。

    FOLDER 是工作文件夹（默认当前文件夹），其中 inputs/ 放 TOML 输入，outputs/ 放生成的报告。
    网页只读写这个文件夹中的文件。按 Ctrl-C 停止。"""
    from ..web.server import bind, is_loopback, network_urls, serve, url_of

    with library_errors():
        sock = bind(host, port)
    url = url_of(sock)
    if not is_loopback(host):
        click.echo(f"警告：正在监听 {host}，网络上的其他计算机也能打开这个网页并读写 {folder.resolve()} 中的输入和报告；"
                   "网页没有登录验证，只应在可信的网络中这样使用。", err=True)
    others = network_urls(sock)

    def ready():
        click.echo(f"reportfill 网页表单：{url}（文件夹 {folder.resolve()}；按 Ctrl-C 停止）")
        if others:
            click.echo(f"其他计算机请打开：{'　'.join(others)}")
        if not no_browser and sys.stdout.isatty():
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    try:
        serve(folder, sock, on_ready=ready)
    except KeyboardInterrupt:  # uvicorn stops on Ctrl-C, then passes the signal on
        pass
    click.echo("已停止。")
