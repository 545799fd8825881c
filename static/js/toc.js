// The table of contents (templates/partials/toc.html): open beside the text on wide
// screens, collapsed above it on phones, and the section being read marked in it.
// Without this script the contents stay a working, collapsed list of links.
(function () {
  "use strict";
  var toc = document.querySelector(".toc");
  if (!toc) return;
  var details = toc.querySelector("details");
  var wide = window.matchMedia("(min-width: 1200px)");
  function fit() { if (details) details.open = wide.matches; }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);

  var links = {};
  var headings = [];
  toc.querySelectorAll("a[href^='#']").forEach(function (a) {
    var id = decodeURIComponent(a.getAttribute("href").slice(1));
    var h = document.getElementById(id);
    if (h) { links[id] = a; headings.push(h); }
    // On a phone, jumping to a section folds the list away again.
    a.addEventListener("click", function () { if (!wide.matches && details) details.open = false; });
  });
  if (!headings.length) return;

  var current = null;
  function mark(id) {
    if (current === id) return;
    if (current && links[current]) links[current].removeAttribute("aria-current");
    current = id;
    if (id && links[id]) links[id].setAttribute("aria-current", "true");
  }
  // The current section is the last heading above the upper third of the screen; at the
  // end of the page, the last heading on screen (short last sections never reach the top).
  function update() {
    var line = window.innerHeight / 3;
    var atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    var id = headings[0].id;
    for (var i = 0; i < headings.length; i++) {
      var top = headings[i].getBoundingClientRect().top;
      if (top <= line || (atEnd && top < window.innerHeight)) id = headings[i].id; else break;
    }
    mark(id);
  }
  // Browsers fire scroll at most once a frame; a dozen rectangles per event is cheap.
  window.addEventListener("scroll", update, { passive: true });
  window.addEventListener("resize", update);
  update();
})();
