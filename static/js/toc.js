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
  if (!headings.length || !("IntersectionObserver" in window)) return;

  var current = null;
  function mark(id) {
    if (current === id) return;
    if (current && links[current]) links[current].removeAttribute("aria-current");
    current = id;
    if (id && links[id]) links[id].setAttribute("aria-current", "true");
  }
  // The current section is the last heading above the upper third of the screen.
  function update() {
    var line = window.innerHeight / 3;
    var id = headings[0].id;
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top <= line) id = headings[i].id; else break;
    }
    mark(id);
  }
  var observer = new IntersectionObserver(update, { rootMargin: "0px 0px -66% 0px" });
  headings.forEach(function (h) { observer.observe(h); });
  update();
})();
