// Copy buttons for code blocks (issue 14). Standalone: no library, no other script needed.
// Each code block (<pre><code>) in the article body gets a real <button> that copies the code's text: the
// text content of <code>, so line numbers (CSS generated content, css/code.css) stay out.
(function () {
  "use strict";

  var LABEL = "复制";
  var DONE = "已复制";
  var FAILED = "复制失败";

  // The fallback for browsers without the async clipboard API or outside a secure
  // context: select the text in an off-screen textarea and ask the browser to copy it.
  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return copyBySelection(text); }
      );
    }
    return Promise.resolve(copyBySelection(text));
  }

  function show(button, text, done) {
    button.textContent = text;
    button.classList.toggle("done", done);
    clearTimeout(button._reset);
    button._reset = setTimeout(function () {
      button.textContent = LABEL;
      button.classList.remove("done");
    }, 2000);
  }

  function addButton(pre) {
    if (pre.parentNode && pre.parentNode.classList.contains("code-frame")) {
      return;
    }
    var code = pre.querySelector("code");
    var frame = document.createElement("div");
    frame.className = "code-frame";
    pre.parentNode.insertBefore(frame, pre);
    frame.appendChild(pre);

    var button = document.createElement("button");
    button.type = "button";
    button.className = "code-copy";
    button.textContent = LABEL;
    button.setAttribute("aria-label", "复制代码");
    // Screen readers hear "已复制" when the label changes.
    button.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      copy(code.textContent).then(function (ok) {
        show(button, ok ? DONE : FAILED, ok);
      });
    });
    frame.appendChild(button);
  }

  // Code blocks only: a diagram's <pre class="mermaid"> has no <code> and gets no button.
  function init() {
    var codes = document.querySelectorAll(".prose pre > code");
    for (var i = 0; i < codes.length; i++) {
      addButton(codes[i].parentNode);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
