// The "Copy citation" button of a cite block (templates/_cite.html). Without script the button
// stays hidden and the citation is plain text to select. With it, a click copies the text of the
// element the button's data-copy names: through the Clipboard API, else by selecting the text and
// asking the browser to copy it. The button then says so ("Copied", data-state="copied"); when
// neither way works the text is left selected for Ctrl-C (data-state="selected").
(function () {
  "use strict";

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyBySelection(node) {
    selectText(node);
    try {
      return document.execCommand("copy");
    } catch (err) {
      return false;
    }
  }

  function show(button, state, label) {
    button.dataset.state = state;
    button.textContent = label;
    window.clearTimeout(button._citeTimer);
    button._citeTimer = window.setTimeout(function () {
      button.dataset.state = "";
      button.textContent = "Copy citation";
    }, 4000);
  }

  function copy(button) {
    var node = document.getElementById(button.dataset.copy);
    if (!node) {
      return;
    }
    var text = node.textContent.trim();
    var fallback = function () {
      if (copyBySelection(node)) {
        show(button, "copied", "Copied");
      } else {
        show(button, "selected", "Selected: press Ctrl+C");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        show(button, "copied", "Copied");
      }, fallback);
    } else {
      fallback();
    }
  }

  function init() {
    var buttons = document.querySelectorAll("button.cite-copy[data-copy]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.dataset.ready) {
        return;
      }
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
