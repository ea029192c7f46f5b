// Runs the query of the form and shows SPARQL JSON results as a table; other formats open as is.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var status = document.getElementById("status");
  var results = document.getElementById("results");

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.href = term.value;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
      if (term["xml:lang"]) { td.title = "@" + term["xml:lang"]; }
      else if (term.datatype) { td.title = term.datatype; }
    }
    return td;
  }

  function showTable(data, truncated) {
    results.textContent = "";
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.textContent = "Answer: " + data.boolean;
      results.appendChild(p);
      return;
    }
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    data.head.vars.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = "?" + v;
      head.appendChild(th);
    });
    var body = table.createTBody();
    data.results.bindings.forEach(function (b) {
      var row = body.insertRow();
      data.head.vars.forEach(function (v) { row.appendChild(cell(b[v])); });
    });
    results.appendChild(table);
    status.textContent = data.results.bindings.length + " rows" +
      (truncated ? " (truncated: add LIMIT/OFFSET to page through)" : "");
  }

  form.addEventListener("submit", function (event) {
    if (document.getElementById("format").value !== "") { return; }
    event.preventDefault();
    status.className = "";
    status.textContent = "Running…";
    var body = new URLSearchParams();
    body.set("query", document.getElementById("query").value);
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: body
    }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      var truncated = resp.headers.get("X-SPARQL-Truncated") === "true";
      if (!resp.ok) {
        return resp.json().then(function (e) {
          status.className = "error";
          status.textContent = e.error.status + " " + e.error.title + ": " + e.error.message;
          results.textContent = "";
        });
      }
      if (type.indexOf("json") >= 0) {
        return resp.json().then(function (data) { showTable(data, truncated); });
      }
      return resp.text().then(function (text) {
        results.textContent = "";
        var pre = document.createElement("pre");
        pre.textContent = text;
        results.appendChild(pre);
        status.textContent = truncated ? "Truncated." : "";
      });
    }).catch(function (err) {
      status.className = "error";
      status.textContent = String(err);
    });
  });
}());
