"""Convert reports with a real office suite: LibreOffice, run headless.

Used for ``reportfill fill --pdf`` (PDF next to each DOCX), for ``reportfill preview``
(page images) and by the tests (round-trip through a real editor).

* All files given to one :func:`convert` call are converted by ONE LibreOffice process
  (start-up costs seconds; a batch of reports should not pay it per file).
* LibreOffice runs with a private, throw-away profile directory
  (``-env:UserInstallation=…``), so a conversion works while the user has LibreOffice
  open, and never touches the user's settings.
* On Linux/BSD the process gets ``FONTCONFIG_FILE`` pointing at the package's
  ``fonts.conf``, which maps the official Chinese font names (方正小标宋简体, 仿宋_GB2312 …)
  to the nearest free fonts when they are not installed. Without it LibreOffice silently
  falls back to a sans font. :func:`substitutes` says which fonts a conversion replaced,
  so the user is never shown a stand-in as if it were the official face.

Library code: raises :class:`~reportfill.findings.ReportfillError`, never prints or exits.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import Problem, ReportfillError
from .files import link_or_copy, write_atomic

#: Environment variable naming the soffice executable, when it is not found by itself.
SOFFICE_ENV = "REPORTFILL_SOFFICE"

INSTALL_HINT = (
    "请先安装 LibreOffice：Debian/Ubuntu 执行 sudo apt install libreoffice-writer-nogui"
    "（中文字体另装 fonts-noto-cjk fonts-arphic-gkai00mp fonts-lxgw-wenkai）；"
    "Windows、macOS 从 https://zh-cn.libreoffice.org/ 下载安装。"
    f"已安装但未找到时，可设置环境变量 {SOFFICE_ENV} 为 soffice 程序的完整路径。"
)

_SYSTEM_FONTS_CONF = Path("/etc/fonts/fonts.conf")
_FONTS_CONF_INCLUDE = "<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>"

# Output formats by the extension LibreOffice writes; values are the --convert-to argument.
_FILTERS = {
    "pdf": "pdf:writer_pdf_Export",
    "docx": "docx:MS Word 2007 XML",
    "odt": "odt:writer8",
}


class OfficeNotFound(ReportfillError):
    """LibreOffice (or poppler's pdftoppm) is not installed or cannot be found."""


def _candidate_paths() -> list[Path]:
    """The usual install locations, for when soffice is not on PATH."""
    if sys.platform == "win32":
        roots = [os.environ.get(k) for k in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
        roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
        return [Path(r) / "LibreOffice" / "program" / "soffice.exe" for r in roots if r]
    if sys.platform == "darwin":
        return [
            Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
            Path.home() / "Applications/LibreOffice.app/Contents/MacOS/soffice",
        ]
    return [
        Path("/usr/bin/soffice"),
        Path("/usr/lib/libreoffice/program/soffice"),
        Path("/opt/libreoffice/program/soffice"),
        *sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True),
        Path("/snap/bin/libreoffice"),
        Path("/var/lib/flatpak/exports/bin/org.libreoffice.LibreOffice"),
    ]


def find_soffice() -> Path | None:
    """The LibreOffice executable: ``$REPORTFILL_SOFFICE``, then ``soffice`` /
    ``libreoffice`` on PATH, then the usual Windows/macOS/Linux install paths."""
    override = os.environ.get(SOFFICE_ENV)
    if override:
        p = Path(override)
        return p if p.is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for p in _candidate_paths():
        if p.is_file():
            return p
    return None


def require_soffice() -> Path:
    soffice = find_soffice()
    if soffice is None:
        override = os.environ.get(SOFFICE_ENV)
        if override:
            msg = f"环境变量 {SOFFICE_ENV} 指向的 {override} 不存在。" + INSTALL_HINT
        else:
            msg = "未找到 LibreOffice（soffice 程序），无法转换文档。" + INSTALL_HINT
        raise OfficeNotFound(Problem("LibreOffice", msg))
    return soffice


@contextlib.contextmanager
def fontconfig_file(workdir: Path) -> Iterator[Path | None]:
    """The fontconfig file for the conversion, or None where fontconfig is not used
    (Windows; a machine without a system fontconfig configuration).

    The shipped file includes ``/etc/fonts/fonts.conf``; if the user has their own
    ``FONTCONFIG_FILE`` or the system file lives elsewhere (e.g. Homebrew), a copy
    including that file is written to ``workdir``.
    """
    if sys.platform == "win32":
        yield None
        return
    system = _system_fonts_conf()
    if system is None:
        yield None
        return
    with importlib.resources.as_file(importlib.resources.files(__package__) / "fonts.conf") as conf:
        if system == _SYSTEM_FONTS_CONF:
            yield Path(conf)
            return
        text = Path(conf).read_text(encoding="utf-8")
        text = text.replace(_FONTS_CONF_INCLUDE, f'<include ignore_missing="yes">{system}</include>')
        copy = workdir / "fonts.conf"
        copy.write_text(text, encoding="utf-8")
        yield copy


def _system_fonts_conf() -> Path | None:
    user = os.environ.get("FONTCONFIG_FILE")
    if user and Path(user).is_file():
        return Path(user).resolve()
    candidates = [_SYSTEM_FONTS_CONF]
    if os.environ.get("FONTCONFIG_PATH"):
        candidates.insert(0, Path(os.environ["FONTCONFIG_PATH"]) / "fonts.conf")
    candidates += [
        Path("/usr/local/etc/fonts/fonts.conf"),
        Path("/opt/homebrew/etc/fonts/fonts.conf"),
        Path("/usr/pkg/etc/fonts/fonts.conf"),
    ]
    for c in candidates:
        if c.is_file():
            return c
    return None


def substitutes(families: Iterable[str]) -> list[tuple[str, str]]:
    """(font, stand-in) for each of ``families`` that a conversion draws with another
    font because it is not installed, as fontconfig with reportfill's ``fonts.conf``
    decides it for LibreOffice. Empty where fontconfig is not used (Windows, macOS
    without it): LibreOffice substitutes there by its own table, which cannot be asked."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return []
    found = []
    with tempfile.TemporaryDirectory(prefix="reportfill-fonts-") as tmp, fontconfig_file(Path(tmp)) as conf:
        if conf is None:
            return []
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
        for family in families:
            try:
                done = subprocess.run([fc_match, "-f", "%{family}", family], env=env, stdin=subprocess.DEVNULL,
                                      capture_output=True, timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                return []
            used = done.stdout.decode("utf-8", "replace").split(",")
            if done.returncode == 0 and used[0] and family not in used:
                found.append((family, used[0]))
    return found


def substitution_note(paths: Iterable[str | os.PathLike]) -> str | None:
    """One line telling which fonts of the DOCX files a PDF or page image shows with a
    stand-in, or None when every font is installed (or that cannot be known)."""
    from .readers.docx.fonts import declared_fonts

    replaced = substitutes(declared_fonts(paths))
    if not replaced:
        return None
    pairs = "，".join(f"{font} → {used}" for font, used in replaced)
    return (f"提示：本机没有安装这些字体，PDF 和页面图片中用相近的字体代替：{pairs}；"
            "DOCX 中仍是规定的字体，在装有这些字体的电脑上按规定字体显示和打印。")


def _default_timeout(n_files: int) -> float:
    # First start with a fresh profile takes a few seconds; a report converts in ~1-2 s.
    return 120.0 + 30.0 * n_files


def convert(
    paths: Iterable[str | os.PathLike],
    out_format: str = "pdf",
    out_dir: str | os.PathLike | None = None,
    *,
    timeout: float | None = None,
) -> list[Path]:
    """Convert every file in ``paths`` with ONE LibreOffice process.

    ``out_format`` is the extension to write (``"pdf"``, ``"docx"``, ``"odt"``; any other
    value is passed to ``--convert-to`` as is). The converted file keeps the input's stem
    and goes to ``out_dir``, or next to its input when ``out_dir`` is None. An existing
    file of that name is replaced. Returns the written paths, in input order. When some
    files fail, the others are still written and the error names the failed ones.

    Raises :class:`OfficeNotFound` if LibreOffice is missing, and
    :class:`~reportfill.findings.ReportfillError` naming each file that did not convert
    (unreadable input, timeout, a would-be overwrite of an input).
    """
    sources = [Path(p) for p in paths]
    if not sources:
        return []
    problems = [Problem(str(p), "文件不存在。") for p in sources if not p.is_file()]
    if problems:
        raise ReportfillError(problems)
    ext = out_format.split(":", 1)[0].lower()
    filter_arg = _FILTERS.get(out_format.lower(), out_format)
    targets = [
        (Path(out_dir) if out_dir is not None else src.parent) / f"{src.stem}.{ext}" for src in sources
    ]
    for src, dst in zip(sources, targets):
        if dst.resolve() == src.resolve():
            problems.append(Problem(str(src), f"转换结果 {dst.name} 会覆盖原文件，请指定其他输出目录。"))
    if len({t.resolve() for t in targets}) < len(targets):
        problems.append(Problem("", f"多个输入文件会转换为同名的 .{ext} 文件，请改名后再转换。"))
    if problems:
        raise ReportfillError(problems)

    soffice = require_soffice()
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="reportfill-office-", dir=_temp_parent(soffice)) as tmp:
        tmp = Path(tmp)
        profile, staged, results = tmp / "profile", tmp / "in", tmp / "out"
        staged.mkdir()
        results.mkdir()
        # Inputs from different folders may share a stem; LibreOffice writes all results
        # into one --outdir, so stage each input under a unique name.
        inputs: list[Path] = []
        for i, src in enumerate(sources):
            link = staged / f"{i:04d}{src.suffix}"
            link_or_copy(src, link)
            inputs.append(link)

        env = dict(os.environ)
        with fontconfig_file(tmp) as fc:
            if fc is not None:
                env["FONTCONFIG_FILE"] = str(fc)
            cmd = [
                str(soffice),
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--invisible",
                "--nologo",
                "--nodefault",
                "--nofirststartwizard",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                filter_arg,
                "--outdir",
                str(results),
                *map(str, inputs),
            ]
            completed = _run(cmd, env, timeout if timeout is not None else _default_timeout(len(inputs)))

        written: list[Path] = []
        for src, staged_in, dst in zip(sources, inputs, targets):
            produced = results / f"{staged_in.stem}.{ext}"
            if produced.is_file() and produced.stat().st_size > 0:
                try:  # through a file beside dst and a rename: an interrupted run leaves the old file or the new
                    write_atomic(dst, produced.read_bytes())
                except ReportfillError as e:  # e.g. the old PDF is open in a viewer on Windows
                    problems += e.problems
                    continue
                written.append(dst)
            else:
                detail = _tail(completed.stderr) or _tail(completed.stdout)
                problems.append(
                    Problem(
                        str(src),
                        f"LibreOffice 未能转换为 {ext.upper()}（退出码 {completed.returncode}）"
                        + (f"：{detail}" if detail else "。"),
                    )
                )
        if problems:
            raise ReportfillError(problems)
        return written


def _temp_parent(soffice: Path) -> str | None:
    """Where the work folder goes. A snap or flatpak LibreOffice has its own private /tmp
    and sees only the user's home, so its inputs and profile are staged there."""
    if any(part in ("snap", "flatpak") for part in Path(soffice).parts):
        return str(Path.home())
    return None


def _run(cmd: list[str], env: dict, timeout: float) -> subprocess.CompletedProcess:
    kwargs: dict = {}
    if sys.platform == "win32":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        kwargs["start_new_session"] = True  # a process group we can kill as a whole
    try:
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **kwargs,
        )
    except OSError as e:
        raise OfficeNotFound(Problem(cmd[0], f"无法启动 LibreOffice：{e}。" + INSTALL_HINT)) from e
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.communicate()
        raise ReportfillError(
            Problem("LibreOffice", f"转换超过 {timeout:.0f} 秒仍未完成，已中止。")
        ) from None
    return subprocess.CompletedProcess(
        cmd, proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    )


def tree_kill_command(pid: int) -> list[str]:
    """Windows' command that ends a process and every process it started: soffice.exe
    is a launcher, and the soffice.bin doing the work would outlive ``proc.kill()``."""
    return ["taskkill", "/F", "/T", "/PID", str(pid)]


def _kill(proc: subprocess.Popen) -> None:
    if sys.platform == "win32":
        try:
            done = subprocess.run(tree_kill_command(proc.pid), stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            done = None
        if done is None or done.returncode != 0:
            proc.kill()  # the launcher at least
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _tail(text: str, lines: int = 5) -> str:
    kept = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return " ".join(kept[-lines:])
