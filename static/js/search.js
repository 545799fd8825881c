/*
 * Site search for sitegen: queries the sharded index under search/ that `sitegen build`
 * writes (format: docs/search.md). Plain JavaScript, no library.
 *
 * The tokeniser, the shard hash, the postings decoder and the ranking mirror
 * src/search/{tokenize,postings,query}.rs exactly: a term cut differently here than at
 * build time is a term that never matches, so change both sides together.
 *
 * Article text is only ever put into the page with textContent / text nodes, never as HTML.
 */
(function () {
  "use strict";

  var FORMAT = 2;
  var MAX_WORD = 24;
  var PAGE = 20; // hits shown at once; "more" shows the next PAGE
  var DEBOUNCE_MS = 200;
  var LAST = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
  var MORE = "WXYZabcdefghijklmnopqrstuvwxyz-_";

  // ---- tokeniser (src/search/tokenize.rs) ----

  function isCjk(cp) {
    return cp === 0x3007 ||
      (cp >= 0x3041 && cp <= 0x3096) ||
      (cp >= 0x30a1 && cp <= 0x30fa) ||
      cp === 0x30fc ||
      (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0x20000 && cp <= 0x3134f);
  }

  /* Full-width ASCII letters and digits count as ASCII; returns the folded code point. */
  function fold(cp) {
    if ((cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a) || (cp >= 0xff41 && cp <= 0xff5a)) {
      cp -= 0xfee0;
    }
    if (cp >= 0x41 && cp <= 0x5a) cp += 0x20;
    return cp;
  }

  function isWordChar(cp) {
    return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a);
  }

  /*
   * The query's terms: lower-cased ASCII words (at most MAX_WORD characters kept), the
   * bigrams of every CJK run, or the character of a one-character run. Distinct, in order.
   */
  function tokenize(text) {
    var out = [];
    var seen = Object.create(null);
    function emit(t) {
      if (!seen[t]) { seen[t] = true; out.push(t); }
    }
    var word = "";
    var run = []; // the CJK run so far, as strings
    function endRun() {
      if (run.length === 1) emit(run[0]);
      run = [];
    }
    function endWord() {
      if (word) emit(word.slice(0, MAX_WORD));
      word = "";
    }
    for (var ch of text) {
      var cp = fold(ch.codePointAt(0));
      if (isWordChar(cp)) {
        endRun();
        word += String.fromCharCode(cp);
      } else if (isCjk(cp)) {
        endWord();
        if (run.length) emit(run[run.length - 1] + ch);
        run.push(ch);
      } else {
        endRun();
        endWord();
      }
    }
    endRun();
    endWord();
    return out;
  }

  /* FNV-1a, 32-bit, over the UTF-8 bytes: the term's shard is fnv1a(term) % shards. */
  var encoder = new TextEncoder();
  function fnv1a(term) {
    var h = 0x811c9dc5;
    var bytes = encoder.encode(term);
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
  }

  // ---- postings (src/search/postings.rs) ----

  var DIGIT = {};
  for (var d = 0; d < 32; d++) {
    DIGIT[LAST.charCodeAt(d)] = d;
    DIGIT[MORE.charCodeAt(d)] = d + 32;
  }

  /* "…" → {ids: [...], codes: [...]}, ids ascending; null when malformed. */
  function decode(text) {
    var ids = [], codes = [];
    var next = 0, v = 0, mult = 1;
    for (var i = 0; i < text.length; i++) {
      var d = DIGIT[text.charCodeAt(i)];
      if (d === undefined) return null;
      v += (d & 31) * mult;
      if (d >= 32) { mult *= 32; continue; }
      var id = next + Math.floor(v / 32);
      var code = v % 32;
      if (code === 0) return null;
      ids.push(id);
      codes.push(code);
      next = id + 1;
      v = 0;
      mult = 1;
    }
    return mult === 1 ? { ids: ids, codes: codes } : null;
  }

  function weight(code) {
    return (code & 1 ? 24 : 0) + (code & 2 ? 16 : 0) + (code & 4 ? 6 : 0) + ((code >> 3) & 3);
  }

  // ---- the index, fetched lazily and cached per page load ----

  function Index(base) {
    this.base = base;
    this.meta = null;
    this.files = {};
  }

  Index.prototype.fetch = function (path, fresh) {
    var self = this;
    if (!this.files[path]) {
      var url = this.base + path + (self.meta ? "?v=" + encodeURIComponent(self.meta.version) : "");
      this.files[path] = fetch(url, fresh ? { cache: "no-cache" } : {}).then(function (r) {
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.json();
      });
      this.files[path].catch(function () { delete self.files[path]; });
    }
    return this.files[path];
  };

  /* meta.json is revalidated, and its version tags every other URL, so that a browser never
     mixes shards of one build with article ids of another. */
  Index.prototype.loadMeta = function () {
    var self = this;
    return this.fetch("meta.json", true).then(function (meta) {
      if (meta.format !== FORMAT || !(meta.shards > 0) || !(meta.chunk > 0)) {
        throw new Error("unsupported search index format " + meta.format);
      }
      self.meta = meta;
      return meta;
    });
  };

  /* All hits for `terms` (ANDed), best first: [{id, score}]. */
  Index.prototype.search = function (terms) {
    var self = this;
    return this.loadMeta().then(function (meta) {
      var shardOf = terms.map(function (t) { return fnv1a(t) % meta.shards; });
      var wanted = shardOf.filter(function (s, i) { return shardOf.indexOf(s) === i; });
      return Promise.all(wanted.map(function (s) { return self.fetch("shards/" + s + ".json"); }))
        .then(function (loaded) {
          var lists = [];
          for (var i = 0; i < terms.length; i++) {
            var shard = loaded[wanted.indexOf(shardOf[i])];
            var encoded = Object.prototype.hasOwnProperty.call(shard, terms[i]) ? shard[terms[i]] : null;
            var list = typeof encoded === "string" ? decode(encoded) : null;
            if (!list) return [];
            lists.push(list);
          }
          return intersect(lists);
        });
    });
  };

  function intersect(lists) {
    lists.sort(function (a, b) { return a.ids.length - b.ids.length; });
    var hits = lists[0].ids.map(function (id, i) { return { id: id, score: weight(lists[0].codes[i]) }; });
    for (var l = 1; l < lists.length; l++) {
      var ids = lists[l].ids, codes = lists[l].codes, j = 0, kept = [];
      for (var h = 0; h < hits.length; h++) {
        while (j < ids.length && ids[j] < hits[h].id) j++;
        if (j < ids.length && ids[j] === hits[h].id) {
          hits[h].score += weight(codes[j]);
          kept.push(hits[h]);
        }
      }
      hits = kept;
    }
    // Best score first; ids are oldest first, so ties go to the newer article.
    hits.sort(function (a, b) { return b.score - a.score || b.id - a.id; });
    return hits;
  }

  /* Article rows [title, url, date, summary] for `hits`, fetching only their chunks. */
  Index.prototype.rows = function (hits) {
    var self = this, chunk = this.meta.chunk;
    return Promise.all(hits.map(function (h) {
      return self.fetch("docs/" + Math.floor(h.id / chunk) + ".json").then(function (rows) {
        return rows[h.id % chunk] || null;
      });
    }));
  };

  // ---- highlighting ----

  /*
   * Appends `text` to `parent` with the query's words marked. A Latin term marks its
   * case-insensitive occurrences; a CJK term (bigram or character) marks its occurrences,
   * so that a phrase lights up as one stretch. Built from text nodes and <mark> elements.
   */
  function appendMarked(parent, text, terms) {
    var chars = Array.from(text);
    var folded = chars.map(function (c) {
      var cp = fold(c.codePointAt(0));
      return isWordChar(cp) ? String.fromCharCode(cp) : c;
    });
    var marked = new Array(chars.length).fill(false);
    terms.forEach(function (term) {
      var t = Array.from(term);
      var latin = isWordChar(t[0].codePointAt(0));
      for (var i = 0; i + t.length <= chars.length; i++) {
        var k = 0;
        while (k < t.length && folded[i + k] === t[k]) k++;
        if (k < t.length) continue;
        // A Latin term must be a whole word here (or the word's first MAX_WORD letters).
        if (latin && i > 0 && isWordChar(folded[i - 1].codePointAt(0))) continue;
        if (latin && t.length < MAX_WORD && i + k < chars.length && isWordChar(folded[i + k].codePointAt(0))) continue;
        for (k = 0; k < t.length; k++) marked[i + k] = true;
      }
    });
    var start = 0;
    for (var i = 1; i <= chars.length; i++) {
      if (i === chars.length || marked[i] !== marked[start]) {
        var piece = chars.slice(start, i).join("");
        if (marked[start]) {
          var m = document.createElement("mark");
          m.textContent = piece;
          parent.appendChild(m);
        } else {
          parent.appendChild(document.createTextNode(piece));
        }
        start = i;
      }
    }
  }

  // ---- the page ----

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function resultItem(row, terms) {
    var item = el("article", "item search-hit");
    var body = el("div", "item-body");
    var h2 = el("h2", "item-title");
    var a = el("a");
    a.href = row[1];
    appendMarked(a, row[0], terms);
    h2.appendChild(a);
    body.appendChild(h2);
    var meta = el("p", "meta");
    var time = el("time", null, row[2]);
    time.setAttribute("datetime", row[2]);
    meta.appendChild(time);
    body.appendChild(meta);
    if (row[3]) {
      var summary = el("p", "summary");
      appendMarked(summary, row[3], terms);
      body.appendChild(summary);
    }
    item.appendChild(body);
    return item;
  }

  // ---- messages: the site's language, from the page (src/i18n, data-strings) ----

  var DEFAULT_MESSAGES = {
    search_need_words: "请输入中文词语或英文单词",
    search_running: "正在搜索…",
    search_found: "找到 {n} 篇与“{query}”相关的文章",
    search_none: "没有找到与“{query}”相关的文章",
    search_failed: "搜索索引加载失败，请稍后再试。"
  };

  /* The messages the page carries in data-strings (JSON), else the zh-CN ones. */
  function messages(root) {
    var out = {};
    var given = {};
    try {
      given = JSON.parse(root.getAttribute("data-strings") || "{}") || {};
    } catch (e) {
      given = {};
    }
    for (var k in DEFAULT_MESSAGES) {
      out[k] = typeof given[k] === "string" ? given[k] : DEFAULT_MESSAGES[k];
    }
    return out;
  }

  /* Replaces each {name} of text by params[name]. */
  function fill(text, params) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? params[name] : all;
    });
  }

  function start() {
    var root = document.getElementById("search-app");
    if (!root) return;
    var form = root.querySelector("form");
    var input = root.querySelector("input[name=q]");
    var status = root.querySelector(".search-status");
    var list = root.querySelector(".search-results");
    var moreButton = root.querySelector(".search-more");
    if (!form || !input || !status || !list || !moreButton) return;
    var index = new Index(root.getAttribute("data-index") || "search/");
    var strings = messages(root);
    var seq = 0; // answers to older queries are dropped
    var timer = 0;
    var current = null; // {terms, hits, shown}

    function showMore(mySeq) {
      var page = current.hits.slice(current.shown, current.shown + PAGE);
      moreButton.hidden = true;
      return index.rows(page).then(function (rows) {
        if (mySeq !== seq) return;
        rows.forEach(function (row) {
          if (row) list.appendChild(resultItem(row, current.terms));
        });
        current.shown += page.length;
        moreButton.hidden = current.shown >= current.hits.length;
      });
    }

    function run(query) {
      var mySeq = ++seq;
      var terms = tokenize(query);
      list.textContent = "";
      moreButton.hidden = true;
      current = null;
      if (!terms.length) {
        status.textContent = query.trim() ? strings.search_need_words : "";
        root.removeAttribute("aria-busy");
        return Promise.resolve();
      }
      status.textContent = strings.search_running;
      root.setAttribute("aria-busy", "true");
      return index.search(terms).then(function (hits) {
        if (mySeq !== seq) return;
        current = { terms: terms, hits: hits, shown: 0 };
        var params = { n: String(hits.length), query: query.trim() };
        status.textContent = fill(hits.length ? strings.search_found : strings.search_none, params);
        return showMore(mySeq);
      }).catch(function (e) {
        if (mySeq !== seq) return;
        status.textContent = strings.search_failed;
        if (window.console) console.error(e);
      }).then(function () {
        if (mySeq === seq) root.removeAttribute("aria-busy");
      });
    }

    function remember(query) {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        remember(input.value);
        run(input.value);
      }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      remember(input.value);
      run(input.value);
    });
    moreButton.addEventListener("click", function () {
      if (current) showMore(seq);
    });

    var initial = new URLSearchParams(window.location.search).get("q") || "";
    if (initial) {
      input.value = initial;
      run(initial);
    }
    // The header's search box leads here; on this page the big box does the work.
    var header = document.querySelector(".site-header form.search input[name=q]");
    if (header && initial) header.value = initial;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  // For tests: the pure functions, without the page.
  window.sitegenSearch = { tokenize: tokenize, fnv1a: fnv1a, decode: decode, weight: weight };
})();
