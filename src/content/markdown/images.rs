//! Pictures in the body: lazy loading below the fold, and a titled picture that stands in
//! its own paragraph (`![马斯克](a.jpg "发布会现场")`) shown as a figure with a caption, as
//! Hugo's and Zola's figure shortcodes do.

use pulldown_cmark::{CowStr, Event, Tag};

use super::links::push_href;
use crate::escape;

/// An image's parts, gathered until it closes (its alt text is the events inside it).
pub(super) struct ImageBuffer<'a> {
    src: CowStr<'a>,
    title: CowStr<'a>,
    pub alt: String,
}

impl<'a> ImageBuffer<'a> {
    pub fn new(src: CowStr<'a>, title: CowStr<'a>) -> Self {
        ImageBuffer {
            src,
            title,
            alt: String::new(),
        }
    }
}

/// A picture of the body as written into the HTML, for the image stage
/// ([`crate::images`]) to replace with a `<picture>` once it knows the file's sizes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct BodyImage {
    /// The source as in the HTML (host-relative ones with the site's path).
    pub src: String,
    pub alt: String,
    pub title: String,
    /// Below the first picture: loads as the reader scrolls to it.
    pub lazy: bool,
    /// The exact `<img>` tag written, which the image stage finds and replaces.
    pub tag: String,
}

/// The body's pictures so far.
#[derive(Default)]
pub(super) struct Images {
    written: usize,
    pub found: Vec<BodyImage>,
    /// The caption of the picture just written, until its paragraph closes.
    caption: Option<String>,
}

impl Images {
    /// The `<img>` tag. The first picture is likely above the fold and loads at once; the
    /// others load as the reader scrolls to them, and none holds up the page's rendering.
    pub fn render(&mut self, image: &ImageBuffer<'_>) -> String {
        let mut html = String::from("<img src=\"");
        push_href(&mut html, &image.src);
        html.push_str("\" alt=\"");
        html.push_str(&escape::html(&image.alt));
        html.push('"');
        if !image.title.is_empty() {
            html.push_str(" title=\"");
            html.push_str(&escape::html(&image.title));
            html.push('"');
        }
        let lazy = self.written > 0;
        if lazy {
            html.push_str(" loading=\"lazy\" decoding=\"async\"");
        }
        html.push('>');
        self.written += 1;
        self.found.push(BodyImage {
            src: image.src.to_string(),
            alt: image.alt.clone(),
            title: image.title.to_string(),
            lazy,
            tag: html.clone(),
        });
        self.caption = (!image.title.is_empty()).then(|| image.title.to_string());
        html
    }

    /// Something followed the picture just written in its paragraph: it is not a figure.
    pub fn not_alone(&mut self) {
        self.caption = None;
    }

    /// At a paragraph's end: when the paragraph is a titled picture alone, turns it into
    /// `<figure>` with the title as its caption and returns true (the paragraph is gone).
    pub fn make_figure(&mut self, out: &mut Vec<Event<'_>>) -> bool {
        let Some(caption) = self.caption.take() else {
            return false;
        };
        let n = out.len();
        let alone = n >= 2
            && matches!(out[n - 2], Event::Start(Tag::Paragraph))
            && matches!(&out[n - 1], Event::InlineHtml(h) if h.starts_with("<img "));
        if !alone {
            return false;
        }
        let Some(Event::InlineHtml(img)) = out.pop() else {
            return false;
        };
        out.pop();
        out.push(Event::Html(CowStr::from(format!(
            "<figure class=\"picture\">{img}<figcaption>{}</figcaption></figure>\n",
            escape::html(&caption)
        ))));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RenderOptions, render};

    #[test]
    fn only_a_titled_picture_alone_in_its_paragraph_is_a_figure() {
        let html = render(
            "![甲](/a.png \"说明\")\n\n![乙](/b.png \"说明\") 后文\n\n- ![丙](/c.png \"列表里\")\n\n<img src=\"/d.png\">\n\n[![丁](/e.png \"链接里\")](/x/)\n",
            RenderOptions::default(),
        )
        .html;
        assert_eq!(html.matches("<figure").count(), 1, "{html}");
        assert!(html.contains("<figcaption>说明</figcaption>"), "{html}");
        assert!(!html.contains("列表里</figcaption>"), "{html}");
        assert!(html.contains("<img src=\"/d.png\">\n"), "{html}");
    }
}
