// The editor of one input. It computes nothing itself: every change sends the form to
// the server, which judges it with the rules `reportfill fill` applies and answers with
// the totals and findings shown here.
"use strict";

(function () {
  const editor = document.getElementById("editor");
  if (!editor) return;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const name = editor.dataset.name;
  const year = Number(editor.dataset.year);
  const numbers = JSON.parse(editor.dataset.numbers);
  const opened = JSON.parse(editor.dataset.state);
  const stated = Object.assign({}, opened.stated);
  const api = (what) => "/api/inputs/" + encodeURIComponent(name) + "/" + what;
  let version = editor.dataset.version;
  let dirty = false;
  let sequence = 0;
  let timer = null;

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  function collect() {
    const prose = {};
    $$(".prose-text").forEach((area) => {
      const key = area.dataset.key;
      const items = $$(".item", $('.items[data-key="' + key + '"]')).map((item) => ({
        title: $(".item-title", item).value,
        text: $(".item-text", item).value,
        origin: item.dataset.origin === "" ? null : Number(item.dataset.origin),
      }));
      prose[key] = { text: area.value, items: items };
    });
    const cells = {};
    $$("input.num").forEach((input) => { cells[input.dataset.cell] = input.value; });
    return {
      agency: $("#agency").value, year: year, title: $("#title").value, preface: $("#preface").value,
      prose: prose, cells: cells, stated: stated, previous: $("#previous").value,
    };
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body),
    });
    let data;
    try { data = await response.json(); } catch (e) { data = { ok: false, messages: ["服务器没有回应，请确认 reportfill serve 仍在运行"] }; }
    data.status = response.status;
    return data;
  }

  function li(text, cls) {
    const item = document.createElement("li");
    item.textContent = text;
    if (cls) item.className = cls;
    return item;
  }

  function show(list, messages, cls) {
    const target = $(list);
    target.replaceChildren(...(messages || []).map((m) => li(m, cls)));
  }

  function setDirty(value) {
    dirty = value;
    $("#dirty").hidden = !value;
  }

  // ---------------------------------------------------------------- findings and totals

  function apply(result) {
    if (!result.totals) { show("#messages", result.messages, "error"); return; }
    $$("td.derived").forEach((td) => {
      const id = td.dataset.cell;
      const value = result.totals[id];
      $("output", td).textContent = value === undefined ? "—" : value;
      const note = $(".stated", td);
      if (note) note.remove();
      if (stated[id] !== undefined) {
        const span = document.createElement("span");
        span.className = "stated";
        span.textContent = "写明 " + stated[id] + " ";
        const drop = document.createElement("button");
        drop.type = "button";
        drop.textContent = "×";
        drop.title = "去掉写明的总计，改用计算值";
        drop.addEventListener("click", () => { delete stated[id]; changed(); });
        span.append(drop);
        td.append(span);
      }
    });
    $$("td.slot").forEach((td) => {
      td.classList.remove("has-error", "has-warning");
      td.removeAttribute("data-findings");
      const flag = $(".flag", td);
      if (flag) flag.remove();
    });
    const list = $("#findings");
    list.replaceChildren();
    for (const problem of result.problems) list.append(li(problem, "error"));
    for (const f of result.findings) {
      const item = li("【" + f.level + "】" + f.rule + " " + f.message, f.severity);
      item.title = f.title;
      list.append(item);
      if (!f.cell) continue;
      const td = $('td.slot[data-cell="' + CSS.escape(f.cell) + '"]');
      if (!td) continue;
      item.dataset.cell = f.cell;
      const severe = f.severity === "error" || td.classList.contains("has-error");
      td.classList.remove("has-warning");
      td.classList.add(severe ? "has-error" : "has-warning");
      td.dataset.findings = (td.dataset.findings ? td.dataset.findings + "\n" : "") + f.rule + " " + f.message;
      td.title = td.dataset.findings;
      let flag = $(".flag", td);
      if (!flag) { flag = document.createElement("span"); flag.className = "flag"; td.append(flag); }
      flag.textContent = flag.textContent ? flag.textContent + " " + f.rule : f.rule;
    }
    if (!result.problems.length && !result.findings.length) list.append(li("没有发现问题。", "ok"));
    const verdict = $("#verdict");
    verdict.textContent = result.verdict;
    verdict.className = "verdict " + (result.ok ? "good" : "bad");
    const previous = result.previous || {};
    $("#previous-note").textContent = previous.error ? "上年报告无法读取：" + previous.error
      : previous.source ? "比较对象：" + previous.source : "没有上年报告：不核对跨年衔接（R6、R7），不计算重复率。";
    const reuse = $("#reuse");
    reuse.replaceChildren();
    $$(".reuse-rate").forEach((span) => { span.textContent = ""; });
    if (result.reuse) {
      const p = document.createElement("p");
      p.id = "reuse-rate";
      p.textContent = result.reuse.lines.join("\n");
      reuse.append(p);
      $$(".reuse-rate").forEach((span) => {
        const rate = result.reuse.sections[span.dataset.key];
        if (rate !== undefined) span.textContent = "与上年重复率 " + rate;
      });
    }
  }

  // data-settled is "yes" once the findings shown answer the form as it is now.
  async function evaluate() {
    const mine = ++sequence;
    editor.dataset.settled = "no";
    const result = await post(api("evaluate"), { state: collect() });
    if (mine !== sequence) return;
    apply(result);
    editor.dataset.settled = "yes";
  }

  function changed() {
    setDirty(true);
    editor.dataset.settled = "no";
    clearTimeout(timer);
    timer = setTimeout(evaluate, 250);
  }

  // ---------------------------------------------------------------- items

  function renumber() {
    $$(".items").forEach((items) => {
      $$(".item", items).forEach((item, i) => { $(".number", item).textContent = numbers[i] || ""; });
    });
  }

  editor.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("add-item")) {
      const items = $('.items[data-key="' + button.dataset.key + '"]');
      if ($$(".item", items).length >= numbers.length) return;
      const item = $("#item-template").content.firstElementChild.cloneNode(true);
      items.append(item);
      $(".item-title", item).focus();
    } else if (button.closest(".item")) {
      const item = button.closest(".item");
      if (button.classList.contains("remove")) {
        const title = $(".item-title", item).value || "这个小节";
        if (!window.confirm("删除“" + title + "”？")) return;
        item.remove();
      } else if (button.classList.contains("up") && item.previousElementSibling) {
        item.parentNode.insertBefore(item, item.previousElementSibling);
      } else if (button.classList.contains("down") && item.nextElementSibling) {
        item.parentNode.insertBefore(item.nextElementSibling, item);
      } else {
        return;
      }
    } else {
      return;
    }
    renumber();
    changed();
  });

  // ---------------------------------------------------------------- pasting a row

  editor.addEventListener("paste", async (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("input.num")) return;
    const text = (event.clipboardData || window.clipboardData).getData("text/plain");
    if (!/[\t\n]/.test(text.replace(/\s+$/, ""))) return; // one value: an ordinary paste
    event.preventDefault();
    const [table, row] = input.dataset.cell.split("|");
    const note = $('.paste-note[data-table="' + table + '"]');
    const result = await post("/api/paste", { year: year, table: table, row: row, text: text });
    if (!result.ok) {
      note.textContent = "没有填入：" + (result.messages || []).join("；");
      note.className = "paste-note error";
      return;
    }
    $$("td.pasted").forEach((td) => td.classList.remove("pasted"));
    for (const [key, values] of Object.entries(result.rows)) {
      $$('input.num[data-row="' + CSS.escape(table + "|" + key) + '"]').forEach((cell, i) => {
        cell.value = values[i];
        cell.closest("td").classList.add("pasted");
      });
    }
    note.textContent = result.notes.join("\n");
    note.className = "paste-note understood";
    changed();
  });

  // ---------------------------------------------------------------- save and generate

  async function send(what, overwrite, replace) {
    clearTimeout(timer);
    sequence++;
    editor.dataset.settled = "no";
    const result = await post(api(what), { state: collect(), version: version, overwrite: overwrite, replace: replace });
    if (result.status === 409 && result.conflict) {
      const again = window.confirm((result.messages || []).join("\n") +
        "\n\n要用本页的内容覆盖文件吗？（选“取消”则不保存；可以先在其他程序中查看那些修改）");
      if (again) return send(what, true, replace);
      show("#messages", ["没有保存：文件已在其他地方修改。"], "error");
      editor.dataset.settled = "yes";
      return;
    }
    if (result.version) { version = result.version; setDirty(false); }
    if (result.status === 409 && result.replace) {  // the report in outputs/ was edited: replace it only if asked
      const again = window.confirm((result.messages || []).join("\n") +
        "\n\n要用新生成的报告替换它吗？（原文件会保留为 " + result.replace.backup + "；选“取消”则不替换）");
      if (again) return send(what, false, true);
    }
    if (result.totals) { apply(result); editor.dataset.settled = "yes"; } else { evaluate(); }
    show("#messages", result.messages, result.status === 200 ? "" : "error");
    const downloads = $("#downloads");
    downloads.replaceChildren();
    for (const file of result.downloads || []) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = file.url;
      link.textContent = "下载 " + file.name;
      link.setAttribute("download", file.name);
      item.append(link);
      downloads.append(item);
    }
  }

  $("#save").addEventListener("click", () => send("save", false, false));
  $("#generate").addEventListener("click", () => send("generate", false, false));

  $$("#findings").forEach((list) => list.addEventListener("click", (event) => {
    const item = event.target.closest("li[data-cell]");
    if (!item) return;
    const input = $('input.num[data-cell="' + CSS.escape(item.dataset.cell) + '"]');
    const td = $('td.slot[data-cell="' + CSS.escape(item.dataset.cell) + '"]');
    if (input) input.focus();
    if (td) td.scrollIntoView({ block: "center" });
  }));

  editor.addEventListener("input", (event) => { if (event.target.id !== "previous") changed(); });
  $("#previous").addEventListener("change", evaluate);
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  evaluate();
})();
