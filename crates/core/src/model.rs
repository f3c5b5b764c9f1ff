//! The data model: what the content (`content/site.toml` and one Markdown
//! file per bulletin) and the compiled JSON files hold once decoded and
//! validated. Plain values, no signals, no I/O.

use chrono::{DateTime, FixedOffset};

/// Site-wide settings and navigation, from `site.json`.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteData {
    pub site: Site,
    /// Top-level channels (栏目), each with its sub-channels.
    pub channels: Vec<Channel>,
    /// Friendly links (友情链接) shown in the footer.
    pub links: Vec<Link>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Shown in the header and after every document title.
    pub name: String,
    /// One sentence describing the site, for the home page and metadata.
    pub description: String,
    /// Optional view-counter service (`crates/counter`); `None` means the
    /// counts in the data are shown as they are.
    pub counter: Option<String>,
    /// Bulletins per channel list page.
    pub per_page: usize,
}

/// List page size when the site file does not set one.
pub const DEFAULT_PER_PAGE: usize = 10;

#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    /// URL-safe id (`[A-Za-z0-9_-]`), used in `/channel/{id}`.
    pub id: String,
    pub name: String,
    pub children: Vec<Channel>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub name: String,
    /// Checked by [`crate::url::check_url`]; never `javascript:` or similar.
    pub url: String,
}

/// One bulletin (普法动态 article).
#[derive(Clone, Debug, PartialEq)]
pub struct Bulletin {
    /// URL-safe id (`[A-Za-z0-9_-]`), used in `/article/{id}`.
    pub id: String,
    pub title: String,
    /// Id of the channel it is filed under (any level of the tree).
    pub channel: String,
    /// Publish time; shown in Asia/Shanghai.
    pub published: DateTime<FixedOffset>,
    /// The office that wrote it (来源), when known.
    pub source: Option<String>,
    /// The view count exported from the old CMS; `None` means unknown and is
    /// shown as such, never invented.
    pub views: Option<u64>,
    /// Sample content written for the project, not an official notice; shown
    /// with a 示例 tag.
    pub sample: bool,
    pub body: Vec<Block>,
}

/// A piece of an article body, kept as structure rather than one blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// A bulleted (`ordered == false`) or numbered list of plain-text items.
    List {
        ordered: bool,
        items: Vec<String>,
    },
    /// An image from the content's `media/` folder. `src` is the path the
    /// build copied it to (`media/name-hash.png`, relative to the
    /// deployment); `alt` is required, for readers who cannot see it.
    Image {
        src: String,
        alt: String,
    },
}

impl Block {
    /// The block's readable text: what search indexes and summaries read.
    /// A list gives its items one per line; an image its alt text.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Block::Heading(t) | Block::Paragraph(t) => Cow::Borrowed(t),
            Block::List { items, .. } => Cow::Owned(items.join("\n")),
            Block::Image { alt, .. } => Cow::Borrowed(alt),
        }
    }
}

impl Bulletin {
    /// The first paragraph, cut to about `max` characters, for list pages.
    pub fn summary(&self, max: usize) -> String {
        let text = self
            .body
            .iter()
            .find_map(|b| match b {
                Block::Paragraph(t) => Some(t.as_str()),
                _ => None,
            })
            .unwrap_or("");
        let mut out: String = text.chars().take(max).collect();
        if text.chars().nth(max).is_some() {
            out.push('…');
        }
        out
    }
}
