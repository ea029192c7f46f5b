// The query page: a highlighted editor with completion (query-complete.js), the example queries
// one click away, Ctrl+Enter (Cmd+Enter) to run, the queries one ran kept in this browser, a link
// that reopens and runs the query, the results as a table with pages, sorting and a filter
// (query-table.js), a chart for a series, downloads of the same query, and a notice when a
// result was cut. Without scripts the page is a plain form that the server answers.
(function () {
  "use strict";
  var Q = window.dprkQuery;
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var code = document.getElementById("highlight");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var chart = document.getElementById("chart");
  var described = document.getElementById("example-description");
  var notice = document.getElementById("cut-notice");
  var downloads = document.getElementById("downloads");
  var share = document.getElementById("share-link");
  var copy = document.getElementById("share-copy");
  var historyBox = document.getElementById("history");
  var historyList = document.getElementById("history-list");
  var base = form.getAttribute("data-base") || "";
  var endpoint = form.getAttribute("action") || "/sparql";
  var HISTORY_KEY = "dprk-ld.query-history";
  var HISTORY_MAX = 30;
  var DOWNLOADS = {
    results: [["CSV", "csv", "csv"], ["TSV", "tsv", "tsv"], ["SPARQL JSON", "json", "srj"], ["SPARQL XML", "xml", "srx"]],
    "boolean": [["SPARQL JSON", "json", "srj"], ["SPARQL XML", "xml", "srx"]],
    graph: [["Turtle", "ttl", "ttl"], ["N-Triples", "nt", "nt"], ["JSON-LD", "jsonld", "jsonld"], ["RDF/XML", "rdfxml", "rdf"]]
  };

  function readJson(id) {
    try { return JSON.parse(document.getElementById(id).textContent || "{}"); } catch (e) { return {}; }
  }
  var examples = readJson("examples");
  Q.setPrefixes(readJson("prefix-table"));
  var loaded = null;  // the example in the editor: { id, text, title, description }
  var series = null;
  var view = new Q.ResultsView(results, { base: base, endpoint: endpoint, onLabels: function () {
    if (series && lastData) { series = Q.seriesOf(lastData); if (series) { Q.drawChart(chart, series); } }
  } });
  var lastData = null;

  function shareHref(text) { return "/sparql?query=" + encodeURIComponent(text); }

  function paint() {
    // a trailing newline keeps the highlighted copy as tall as the text area
    code.innerHTML = window.dprkHighlight(editor.value) + "\n";
    code.parentNode.scrollTop = editor.scrollTop;
  }

  // the example's description stays only while its text does
  function markEdited() {
    if (!loaded) { return; }
    var same = editor.value === loaded.text;
    described.classList.toggle("edited", !same);
    described.textContent = same ? loaded.description
      : "Edited: no longer the example \u201c" + loaded.title + "\u201d as written.";
    Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (b) {
      b.classList.toggle("active", same && b.getAttribute("data-example") === loaded.id);
    });
  }

  function changed() {
    paint();
    share.href = shareHref(editor.value);
    markEdited();
  }
  editor.addEventListener("input", changed);
  editor.addEventListener("scroll", function () { code.parentNode.scrollTop = editor.scrollTop; });
  paint();
  share.href = shareHref(editor.value);
  var completion = Q.attachCompletion(editor, code, document.getElementById("completions"),
                                     form.getAttribute("data-vocabulary"), changed);

  // --- history -----------------------------------------------------------------------------------

  function readHistory() {
    try {
      var list = JSON.parse(window.localStorage.getItem(HISTORY_KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }

  function titleOf(text) {
    var m = /^#\s*title:\s*(.+)$/m.exec(text);
    if (m) { return m[1].trim(); }
    var line = text.split("\n").map(function (l) { return l.trim(); }).filter(function (l) {
      return l && l.charAt(0) !== "#" && !/^(PREFIX|BASE)\b/i.test(l);
    })[0] || text.trim();
    return line.length > 80 ? line.slice(0, 79) + "…" : line;
  }

  function showHistory() {
    var list = readHistory();
    historyBox.hidden = list.length === 0;
    historyList.textContent = "";
    list.forEach(function (entry) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "past";
      button.textContent = titleOf(entry.query);
      button.title = entry.query;
      button.addEventListener("click", function () {
        editor.value = entry.query;
        loaded = null;
        described.textContent = "";
        described.classList.remove("edited");
        changed();
        editor.focus();
      });
      var when = document.createElement("span");
      when.className = "when";
      when.textContent = new Date(entry.at).toLocaleString() +
        (typeof entry.rows === "number" ? " · " + entry.rows + " rows" : "");
      li.appendChild(button);
      li.appendChild(when);
      historyList.appendChild(li);
    });
  }

  function remember(text, rows) {
    var list = readHistory().filter(function (e) { return e.query !== text; });
    list.unshift({ query: text, at: Date.now(), rows: rows });
    try { window.localStorage.setItem(HISTORY_KEY, JSON.stringify(list.slice(0, HISTORY_MAX))); }
    catch (e) { return; }  // storage full or refused: the page works without it
    showHistory();
  }

  document.getElementById("history-clear").addEventListener("click", function () {
    try { window.localStorage.removeItem(HISTORY_KEY); } catch (e) { /* nothing kept */ }
    showHistory();
  });

  // --- one run -----------------------------------------------------------------------------------

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
    // the limits of this page, wherever the address bar is (a run puts the query there)
    more.href = endpoint + "#limits";
    more.addEventListener("click", function (event) {
      event.preventDefault();
      document.getElementById("limits").scrollIntoView();
    });
    more.textContent = "About the limits";
    notice.appendChild(more);
    return true;
  }

  function offerDownloads(kind, text) {
    downloads.textContent = "Download the results: ";
    DOWNLOADS[kind].forEach(function (d, i) {
      if (i) { downloads.appendChild(document.createTextNode(" · ")); }
      var a = document.createElement("a");
      a.href = endpoint + "?query=" + encodeURIComponent(text) + "&format=" + d[1];
      a.setAttribute("download", "query-results." + d[2]);
      a.className = "download";
      a.setAttribute("data-format", d[1]);
      a.textContent = d[0];
      downloads.appendChild(a);
    });
    downloads.hidden = false;
  }

  function clear() {
    results.textContent = "";
    chart.textContent = "";
    downloads.hidden = true;
    series = lastData = null;
  }

  // the place of a syntax error, selected in the editor
  function pointAt(details) {
    if (!details || !details.line) { return; }
    var lines = editor.value.split("\n"), at = 0;
    for (var i = 0; i < details.line - 1 && i < lines.length; i += 1) { at += lines[i].length + 1; }
    at += Math.max(0, (details.column || 1) - 1);
    editor.setSelectionRange(at, Math.min(editor.value.length, at + (details.token || " ").length));
  }

  function showError(resp) {
    return resp.json().then(function (e) {
      status.className = "error";
      status.textContent = e.error.status + " " + e.error.title + ": " + e.error.message;
      clear();
      pointAt(e.error.details);
    }, function () {
      status.className = "error";
      status.textContent = resp.status + " " + resp.statusText;
      clear();
    });
  }

  function showSelect(data, text, truncated) {
    clear();
    lastData = data;
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.textContent = "Answer: " + data.boolean;
      results.appendChild(p);
      status.textContent = "Answer: " + data.boolean;
      offerDownloads("boolean", text);
      remember(text, null);
      return;
    }
    series = Q.seriesOf(data);
    if (series) { Q.drawChart(chart, series); }
    view.show(data, truncated);
    var n = data.results.bindings.length;
    status.textContent = n + " rows" + (truncated ? " (cut)" : "");
    offerDownloads("results", text);
    remember(text, n);
  }

  function showGraph(body, text, truncated) {
    clear();
    var pre = document.createElement("pre");
    pre.textContent = body;
    results.appendChild(pre);
    status.textContent = "A graph, as Turtle" + (truncated ? " (cut)" : "");
    offerDownloads("graph", text);
    remember(text, null);
  }

  function run() {
    var text = editor.value;
    completion.close();
    status.className = "";
    status.textContent = "Running…";
    notice.hidden = true;
    // the address says what ran: the example, while its text is unedited; else the query
    history.replaceState(null, "", loaded && text === loaded.text
      ? endpoint + "#example=" + encodeURIComponent(loaded.id) : shareHref(text));
    var body = new URLSearchParams();
    body.set("query", text);
    fetch(endpoint, {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: body
    }).then(function (resp) {
      if (!resp.ok) { return showError(resp); }
      var truncated = showCut(resp);
      if ((resp.headers.get("Content-Type") || "").indexOf("json") >= 0) {
        return resp.json().then(function (data) { showSelect(data, text, truncated); });
      }
      return resp.text().then(function (graph) { showGraph(graph, text, truncated); });
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
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });

  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(new URL(share.getAttribute("href"), location.href).href).then(function () {
        copy.textContent = "Copied";
        setTimeout(function () { copy.textContent = "Copy link"; }, 1500);
      });
    });
  }

  // --- examples, and what the address asks for -------------------------------------------------

  function load(id, andRun) {
    var q = examples[id];
    if (!q) { return; }
    editor.value = q.text;
    loaded = { id: id, text: q.text, title: q.title, description: q.description };
    changed();
    if (andRun) { run(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-example");
      load(id, true);
    });
  });

  showHistory();
  var wanted = /example=([^&]+)/.exec(location.hash);
  var inHash = /[#&]query=([^&]*)/.exec(location.hash);
  if (form.getAttribute("data-run") === "true") {
    run();  // opened as /sparql?query=...: the query is in the editor
  } else if (inHash) {
    editor.value = decodeURIComponent(inHash[1].replace(/\+/g, " "));
    changed();
    run();
  } else if (wanted) {
    load(decodeURIComponent(wanted[1]), true);
  }
}());
