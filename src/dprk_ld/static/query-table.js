// The results of a SELECT on the query page: a table with a filter box, sorting by any column
// and pages; IRIs as prefixed names linking to this site, with their labels (from the result's
// own ?xLabel columns, or asked of the endpoint for the rows shown); and a bar chart when the
// result is a series (something to name each row by and one number).
(function (global) {
  "use strict";
  var Q = global.dprkQuery = global.dprkQuery || {};
  var PAGE_SIZES = [10, 25, 50, 100, 500];
  var NUMERIC = /(integer|decimal|double|float|int|long|short|byte)$/;

  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function isNumber(term) {
    return !!term && term.type !== "uri" && term.type !== "bnode" && term.value !== "" &&
      !isNaN(Number(term.value)) && (!term.datatype || NUMERIC.test(term.datatype));
  }

  // the columns that give another column its labels: ?xLabel or ?x_label for ?x
  function labelColumns(vars) {
    var of = {};
    vars.forEach(function (v) {
      var m = /^(.+?)_?[Ll]abel$/.exec(v);
      if (m && vars.indexOf(m[1]) >= 0) { of[m[1]] = v; }
    });
    return of;
  }

  // One row, ready to show, filter and sort: each cell's text, link, tooltip and sort key.
  function prepare(data) {
    var vars = data.head.vars, labelled = labelColumns(vars);
    return data.results.bindings.map(function (b, index) {
      var cells = vars.map(function (v) {
        var t = b[v];
        if (!t) { return { text: "", key: "" }; }
        if (t.type === "uri") {
          var lab = labelled[v] && b[labelled[v]] ? b[labelled[v]].value : "";
          if (lab) { Q.setLabel(t.value, lab); }
          return { iri: t.value, text: Q.prefixedName(t.value) || t.value, key: Q.prefixedName(t.value) || t.value };
        }
        if (t.type === "bnode") { return { text: "_:" + t.value, key: "_:" + t.value }; }
        return { text: t.value, key: isNumber(t) ? Number(t.value) : t.value,
                 title: t["xml:lang"] ? "@" + t["xml:lang"] : t.datatype || "" };
      });
      return { index: index, cells: cells };
    });
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    if (typeof a === "number") { return -1; }
    if (typeof b === "number") { return 1; }
    return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: "base" });
  }

  function searchText(row) {
    return row.cells.map(function (c) { return c.text + " " + (c.iri ? Q.labelOf(c.iri) : ""); })
      .join(" \u0000 ").toLowerCase();
  }

  function ResultsView(root, opts) {
    this.root = root;
    this.opts = opts;  // base, endpoint, onPage(view)
    this.state = { sort: -1, desc: false, filter: "", page: 0, size: 50 };
  }

  ResultsView.prototype.show = function (data, truncated) {
    this.data = data;
    this.vars = data.head.vars;
    this.rows = prepare(data);
    this.truncated = truncated;
    this.state.sort = -1; this.state.desc = false; this.state.filter = ""; this.state.page = 0;
    this.build();
    this.render();
  };

  ResultsView.prototype.build = function () {
    var self = this;
    this.root.textContent = "";
    var bar = el("div", { "class": "table-tools" });
    var filterLabel = el("label", { "for": "results-filter" }, "Filter rows ");
    this.filter = el("input", { type: "search", id: "results-filter", placeholder: "text in any column" });
    this.filter.addEventListener("input", function () {
      self.state.filter = self.filter.value.toLowerCase(); self.state.page = 0; self.render();
    });
    filterLabel.appendChild(this.filter);
    var sizeLabel = el("label", { "for": "page-size" }, " Rows per page ");
    this.size = el("select", { id: "page-size" });
    PAGE_SIZES.forEach(function (n) {
      var o = el("option", { value: String(n) }, String(n));
      if (n === self.state.size) { o.selected = true; }
      self.size.appendChild(o);
    });
    this.size.addEventListener("change", function () {
      self.state.size = Number(self.size.value); self.state.page = 0; self.render();
    });
    sizeLabel.appendChild(this.size);
    bar.appendChild(filterLabel);
    bar.appendChild(sizeLabel);
    this.root.appendChild(bar);
    this.table = el("table", { "class": "results" });
    var head = this.table.createTHead().insertRow();
    this.vars.forEach(function (v, j) {
      var th = el("th", { scope: "col", "aria-sort": "none" });
      var button = el("button", { type: "button", "class": "sort", "data-column": String(j),
                                  title: "Sort by ?" + v }, "?" + v);
      button.addEventListener("click", function () { self.sortBy(j); });
      th.appendChild(button);
      head.appendChild(th);
    });
    this.body = this.table.createTBody();
    this.root.appendChild(this.table);
    this.pager = el("div", { id: "pager", "class": "pager" });
    this.prev = el("button", { type: "button", id: "page-prev" }, "‹ Previous");
    this.next = el("button", { type: "button", id: "page-next" }, "Next ›");
    this.info = el("span", { id: "page-info" });
    this.prev.addEventListener("click", function () { self.state.page -= 1; self.render(); });
    this.next.addEventListener("click", function () { self.state.page += 1; self.render(); });
    [this.prev, this.info, this.next].forEach(function (n) { self.pager.appendChild(n); });
    this.root.appendChild(this.pager);
  };

  ResultsView.prototype.sortBy = function (j) {
    if (this.state.sort === j) { this.state.desc = !this.state.desc; }
    else { this.state.sort = j; this.state.desc = false; }
    this.state.page = 0;
    this.render();
  };

  ResultsView.prototype.visible = function () {
    var s = this.state, rows = this.rows;
    if (s.filter) { rows = rows.filter(function (r) { return searchText(r).indexOf(s.filter) >= 0; }); }
    if (s.sort >= 0) {
      rows = rows.slice().sort(function (a, b) {
        var c = compare(a.cells[s.sort].key, b.cells[s.sort].key);
        return (s.desc ? -c : c) || a.index - b.index;
      });
    }
    return rows;
  };

  function fill(td, c, base) {
    if (c.iri) {
      var a = el("a", { href: Q.localHref(c.iri, base), title: c.iri });
      a.appendChild(el("code", {}, c.text));
      td.appendChild(a);
      var label = Q.labelOf(c.iri);
      if (label) { td.appendChild(el("span", { "class": "label" }, label)); }
    } else {
      td.textContent = c.text;
      if (c.title) { td.title = c.title; }
    }
  }

  // labelled: drawn again because labels came (then none are asked for: one request a page)
  ResultsView.prototype.render = function (labelled) {
    var self = this, s = this.state, rows = this.visible();
    var pages = Math.max(1, Math.ceil(rows.length / s.size));
    s.page = Math.min(Math.max(0, s.page), pages - 1);
    var shown = rows.slice(s.page * s.size, (s.page + 1) * s.size);
    this.body.textContent = "";
    shown.forEach(function (r) {
      var tr = self.body.insertRow();
      r.cells.forEach(function (c) { fill(tr.insertCell(), c, self.opts.base); });
    });
    Array.prototype.forEach.call(this.table.tHead.rows[0].cells, function (th, j) {
      th.setAttribute("aria-sort", s.sort !== j ? "none" : s.desc ? "descending" : "ascending");
      th.classList.toggle("sorted", s.sort === j);
    });
    var first = rows.length ? s.page * s.size + 1 : 0;
    this.info.textContent = "Rows " + first + "–" + (s.page * s.size + shown.length) + " of " +
      rows.length + (s.filter ? " (filtered from " + this.rows.length + ")" : "") +
      (this.truncated ? "; the result was cut at a limit" : "") + " · page " + (s.page + 1) + " of " + pages;
    this.prev.disabled = s.page === 0;
    this.next.disabled = s.page >= pages - 1;
    this.pager.classList.toggle("cut", !!this.truncated);
    if (labelled !== true) { this.askLabels(shown); }
  };

  // the labels of the IRIs shown, asked once; the page is drawn again when some came
  ResultsView.prototype.askLabels = function (shown) {
    var self = this, iris = [];
    shown.forEach(function (r) { r.cells.forEach(function (c) { if (c.iri) { iris.push(c.iri); } }); });
    Q.fetchLabels(iris, this.opts.endpoint).then(function (learnt) {
      if (learnt && self.body.isConnected) { self.render(true); }
      if (self.opts.onLabels) { self.opts.onLabels(); }
    });
  };

  Q.ResultsView = ResultsView;

  // --- the chart -------------------------------------------------------------------------------

  function nameOf(term) {
    if (!term) { return ""; }
    var v = term.value;
    if (term.type === "uri") { v = Q.labelOf(v) || Q.prefixedName(v) || v; }
    return v.length > 40 ? v.slice(0, 39) + "…" : v;
  }

  // A series: every row has a number in one column and one to three others to name it by.
  Q.seriesOf = function (data) {
    var vars = data.head.vars, rows = data.results.bindings;
    if (rows.length < 2 || rows.length > 200 || vars.length < 2) { return null; }
    for (var j = vars.length - 1; j >= 0; j -= 1) {
      var numeric = rows.every(function (b) { return isNumber(b[vars[j]]); });
      if (!numeric) { continue; }
      var labelVars = vars.filter(function (v, k) { return k !== j; });
      if (labelVars.length > 3) { return null; }
      return { label: labelVars.join(", ?"), value: vars[j], points: rows.map(function (b) {
        return { name: labelVars.map(function (v) { return nameOf(b[v]); }).filter(Boolean).join(" · "),
                 value: Number(b[vars[j]].value) };
      }) };
    }
    return null;
  };

  function svgEl(name, attrs, text) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  Q.drawChart = function (root, series) {
    root.textContent = "";
    var row = 22, labelW = 420, width = 860, top = 8;
    var height = top * 2 + row * series.points.length;
    var biggest = Math.max.apply(null, series.points.map(function (p) { return Math.abs(p.value); })) || 1;
    var plot = width - labelW - 70;
    var title = "?" + series.value + " by ?" + series.label;
    var svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height,
      role: "img", "aria-label": title, "class": "chart" });
    svg.appendChild(svgEl("title", {}, title));
    series.points.forEach(function (p, i) {
      var y = top + i * row, w = Math.max(1, plot * Math.abs(p.value) / biggest);
      svg.appendChild(svgEl("text", { x: labelW - 6, y: y + 15, "text-anchor": "end" }, p.name));
      var rect = svgEl("rect", { x: labelW, y: y + 3, width: w.toFixed(1), height: row - 6 });
      rect.appendChild(svgEl("title", {}, p.name + ": " + p.value));
      svg.appendChild(rect);
      svg.appendChild(svgEl("text", { x: (labelW + w + 4).toFixed(1), y: y + 15, "class": "count" }, String(p.value)));
    });
    root.appendChild(svg);
  };
}(window));
