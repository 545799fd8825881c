//! A grammar's highlights (and injections) query run as one walk of the tree, in place of
//! tree-sitter's query cursor.
//!
//! tree-sitter's query cursor costs about as much as its own walk of the tree, whatever the
//! patterns: disabling nine in ten of them left three quarters of its time
//! (docs/performance.md, "The highlight query's time is its walk"). This walk looks each
//! node's patterns up by its kind instead. Most highlight patterns are one captured node
//! under a chain of parents, each with the field the node below holds in it, and text
//! predicates on the capture (`(identifier) @variable`, `["if" "else"] @keyword`,
//! `((call function: (identifier) @f) (#match? @f "^len$"))`): those are matched at the
//! captured node, looking up. The rest (required children and siblings, captures on several
//! nodes: `(interpolation "{" @p "}" @p) @embedded`) are matched down from their root.
//!
//! A grammar with any pattern of another shape (anchors, quantifiers that require or
//! capture, negated fields, wildcard roots, predicates beyond `#match?`/`#eq?`, injections
//! whose language is a capture) keeps tree-sitter's query whole, so the two never share a
//! tree. (`#is?` and `#is-not?` are ignored, as sitegen's use of the cursor ignores them.)
//! Tests check that both give the same tokens on every grammar walked, on code with and
//! without syntax errors.

use std::ops::Range;

use arborium::tree_sitter::{Language, Node, Tree, TreeCursor};
use regex::bytes::Regex;

use super::tokens::Span;

/// The kind id tree-sitter gives ERROR nodes (`ts_builtin_sym_error`).
const ERROR: u16 = u16::MAX;

/// The patterns of one grammar's query, by the kind of node each is matched at.
pub(super) struct Walker {
    rules: Vec<Rule>,
    /// By kind id: the chain rules capturing a node of that kind, later patterns first.
    by_kind: Vec<Vec<usize>>,
    /// The chain rules capturing a node of any kind (`(_)`, `_`), later patterns first.
    any_kind: Vec<usize>,
    /// By kind id: the chain rules embedding another language in a node of that kind.
    embeds: Vec<Vec<usize>>,
    trees: Vec<TreeRule>,
    /// By kind id: the tree rules whose root is of that kind.
    tree_roots: Vec<Vec<usize>>,
    /// By kind id: whether a rule checks the field a child holds in a node of that kind;
    /// only then is a child's field looked up (tree-sitter searches the parent's field
    /// map for it), about 1 % of a build's time otherwise.
    fields_under: Vec<bool>,
    /// A rule checks the field a child holds in a node of any kind.
    fields_under_any: bool,
}

/// A pattern matched at its one captured node: what must hold around it, what it does.
struct Rule {
    /// Its index among the highlights patterns: of two captures of one range, the later
    /// pattern's wins.
    pattern: u32,
    action: Action,
    node: Test,
    /// From the captured node's parent outwards.
    links: Vec<Link>,
    predicates: Vec<Predicate>,
}

enum Action {
    /// The theme's tags of its captures, in the order written (uncoloured ones left out).
    Colour(Vec<&'static str>),
    /// Highlight the node's text in this language (an injections pattern).
    Embed(&'static str),
}

/// A pattern matched down from its root: every node some match of it captures is coloured.
struct TreeRule {
    pattern: u32,
    root: Step,
}

/// One node of a pattern matched downwards, and the patterns for its children, in order.
struct Step {
    test: Test,
    /// The field the node must hold in its parent.
    field: Option<u16>,
    tags: Vec<&'static str>,
    children: Vec<Step>,
}

/// An ancestor a rule requires, and the field the node below it must hold in it.
struct Link {
    parent: Test,
    field: Option<u16>,
}

/// What a node must be.
enum Test {
    /// One of these kinds (`(identifier)`, `"if"`, or an alternation of them).
    Kinds(Vec<u16>),
    /// `(_)`: any named node but an ERROR.
    Named,
    /// `_`: any node but an ERROR.
    Any,
}

/// A text predicate on the captured node; `bool` is false for the `not-` form.
enum Predicate {
    Match(Regex, bool),
    Eq(Vec<u8>, bool),
}

/// A node as the walk passes it.
#[derive(Clone, Copy)]
struct Visit {
    kind: u16,
    named: bool,
    /// The field it holds in its parent.
    field: Option<u16>,
}

impl Visit {
    fn of(node: &Node<'_>, field: Option<u16>) -> Self {
        Visit {
            kind: node.kind_id(),
            named: node.is_named(),
            field,
        }
    }
}

impl Test {
    fn admits(&self, node: &Visit) -> bool {
        match self {
            Test::Kinds(kinds) => kinds.contains(&node.kind),
            Test::Named => node.kind != ERROR && node.named,
            Test::Any => node.kind != ERROR,
        }
    }
}

/// What a walk gives: the highlight captures, and the ranges to highlight in another
/// language.
pub(super) struct Found<'v> {
    pub spans: &'v mut Vec<Span>,
    pub embedded: &'v mut Vec<(&'static str, Range<usize>)>,
}

impl Walker {
    /// The walker for a grammar's `injections` and `highlights` queries; None when any
    /// pattern has a shape this walk does not take. `tag` gives the theme's tag of a
    /// capture name, `language_of` sitegen's name of a language an injection names.
    ///
    /// The queries are read here, not compiled by tree-sitter: its compilation analyses
    /// every pattern against the grammar's parse table (sql's takes 39 ms, rust's 48 ms), and
    /// the walk needs none of it. Tests check that the queries compile and that this reads
    /// the same patterns as tree-sitter.
    pub(super) fn compile(
        language: &Language,
        injections: &str,
        highlights: &str,
        tag: impl Fn(&str) -> Option<&'static str>,
        language_of: impl Fn(&str) -> Option<&'static str>,
    ) -> Option<Walker> {
        let mut walker = Walker {
            rules: Vec::new(),
            by_kind: vec![Vec::new(); language.node_kind_count()],
            any_kind: Vec::new(),
            embeds: vec![Vec::new(); language.node_kind_count()],
            trees: Vec::new(),
            tree_roots: vec![Vec::new(); language.node_kind_count()],
            fields_under: vec![false; language.node_kind_count()],
            fields_under_any: false,
        };
        let injections = patterns(injections)?;
        let highlights = patterns(highlights)?;
        // Later patterns first in every table.
        for (index, items) in highlights.iter().enumerate().rev() {
            let pattern = read_pattern(items, language)?;
            walker.add_highlight(pattern, index as u32, &tag)?;
        }
        for items in injections.iter().rev() {
            walker.add_injection(read_pattern(items, language)?, &language_of)?;
        }
        Some(walker)
    }

    fn add_injection(
        &mut self,
        pattern: Pattern,
        language_of: &impl Fn(&str) -> Option<&'static str>,
    ) -> Option<()> {
        let name = pattern.injection_language?;
        if !pattern.root.is_chain() || !pattern.predicates.is_empty() {
            return None;
        }
        let (node, links, captures) = pattern.root.into_chain();
        if captures != ["injection.content"] {
            return None;
        }
        // A language sitegen has no grammar for embeds nothing, as with the query.
        let Some(lang) = language_of(&name) else {
            return Some(());
        };
        self.add_rule(Rule {
            pattern: 0,
            action: Action::Embed(lang),
            node,
            links,
            predicates: Vec::new(),
        })
    }

    fn add_highlight(
        &mut self,
        pattern: Pattern,
        index: u32,
        tag: &impl Fn(&str) -> Option<&'static str>,
    ) -> Option<()> {
        if pattern.injection_language.is_some() {
            return None;
        }
        let predicates = pattern.predicates;
        if pattern.root.is_chain() {
            let (node, links, captures) = pattern.root.into_chain();
            let tags: Vec<&'static str> = captures.iter().filter_map(|c| tag(c)).collect();
            let predicates = predicates
                .into_iter()
                .map(|(capture, p)| captures.contains(&capture).then_some(p))
                .collect::<Option<Vec<_>>>()?;
            // A rule that colours nothing changes nothing, as the query's uncoloured captures.
            if tags.is_empty() {
                return Some(());
            }
            return self.add_rule(Rule {
                pattern: index,
                action: Action::Colour(tags),
                node,
                links,
                predicates,
            });
        }
        if !predicates.is_empty() {
            return None;
        }
        let root = pattern.root.into_step(tag)?;
        // A root carries no field (a pattern cannot start with one): the walk looks a
        // node's field up only for chain rules (`fields_under`).
        let (Test::Kinds(kinds), None) = (&root.test, root.field) else {
            return None;
        };
        for &kind in kinds {
            self.tree_roots
                .get_mut(usize::from(kind))?
                .push(self.trees.len());
        }
        self.trees.push(TreeRule {
            pattern: index,
            root,
        });
        Some(())
    }

    fn add_rule(&mut self, rule: Rule) -> Option<()> {
        // A wildcard at the pattern's root makes tree-sitter start matching at its child,
        // with other rules under ERROR nodes; this walk does not mirror that.
        let root = rule.links.last().map_or(&rule.node, |l| &l.parent);
        if !matches!(root, Test::Kinds(_)) {
            return None;
        }
        for link in rule.links.iter().filter(|l| l.field.is_some()) {
            match &link.parent {
                Test::Kinds(kinds) => {
                    for &kind in kinds {
                        *self.fields_under.get_mut(usize::from(kind))? = true;
                    }
                }
                Test::Named | Test::Any => self.fields_under_any = true,
            }
        }
        let index = self.rules.len();
        let embeds = matches!(rule.action, Action::Embed(_));
        match &rule.node {
            Test::Kinds(kinds) => {
                let table = if embeds {
                    &mut self.embeds
                } else {
                    &mut self.by_kind
                };
                for &kind in kinds {
                    table.get_mut(usize::from(kind))?.push(index);
                }
            }
            Test::Named | Test::Any if !embeds => self.any_kind.push(index),
            Test::Named | Test::Any => return None,
        }
        self.rules.push(rule);
        Some(())
    }

    /// Adds the captures of `tree` (parsed from `code`, which starts at byte `offset` of the
    /// block) to `found`, and, when `embed`, the ranges of `code` injected with another
    /// language. For each node, only the capture of the latest chain rule that matches it:
    /// an earlier pattern's capture of the same range would never show.
    pub(super) fn walk(
        &self,
        tree: &Tree,
        code: &[u8],
        offset: u32,
        layer: u32,
        embed: bool,
        found: Found<'_>,
    ) {
        let mut cursor = tree.walk();
        let mut ancestors: Vec<Visit> = Vec::new();
        let span = |range: &Range<usize>, pattern: u32, tag: &'static str| Span {
            start: offset + range.start as u32,
            end: offset + range.end as u32,
            layer,
            pattern,
            tag,
        };
        loop {
            let node = cursor.node();
            let field_checked = self.fields_under_any
                || ancestors
                    .last()
                    .and_then(|parent| self.fields_under.get(usize::from(parent.kind)))
                    .is_some_and(|&checked| checked);
            let field = match field_checked {
                true => cursor.field_id().map(|f| f.get()),
                false => None,
            };
            let here = Visit::of(&node, field);
            let range = node.byte_range();
            let text = code.get(range.clone()).unwrap_or_default();
            if let Some(rule) = self.latest_match(&here, &ancestors, text)
                && let Action::Colour(tags) = &rule.action
            {
                found
                    .spans
                    .extend(tags.iter().map(|&tag| span(&range, rule.pattern, tag)));
            }
            if embed {
                // In pattern order, as the query's matches come.
                for &index in self
                    .embeds
                    .get(usize::from(here.kind))
                    .into_iter()
                    .flatten()
                    .rev()
                {
                    let rule = &self.rules[index];
                    if let Action::Embed(lang) = rule.action
                        && rule.matches(&here, &ancestors, text)
                    {
                        found.embedded.push((lang, range.clone()));
                    }
                }
            }
            for &index in self
                .tree_roots
                .get(usize::from(here.kind))
                .into_iter()
                .flatten()
            {
                let rule = &self.trees[index];
                let mut captured = Vec::new();
                if rule.root.matches(&node, here.field, &mut captured) {
                    found.spans.extend(
                        captured
                            .iter()
                            .map(|(range, tag)| span(range, rule.pattern, tag)),
                    );
                }
            }
            if cursor.goto_first_child() {
                ancestors.push(here);
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return;
                }
                ancestors.pop();
            }
        }
    }

    fn latest_match(&self, node: &Visit, ancestors: &[Visit], text: &[u8]) -> Option<&Rule> {
        let matches = |&index: &usize| -> Option<&Rule> {
            let rule = &self.rules[index];
            rule.matches(node, ancestors, text).then_some(rule)
        };
        let of_kind = self.by_kind.get(usize::from(node.kind));
        let by_kind = of_kind.and_then(|rules| rules.iter().find_map(matches));
        let floor = by_kind.map_or(0, |r| r.pattern + 1);
        let any_kind = self
            .any_kind
            .iter()
            .take_while(|&&i| self.rules[i].pattern >= floor)
            .find_map(matches);
        any_kind.or(by_kind)
    }
}

impl Rule {
    fn matches(&self, node: &Visit, ancestors: &[Visit], text: &[u8]) -> bool {
        if !self.node.admits(node) {
            return false;
        }
        let mut below = node;
        for (up, link) in self.links.iter().enumerate() {
            let Some(parent) = ancestors.len().checked_sub(up + 1).map(|i| &ancestors[i]) else {
                return false;
            };
            if !link.parent.admits(parent) || link.field.is_some_and(|f| below.field != Some(f)) {
                return false;
            }
            below = parent;
        }
        self.predicates.iter().all(|p| match p {
            Predicate::Match(regex, positive) => regex.is_match(text) == *positive,
            Predicate::Eq(value, positive) => (text == value.as_slice()) == *positive,
        })
    }
}

impl Step {
    /// Whether some match of this step has `node` (holding `field` in its parent), adding
    /// to `captured` what every match of it captures: tree-sitter reports each way the
    /// child steps fit the node's children in order, so a child is captured when some way
    /// puts it there.
    fn matches(&self, node: &Node<'_>, field: Option<u16>, captured: &mut Captured) -> bool {
        if !self.test.admits(&Visit::of(node, field))
            || self.field.is_some_and(|f| field != Some(f))
        {
            return false;
        }
        let own = |captured: &mut Vec<_>| {
            captured.extend(self.tags.iter().map(|&tag| (node.byte_range(), tag)));
        };
        if self.children.is_empty() {
            own(captured);
            return true;
        }
        let children = children(&mut node.walk());
        // For each step and child: whether the child fits the step, and what it captures.
        let fits: Vec<Vec<Option<Captured>>> = self
            .children
            .iter()
            .map(|step| {
                children
                    .iter()
                    .map(|(child, field)| {
                        let mut inner = Vec::new();
                        step.matches(child, *field, &mut inner).then_some(inner)
                    })
                    .collect()
            })
            .collect();
        let steps = self.children.len();
        // The leftmost child each step can take with every step before it placed, and the
        // rightmost with every step after it placed: a step can take child k when the
        // steps before fit left of k and the steps after right of it.
        let mut leftmost = vec![usize::MAX; steps];
        let mut from = 0;
        for step in 0..steps {
            let Some(k) = (from..children.len()).find(|&k| fits[step][k].is_some()) else {
                return false;
            };
            leftmost[step] = k;
            from = k + 1;
        }
        let mut rightmost = vec![0; steps];
        let mut until = children.len();
        for step in (0..steps).rev() {
            let Some(k) = (0..until).rev().find(|&k| fits[step][k].is_some()) else {
                return false;
            };
            rightmost[step] = k;
            until = k;
        }
        own(captured);
        for (step, row) in fits.into_iter().enumerate() {
            for (k, fit) in row.into_iter().enumerate() {
                let room_left = step == 0 || leftmost[step - 1] < k;
                let room_right = step + 1 == steps || rightmost[step + 1] > k;
                if let Some(inner) = fit.filter(|_| room_left && room_right) {
                    captured.extend(inner);
                }
            }
        }
        true
    }
}

/// The ranges a match captures, with their tags.
type Captured = Vec<(Range<usize>, &'static str)>;

/// The children of the cursor's node, with the field each holds.
fn children<'t>(cursor: &mut TreeCursor<'t>) -> Vec<(Node<'t>, Option<u16>)> {
    let mut children = Vec::new();
    if cursor.goto_first_child() {
        loop {
            children.push((cursor.node(), cursor.field_id().map(|f| f.get())));
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    children
}

/// One pattern as read: its tree of node patterns, its text predicates (by capture name),
/// and the language an injections pattern sets.
struct Pattern {
    root: Part,
    predicates: Vec<(String, Predicate)>,
    injection_language: Option<String>,
}

/// A node of a pattern as written.
struct Part {
    test: Test,
    field: Option<u16>,
    captures: Vec<String>,
    children: Vec<Part>,
}

/// A captured node, the links above it, its capture names.
type Chain = (Test, Vec<Link>, Vec<String>);

impl Part {
    /// Whether the pattern is one captured node under a chain of uncaptured parents.
    fn is_chain(&self) -> bool {
        match self.children.as_slice() {
            [] => !self.captures.is_empty(),
            [child] => self.captures.is_empty() && child.is_chain(),
            _ => false,
        }
    }

    /// The chain [`Part::is_chain`] sees, from the captured node up.
    fn into_chain(self) -> Chain {
        let mut parts = vec![];
        let mut part = self;
        loop {
            let child = part.children.pop();
            let field = child.as_ref().and_then(|c| c.field);
            match child {
                Some(child) => {
                    parts.push((part.test, field));
                    part = child;
                }
                None => {
                    let links = parts
                        .into_iter()
                        .rev()
                        .map(|(parent, field)| Link { parent, field })
                        .collect();
                    return (part.test, links, part.captures);
                }
            }
        }
    }

    fn into_step(self, tag: &impl Fn(&str) -> Option<&'static str>) -> Option<Step> {
        Some(Step {
            tags: self.captures.iter().filter_map(|c| tag(c)).collect(),
            children: self
                .children
                .into_iter()
                .map(|c| c.into_step(tag))
                .collect::<Option<_>>()?,
            test: self.test,
            field: self.field,
        })
    }
}

/// The patterns of a query (`source`, the query language's text), each as its top-level
/// items: an element, its captures and quantifiers (`(call) @c`, `"if" @keyword`), with
/// the field written before it, if any. None when the text has tokens this walk does not
/// take (anchors, negated fields).
fn patterns(source: &str) -> Option<Vec<Vec<Sexp>>> {
    let tokens = tokenize(source)?;
    let mut at = 0;
    let mut patterns: Vec<Vec<Sexp>> = Vec::new();
    let mut after_field = false;
    while at < tokens.len() {
        let item = read_sexp(&tokens, &mut at)?;
        let suffix = matches!(item, Sexp::Leaf(Token::Capture(_) | Token::Quantifier(_)));
        match patterns.last_mut() {
            Some(last) if suffix || after_field => last.push(item),
            _ => patterns.push(vec![item]),
        }
        after_field = matches!(patterns.last()?.last()?, Sexp::Leaf(Token::Field(_)));
    }
    Some(patterns)
}

/// Reads one pattern (its top-level items, as [`patterns`] gives them), or None when it
/// has a shape the walk does not take.
fn read_pattern(top: &[Sexp], language: &Language) -> Option<Pattern> {
    let (elements, predicates) = split(top)?;
    let [element] = <[Element<'_>; 1]>::try_from(elements).ok()?;
    if !predicates.is_empty() || element.field.is_some() {
        return None;
    }
    let mut found = Vec::new();
    let root = read_part(&element, language, &mut found)?;
    let mut pattern = Pattern {
        root,
        predicates: Vec::new(),
        injection_language: None,
    };
    for sexp in found {
        read_predicate(sexp, &mut pattern)?;
    }
    Some(pattern)
}

/// Reads `element` as a node of a pattern, adding the predicates met in it to `predicates`.
fn read_part<'s>(
    element: &Element<'s>,
    language: &Language,
    predicates: &mut Vec<&'s Sexp>,
) -> Option<Part> {
    let field = match &element.field {
        Some(name) => Some(language.field_id_for_name(name)?.get()),
        None => None,
    };
    let part = |test: Test, children: Vec<Part>| Part {
        test,
        field,
        captures: element.captures.clone(),
        children,
    };
    match element.sexp {
        Sexp::Leaf(Token::Str(literal)) => Some(part(
            Test::Kinds(vec![kind(language, literal, false)?]),
            Vec::new(),
        )),
        Sexp::Leaf(Token::Ident(name)) if name == "_" => Some(part(Test::Any, Vec::new())),
        Sexp::Alt(alternatives) => {
            let kinds = alternatives
                .iter()
                .map(|a| match a {
                    Sexp::Leaf(Token::Str(literal)) => kind(language, literal, false),
                    Sexp::List(inner) => match inner.as_slice() {
                        [Sexp::Leaf(Token::Ident(name))] if name != "_" => {
                            kind(language, name, true)
                        }
                        _ => None,
                    },
                    _ => None,
                })
                .collect::<Option<Vec<u16>>>()?;
            Some(part(Test::Kinds(kinds), Vec::new()))
        }
        Sexp::List(inner) => {
            let Some(Sexp::Leaf(Token::Ident(name))) = inner.first() else {
                // A group: one element and its predicates, with nothing on the group itself.
                let (elements, own) = split(inner)?;
                predicates.extend(own);
                let [inside] = <[Element<'_>; 1]>::try_from(elements).ok()?;
                let plain = element.field.is_none()
                    && element.captures.is_empty()
                    && inside.field.is_none();
                return plain.then(|| read_part(&inside, language, predicates))?;
            };
            let test = match name.as_str() {
                "_" => Test::Named,
                _ => Test::Kinds(vec![kind(language, name, true)?]),
            };
            let (elements, own) = split(&inner[1..])?;
            predicates.extend(own);
            let children = elements
                .iter()
                .map(|e| read_part(e, language, predicates))
                .collect::<Option<Vec<Part>>>()?;
            Some(part(test, children))
        }
        _ => None,
    }
}

/// The kind id of a node name as a query means it (`named` for `(name)`, not for
/// `"name"`), or None for names this walk does not take: ERROR, MISSING, supertypes.
fn kind(language: &Language, name: &str, named: bool) -> Option<u16> {
    if named && (name == "ERROR" || name == "MISSING") {
        return None;
    }
    let id = language.id_for_node_kind(name, named);
    (id != 0 && !(named && language.node_kind_is_supertype(id))).then_some(id)
}

/// Adds a predicate (`(#match? @name "…")`) or property (`(#set! injection.language
/// "rust")`) to `pattern`; None for any other.
fn read_predicate(sexp: &Sexp, pattern: &mut Pattern) -> Option<()> {
    let Sexp::List(items) = sexp else {
        return None;
    };
    let leaf = |i: usize| match items.get(i) {
        Some(Sexp::Leaf(token)) => Some(token),
        _ => None,
    };
    let (Some(Token::Predicate(op)), first, second) = (leaf(0), leaf(1), leaf(2)) else {
        return None;
    };
    match (op.as_str(), first, second, items.len()) {
        ("set!", Some(Token::Ident(key)), Some(Token::Str(value)), 3)
            if key == "injection.language" =>
        {
            pattern.injection_language = Some(value.clone());
        }
        // The whole node is highlighted in the embedded language either way.
        ("set!", Some(Token::Ident(key)), None, 2) if key == "injection.include-children" => {}
        // Properties for a highlighter that tracks local variables; tree-sitter's query
        // cursor leaves them to its caller, and sitegen's ignores them.
        ("is?" | "is-not?", _, _, _) => {}
        (op, Some(Token::Capture(capture)), Some(Token::Str(value)), 3) => {
            // As tree-sitter's Rust binding reads them: `regex::bytes` on the node's bytes.
            let predicate = match op {
                "match?" => Predicate::Match(Regex::new(value).ok()?, true),
                "not-match?" => Predicate::Match(Regex::new(value).ok()?, false),
                "eq?" => Predicate::Eq(value.as_bytes().to_vec(), true),
                "not-eq?" => Predicate::Eq(value.as_bytes().to_vec(), false),
                _ => return None,
            };
            pattern.predicates.push((capture.clone(), predicate));
        }
        _ => return None,
    }
    Some(())
}

/// An element of a node's list: the field written before it, the captures after it.
struct Element<'s> {
    field: Option<String>,
    sexp: &'s Sexp,
    captures: Vec<String>,
}

/// A list's elements and its predicates (`(#match? …)`). An element made optional (`?`,
/// `*`) that captures nothing requires nothing, so it is left out; None for one that
/// captures or is required more than once (`+`).
fn split(items: &[Sexp]) -> Option<(Vec<Element<'_>>, Vec<&Sexp>)> {
    let mut elements: Vec<Element<'_>> = Vec::new();
    let mut predicates = Vec::new();
    let mut field = None;
    let mut optional = Vec::new();
    for item in items {
        match item {
            Sexp::Leaf(Token::Field(name)) if field.is_none() => field = Some(name.clone()),
            Sexp::Leaf(Token::Capture(name)) if field.is_none() => {
                elements.last_mut()?.captures.push(name.clone());
            }
            Sexp::Leaf(Token::Quantifier('?' | '*')) if field.is_none() => {
                optional.push(elements.len().checked_sub(1)?);
            }
            Sexp::List(inner)
                if field.is_none()
                    && matches!(inner.first(), Some(Sexp::Leaf(Token::Predicate(_)))) =>
            {
                predicates.push(item);
            }
            Sexp::Leaf(Token::Field(_) | Token::Capture(_) | Token::Quantifier(_)) => return None,
            _ => elements.push(Element {
                field: field.take(),
                sexp: item,
                captures: Vec::new(),
            }),
        }
    }
    if field.is_some() {
        return None;
    }
    for &index in optional.iter().rev() {
        let element = elements.get(index)?;
        if !element.captures.is_empty() || captures_inside(element.sexp) {
            return None;
        }
        elements.remove(index);
    }
    Some((elements, predicates))
}

fn captures_inside(sexp: &Sexp) -> bool {
    match sexp {
        Sexp::List(items) | Sexp::Alt(items) => items.iter().any(captures_inside),
        Sexp::Leaf(token) => matches!(token, Token::Capture(_)),
    }
}
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    OpenAlt,
    CloseAlt,
    Str(String),
    Ident(String),
    /// `name:`
    Field(String),
    /// `@name`
    Capture(String),
    /// `#name?` or `#name!`
    Predicate(String),
    /// `?`, `*` or `+` after an element.
    Quantifier(char),
}

#[derive(Debug)]
enum Sexp {
    List(Vec<Sexp>),
    Alt(Vec<Sexp>),
    Leaf(Token),
}

/// The tokens of a pattern, or None for anything this walk does not take (anchors,
/// negated fields).
fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ';' => {
                chars.by_ref().find(|&c| c == '\n');
            }
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '[' => tokens.push(Token::OpenAlt),
            ']' => tokens.push(Token::CloseAlt),
            '"' => tokens.push(Token::Str(string_literal(&mut chars)?)),
            '@' => tokens.push(Token::Capture(identifier(None, &mut chars)?)),
            '#' => {
                let mut name = identifier(None, &mut chars)?;
                name.push(chars.next().filter(|&m| m == '?' || m == '!')?);
                tokens.push(Token::Predicate(name));
            }
            '?' | '*' | '+' => tokens.push(Token::Quantifier(c)),
            c if c.is_whitespace() => {}
            c if is_identifier_start(c) => {
                let name = identifier(Some(c), &mut chars)?;
                if chars.next_if_eq(&':').is_some() {
                    tokens.push(Token::Field(name));
                } else {
                    tokens.push(Token::Ident(name));
                }
            }
            _ => return None,
        }
    }
    Some(tokens)
}

/// tree-sitter's identifiers: a letter, digit, `_` or `-`, then those or `.`.
fn is_identifier_start(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

fn identifier(
    first: Option<char>,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Option<String> {
    let mut name: String = first.into_iter().collect();
    if first.is_none() {
        name.push(chars.next_if(|&c| is_identifier_start(c))?);
    }
    while let Some(c) = chars.next_if(|&c| is_identifier_start(c) || c == '.') {
        name.push(c);
    }
    Some(name)
}

/// The rest of a string literal after its `"`, unescaped as tree-sitter does: `\n`, `\r`,
/// `\t`, `\0`, and any other character after `\` as itself.
fn string_literal(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<String> {
    let mut value = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(value),
            '\\' => value.push(match chars.next()? {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                '0' => '\0',
                c => c,
            }),
            c => value.push(c),
        }
    }
}

fn read_sexp(tokens: &[Token], at: &mut usize) -> Option<Sexp> {
    let token = tokens.get(*at)?;
    *at += 1;
    let close = match token {
        Token::Open => Token::Close,
        Token::OpenAlt => Token::CloseAlt,
        Token::Close | Token::CloseAlt => return None,
        leaf => return Some(Sexp::Leaf(leaf.clone())),
    };
    let mut items = Vec::new();
    loop {
        match tokens.get(*at)? {
            t if *t == close => break,
            Token::Close | Token::CloseAlt => return None,
            _ => items.push(read_sexp(tokens, at)?),
        }
    }
    *at += 1;
    Some(match token {
        Token::Open => Sexp::List(items),
        _ => Sexp::Alt(items),
    })
}

/// Each pattern of `source` as [`patterns`] reads it, and as tree-sitter's compilation of
/// it (`query`) bounds it, read the same way: for the test that the two agree.
#[cfg(test)]
pub(super) fn patterns_both_ways(
    query: &arborium::tree_sitter::Query,
    source: &str,
) -> (Vec<String>, Vec<String>) {
    let ours = patterns(source).unwrap_or_default();
    let theirs = (0..query.pattern_count()).map(|p| {
        let text = &source[query.start_byte_for_pattern(p)..query.end_byte_for_pattern(p)];
        let tokens = tokenize(text).unwrap_or_default();
        let mut at = 0;
        std::iter::from_fn(|| (at < tokens.len()).then(|| read_sexp(&tokens, &mut at)))
            .collect::<Option<Vec<Sexp>>>()
    });
    (
        ours.iter().map(|p| format!("{p:?}")).collect(),
        theirs
            .map(|p| p.map_or("unreadable".to_string(), |p| format!("{p:?}")))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rust() -> Language {
        arborium::lang_rust::language().into()
    }

    fn read(text: &str) -> Option<Pattern> {
        let [pattern] = <[Vec<Sexp>; 1]>::try_from(patterns(text)?).ok()?;
        read_pattern(&pattern, &rust())
    }

    #[test]
    fn chains_with_fields_and_predicates_are_read_as_chains() {
        let pattern =
            read("((scoped_identifier path: (identifier) @type) (#match? @type \"^[A-Z]\"))")
                .expect("a chain");
        assert!(pattern.root.is_chain());
        assert_eq!(pattern.predicates.len(), 1);
        let (node, links, captures) = pattern.root.into_chain();
        let language = rust();
        assert!(
            matches!(node, Test::Kinds(k) if k == [language.id_for_node_kind("identifier", true)])
        );
        assert_eq!(links.len(), 1);
        assert_eq!(
            links[0].field,
            language.field_id_for_name("path").map(|f| f.get())
        );
        assert_eq!(captures, ["type"]);
    }

    #[test]
    fn required_siblings_and_captured_parents_are_read_as_trees() {
        for text in [
            "(macro_invocation macro: (identifier) @function.macro \"!\" @function.macro)",
            "(line_comment (doc_comment)) @comment.documentation",
        ] {
            let pattern = read(text).expect(text);
            assert!(!pattern.root.is_chain(), "{text}");
        }
        // An optional element that captures nothing requires nothing: left out.
        let pattern =
            read("(function_item name: (identifier) @f parameters: (_)?)").expect("optional");
        assert!(pattern.root.is_chain());
    }

    /// The walker for `text` as a grammar's whole highlights query.
    fn compile(text: &str) -> Option<Walker> {
        let language = rust();
        // Each is a query tree-sitter takes.
        arborium::tree_sitter::Query::new(&language, text).expect(text);
        Walker::compile(&language, "", text, |_| Some("k"), |_| Some("rust"))
    }

    #[test]
    fn a_query_with_any_shape_the_walk_does_not_take_is_left_to_tree_sitter() {
        assert!(compile("(identifier) @v\n((identifier) @c (#match? @c \"^[A-Z]\"))").is_some());
        for text in [
            "(block . (identifier) @first)",
            "(function_item !return_type) @f",
            "(block (identifier)+ @many)",
            "(block (identifier)? @maybe)",
            "((identifier) @x (#lua-match? @x \"^A\"))",
            "((identifier) @x (#eq? @x \"a\") (#set! priority 90))",
            "(ERROR) @error",
            "(_ (identifier) @x)",
            "(_) @any",
            // An injection among the highlights.
            "((macro_invocation (token_tree) @c) (#set! injection.language \"rust\"))",
        ] {
            assert!(
                compile(&format!("(identifier) @v\n{text}")).is_none(),
                "{text}"
            );
        }
    }

    #[test]
    fn strings_are_unescaped_as_tree_sitter_does() {
        let tokens = tokenize(r#"(#match? @x "^[A-Z][A-Z\\d_]+$\"\n\t\q")"#).expect("tokens");
        assert!(
            tokens.contains(&Token::Str("^[A-Z][A-Z\\d_]+$\"\n\tq".to_string())),
            "{tokens:?}"
        );
        assert!(tokens.contains(&Token::Predicate("match?".to_string())));
        assert_eq!(
            tokenize("; a comment (\n\"(\" @p"),
            Some(vec![Token::Str("(".into()), Token::Capture("p".into())])
        );
    }
}
