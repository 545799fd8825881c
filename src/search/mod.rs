//! Site search that works for Chinese, with no server: the build writes a sharded index
//! under `search/`, and `static/js/search.js` queries it in the browser, downloading only
//! the shards of the query's terms and the chunks holding the articles it shows.
//!
//! * [`tokenize`]: the term rules (CJK bigrams plus single characters, lower-cased ASCII
//!   words), which the script repeats exactly.
//! * [`postings`]: how a term's hits are packed, and how they are scored.
//! * [`index`]: building the files.
//! * [`query`]: the script's search in Rust, for tests and measurements.
//!
//! The file format is documented in `docs/search.md`.

pub mod index;
pub mod postings;
pub mod query;
pub mod tokenize;
pub mod update;

use crate::content::date::DATE_SHORT;
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::progress::Progress;
use crate::urls::Urls;

/// The index files for `site`, each handed to `emit` as (path relative to the output root,
/// bytes) as it is made. With `earlier` (what the last build published) and its ledger,
/// new articles are appended to the last index instead ([`update`]). Drafts are
/// left out even in a `--drafts` preview: an index is easily copied to a public server by
/// mistake, and a draft's text should not travel with it. Fails only when `serve` cannot
/// read an article's text back from its store.
pub fn files(
    site: &Site,
    urls: &Urls,
    progress: &Progress,
    earlier: Option<&dyn crate::site::Earlier>,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> Result<(), Diagnostic> {
    use rayon::prelude::*;
    let docs = docs(site, urls);
    let indexing = progress.stage("indexing", docs.len(), "articles");
    // One ledger per edition sharing the output folder.
    let ledger = earlier.and_then(|e| Some((e, e.edition_ledger("search", urls)?)));
    let unreadable = |e: std::io::Error| crate::model::unreadable(index::DIR, &e);
    let Some((earlier, path)) = ledger else {
        index::build_into(&docs, &|n| indexing.inc(n as u64), emit).map_err(unreadable)?;
        return Ok(());
    };
    let keys: Vec<[u8; 16]> = docs.par_iter().map(update::doc_key).collect();
    let appended = update::Ledger::read(&path)
        .and_then(|old| update::update(&docs, &keys, &old, earlier, emit));
    let layout = match appended {
        Some((_, layout)) => {
            indexing.inc(docs.len() as u64);
            layout
        }
        None => {
            index::build_into(&docs, &|n| indexing.inc(n as u64), emit)
                .map_err(unreadable)?
                .1
        }
    };
    update::Ledger::new(keys, layout).save(&path);
    Ok(())
}

/// The published articles of `site` as index documents, oldest first: a new article takes
/// the next id ([`update`]).
pub fn docs<'a>(site: &'a Site, urls: &Urls) -> Vec<index::Doc<'a>> {
    use rayon::prelude::*;
    site.articles
        .par_iter()
        .rev()
        .filter(|a| !a.draft)
        .map(|a| index::Doc {
            title: &a.title,
            tags: &a.tags,
            categories: &a.categories,
            summary: &a.summary,
            text: (&a.text).into(),
            url: urls.href(&a.path),
            date: a.date.format(DATE_SHORT).to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::index::{self, Built, Doc};
    use super::query::{self, Results};
    use crate::model::Article;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// A document with the given title, tags and body; the summary is empty.
    fn doc<'a>(title: &'a str, tags: &'a [String], text: &'a str, n: usize) -> Doc<'a> {
        Doc {
            title,
            tags,
            categories: &[],
            summary: "",
            text: text.into(),
            url: format!("/a/{n}/"),
            date: "2024-03-11".into(),
        }
    }

    fn run(built: &Built, q: &str) -> Results {
        let files: BTreeMap<&str, &[u8]> = built
            .files
            .iter()
            .map(|(p, b)| (p.strip_prefix(index::DIR).unwrap_or(p), b.as_slice()))
            .collect();
        query::search(&|p: &str| files.get(p).map(|b| b.to_vec()), q, 20).expect("query runs")
    }

    fn titles(built: &Built, q: &str) -> Vec<String> {
        run(built, q).hits.into_iter().map(|h| h.title).collect()
    }

    struct Fixture {
        tags: [Vec<String>; 4],
    }

    impl Fixture {
        fn new() -> Self {
            Fixture {
                tags: [
                    strings(&["开源", "大模型"]),
                    strings(&["OpenAI"]),
                    strings(&[]),
                    strings(&["芯片"]),
                ],
            }
        }

        fn docs(&self) -> Vec<Doc<'_>> {
            vec![
                doc(
                    "深度求索发布新模型",
                    &self.tags[0],
                    "模型权重以宽松许可证公开。量子纠缠只在正文里出现。",
                    0,
                ),
                doc(
                    "OpenAI 推出 GPT-4o",
                    &self.tags[1],
                    "新模型支持语音。人工智能助手更快了。",
                    1,
                ),
                doc(
                    "人工智能周报",
                    &self.tags[2],
                    "本周要闻：多家公司宣布开源计划，OpenAI 亦有动作。",
                    2,
                ),
                doc("英伟达财报", &self.tags[3], "数据中心收入大涨。", 3),
            ]
        }
    }

    #[test]
    fn finds_chinese_words_latin_words_and_body_phrases() {
        let f = Fixture::new();
        let built = index::build(&f.docs()).expect("index");
        assert_eq!(
            titles(&built, "开源"),
            ["深度求索发布新模型", "人工智能周报"]
        );
        assert_eq!(
            titles(&built, "人工智能"),
            ["人工智能周报", "OpenAI 推出 GPT-4o"]
        );
        assert_eq!(
            titles(&built, "OpenAI"),
            ["OpenAI 推出 GPT-4o", "人工智能周报"]
        );
        assert_eq!(titles(&built, "openai"), titles(&built, "OPENAI"));
        assert_eq!(titles(&built, "量子纠缠"), ["深度求索发布新模型"]);
        assert_eq!(titles(&built, "gpt-4o 语音"), ["OpenAI 推出 GPT-4o"]);
        assert_eq!(titles(&built, "芯"), ["英伟达财报"]);
    }

    #[test]
    fn all_terms_must_match() {
        let f = Fixture::new();
        let built = index::build(&f.docs()).expect("index");
        assert!(titles(&built, "开源 芯片").is_empty());
        assert!(
            titles(&built, "量子计算").is_empty(),
            "量子 is there, 子计 is not"
        );
        assert!(titles(&built, "不存在的词").is_empty());
        let empty = run(&built, "，。 ");
        assert!(empty.hits.is_empty() && empty.fetched.is_empty());
    }

    #[test]
    fn title_and_tag_hits_rank_above_body_hits_then_newer_first() {
        let tags: Vec<String> = Vec::new();
        let tagged = strings(&["开源"]);
        let docs = vec![
            doc("本周新闻", &tags, "开源开源开源开源开源", 0),
            doc("本周新闻二", &tagged, "无关", 1),
            doc("开源模型", &tags, "无关", 2),
            doc("旧闻", &tags, "其中提到开源", 3),
            doc("更旧的闻", &tags, "也提到开源", 4),
        ];
        // Listed newest first above; ids are oldest first.
        let docs: Vec<Doc<'_>> = docs.into_iter().rev().collect();
        let built = index::build(&docs).expect("index");
        assert_eq!(
            titles(&built, "开源"),
            ["开源模型", "本周新闻二", "本周新闻", "旧闻", "更旧的闻"]
        );
    }

    #[test]
    fn a_query_fetches_only_its_shards_and_chunks() {
        let tags: Vec<String> = Vec::new();
        let bodies: Vec<String> = (0..3000)
            .map(|i| format!("第{i}篇 随机内容 词{}{} 编号{i}", i % 97, i % 89))
            .collect();
        let mut docs: Vec<Doc<'_>> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| doc("普通标题", &tags, b, i))
            .collect();
        docs[2500].title = "独角兽上市";
        let built = index::build(&docs).expect("index");
        assert!(built.stats.shards > 1, "{:?}", built.stats);
        let r = run(&built, "独角兽");
        assert_eq!(r.hits.len(), 1);
        assert_eq!(r.hits[0].url, "/a/2500/");
        // meta, at most two shards (独角, 角兽), one chunk.
        assert!(r.fetched.len() <= 4, "{:?}", r.fetched);
        assert!(
            r.fetched.iter().any(|f| f == "docs/78.json"),
            "{:?}",
            r.fetched
        );
    }

    #[test]
    fn output_is_identical_across_thread_counts() {
        let f = Fixture::new();
        let docs = f.docs();
        let many: Vec<Doc<'_>> = (0..1500).map(|i| docs[i % docs.len()].clone()).collect();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool")
            .install(|| index::build(&many).expect("index"));
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("pool")
            .install(|| index::build(&many).expect("index"));
        assert_eq!(one.files, three.files);
        assert_eq!(one.stats, three.stats);
    }

    /// serve's texts are read back while the index is made: one that cannot be is an
    /// error, not an index without it.
    #[test]
    fn a_text_that_cannot_be_read_back_fails_the_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::model::TextStore::create_in(dir.path()).expect("store");
        let mut text = crate::model::LazyText::from("开源模型发布");
        text.store_in(&store).expect("store");
        let tags = Vec::new();
        let mut doc = doc("标题", &tags, "", 0);
        doc.text = (&text).into();
        assert!(index::build(std::slice::from_ref(&doc)).is_ok());
        store.damage();
        assert!(index::build(&[doc]).is_err());
    }

    #[test]
    fn empty_site_has_an_index_that_finds_nothing() {
        let built = index::build(&[]).expect("index");
        assert!(built.files.iter().any(|(p, _)| p == "search/meta.json"));
        assert!(run(&built, "开源").hits.is_empty());
    }

    #[test]
    fn drafts_are_never_indexed() {
        let config = crate::config::SiteConfig::parse(
            "title = \"测试\"\nbase_url = \"https://x.github.io/portal/\"\n",
            None,
        )
        .expect("config");
        let date = chrono::DateTime::parse_from_rfc3339("2024-03-11T09:30:00+08:00").expect("date");
        let article = |title: &str, draft: bool| Article {
            title: title.into(),
            text: "开源社区的新闻".into(),
            slug: title.into(),
            draft,
            cjk_chars: 7,
            ..Article::for_tests(&format!("content/{title}.md"), &format!("2024/03/{title}/"))
        };
        let site = crate::model::assemble(
            config,
            vec![article("公开稿", false), article("草稿", true)],
            Default::default(),
            date,
        );
        let urls = crate::urls::Urls::new(&site.config);
        let docs = super::docs(&site, &urls);
        assert_eq!(docs.len(), 1);
        let built = index::build(&docs).expect("index");
        let hits = run(&built, "开源").hits;
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].title, "公开稿");
        assert_eq!(hits[0].url, "/portal/2024/03/%E5%85%AC%E5%BC%80%E7%A8%BF/");
    }
}
