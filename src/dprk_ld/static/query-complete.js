// Completion in the query editor: after a prefix ("dprk:", "skos:su"), the properties, classes
// and concepts of the dataset in that namespace (most used first); after two letters that start
// a prefix and no keyword ("sk"), the prefixes; after "PREFIX ", the whole declaration.
// Arrow keys choose, Enter or Tab takes, Escape closes; Ctrl+Space asks at any place.
(function (global) {
  "use strict";
  var Q = global.dprkQuery = global.dprkQuery || {};
  var MAX_ITEMS = 12;
  var PNAME = /(?:^|[^\w:<?$"'.\\-])((?:[A-Za-z][\w.-]*)?):((?:[\w.-]|\\.)*)$/;
  var WORD = /(?:^|[^\w:<?$"'.\\-])([A-Za-z][\w-]*)$/;
  var DECLARE = /\bPREFIX\s+([A-Za-z][\w.-]*)?$/i;

  function keywordStarts(word) {
    var up = word.toUpperCase();
    return (global.dprkKeywords || []).some(function (k) { return k.indexOf(up) === 0; });
  }

  // the line before the caret is code, not a comment or an open string or IRI
  function inCode(line) {
    var stripped = line.replace(/<[^<>\s]*>|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "");
    return !/[#"'<]/.test(stripped);
  }

  function termsIn(vocab, prefix, local) {
    var ns = (vocab.prefixes || {})[prefix];
    if (ns === undefined) { return []; }
    var low = local.toLowerCase(), out = [];
    [["properties", "property"], ["classes", "class"], ["concepts", "concept"]].forEach(function (kind) {
      (vocab[kind[0]] || []).forEach(function (t) {
        if (!t.name || t.iri.indexOf(ns) !== 0) { return; }
        var name = t.name.slice(t.name.indexOf(":") + 1);
        if (t.name.slice(0, t.name.indexOf(":")) !== prefix) { return; }
        if (name.toLowerCase().indexOf(low) !== 0) { return; }
        out.push({ insert: t.name, shown: t.name, label: t.label || "", kind: kind[1],
                   count: t.count, comment: t.comment || "" });
      });
    });
    out.sort(function (a, b) { return (b.count || 0) - (a.count || 0) || a.shown.localeCompare(b.shown); });
    return out;
  }

  function prefixItems(prefixes, start, declare) {
    return Object.keys(prefixes).filter(function (p) { return p.indexOf(start) === 0; }).sort()
      .map(function (p) {
        return { insert: declare ? p + ": <" + prefixes[p] + ">" : p + ":", shown: p + ":",
                 label: prefixes[p], kind: "prefix", reopen: !declare };
      });
  }

  // what to offer at the caret: { from: offset of the text replaced, items: [...] }
  function candidates(text, caret, vocab, asked) {
    var before = text.slice(0, caret), line = before.slice(before.lastIndexOf("\n") + 1);
    if (!inCode(line)) { return null; }
    var prefixes = (vocab && vocab.prefixes) || Q.prefixes();
    var m = DECLARE.exec(line);
    if (m) { return { from: caret - (m[1] || "").length, items: prefixItems(prefixes, m[1] || "", true) }; }
    m = PNAME.exec(line);
    if (m && vocab) {
      return { from: caret - m[1].length - 1 - m[2].length, items: termsIn(vocab, m[1], m[2]) };
    }
    m = WORD.exec(line);
    if (m && (asked || (m[1].length >= 2 && !keywordStarts(m[1])))) {
      return { from: caret - m[1].length, items: prefixItems(prefixes, m[1], false) };
    }
    return null;
  }

  // where the caret is, in pixels inside the editor: measured on the highlighted copy
  function caretPoint(editor, code) {
    var pre = code.parentNode, saved = code.innerHTML;
    code.textContent = editor.value.slice(0, editor.selectionStart);
    var mark = document.createElement("span");
    mark.textContent = "\u200b";
    code.appendChild(mark);
    var box = mark.getBoundingClientRect(), outer = pre.getBoundingClientRect();
    code.innerHTML = saved;
    return { left: box.left - outer.left, top: box.bottom - outer.top };
  }

  Q.attachCompletion = function (editor, code, list, vocabularyUrl, changed) {
    var vocab = null, open = null, active = 0, quiet = false, typed = false;
    Q.loadVocabulary(vocabularyUrl).then(function (v) {
      vocab = v;
      // what was typed before the vocabulary arrived was offered no terms: offer them now
      if (typed && document.activeElement === editor) { show(false); }
    });

    function close() {
      open = null;
      list.hidden = true;
      list.textContent = "";
      editor.removeAttribute("aria-activedescendant");
    }

    function mark() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.classList.toggle("active", i === active);
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        if (i === active) { editor.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({ block: "nearest" }); }
      });
    }

    function take(item) {
      var caret = editor.selectionStart;
      editor.value = editor.value.slice(0, open.from) + item.insert + editor.value.slice(caret);
      var at = open.from + item.insert.length;
      editor.setSelectionRange(at, at);
      close();
      quiet = !item.reopen;
      changed();
      quiet = false;
      if (item.reopen) { show(false); }
    }

    function show(asked) {
      var found = candidates(editor.value, editor.selectionStart, vocab, asked);
      if (!found || !found.items.length) { close(); return; }
      open = { from: found.from, items: found.items.slice(0, MAX_ITEMS) };
      active = 0;
      list.textContent = "";
      open.items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = "completion-" + i;
        li.setAttribute("role", "option");
        li.title = item.comment || item.label || "";
        var name = document.createElement("code");
        name.textContent = item.shown;
        li.appendChild(name);
        var more = document.createElement("span");
        more.className = "what";
        more.textContent = (item.label ? item.label + " · " : "") + item.kind +
          (item.count ? " · " + item.count : "");
        li.appendChild(more);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); take(item); });
        list.appendChild(li);
      });
      var point = caretPoint(editor, code);
      list.style.left = Math.max(0, Math.min(point.left, editor.clientWidth - 320)) + "px";
      list.style.top = point.top + 2 + "px";
      list.hidden = false;
      mark();
    }

    editor.addEventListener("input", function (event) {
      typed = true;
      if (quiet || (event.inputType && event.inputType.indexOf("delete") === 0 && !open)) { close(); return; }
      show(false);
    });
    editor.addEventListener("blur", close);
    editor.addEventListener("click", close);
    editor.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === " ") { event.preventDefault(); show(true); return; }
      if (!open) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : open.items.length - 1)) % open.items.length;
        mark();
      } else if ((event.key === "Enter" || event.key === "Tab") && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        take(open.items[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    return { close: close, show: show };
  };
}(window));
