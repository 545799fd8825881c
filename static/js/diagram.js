/*
 * Diagrams for sitegen: turns each `pre.mermaid` (a ```mermaid fence, its source escaped)
 * into SVG with the mermaid release the site serves itself. Nothing loads from another
 * origin, and where this script does not run the source stays readable as it is.
 *
 * The template loads this file only on pages with a diagram and names the mermaid script
 * in `data-mermaid` (through get_url, so a site under a sub-path works):
 *   <script src=".../js/diagram.js" data-mermaid=".../js/vendor/mermaid-11.17.2.min.js" defer>
 *
 * Vendored: mermaid 11.17.2 (MIT, static/js/vendor/mermaid-LICENSE.txt), dist/mermaid.min.js
 * from the npm tarball, unchanged (sha256 581ed7d74bd9048d0e3a91363927d72ef22942d7722546b27f7cc29e35390eb8).
 * To upgrade: replace the file, keep the version in its name, update base.html.
 */
(function () {
  "use strict";

  var me = document.currentScript;
  var src = me && me.getAttribute("data-mermaid");
  var blocks = document.querySelectorAll("pre.mermaid");
  if (!src || blocks.length === 0) {
    return;
  }
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");
  // The diagrams' sources, kept so they can be drawn again when the colour scheme changes.
  var sources = [];
  for (var i = 0; i < blocks.length; i++) {
    sources.push(blocks[i].textContent);
  }

  function draw() {
    var mermaid = window.mermaid;
    mermaid.initialize({
      startOnLoad: false,
      // No click handlers or HTML labels from the diagram text: it is page content.
      securityLevel: "strict",
      theme: dark && dark.matches ? "dark" : "default",
      // A diagram mermaid cannot read keeps its source rather than an error picture.
      suppressErrorRendering: true,
    });
    for (var i = 0; i < blocks.length; i++) {
      blocks[i].removeAttribute("data-processed");
      blocks[i].textContent = sources[i];
    }
    mermaid
      .run({ nodes: blocks, suppressErrors: true })
      .catch(function (e) {
        if (window.console) {
          console.warn("diagram:", e);
        }
      })
      .then(keepSources);
  }

  // Mermaid empties a block it cannot draw: it shows its source again.
  function keepSources() {
    for (var i = 0; i < blocks.length; i++) {
      if (!blocks[i].querySelector("svg")) {
        blocks[i].textContent = sources[i];
      }
    }
  }

  var script = document.createElement("script");
  script.src = src;
  script.async = true;
  script.onload = function () {
    draw();
    if (dark && dark.addEventListener) {
      dark.addEventListener("change", draw);
    }
  };
  document.head.appendChild(script);
})();
