//! A code block's tokens: tree-sitter parses it with the language's grammar, the grammar's
//! highlight query names its parts (`@keyword`, `@string.special`…), and those names become
//! the theme's short tags (`k`, `s`…), flattened so each byte has at most one tag (the
//! innermost node's; for two captures of one node, the later pattern's, as tree-sitter
//! means).
//!
//! This drives arborium's grammars and tree-sitter directly rather than through arborium's
//! `Highlighter`, which allocates a string per capture, deduplicates through a hash map
//! and sorts three times: on the benchmark corpus that overhead was a quarter of the
//! highlighting time (about 97 µs a block against 73 µs here, parse and query included).
//!
//! A grammar's injections query (where another language is embedded) is compiled into the
//! same query as its highlights, ahead of them, as tree-sitter's own highlighter does: each
//! query run walks the whole tree, and for a Rust block a second walk for injections alone
//! cost two thirds as much as the highlights' (16 against 26 µs).
//!
//! Where every pattern of a grammar's queries has a shape it takes, [`Walker`] runs them as
//! one walk of the tree instead of tree-sitter's query cursor, in about half the cursor's
//! time (0.37-0.62x on the benchmark's code blocks); the other grammars keep the cursor.
//!
//! Grammars are made ready once per process, the first time a block of their language is
//! met, and shared by every thread; each thread keeps its own parser and query cursor. A
//! walked grammar's queries are read by [`Walker`] alone: tree-sitter's compilation of
//! them (10-50 ms each) is left out.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use arborium::tree_sitter::{
    Language, Parser, Query, QueryCursor, QueryMatch, StreamingIterator, Tree,
};

use super::walk::{Found, Walker};

/// A run of bytes with one tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Token {
    pub start: u32,
    pub end: u32,
    /// The theme's short tag (`k` keyword, `s` string…): the CSS class is `hl-` + tag.
    pub tag: &'static str,
}

/// How deep a language may be embedded in another (Rust in a macro in Rust, CSS in HTML).
const MAX_INJECTION_DEPTH: u32 = 2;

/// The grammars compiled in, by the canonical names `super::canonical` gives.
const LANGUAGES: [&str; 22] = [
    "bash",
    "c",
    "c-sharp",
    "cpp",
    "css",
    "diff",
    "dockerfile",
    "go",
    "html",
    "java",
    "javascript",
    "json",
    "kotlin",
    "make",
    "markdown",
    "python",
    "rust",
    "sql",
    "swift",
    "toml",
    "typescript",
    "yaml",
];

/// The grammar of `lang` (a canonical name), compiled the first time any thread asks; None
/// when sitegen has none for it. Each language compiles on its own, so two threads meeting
/// two new languages compile them at once, and one language is never compiled twice.
fn grammar(lang: &str) -> Option<&'static Grammar> {
    static COMPILED: [OnceLock<Option<Grammar>>; LANGUAGES.len()] =
        [const { OnceLock::new() }; LANGUAGES.len()];
    let index = LANGUAGES.iter().position(|l| *l == lang)?;
    COMPILED[index]
        .get_or_init(|| Grammar::compile(lang))
        .as_ref()
}

/// A grammar, and its highlights (and injections) queries as a [`Walker`] or as compiled
/// by tree-sitter.
struct Grammar {
    language: Language,
    highlights: &'static str,
    injections: &'static str,
    /// The queries as one walk of the tree, where all their patterns have a shape
    /// [`Walker`] takes.
    walker: Option<Walker>,
    /// tree-sitter's compilation of the queries: made with the grammar where there is no
    /// walker; where there is, only if asked for (by the tests that compare the two), as
    /// it costs more than the walker's reading (see [`Walker::compile`]).
    compiled: OnceLock<Option<Compiled>>,
}

/// A grammar's queries compiled by tree-sitter, each capture's tag worked out once.
struct Compiled {
    /// The injections patterns (if any), then the highlights patterns.
    query: Query,
    /// By capture index of `query`: the tag, or None for captures the theme leaves
    /// uncoloured (and `_`-prefixed helper captures, and the injections' captures).
    tags: Vec<Option<&'static str>>,
    injections: Injections,
}

/// Where the query's injections patterns are, and their captures.
struct Injections {
    /// Patterns below this index are injections; the highlights' start here.
    patterns: usize,
    content: Option<u32>,
    language: Option<u32>,
}

impl Grammar {
    /// None when sitegen has no grammar for `lang`, or tree-sitter cannot compile its
    /// highlights query.
    fn compile(lang: &str) -> Option<Grammar> {
        let (language, highlights, injections) = sources(lang)?;
        let walker = Walker::compile(
            &language,
            injections,
            highlights,
            capture_tag,
            super::canonical,
        );
        let grammar = Grammar {
            language,
            highlights,
            injections,
            walker,
            compiled: OnceLock::new(),
        };
        if grammar.walker.is_none() {
            grammar.compiled()?;
        }
        Some(grammar)
    }

    fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| Compiled::new(&self.language, self.injections, self.highlights))
            .as_ref()
    }
}

impl Compiled {
    fn new(language: &Language, injections: &str, highlights: &str) -> Option<Compiled> {
        // Without a working injections query, highlighting goes on without embedded
        // languages, as it would for a grammar that has none.
        let combined = format!("{injections}\n{highlights}");
        let (query, injections_len) = match injections.trim() {
            "" => (Query::new(language, highlights).ok()?, 0),
            _ => match Query::new(language, &combined) {
                Ok(query) => (query, injections.len()),
                Err(_) => (Query::new(language, highlights).ok()?, 0),
            },
        };
        let patterns = (0..query.pattern_count())
            .find(|&p| query.start_byte_for_pattern(p) >= injections_len)
            .unwrap_or(query.pattern_count());
        let tags = query
            .capture_names()
            .iter()
            .map(|n| capture_tag(n))
            .collect();
        let index = |wanted: &str| {
            query
                .capture_names()
                .iter()
                .position(|n| *n == wanted)
                .map(|i| i as u32)
        };
        let injections = Injections {
            patterns,
            content: index("injection.content"),
            language: index("injection.language"),
        };
        Some(Compiled {
            query,
            tags,
            injections,
        })
    }
}

/// The theme's tag of a capture, or None for captures it leaves uncoloured, `_`-prefixed
/// helper captures and the injections' captures.
fn capture_tag(name: &str) -> Option<&'static str> {
    if name.starts_with('_') || name.starts_with("injection.") {
        return None;
    }
    arborium_theme::highlights::tag_for_capture(name)
}

/// The language, highlights query and injections query of each grammar compiled in.
fn sources(lang: &str) -> Option<(Language, &'static str, &'static str)> {
    macro_rules! grammar {
        ($module:ident) => {{
            let highlights: &'static str = &arborium::$module::HIGHLIGHTS_QUERY;
            let injections: &'static str = &arborium::$module::INJECTIONS_QUERY;
            (arborium::$module::language().into(), highlights, injections)
        }};
    }
    Some(match lang {
        "bash" => grammar!(lang_bash),
        "c" => grammar!(lang_c),
        "c-sharp" => grammar!(lang_c_sharp),
        "cpp" => grammar!(lang_cpp),
        "css" => grammar!(lang_css),
        "diff" => grammar!(lang_diff),
        "dockerfile" => grammar!(lang_dockerfile),
        "go" => grammar!(lang_go),
        "html" => grammar!(lang_html),
        "java" => grammar!(lang_java),
        "javascript" => grammar!(lang_javascript),
        "json" => grammar!(lang_json),
        "kotlin" => grammar!(lang_kotlin),
        "make" => grammar!(lang_make),
        "markdown" => grammar!(lang_markdown),
        "python" => grammar!(lang_python),
        "rust" => grammar!(lang_rust),
        "sql" => grammar!(lang_sql),
        "swift" => grammar!(lang_swift),
        "toml" => grammar!(lang_toml),
        "typescript" => grammar!(lang_typescript),
        "yaml" => grammar!(lang_yaml),
        _ => return None,
    })
}

/// One capture: a byte range, its tag, and what decides between overlapping captures.
#[derive(Clone, Copy)]
pub(super) struct Span {
    pub start: u32,
    pub end: u32,
    /// 0 for the block's language, 1 for a language embedded in it…: embedded wins.
    pub layer: u32,
    pub pattern: u32,
    pub tag: &'static str,
}

thread_local! {
    static PARSER: RefCell<(Parser, QueryCursor, Vec<Span>)> =
        RefCell::new((Parser::new(), QueryCursor::new(), Vec::new()));
}

/// The tokens of `code` in `lang` (canonical name), in order and never overlapping; None
/// when there is no grammar for it or tree-sitter gives up.
pub(super) fn tokens(lang: &str, code: &str) -> Option<Vec<Token>> {
    if let Some(prepared) = take_prepared(lang, code) {
        return prepared;
    }
    tokens_with(lang, code, Engine::Fastest)
}

/// Tokens worked out ahead of their blocks' render ([`super::ahead`]): by code, then by
/// canonical language, what [`tokens`] would give.
type Prepared = HashMap<Box<str>, Vec<(&'static str, Option<Vec<Token>>)>>;

thread_local! {
    static PREPARED: RefCell<Prepared> = RefCell::new(HashMap::new());
}

/// Works out the tokens of `blocks` (canonical language, code), a language at a time, and
/// keeps them on this thread for [`tokens`] to take.
pub(super) fn prepare(mut blocks: Vec<(&'static str, String)>) {
    blocks.sort_by_key(|&(lang, _)| lang);
    for (lang, code) in blocks {
        let found = tokens_with(lang, &code, Engine::Fastest);
        PREPARED.with_borrow_mut(|prepared| {
            prepared
                .entry(code.into_boxed_str())
                .or_default()
                .push((lang, found));
        });
    }
}

/// Drops the tokens [`prepare`] kept on this thread that no render took.
pub(super) fn forget_prepared() {
    PREPARED.with_borrow_mut(HashMap::clear);
}

/// How many blocks' tokens [`prepare`] keeps on this thread.
#[cfg(test)]
pub(super) fn prepared_count() -> usize {
    PREPARED.with_borrow(|prepared| prepared.values().map(Vec::len).sum())
}

fn take_prepared(lang: &str, code: &str) -> Option<Option<Vec<Token>>> {
    PREPARED.with_borrow_mut(|prepared| {
        let langs = prepared.get_mut(code)?;
        let at = langs.iter().position(|&(l, _)| l == lang)?;
        Some(langs.swap_remove(at).1)
    })
}

/// Which of the two ways of running a grammar's highlights to take.
#[derive(Clone, Copy, PartialEq)]
enum Engine {
    /// The grammar's [`Walker`] where it has one, else tree-sitter's query.
    Fastest,
    /// tree-sitter's query always: what the walker is tested against.
    #[cfg(test)]
    Query,
}

fn tokens_with(lang: &str, code: &str, engine: Engine) -> Option<Vec<Token>> {
    let grammar = grammar(lang)?;
    PARSER.with(|cell| {
        let mut state = cell.try_borrow_mut().ok()?;
        let (parser, cursor, spans) = &mut *state;
        spans.clear();
        collect(grammar, parser, cursor, code, 0, 0, spans, engine)?;
        Some(flatten(spans, code.len() as u32))
    })
}

/// Adds the captures of `code` (which starts at byte `offset` of the block) to `spans`,
/// and those of the languages embedded in it.
#[allow(clippy::too_many_arguments)]
fn collect(
    host: &Grammar,
    parser: &mut Parser,
    cursor: &mut QueryCursor,
    code: &str,
    offset: u32,
    layer: u32,
    spans: &mut Vec<Span>,
    engine: Engine,
) -> Option<()> {
    parser.set_language(&host.language).ok()?;
    let tree = parser.parse(code, None)?;
    let source = code.as_bytes();
    let mut embedded = Vec::new();
    let embed = layer < MAX_INJECTION_DEPTH;
    match host.walker.as_ref().filter(|_| engine == Engine::Fastest) {
        Some(walker) => {
            let found = Found {
                spans: &mut *spans,
                embedded: &mut embedded,
            };
            walker.walk(&tree, source, offset, layer, embed, found);
        }
        None => query_captures(
            host.compiled()?,
            cursor,
            &tree,
            source,
            offset,
            layer,
            spans,
            &mut embedded,
        ),
    }
    for (name, range) in embedded {
        let (Some(inner), Some(text)) = (grammar(name), code.get(range.clone())) else {
            continue;
        };
        collect(
            inner,
            parser,
            cursor,
            text,
            offset + range.start as u32,
            layer + 1,
            spans,
            engine,
        );
    }
    Some(())
}

/// Adds the captures of `host`'s query on `tree` to `spans`, and the ranges it embeds
/// another language in to `embedded`.
#[allow(clippy::too_many_arguments)]
fn query_captures(
    host: &Compiled,
    cursor: &mut QueryCursor,
    tree: &Tree,
    source: &[u8],
    offset: u32,
    layer: u32,
    spans: &mut Vec<Span>,
    embedded: &mut Vec<(&'static str, std::ops::Range<usize>)>,
) {
    let injections = &host.injections;
    // `captures` (in document order) rather than `matches`: a fifth faster on the corpus,
    // and the spans come out nearly sorted.
    let mut captures = cursor.captures(&host.query, tree.root_node(), source);
    while let Some((m, index)) = captures.next() {
        let Some(capture) = m.captures.get(*index) else {
            continue;
        };
        if m.pattern_index < injections.patterns {
            // An injection's match comes once per capture: taken at its first content one.
            let first = m
                .captures
                .iter()
                .position(|c| Some(c.index) == injections.content);
            if first == Some(*index) && layer < MAX_INJECTION_DEPTH {
                embedded.extend(injection(&host.query, injections, m, source));
            }
        } else if let Some(Some(tag)) = host.tags.get(capture.index as usize) {
            let node = capture.node;
            spans.push(Span {
                start: offset + node.start_byte() as u32,
                end: offset + node.end_byte() as u32,
                layer,
                pattern: (m.pattern_index - injections.patterns) as u32,
                tag,
            });
        }
    }
}

/// The language and byte range an injection match embeds, when sitegen has the language.
fn injection(
    query: &Query,
    injections: &Injections,
    m: &QueryMatch<'_, '_>,
    source: &[u8],
) -> Option<(&'static str, std::ops::Range<usize>)> {
    let mut name = query
        .property_settings(m.pattern_index)
        .iter()
        .find(|p| &*p.key == "injection.language")
        .and_then(|p| p.value.as_deref())
        .and_then(super::canonical);
    let mut range = None;
    for capture in m.captures {
        if Some(capture.index) == injections.content {
            range = Some(capture.node.byte_range());
        } else if Some(capture.index) == injections.language && name.is_none() {
            name = capture
                .node
                .utf8_text(source)
                .ok()
                .and_then(super::canonical);
        }
    }
    Some((name?, range?))
}

/// Flattens nested and overlapping captures into tokens: at each byte the innermost
/// capture's tag (an embedded language's over its host's; between captures of one range,
/// the later pattern's), adjacent runs of one tag merged.
fn flatten(spans: &mut [Span], len: u32) -> Vec<Token> {
    // Nearly sorted already (see `collect`): the stable sort's run detection makes this
    // close to one pass.
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end), s.layer, s.pattern));
    let mut tokens: Vec<Token> = Vec::with_capacity(spans.len());
    let mut open: Vec<Span> = Vec::new();
    let mut at = 0;
    let emit = |tokens: &mut Vec<Token>, start: u32, end: u32, tag: &'static str| {
        let end = end.min(len);
        if start >= end {
            return;
        }
        match tokens.last_mut() {
            Some(last) if last.tag == tag && last.end == start => last.end = end,
            _ => tokens.push(Token { start, end, tag }),
        }
    };
    for span in spans.iter().filter(|s| s.start < s.end) {
        // Close what ends before this span starts, writing out what each still covers.
        while let Some(top) = open.last().copied() {
            if top.end > span.start {
                break;
            }
            emit(&mut tokens, at, top.end, top.tag);
            at = at.max(top.end);
            open.pop();
        }
        if let Some(top) = open.last() {
            emit(&mut tokens, at, span.start, top.tag);
        }
        at = at.max(span.start);
        open.push(*span);
    }
    while let Some(top) = open.pop() {
        emit(&mut tokens, at, top.end, top.tag);
        at = at.max(top.end);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: u32, end: u32, layer: u32, pattern: u32, tag: &'static str) -> Span {
        Span {
            start,
            end,
            layer,
            pattern,
            tag,
        }
    }

    fn tagged<'c>(code: &'c str, tokens: &[Token]) -> Vec<(&'c str, &'static str)> {
        tokens
            .iter()
            .map(|t| (&code[t.start as usize..t.end as usize], t.tag))
            .collect()
    }

    #[test]
    fn every_language_compiles() {
        for lang in LANGUAGES {
            assert!(grammar(lang).is_some(), "{lang}");
        }
        assert!(grammar("ruby").is_none());
    }

    #[test]
    fn injections_come_first_in_the_highlights_query() {
        for lang in LANGUAGES {
            let (_, _, injections) = sources(lang).expect(lang);
            let compiled = grammar(lang).and_then(Grammar::compiled).expect(lang);
            let has = !injections.trim().is_empty();
            assert_eq!(compiled.injections.patterns > 0, has, "{lang}");
            if has {
                assert!(
                    compiled.injections.content.is_some(),
                    "{lang}: its content capture"
                );
            }
            assert!(
                compiled.query.pattern_count() > compiled.injections.patterns,
                "{lang}: the highlights patterns follow"
            );
        }
    }

    /// The walker reads the queries itself, without tree-sitter's compilation: it must see
    /// the same patterns, of queries tree-sitter takes (the test above: with injections).
    #[test]
    fn the_walker_reads_the_patterns_tree_sitter_reads() {
        let mut compared = 0;
        for lang in LANGUAGES {
            let (language, highlights, injections) = sources(lang).expect(lang);
            let walked = grammar(lang).expect(lang).walker.is_some();
            for source in [injections, highlights] {
                let query = Query::new(&language, source).expect(lang);
                let (ours, theirs) = super::super::walk::patterns_both_ways(&query, source);
                // Where the reader does not take the text (anchors...), nothing to compare.
                if ours.is_empty() && !walked {
                    continue;
                }
                assert_eq!(ours, theirs, "{lang}");
                compared += ours.len();
            }
        }
        assert!(compared > 600, "{compared} patterns compared");
    }

    #[test]
    fn the_innermost_capture_wins_and_runs_merge() {
        // A string (0..10) holding an escape (4..6); a second capture of the same range by a
        // later pattern wins; an embedded language's capture beats its host's.
        let mut spans = vec![
            span(0, 10, 0, 1, "s"),
            span(4, 6, 0, 1, "e"),
            span(12, 15, 0, 1, "v"),
            span(12, 15, 0, 5, "f"),
            span(20, 24, 1, 0, "k"),
            span(20, 30, 0, 9, "s"),
            span(30, 32, 0, 1, "s"),
        ];
        let tokens = flatten(&mut spans, 40);
        let shape: Vec<(u32, u32, &str)> = tokens.iter().map(|t| (t.start, t.end, t.tag)).collect();
        assert_eq!(
            shape,
            [
                (0, 4, "s"),
                (4, 6, "e"),
                (6, 10, "s"),
                (12, 15, "f"),
                (20, 24, "k"),
                (24, 32, "s"),
            ]
        );
    }

    /// Code in each language the walker takes, written for these tests, with the shapes
    /// its patterns name: calls, fields, constants by case, literals, comments.
    const WALKED: [(&str, &str); 15] = [
        (
            "bash",
            "#!/bin/bash\n# 部署脚本\nset -euo pipefail\nVERSION=\"1.2.0\"\nfor f in *.md; do\n  echo \"处理 $f\" >> \"${LOG:-/tmp/log}\"\n  grep -c '标题' \"$f\" || true\ndone\nif [ -n \"$CI\" ]; then\n  ./build.sh --release -j 2\nfi\n",
        ),
        (
            "c",
            "#include <stdio.h>\n#define MAX_LEN 64\n/* 统计字数 */\nstatic int count(const char *s, size_t n) {\n  int total = 0;\n  for (size_t i = 0; i < n && s[i] != '\\0'; i++) {\n    total += s[i] == ' ' ? 1 : 0;\n  }\n  return total;\n}\nint main(void) {\n  struct point p = { .x = 1, .y = 2 };\n  printf(\"%d\\n\", count(\"a b\", MAX_LEN) + p.x);\n  return 0;\n}\n",
        ),
        (
            "css",
            "/* 深色模式 */\n@media (prefers-color-scheme: dark) {\n  :root { --bg: #111; }\n  .article > h1::after, a:hover {\n    color: rgb(200 200 200 / 80%);\n    margin: 0 auto !important;\n    font-family: \"Noto Sans SC\", sans-serif;\n  }\n}\n",
        ),
        (
            "diff",
            "diff --git a/config.toml b/config.toml\n--- a/config.toml\n+++ b/config.toml\n@@ -1,3 +1,3 @@\n title = \"科技资讯\"\n-paginate = 10\n+paginate = 20\n",
        ),
        (
            "dockerfile",
            "# 构建镜像\nFROM rust:1.93-bookworm AS build\nARG VERSION=dev\nWORKDIR /src\nCOPY . .\nRUN cargo build --release && strip target/release/sitegen\nFROM alpine:3.22\nENV LANG=C.UTF-8\nCOPY --from=build /src/target/release/sitegen /usr/local/bin/\nEXPOSE 1313\nCMD [\"sitegen\", \"serve\"]\n",
        ),
        (
            "go",
            "package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\n// Article 是一篇稿件\ntype Article struct {\n\tTitle string `json:\"title\"`\n\tTags  []string\n}\n\nconst MaxTags = 8\n\nfunc (a *Article) Summary(n int) string {\n\tparts := make([]string, 0, len(a.Tags))\n\tfor _, t := range a.Tags {\n\t\tparts = append(parts, strings.ToUpper(t))\n\t}\n\treturn fmt.Sprintf(\"%s (%d)\", a.Title, n)\n}\n",
        ),
        (
            "html",
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<!-- 页头 -->\n<head><title>科技资讯</title>\n<style>.hot > a { color: #c00; }</style></head>\n<body class=\"home\">\n  <a href=\"/资讯/\" data-n=1>资讯 &amp; 快讯</a>\n  <script>const tags = [\"芯片\"]; if (tags.length > 0) { render(tags); }</script>\n</body>\n</html>\n",
        ),
        (
            "json",
            "{\n  \"title\": \"芯片出口新规\",\n  \"tags\": [\"半导体\", \"政策\"],\n  \"draft\": false,\n  \"weight\": 3.5,\n  \"author\": null,\n  \"extra\": { \"source\": \"路透\\n社\" }\n}\n",
        ),
        (
            "python",
            "import re\nfrom dataclasses import dataclass\n\nMAX_WORDS = 400\n\n@dataclass\nclass Article:\n    title: str\n    tags: list[str]\n\n    def summary(self, n: int = 3) -> str:\n        \"\"\"取前几句作摘要\"\"\"\n        words = re.split(r\"[。！？]\", self.title)\n        print(f\"{len(words)} 句, {self.title!r:>10}\")\n        return \"\".join(words[:n]) if words else None\n\nfor a in [Article(\"芯片\", [])]:\n    assert isinstance(a, Article), a.tags\n",
        ),
        (
            "rust",
            "use std::collections::HashMap;\n\n/// 一篇稿件\n#[derive(Debug, Clone)]\npub struct Article<'a> {\n    title: &'a str,\n    tags: Vec<String>,\n}\n\nconst MAX_TAGS: usize = 8;\n\nimpl<'a> Article<'a> {\n    fn count(&self) -> HashMap<&str, usize> {\n        let mut seen = HashMap::<&str, usize>::new();\n        for tag in self.tags.iter().take(MAX_TAGS) {\n            *seen.entry(tag.as_str()).or_default() += 1;\n        }\n        println!(\"{} 个标签\", seen.len());\n        std::mem::take(&mut seen)\n    }\n}\n\nmacro_rules! title { ($a:expr) => { $a.title }; }\n",
        ),
        (
            "sql",
            "-- 每月稿件数\nSELECT date_trunc('month', published) AS month, COUNT(*) AS n\nFROM articles a\nJOIN tags t ON t.article_id = a.id\nWHERE t.name IN ('芯片', 'AI') AND a.draft = false\nGROUP BY 1\nORDER BY n DESC\nLIMIT 12;\nUPDATE articles SET weight = CAST('3' AS integer) WHERE id = 42;\n",
        ),
        (
            "swift",
            "import Foundation\n\n// 一篇稿件\nstruct Article: Codable {\n    let title: String\n    var tags: [String] = []\n\n    func summary(limit n: Int = 3) -> String? {\n        guard !title.isEmpty else { return nil }\n        let words = title.split(separator: \"。\")\n        return words.prefix(n).joined(separator: \"，\") + \"\\(n)\"\n    }\n}\n\nlet a = Article(title: \"芯片出口新规\")\nprint(a.summary() ?? \"\", 3.5, true)\n",
        ),
        (
            "toml",
            "# 站点设置\ntitle = \"科技资讯\"\nbase_url = 'https://example.com/'\n[markdown]\nhighlight = true\nlevels = [1, 2.5, -3]\n[[menus.main]]\nname = \"首页\"\ndate = 2024-03-11T08:00:00+08:00\n",
        ),
        (
            "typescript",
            "// 稿件类型\nimport { readFile } from \"fs/promises\";\nexport interface Article { title: string; tags?: string[]; weight: number }\nconst MAX = 8;\nexport async function load(path: string): Promise<Article[]> {\n  const raw = await readFile(path, \"utf8\");\n  const list = JSON.parse(raw) as Article[];\n  return list.filter((a) => a.weight > 0 && !a.title.startsWith(\"草稿\")).slice(0, MAX);\n}\nclass Feed<T extends Article> {\n  private items: T[] = [];\n  add(item: T): void { this.items.push(item); console.log(`共 ${this.items.length} 篇`); require(\"x\"); }\n}\n",
        ),
        (
            "yaml",
            "# 文章元数据\ntitle: 大模型价格战\ndate: 2024-03-11\ntags: [人工智能, \"云计算\"]\nauthors:\n  - name: 张三\n    weight: 2\ndraft: false\nsummary: |\n  第一段\n  第二段\nref: &base {a: 1, 'b': null}\ncopy: *base\n",
        ),
    ];

    /// `code`, and copies of it cut short, with a character taken out or a stray bracket,
    /// quote or colon put in at five places: the syntax errors real snippets have.
    fn with_errors(code: &str) -> Vec<String> {
        let mut variants = vec![code.to_string()];
        for k in 1..6 {
            let at = (0..=code.len() * k / 6)
                .rev()
                .find(|&i| code.is_char_boundary(i))
                .unwrap_or(0);
            variants.push(code[..at].to_string());
            let mut without = code.to_string();
            if let Some(c) = code[at..].chars().next() {
                without.replace_range(at..at + c.len_utf8(), "");
            }
            variants.push(without);
            for stray in [")", "{", "\"", "'", "]", ":", "<"] {
                let mut with = code.to_string();
                with.insert_str(at, stray);
                variants.push(with);
            }
        }
        variants
    }

    #[test]
    fn the_walker_takes_every_grammar_whose_patterns_have_its_shape() {
        let walked: Vec<&str> = LANGUAGES
            .into_iter()
            .filter(|lang| grammar(lang).expect(lang).walker.is_some())
            .collect();
        let expected: Vec<&str> = WALKED.iter().map(|(lang, _)| *lang).collect();
        assert_eq!(walked, expected);
        // One whose patterns the walk does not take keeps tree-sitter's query: javascript's
        // injections name their language by a capture.
        assert!(grammar("javascript").expect("javascript").walker.is_none());
    }

    #[test]
    fn the_walker_gives_the_query_tokens_with_and_without_syntax_errors() {
        for (lang, code) in WALKED {
            let query = tokens_with(lang, code, Engine::Query).expect(lang);
            assert!(query.len() >= 5, "{lang}: only {} tokens", query.len());
            for variant in with_errors(code) {
                assert_eq!(
                    tokens_with(lang, &variant, Engine::Query),
                    tokens_with(lang, &variant, Engine::Fastest),
                    "{lang}:\n{variant}"
                );
            }
        }
    }

    #[test]
    fn embedded_languages_are_highlighted() {
        let html = "<p>hi</p>\n<script>const a = 1;</script>\n<style>p { color: red; }</style>\n";
        let found = tagged(html, &tokens("html", html).expect("html"));
        assert!(found.contains(&("const", "k")), "{found:?}");
        assert!(found.iter().any(|(text, _)| *text == "color"), "{found:?}");
        let rust = "fn main() {\n    println!(\"你好 {}\", 1);\n}\n";
        let found = tagged(rust, &tokens("rust", rust).expect("rust"));
        assert!(found.contains(&("\"你好 {}\"", "s")), "{found:?}");
    }
}
