// Terms of the query page: the prefixes every query may use, the vocabulary the endpoint serves
// once (/sparql/vocabulary.json: properties, classes, concepts), IRIs as prefixed names and as
// links to this site, and labels, taken from the results or asked of the endpoint once per IRI.
(function (global) {
  "use strict";
  var Q = global.dprkQuery = global.dprkQuery || {};
  var prefixes = {};      // name -> namespace
  var labels = {};        // IRI -> label, or "" once asked and none found
  var vocabulary = null;  // the promise of /sparql/vocabulary.json
  var MAX_LABELS = 100;   // IRIs asked for in one request
  var LABEL_PROPS = [
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://xmlns.com/foaf/0.1/name"
  ];

  Q.setPrefixes = function (table) { prefixes = table || {}; };
  Q.prefixes = function () { return prefixes; };

  // "dprk:Incident" for an IRI in a known namespace (the longest that fits), else null
  Q.prefixedName = function (iri) {
    var best = null, bestLen = -1;
    Object.keys(prefixes).forEach(function (name) {
      var ns = prefixes[name];
      if (ns.length > bestLen && iri.length > ns.length && iri.indexOf(ns) === 0) {
        best = name + ":" + iri.slice(ns.length);
        bestLen = ns.length;
      }
    });
    return best;
  };

  // the link of an IRI: under the site's base, its page here; else the IRI itself
  Q.localHref = function (iri, base) {
    return base && iri.indexOf(base) === 0 ? "/" + iri.slice(base.length) : iri;
  };

  Q.labelOf = function (iri) { return labels[iri] || ""; };
  Q.setLabel = function (iri, label) { if (label && !labels[iri]) { labels[iri] = label; } };

  // the vocabulary, fetched once; its terms' labels are kept for the results
  Q.loadVocabulary = function (url) {
    if (!vocabulary) {
      vocabulary = fetch(url, { headers: { "Accept": "application/json" } })
        .then(function (resp) { return resp.ok ? resp.json() : null; })
        .then(function (data) {
          if (data) {
            ["properties", "classes", "concepts"].forEach(function (key) {
              (data[key] || []).forEach(function (t) { Q.setLabel(t.iri, t.label); });
            });
          }
          return data;
        })
        .catch(function () { return null; });
    }
    return vocabulary;
  };

  function safeIri(iri) { return !/[<>"{}|^`\\\s]/.test(iri); }

  function better(a, b) {  // label candidates: English, then no language, then by property
    function rank(c) { return (c.lang === "en" || c.lang.indexOf("en-") === 0 ? 0 : c.lang === "" ? 1 : 2) * 10 + c.prop; }
    return rank(a) <= rank(b) ? a : b;
  }

  // Ask the endpoint, once, for the labels of IRIs not known yet (at most MAX_LABELS);
  // resolves to true when it learnt any.
  Q.fetchLabels = function (iris, endpoint) {
    var wanted = [];
    iris.forEach(function (iri) {
      if (!(iri in labels) && safeIri(iri) && wanted.indexOf(iri) < 0 && wanted.length < MAX_LABELS) {
        wanted.push(iri);
      }
    });
    if (!wanted.length) { return Promise.resolve(false); }
    wanted.forEach(function (iri) { labels[iri] = ""; });
    var query = "SELECT ?s ?p ?l WHERE { VALUES ?s { " +
      wanted.map(function (i) { return "<" + i + ">"; }).join(" ") + " } VALUES ?p { " +
      LABEL_PROPS.map(function (p) { return "<" + p + ">"; }).join(" ") + " } ?s ?p ?l }";
    var body = new URLSearchParams();
    body.set("query", query);
    return fetch(endpoint, { method: "POST", body: body,
                             headers: { "Accept": "application/sparql-results+json" } })
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (data) {
        if (!data || !data.results) { return false; }
        var found = {};
        data.results.bindings.forEach(function (b) {
          if (!b.s || !b.l) { return; }
          var c = { text: b.l.value, lang: (b.l["xml:lang"] || "").toLowerCase(),
                    prop: LABEL_PROPS.indexOf(b.p.value) };
          found[b.s.value] = found[b.s.value] ? better(found[b.s.value], c) : c;
        });
        Object.keys(found).forEach(function (iri) { labels[iri] = found[iri].text; });
        return Object.keys(found).length > 0;
      })
      .catch(function () { return false; });
  };
}(window));
