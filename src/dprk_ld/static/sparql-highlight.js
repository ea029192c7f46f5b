// A small SPARQL syntax highlighter: text in, HTML with <span class="tok-…"> out. No dependencies.
(function (global) {
  "use strict";
  var KEYWORDS = ("BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED DISTINCT REDUCED AS " +
    "ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER " +
    "BIND VALUES UNDEF EXISTS NOT IN STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL " +
    "FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER " +
    "YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 " +
    "COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE " +
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR TRUE FALSE").split(" ");
  var KW = {};
  KEYWORDS.forEach(function (k) { KW[k] = true; });
  // order matters: the first alternative that matches at a position wins
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                          // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                             // 3 IRI
    "([?$][A-Za-z0-9_\\u00C0-\\uFFFF]+)",                   // 4 variable
    "((?:[A-Za-z][\\w.-]*)?:[\\w.%-]*)",                    // 5 prefixed name
    "([+-]?(?:\\d+\\.\\d*|\\.\\d+|\\d+)(?:[eE][+-]?\\d+)?)", // 6 number
    "([A-Za-z_][A-Za-z_0-9]*)"                              // 7 word
  ].join("|"), "g");

  function esc(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function span(cls, text) { return "<span class=\"" + cls + "\">" + esc(text) + "</span>"; }

  function highlight(text) {
    var out = "";
    var last = 0;
    var m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex += 1; continue; }
      out += esc(text.slice(last, m.index));
      if (m[1]) { out += span("tok-com", m[1]); }
      else if (m[2]) { out += span("tok-str", m[2]); }
      else if (m[3]) { out += span("tok-iri", m[3]); }
      else if (m[4]) { out += span("tok-var", m[4]); }
      else if (m[5]) { out += span("tok-pn", m[5]); }
      else if (m[6]) { out += span("tok-num", m[6]); }
      else if (KW[m[7].toUpperCase()] || m[7] === "a") { out += span("tok-kw", m[7]); }
      else { out += esc(m[7]); }
      last = TOKEN.lastIndex;
    }
    return out + esc(text.slice(last));
  }

  global.dprkHighlight = highlight;
  global.dprkKeywords = KEYWORDS;  // for the completion: a word that starts one is not a prefix
}(window));
