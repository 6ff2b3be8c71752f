"""The web application ``reportfill serve`` runs: thin handlers that parse a request,
call the library, and present what it returns.

Pages: the start page (the folder's inputs, 新建), the editor of one input, the check
page. The editor's scripts call the JSON endpoints under ``/api/``: evaluate (findings
and totals as the clerk types), paste (a spreadsheet row read into numbers), save and
generate. Every failure reaches the page as a message in Chinese; a bug's traceback
goes to the console that runs the server, and the page says only that it happened.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import json
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import Problem, ReportfillError, ReportRejected
from ..findings import Finding, Result
from ..format.formats import FIELDS, fillable_problem, format_for_year
from ..readers.source import megabytes
from ..readers.toml_input import read_toml
from ..reporters.summary import summary_xlsx
from ..reporters.text import outcome, reuse_lines, verdict
from ..rules.catalogue import RULES, SEVERITY_NAMES
from ..rules.duplication import percent
from ..workflows.batch import check_one
from ..workflows.next_year import GapYear, start_from
from ..writers.scaffold import fillable_format, scaffold, write_input
from . import form as forms
from .folder import Conflict, Folder, NotFound, digest
from .guard import LOOPBACK, UPLOAD_LIMIT, Guard, Refused
from .pages import layout, numbers, page

STATIC = Path(__file__).parent / "static"
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class _Guarded:
    """ASGI middleware: the Host check on every request, the security headers on every
    response, and a refusal as a message in Chinese."""

    def __init__(self, app, guard: Guard):
        self.app, self.guard = app, guard

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in _HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        try:
            self.guard.check_host(Request(scope))
        except Refused as exc:
            return await _refusal(Request(scope), exc.status, [exc.message])(scope, receive, send_with_headers)
        await self.app(scope, receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _refusal(request: Request, status: int, messages: list[str], **extra) -> Response:
    if _wants_json(request):
        return JSONResponse({"ok": False, "messages": messages, **extra}, status_code=status)
    return HTMLResponse(page("message.html", title="无法完成", messages=messages), status_code=status)


def _problems(exc: ReportfillError) -> list[str]:
    return [str(p) for p in exc.problems]


def finding_json(f: Finding) -> dict:
    return {"rule": f.rule, "severity": f.severity, "level": SEVERITY_NAMES[f.severity], "title": RULES[f.rule].title,
            "table": f.table, "message": f.message, "cell": forms.cell_id(f.cell) if f.cell else None}


def create_app(root: Path, *, hosts: tuple[str, ...] = LOOPBACK, any_host: bool = False,
               today: datetime.date | None = None, on_ready=None) -> Starlette:
    """The application serving the folder ``root``. ``hosts`` are the names it answers
    to (any with ``any_host``); ``on_ready`` is called once it has started."""
    folder = Folder(root)
    guard = Guard(hosts, any_host)
    flashes: dict[str, list[str]] = {}

    def this_year() -> int:
        return (today or datetime.date.today()).year

    # ------------------------------------------------------------ start page

    def start_page(request: Request, errors=(), values=None, status=200) -> Response:
        values = values or {"agency": "", "year": str(this_year() - 1), "source": ""}
        return HTMLResponse(page(
            "index.html", token=guard.token, inputs=folder.listing(), sources=list(folder.sources()),
            outputs=list(folder.output_files()), errors=list(errors), values=values, root=str(folder.root),
        ), status_code=status)

    async def index(request: Request):
        return await run_in_threadpool(start_page, request)

    async def new(request: Request):
        posted = await guard.form(request)
        fields = posted.fields
        values = {"agency": fields.get("agency", "").strip(), "year": fields.get("year", "").strip(),
                  "source": fields.get("source", "")}
        upload = next((f for f in posted.files if f.field == "upload"), None)

        def create() -> str:
            if not values["year"].isdigit():
                raise ReportfillError(Problem(FIELDS["year"], "请填写报告年度，例如 2024"))
            agency, year = values["agency"], int(values["year"])
            if not agency:
                raise ReportfillError(Problem(FIELDS["agency"], "不能为空"))
            target = folder.new_input_path(agency, year)
            warnings = []
            if upload is not None:
                started = start_from(agency, year, upload.data, gap_year=bool(fields.get("gap_year")),
                                     today=today, name=upload.filename)
                text, warnings = started.text, started.warnings
            elif values["source"]:
                started = start_from(agency, year, folder.source(values["source"]),
                                     gap_year=bool(fields.get("gap_year")), today=today)
                text, warnings = started.text, started.warnings
            else:
                text = scaffold(agency, year, today=today)
            write_input(text, target)
            flashes[target.name] = ["已新建：inputs/" + target.name, *warnings]
            return target.name

        try:
            name = await run_in_threadpool(create)
        except GapYear as exc:
            told = [f"{p}：请勾选“上一年度没有报告，允许用更早年度的报告”" for p in exc.problems]
            return await run_in_threadpool(start_page, request, told, values, 422)
        except ReportfillError as exc:
            return await run_in_threadpool(start_page, request, _problems(exc), values, 422)
        return RedirectResponse(f"/edit/{quote(name, safe='')}", status_code=303)

    # ------------------------------------------------------------ editor

    def opened(name: str):
        path = folder.input(name)
        raw = path.read_bytes()
        try:
            text, data = read_toml(raw, f"inputs/{name}")
        except ReportfillError as exc:
            cannot = Problem("", "网页编辑器无法打开这个文件：请先用文本编辑器按上面的说明改正")
            raise ReportfillError([*exc.problems, cannot]) from None
        year = data.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            problem = "文件中没有写年度（year = 2024 这样的整数）"
        else:
            problem = fillable_problem(year, today)
        if problem:
            raise ReportfillError(Problem(f"inputs/{name}", f"{problem}。网页编辑器无法打开这个文件：请用文本编辑器改正"))
        return path, raw, text, data, format_for_year(year), year

    def editor_page(name: str) -> Response:
        path, raw, text, data, fmt, _ = opened(name)
        state = forms.opened_state(data, fmt)
        state["previous"] = "auto"
        sections = []
        for section in fmt.sections:
            if section.key in fmt.table:
                sections.append({"kind": "table", "heading": section.heading,
                                 "table": layout(fmt, fmt.table[section.key])})
            else:
                sections.append({"kind": "prose", "heading": section.heading, "key": section.key,
                                 "prose": state["prose"][section.key]})
        auto = folder.last_year_of(name)
        return HTMLResponse(page(
            "editor.html", token=guard.token, name=name, state=state, state_json=json.dumps(state, ensure_ascii=False),
            version=digest(raw), sections=sections, numbers=numbers(forms.MAX_ITEMS),
            sources=[s for s in folder.sources() if s != f"inputs/{name}"],  # last year's: not this input itself
            auto=auto, notices=flashes.pop(name, []),
            title_suffix=fmt.title_suffix, first_heading=fmt.sections[0].heading,
        ))

    async def editor(request: Request):
        return await run_in_threadpool(editor_page, request.path_params["name"])

    def read_state(name: str, data: dict):
        path, raw, text, _, fmt, year = opened(name)
        return path, raw, text, forms.read_form(data.get("state"), fmt, year)

    def prior_of(name: str, choice: str) -> tuple[str | None, Result | None, str | None]:
        """(the file, last year's report read from it, why it could not be read)."""
        source = folder.last_year_of(name) if choice == "auto" else choice or None
        if source is None:
            return None, None, None
        try:
            return source, folder.previous(source), None
        except NotFound:
            raise
        except ReportfillError as exc:
            return source, None, "；".join(_problems(exc))

    def evaluation_json(name: str, form: forms.Form, text: str) -> dict:
        source, prior, trouble = prior_of(name, form.previous)
        evaluation = forms.evaluate(form, text, f"inputs/{name}", prior)
        reuse = None
        if evaluation.reuse is not None:
            reuse = {"whole": percent(evaluation.reuse.whole.rate), "lines": reuse_lines(evaluation.reuse),
                     "sections": {s.key: percent(s.rate) for s in evaluation.reuse.sections}}
        return {
            "ok": evaluation.ok,
            "findings": [finding_json(f) for f in evaluation.findings],
            "problems": evaluation.problems,
            "totals": evaluation.totals,
            "verdict": verdict(evaluation.findings) if not evaluation.problems else
            f"结论：还有 {len(evaluation.problems)} 处需要补全或改正（见下方列表），暂时不能生成报告。",
            "previous": {"source": source, "error": trouble, "year": prior.report.year if prior else None},
            "reuse": reuse,
        }

    async def evaluate(request: Request):
        data = await guard.json(request)
        name = request.path_params["name"]

        def run():
            _, _, text, form = read_state(name, data)
            return evaluation_json(name, form, text)

        return JSONResponse(await run_in_threadpool(run))

    def save_form(name: str, data: dict) -> tuple[forms.Form, str, str]:
        path, raw, text, form = read_state(name, data)
        new_text = forms.saved_text(form, text)
        version = folder.save(name, new_text, str(data.get("version", "")), overwrite=data.get("overwrite") is True)
        return form, new_text, version

    async def save(request: Request):
        data = await guard.json(request)
        name = request.path_params["name"]
        form, _, version = await run_in_threadpool(save_form, name, data)
        return JSONResponse({"ok": True, "version": version, "messages": [f"已保存：inputs/{name}"]})

    async def generate(request: Request):
        data = await guard.json(request)
        name = request.path_params["name"]

        def run():
            from ..office import find_soffice
            from ..workflows.fill import Occupied, export_pdfs, fill

            form, text, version = save_form(name, data)
            shown = evaluation_json(name, form, text)
            shown["version"] = version
            if not shown["ok"]:
                shown["messages"] = ["已保存，但输入还不能生成报告：请先改正下列问题"]
                return shown, 422
            source, prior, _ = prior_of(name, form.previous)
            try:
                filled = fill(folder.input(name), out_dir=folder.outputs, force=data.get("replace") is True,
                              previous=folder.source(source) if prior is not None else None)
            except ReportRejected as exc:
                shown.update(ok=False, findings=[finding_json(f) for f in exc.findings],
                             messages=["已保存，但报告没有生成："])
                return shown, 422
            except Occupied as exc:
                shown.update(ok=False, replace={"backup": exc.backup.name}, messages=[
                    f"已保存，但报告没有生成。outputs/{Path(p.where).name}：{p.message}。"
                    "要保留它，请先在 outputs 文件夹中把它改名或移走；也可以用新生成的报告替换它，"
                    f"原文件会保留为 {exc.backup.name}" for p in exc.problems])
                return shown, 409
            written = [filled.output]
            messages = [f"已保存并生成：outputs/{filled.output.name}"]
            if filled.backup:
                messages.append(f"原文件已保留为：outputs/{filled.backup.name}")
            if find_soffice() is not None:
                exported = export_pdfs([filled.output])
                written += exported.written
                messages += ["PDF 没有导出：", *map(str, exported.problems)] if exported.problems else []
                messages += [exported.note] if exported.note else []
            shown["downloads"] = [{"name": p.name, "url": f"/outputs/{quote(p.name, safe='')}"} for p in written]
            shown["messages"] = messages + [f"提示（{w.rule}）：{w.message}" for w in filled.warnings]
            return shown, 200

        shown, status = await run_in_threadpool(run)
        return JSONResponse(shown, status_code=status)

    async def paste(request: Request):
        data = await guard.json(request)
        year = data.get("year")
        fmt = fillable_format(year, today) if isinstance(year, int) and not isinstance(year, bool) else None
        if fmt is None:
            raise Refused(400, "请求的内容无法识别，请刷新页面后重试")
        text, table, row = data.get("text"), data.get("table"), data.get("row")
        if not all(isinstance(v, str) for v in (text, table, row)) or len(text) > 100_000:
            raise Refused(400, "请求的内容无法识别，请刷新页面后重试")
        pasted = forms.read_pasted(fmt, table, row, text)
        return JSONResponse({"ok": True, "rows": pasted.rows, "notes": pasted.notes})

    # ------------------------------------------------------------ check page

    async def check_form(request: Request):
        return HTMLResponse(page("check.html", token=guard.token, results=None, limit=megabytes(UPLOAD_LIMIT)))

    async def check(request: Request):
        posted = await guard.form(request)
        uploads = [f for f in posted.files if f.field == "reports"]

        def run():
            results = [check_one(u.data, name=u.filename or "（未命名文件）") for u in uploads]
            return results, (summary_xlsx(results) if results else b"")

        results, summary = await run_in_threadpool(run)
        shown = []
        for result in results:
            groups, conclusion = outcome(result)
            read = result.report
            shown.append({"source": result.source, "status": result.status, "problems": list(result.problems),
                          "agency": read.agency if read else "", "year": read.year if read else None,
                          "title": read.title if read else "", "verdict": conclusion,
                          "groups": {table: [finding_json(f) for f in found] for table, found in groups.items()}})
        status = 200 if uploads else 422
        return HTMLResponse(page("check.html", token=guard.token, results=shown, limit=megabytes(UPLOAD_LIMIT),
                                 empty=not uploads, summary=base64.b64encode(summary).decode("ascii")),
                            status_code=status)

    # ------------------------------------------------------------ downloads

    async def download(request: Request):
        path = folder.output(request.path_params["name"])
        return FileResponse(path, filename=path.name, content_disposition_type="attachment")

    # ------------------------------------------------------------ errors

    async def library_error(request: Request, exc: ReportfillError):
        status = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 422
        return _refusal(request, status, _problems(exc), conflict=isinstance(exc, Conflict))

    async def refused(request: Request, exc: Refused):
        return _refusal(request, exc.status, [exc.message])

    async def http_error(request: Request, exc: HTTPException):
        message = {404: "没有这个页面", 405: "不支持这种请求"}.get(exc.status_code, f"请求无法完成（{exc.status_code}）")
        return _refusal(request, exc.status_code, [message])

    async def bug(request: Request, exc: Exception):  # Starlette then re-raises it, and uvicorn logs it
        return _refusal(request, 500, ["内部错误：请把这一操作和控制台中显示的信息报告给维护者。已保存的文件不受影响。"])

    @contextlib.asynccontextmanager
    async def lifespan(app):
        if on_ready is not None:
            on_ready()
        yield

    routes = [
        Route("/", index),
        Route("/new", new, methods=["POST"]),
        Route("/edit/{name}", editor),
        Route("/api/inputs/{name}/evaluate", evaluate, methods=["POST"]),
        Route("/api/inputs/{name}/save", save, methods=["POST"]),
        Route("/api/inputs/{name}/generate", generate, methods=["POST"]),
        Route("/api/paste", paste, methods=["POST"]),
        Route("/check", check_form),
        Route("/check", check, methods=["POST"]),
        Route("/outputs/{name}", download),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(_Guarded, guard=guard)],
        exception_handlers={ReportfillError: library_error, Refused: refused, HTTPException: http_error,
                            Exception: bug},
        lifespan=lifespan,
    )

