"""The page, style sheet and script of the HTML report (render/html.py fills them in).

Plain HTML, CSS and JavaScript with no framework and nothing fetched: the file must open
offline. The script reads the run from the embedded JSON block ``#data``; every text a
learner reads comes from its ``texts`` (the i18n catalogues), in English or Japanese.
"""

from __future__ import annotations

TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1 id="title"></h1>
<div class="bar">
<label id="msg-choice"><span data-t="message"></span> <select id="msg"></select></label>
<span class="langs"><span data-t="language"></span>
<button type="button" data-lang="en">English</button><button type="button" data-lang="ja">日本語</button></span>
</div>
</header>
<main>
<section id="network-section"><h2 data-t="network"></h2><p class="note" data-t="network_note"></p>
<div class="scroll">{network}</div></section>
<section id="sequence-section"><h2 data-t="sequence"></h2><p class="note" data-t="sequence_note"></p>
<p class="note" id="roles"></p>
<div class="controls">
<button type="button" id="restart" data-t="restart"></button>
<button type="button" id="back" data-t="back"></button>
<button type="button" id="play" data-t="play"></button>
<button type="button" id="step" data-t="step"></button>
<button type="button" id="all" data-t="all"></button>
<span id="counter"></span>
</div>
<div class="scroll"><svg id="sequence" xmlns="http://www.w3.org/2000/svg"></svg></div></section>
<section id="detail"><h2 data-t="hop"></h2><div id="hop-info"></div>
<h3 data-t="transcript"></h3><div id="transcript"></div>
<h3 data-t="headers"></h3><div id="headers"></div></section>
<section id="outcomes-section"><h2 data-t="outcomes"></h2><table id="outcomes"></table></section>
{summary}
</main>
<footer id="footer"></footer>
<script type="application/json" id="data">{data}</script>
<script>{script}</script>
</body>
</html>
"""

STYLE = """
body { font-family: "Noto Sans", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif;
  margin: 0; color: #1d1d1d; background: #fafafa; font-size: 15px; }
header { background: #23395d; color: #fff; padding: 10px 20px; }
header h1 { margin: 0 0 6px; font-size: 22px; }
.bar { display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
.bar select, .bar button { font-size: 15px; }
.langs button[aria-pressed="true"] { font-weight: bold; background: #ffb703; }
main { padding: 8px 20px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 12px 0;
  padding: 8px 16px 14px; }
h2 { font-size: 18px; margin: 6px 0; } h3 { font-size: 16px; margin: 14px 0 4px; }
.note { color: #555; margin: 2px 0 8px; font-size: 14px; }
.scroll { overflow-x: auto; }
.controls { margin: 6px 0 10px; display: flex; gap: 8px; align-items: center; }
.controls button { font-size: 16px; padding: 4px 14px; }
#counter { margin-left: 12px; color: #333; }
#network .edge line { stroke: #9e9e9e; stroke-width: 2; }
#network .edge.path line { stroke: #d62828; stroke-width: 5; }
#network .edge.current line { stroke: #f77f00; stroke-width: 8; }
#network .edge text { font-size: 11px; fill: #555; text-anchor: middle; }
#network .node circle { stroke: #555; stroke-width: 1; }
#network .node.path circle { stroke: #d62828; stroke-width: 4; }
#network .node.current circle { stroke: #f77f00; stroke-width: 5; }
#network .node text { font-size: 12px; text-anchor: middle; }
#network .node text.ip { font-size: 11px; fill: #666; }
#sequence text { font-size: 12px; }
#sequence .role { font-weight: bold; font-size: 14px; text-anchor: middle; }
#sequence .lane-host { text-anchor: middle; font-size: 12px; }
#sequence .lane-prog { text-anchor: middle; font-size: 11px; fill: #555; }
#sequence .lane-unused { text-anchor: middle; font-size: 11px; fill: #999; font-style: italic; }
#sequence .group { fill: #eef3fb; stroke: #b8c8e0; }
#sequence .group.MSA, #sequence .group.DNS, #sequence .group.MRA { fill: #f6f0e4; }
#sequence .lifeline { stroke: #b0b0b0; stroke-dasharray: 4 4; }
#sequence .hop { cursor: pointer; }
#sequence .hop.hidden { display: none; }
#sequence .hop line, #sequence .hop path { stroke: #23395d; stroke-width: 1.6; fill: none; }
#sequence .hop.fail line, #sequence .hop.fail path { stroke: #d62828; }
#sequence .hop .row { fill: transparent; }
#sequence .hop:hover .row { fill: #f0f4fa; }
#sequence .hop.current .row { fill: #fff1d6; }
#sequence .hop.selected .row { fill: #ffe0a3; }
#sequence .hop .time { fill: #555; font-family: monospace; }
#sequence .hop .label { text-anchor: middle; }
#sequence .hop .label.self { text-anchor: start; }
#hop-info table { border-collapse: collapse; }
#hop-info th { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; color: #444;
  white-space: nowrap; }
#hop-info td { padding: 2px 0; }
#hop-info .explain { max-width: 60em; }
pre { background: #f4f4f4; border: 1px solid #e0e0e0; padding: 8px; overflow-x: auto;
  font-size: 13px; line-height: 1.35; margin: 4px 0; }
pre .C { color: #005f87; } pre .S { color: #87005f; } pre .T { color: #7a6000; }
#outcomes, #summary { border-collapse: collapse; }
#summary th { text-align: left; font-weight: normal; padding: 2px 12px 2px 0; }
#outcomes th, #outcomes td { border-bottom: 1px solid #e4e4e4; padding: 3px 12px 3px 0;
  text-align: left; vertical-align: top; }
#outcomes tr.mine td { background: #fff7e6; }
.st-delivered { color: #1b7f2a; font-weight: bold; }
.st-bounced, .st-rejected, .st-deleted { color: #c1121f; font-weight: bold; }
.st-queued { color: #a06a00; font-weight: bold; }
footer { color: #666; font-size: 13px; padding: 0 20px 20px; }
"""

SCRIPT = r"""
"use strict";
(function () {
  var DATA = JSON.parse(document.getElementById("data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var TIME_W = 100, LANE_W = 150, HEAD_H = 104, ROW_H = 34, RIGHT_PAD = 170;
  var FAIL = /^(4|5)\d\d/;
  var state = { lang: document.documentElement.lang || "en", msg: 0, shown: 0,
                selected: null, timer: null };

  function t(key, args) {
    var text = (DATA.texts[state.lang] || DATA.texts.en)[key];
    if (text === undefined) { text = DATA.texts.en[key] || key; }
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return args && args[name] !== undefined && args[name] !== null ? String(args[name]) : m;
    });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function message() { return DATA.messages[state.msg] || { key: "", lanes: [], hops: [] }; }
  function laneX(i) { return TIME_W + i * LANE_W + LANE_W / 2; }

  // --- the static texts, the language switch ----------------------------------------------
  function translate() {
    document.documentElement.lang = state.lang;
    document.getElementById("title").textContent =
      t("report") + ": " + (DATA.title[state.lang] || DATA.title.en);
    document.title = document.getElementById("title").textContent;
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (node) {
      node.textContent = t(node.getAttribute("data-t"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-lang]"), function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === state.lang));
    });
    document.getElementById("roles").textContent =
      DATA.roles.map(function (r) { return t("role_" + r); }).join(" · ");
    document.getElementById("footer").textContent =
      t("generated", { name: DATA.name, seed: DATA.seed, clock: DATA.until });
    drawSequence(); showOutcomes(); update();
  }

  // --- the sequence diagram -----------------------------------------------------------------
  function drawLanes(root, lanes, height) {
    var start = 0;
    while (start < lanes.length) {
      var end = start;
      while (end + 1 < lanes.length && lanes[end + 1].role === lanes[start].role) { end++; }
      var x = TIME_W + start * LANE_W, w = (end - start + 1) * LANE_W;
      root.appendChild(svg("rect", { "class": "group " + lanes[start].role, x: x + 2, y: 2,
                                     width: w - 4, height: HEAD_H - 8, rx: 6 }));
      var role = svg("g");  // the tooltip explains the role
      role.appendChild(svg("title", {}, t("role_" + lanes[start].role)));
      role.appendChild(svg("text", { "class": "role", x: x + w / 2, y: 20 }, lanes[start].role));
      root.appendChild(role);
      start = end + 1;
    }
    lanes.forEach(function (lane, i) {
      var x = laneX(i);
      lane.host === null
        ? root.appendChild(svg("text", { "class": "lane-unused", x: x, y: 44 }, t("unused_lane")))
        : root.appendChild(svg("text", { "class": "lane-host", x: x, y: 40 }, lane.host));
      if (lane.host !== null) {
        var lines = wrap(lane.programs, Math.floor(LANE_W / 7)).concat(lane.software ? [lane.software] : []);
        lines.slice(0, 3).forEach(function (text, n) {
          root.appendChild(svg("text", { "class": "lane-prog", x: x, y: 56 + n * 14 }, text));
        });
      }
      root.appendChild(svg("line", { "class": "lifeline", x1: x, y1: HEAD_H - 6, x2: x,
                                     y2: height }));
    });
  }
  function wrap(words, width) {
    var lines = [];
    words.forEach(function (w) {
      var last = lines.length ? lines[lines.length - 1] : null;
      if (last !== null && (last + ", " + w).length <= width) { lines[lines.length - 1] = last + ", " + w; }
      else { lines.push(w); }
    });
    return lines;
  }
  function shorten(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  function drawHop(root, hop, i) {
    var y = HEAD_H + i * ROW_H + ROW_H / 2 + 6;
    var fail = hop.action === "connect_failed" || FAIL.test(hop.reply || "") ||
               /bounce|refused|block|failed|expired|loop/.test(hop.action);
    var g = svg("g", { "class": "hop" + (fail ? " fail" : ""), "data-i": i });
    g.appendChild(svg("rect", { "class": "row", x: 0, y: y - ROW_H / 2 - 6, height: ROW_H,
                                width: TIME_W + message().lanes.length * LANE_W }));
    g.appendChild(svg("text", { "class": "time", x: 6, y: y + 4 }, hop.clock));
    var x1 = laneX(hop.from), x2 = laneX(hop.to);
    var label = hop.action + (hop.reply ? ": " + hop.reply : "");
    if (x1 === x2) {
      g.appendChild(svg("path", { d: "M" + x1 + " " + (y - 4) + " h28 v10 h-24",
                                  "marker-end": "url(#arrow)" }));
      g.appendChild(svg("text", { "class": "label self", x: x1 + 34, y: y + 4 },
                        shorten(label, 30)));
    } else {
      g.appendChild(svg("line", { x1: x1, y1: y + 2, x2: x2 + (x2 > x1 ? -4 : 4), y2: y + 2,
                                  "marker-end": "url(#arrow)" }));
      var room = Math.max(18, Math.floor(Math.abs(x2 - x1) / 7));
      g.appendChild(svg("text", { "class": "label", x: (x1 + x2) / 2, y: y - 4 },
                        shorten(label, room)));
    }
    g.appendChild(svg("title", {}, hop.src + " → " + hop.dst + "\n" + label));
    g.addEventListener("click", function () { select(i); });
    root.appendChild(g);
  }
  function drawSequence() {
    var root = document.getElementById("sequence"), m = message();
    while (root.firstChild) { root.removeChild(root.firstChild); }
    var room = root.parentNode.clientWidth || 1200;  // lanes narrower when there are many
    LANE_W = Math.max(116, Math.min(160, Math.floor((room - TIME_W - RIGHT_PAD) / m.lanes.length)));
    var height = HEAD_H + Math.max(1, m.hops.length) * ROW_H + 12;
    var width = TIME_W + m.lanes.length * LANE_W + RIGHT_PAD;
    root.setAttribute("width", width); root.setAttribute("height", height);
    root.setAttribute("viewBox", "0 0 " + width + " " + height);
    var defs = svg("defs"), marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10",
      refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M0 0 L10 5 L0 10 z", fill: "#23395d" }));
    defs.appendChild(marker); root.appendChild(defs);
    drawLanes(root, m.lanes, height);
    m.hops.forEach(function (hop, i) { drawHop(root, hop, i); });
  }

  // --- the network --------------------------------------------------------------------------
  function markNetwork() {
    var m = message(), onPath = {}, now = {}, hosts = {};
    m.hops.forEach(function (hop, i) {
      hop.edges.forEach(function (e) {
        onPath[e] = true;
        if (i === state.selected) { now[e] = true; }
        e.split("|").forEach(function (h) { hosts[h] = hosts[h] || (i === state.selected ? 2 : 1); });
      });
    });
    if (state.selected !== null) {
      var hop = m.hops[state.selected];
      [hop.src.split(" ")[0], hop.dst.split(" ")[0]].forEach(function (h) { hosts[h] = 2; });
    }
    Array.prototype.forEach.call(document.querySelectorAll("#network .edge"), function (g) {
      var id = g.getAttribute("data-edge");
      g.classList.toggle("path", !!onPath[id]); g.classList.toggle("current", !!now[id]);
    });
    Array.prototype.forEach.call(document.querySelectorAll("#network .node"), function (g) {
      var h = hosts[g.getAttribute("data-node")];
      g.classList.toggle("path", !!h); g.classList.toggle("current", h === 2);
    });
  }

  // --- the selected hop ----------------------------------------------------------------------
  function row(table, key, value, cls) {
    if (value === null || value === undefined || value === "") { return; }
    var tr = el("tr"); tr.appendChild(el("th", {}, t(key)));
    tr.appendChild(el("td", cls ? { "class": cls } : {}, value)); table.appendChild(tr);
  }
  function showHop() {
    var info = document.getElementById("hop-info"), tr = document.getElementById("transcript"),
        hd = document.getElementById("headers"), m = message();
    [info, tr, hd].forEach(function (n) { while (n.firstChild) { n.removeChild(n.firstChild); } });
    if (state.selected === null) {
      info.appendChild(el("p", { "class": "note" }, m.hops.length ? t("pick_hop") : t("no_hops")));
      return;
    }
    var hop = m.hops[state.selected], table = el("table", { id: "hop-table" });
    row(table, "time", hop.clock); row(table, "from", hop.src); row(table, "to", hop.dst);
    row(table, "protocol", hop.proto); row(table, "action", hop.action);
    row(table, "queue_id", hop.qid); row(table, "reply", hop.reply);
    row(table, "detail", hop.detail);
    row(table, "explanation", hop.explain[state.lang] || hop.explain.en, "explain");
    info.appendChild(table);
    showTranscript(tr, hop); showHeaders(hd, hop);
  }
  function showTranscript(box, hop) {
    var s = hop.session === null ? null : DATA.sessions[String(hop.session)];
    if (!s) { box.appendChild(el("p", { "class": "note" }, t("no_transcript"))); return; }
    box.appendChild(el("p", {}, t("transcript_of", s)));
    box.appendChild(el("p", { "class": "note" }, t("transcript_note")));
    var pre = el("pre", { id: "transcript-text" });
    s.lines.forEach(function (line) {
      var side = line[1].charAt(0) === "T" ? "T" : line[1].charAt(0);
      pre.appendChild(el("span", { "class": side }, line[0] + " " + line[1] + ": " + line[2] + "\n"));
    });
    box.appendChild(pre);
  }
  function showHeaders(box, hop) {
    var copy = hop.headers === null ? null : DATA.headers[hop.headers];
    if (!copy) { box.appendChild(el("p", { "class": "note" }, t("no_headers"))); return; }
    if (hop.headers_later) { box.appendChild(el("p", { "class": "note" }, t("headers_later"))); }
    box.appendChild(el("p", {}, t(copy.source, copy.args)));
    box.appendChild(el("pre", { id: "headers-text" }, copy.text));
  }

  // --- outcomes -------------------------------------------------------------------------------
  function showOutcomes() {
    var table = document.getElementById("outcomes"), key = message().key;
    while (table.firstChild) { table.removeChild(table.firstChild); }
    var head = el("tr");
    ["message", "recipient", "status", "time", "host", "where"].forEach(function (k) {
      head.appendChild(el("th", {}, t(k)));
    });
    table.appendChild(head);
    DATA.outcomes.forEach(function (o) {
      var mine = o.msg === key || o.msg.indexOf(key + ".") === 0;
      var tr = el("tr", mine ? { "class": "mine" } : {});
      [o.msg, o.recipient].forEach(function (v) { tr.appendChild(el("td", {}, v)); });
      tr.appendChild(el("td", { "class": "st-" + o.status }, t("status_" + o.status)));
      [o.clock, o.host, o.where + (o.dsn ? " (" + o.dsn + ")" : "")].forEach(function (v) {
        tr.appendChild(el("td", {}, v));
      });
      table.appendChild(tr);
    });
  }

  // --- playback ---------------------------------------------------------------------------------
  function update() {
    var m = message();
    Array.prototype.forEach.call(document.querySelectorAll("#sequence .hop"), function (g) {
      var i = Number(g.getAttribute("data-i"));
      g.classList.toggle("hidden", i >= state.shown);
      g.classList.toggle("current", i === state.shown - 1);
      g.classList.toggle("selected", i === state.selected);
    });
    document.getElementById("counter").textContent =
      t("hop_of", { n: state.shown, total: m.hops.length });
    document.getElementById("play").textContent = state.timer ? t("pause") : t("play");
    document.getElementById("back").disabled = state.shown === 0;
    document.getElementById("step").disabled = state.shown >= m.hops.length;
    markNetwork(); showHop();
  }
  function select(i) { state.selected = i; update(); }
  function step() {
    if (state.shown < message().hops.length) { state.shown++; state.selected = state.shown - 1; }
    else { stop(); }
    update();
  }
  function back() {
    stop();
    if (state.shown > 0) { state.shown--; }
    state.selected = state.shown > 0 ? state.shown - 1 : null;
    update();
  }
  function stop() { if (state.timer) { clearInterval(state.timer); state.timer = null; } }
  function play() {
    if (state.timer) { stop(); update(); return; }
    if (state.shown >= message().hops.length) { state.shown = 0; }
    state.timer = setInterval(function () {
      step();
      if (state.shown >= message().hops.length) { stop(); update(); }
    }, 900);
    step();
  }
  function showAll() {
    stop(); state.shown = message().hops.length;
    if (state.selected === null && state.shown) { state.selected = 0; }
    update();
  }
  function restart() { stop(); state.shown = 0; state.selected = null; update(); }
  function chooseMessage(i) {
    stop(); state.msg = i; state.shown = 0; state.selected = null;
    drawSequence(); showOutcomes(); update();
  }

  // --- wiring ----------------------------------------------------------------------------------
  var choice = document.getElementById("msg");
  DATA.messages.forEach(function (m, i) { choice.appendChild(el("option", { value: i }, m.key)); });
  if (DATA.messages.length < 2) { document.getElementById("msg-choice").hidden = true; }
  choice.addEventListener("change", function () { chooseMessage(Number(choice.value)); });
  document.getElementById("play").addEventListener("click", play);
  document.getElementById("step").addEventListener("click", function () { stop(); step(); });
  document.getElementById("back").addEventListener("click", back);
  document.getElementById("all").addEventListener("click", showAll);
  document.getElementById("restart").addEventListener("click", restart);
  Array.prototype.forEach.call(document.querySelectorAll("[data-lang]"), function (b) {
    b.addEventListener("click", function () { state.lang = b.getAttribute("data-lang"); translate(); });
  });
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.tagName === "SELECT") { return; }
    if (e.key === "ArrowRight") { stop(); step(); }
    else if (e.key === "ArrowLeft") { back(); }
  });
  translate();
})();
"""
