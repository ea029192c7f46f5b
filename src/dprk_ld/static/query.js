// The query page: a highlighted editor, the example queries one click away, results as a table,
// and a bar chart when the result is a series (a label column and a number column).
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var code = document.getElementById("highlight");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var chart = document.getElementById("chart");
  var described = document.getElementById("example-description");
  var notice = document.getElementById("cut-notice");
  var base = form.getAttribute("data-base") || "";
  var examples = {};
  try { examples = JSON.parse(document.getElementById("examples").textContent || "{}"); } catch (e) { examples = {}; }

  function paint() {
    // a trailing newline keeps the highlighted copy as tall as the text area
    code.innerHTML = window.dprkHighlight(editor.value) + "\n";
    code.parentNode.scrollTop = editor.scrollTop;
  }
  editor.addEventListener("input", paint);
  editor.addEventListener("scroll", function () { code.parentNode.scrollTop = editor.scrollTop; });
  paint();

  function link(value) {
    var a = document.createElement("a");
    a.href = base && value.indexOf(base) === 0 ? "/" + value.slice(base.length) : value;
    a.textContent = value;
    return a;
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      td.appendChild(link(term.value));
    } else {
      td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
      if (term["xml:lang"]) { td.title = "@" + term["xml:lang"]; }
      else if (term.datatype) { td.title = term.datatype; }
    }
    return td;
  }

  function isNumber(term) {
    return term && term.type !== "uri" && term.value !== "" && !isNaN(Number(term.value)) &&
      (!term.datatype || /(integer|decimal|double|float|int|long|short)$/.test(term.datatype));
  }

  function shortLabel(term) {
    if (!term) { return ""; }
    var v = term.value;
    if (term.type === "uri") { v = v.replace(/[#/]$/, ""); v = v.slice(Math.max(v.lastIndexOf("/"), v.lastIndexOf("#")) + 1); }
    return v.length > 32 ? v.slice(0, 31) + "…" : v;
  }

  // A series: every row has a number in one column and something to name it by in another.
  function seriesOf(data) {
    var vars = data.head.vars, rows = data.results.bindings;
    if (rows.length < 2 || rows.length > 200 || vars.length < 2) { return null; }
    for (var j = vars.length - 1; j >= 0; j -= 1) {
      var numeric = rows.every(function (b) { return isNumber(b[vars[j]]); });
      if (!numeric) { continue; }
      var labelVars = vars.filter(function (v, k) { return k !== j; });
      if (labelVars.length > 3) { return null; }
      return { label: labelVars.join(", ?"), value: vars[j], points: rows.map(function (b) {
        return { name: labelVars.map(function (v) { return shortLabel(b[v]); }).filter(Boolean).join(" · "),
                 value: Number(b[vars[j]].value) };
      }) };
    }
    return null;
  }

  function svgEl(name, attrs, text) {
    var el = document.createElementNS("http://www.w3.org/2000/svg", name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  function drawChart(series) {
    chart.textContent = "";
    var row = 22, labelW = 420, width = 860, top = 8;
    var height = top * 2 + row * series.points.length;
    var biggest = Math.max.apply(null, series.points.map(function (p) { return Math.abs(p.value); })) || 1;
    var plot = width - labelW - 70;
    var svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height,
      role: "img", "aria-label": "?" + series.value + " by ?" + series.label, "class": "chart" });
    svg.appendChild(svgEl("title", {}, "?" + series.value + " by ?" + series.label));
    series.points.forEach(function (p, i) {
      var y = top + i * row, w = Math.max(1, plot * Math.abs(p.value) / biggest);
      svg.appendChild(svgEl("text", { x: labelW - 6, y: y + 15, "text-anchor": "end" }, p.name));
      var rect = svgEl("rect", { x: labelW, y: y + 3, width: w.toFixed(1), height: row - 6 });
      rect.appendChild(svgEl("title", {}, p.name + ": " + p.value));
      svg.appendChild(rect);
      svg.appendChild(svgEl("text", { x: (labelW + w + 4).toFixed(1), y: y + 15, "class": "count" }, String(p.value)));
    });
    chart.appendChild(svg);
  }

  function showTable(data, truncated) {
    results.textContent = "";
    chart.textContent = "";
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.textContent = "Answer: " + data.boolean;
      results.appendChild(p);
      status.textContent = "";
      return;
    }
    var series = seriesOf(data);
    if (series) { drawChart(series); }
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    data.head.vars.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = "?" + v;
      head.appendChild(th);
    });
    var body = table.createTBody();
    data.results.bindings.forEach(function (b) {
      var r = body.insertRow();
      data.head.vars.forEach(function (v) { r.appendChild(cell(b[v])); });
    });
    results.appendChild(table);
    status.textContent = data.results.bindings.length + " rows" + (truncated ? " (cut)" : "");
  }

  function size(bytes) {
    var n = Number(bytes);
    return n >= 1048576 ? Math.round(n / 104857.6) / 10 + " MiB (" + n + " bytes)" : n + " bytes";
  }

  // A result cut at a limit says so in its headers (X-SPARQL-Truncated, and -By: which limit);
  // the notice names that limit and links to where the page explains the limits.
  function showCut(resp) {
    notice.textContent = "";
    notice.hidden = resp.headers.get("X-SPARQL-Truncated") !== "true";
    if (notice.hidden) { return false; }
    var strong = document.createElement("strong");
    var more = document.createElement("a");
    if (resp.headers.get("X-SPARQL-Truncated-By") === "bytes") {
      strong.textContent = "Cut at the size limit: ";
      notice.appendChild(strong);
      notice.appendChild(document.createTextNode("results stop at " +
        size(resp.headers.get("X-SPARQL-Max-Result-Bytes")) + " of rows (MAX_RESULT_BYTES). " +
        "These are the rows before it, each whole; select shorter values, or page through with " +
        "LIMIT and OFFSET. "));
    } else {
      strong.textContent = "Cut at the row limit: ";
      notice.appendChild(strong);
      notice.appendChild(document.createTextNode("results stop at " +
        resp.headers.get("X-SPARQL-Max-Rows") + " rows (MAX_ROWS). These are the first rows; " +
        "page through with LIMIT and OFFSET. "));
    }
    more.href = "#limits";
    more.textContent = "About the limits";
    notice.appendChild(more);
    return true;
  }

  function run() {
    status.className = "";
    status.textContent = "Running…";
    notice.hidden = true;
    var body = new URLSearchParams();
    body.set("query", editor.value);
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: body
    }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (!resp.ok) {
        return resp.json().then(function (e) {
          status.className = "error";
          status.textContent = e.error.status + " " + e.error.title + ": " + e.error.message;
          results.textContent = "";
          chart.textContent = "";
        });
      }
      var truncated = showCut(resp);
      if (type.indexOf("json") >= 0) {
        return resp.json().then(function (data) { showTable(data, truncated); });
      }
      return resp.text().then(function (text) {
        results.textContent = "";
        chart.textContent = "";
        var pre = document.createElement("pre");
        pre.textContent = text;
        results.appendChild(pre);
        status.textContent = truncated ? "Cut." : "";
      });
    }).catch(function (err) {
      status.className = "error";
      status.textContent = String(err);
    });
  }

  form.addEventListener("submit", function (event) {
    if (document.getElementById("format").value !== "") { return; }
    event.preventDefault();
    run();
  });

  function load(id, andRun) {
    var q = examples[id];
    if (!q) { return; }
    editor.value = q.text;
    paint();
    if (described) { described.textContent = q.description; }
    Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (b) {
      b.classList.toggle("active", b.getAttribute("data-example") === id);
    });
    if (andRun) { run(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-example");
      history.replaceState(null, "", "#example=" + encodeURIComponent(id));
      load(id, true);
    });
  });
  var wanted = /example=([^&]+)/.exec(location.hash);
  if (wanted) { load(decodeURIComponent(wanted[1]), true); }
}());
