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
    /// Whether a link to another site first shows the 您即将离开本网站
    /// notice (`leave_notice = false` in `site.toml` turns it off).
    pub leave_notice: bool,
    /// The site's public address (`https://pufa.xinzhou.gov.cn`), when set:
    /// its host is the `SiteDomain` inspectors read.
    pub url: Option<String>,
    /// The identity block of every page's footer (issue #14).
    pub identity: Identity,
}

/// Who runs the site and how it is registered, as Chinese government sites
/// show it at the foot of every page. Every item is optional and shown only
/// when set: nothing here is ever invented.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// 主办单位.
    pub sponsor: Option<String>,
    /// 承办单位.
    pub organizer: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 联系地址.
    pub address: Option<String>,
    /// 联系邮箱.
    pub email: Option<String>,
    /// 网站标识码 (10 letters or digits, e.g. `4201170001`).
    pub site_code: Option<String>,
    /// ICP 备案编号 (`鄂ICP备12345678号-1`), linked to the filing system.
    pub icp: Option<String>,
    /// 公安机关备案号 (`鄂公网安备 42011702000001号`).
    pub police: Option<String>,
    /// The 公安备案 emblem: `media/<file>` of the content, published under a
    /// hashed name like every image.
    pub police_emblem: Option<String>,
    /// The 党政机关网站标识 image (`media/<file>`) and where it links.
    pub dangzheng: Option<Badge>,
    /// 我为政府网站找错: the address of the national error-report form.
    pub jiucuo_url: Option<String>,
    /// The office's own 留言/咨询 channel, with its link text.
    pub contact: Option<Link>,
}

impl Identity {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == Identity::default()
    }
}

/// An image that links somewhere (the 党政机关网站标识).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Badge {
    /// `media/<file>`, checked like bulletin images.
    pub image: String,
    /// Checked by [`crate::url::check_url`].
    pub url: String,
}

/// Where 公安备案 numbers are looked up; the record code is the number's
/// digits.
pub const POLICE_RECORD_URL: &str = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=";
/// The MIIT filing system every ICP number links to.
pub const ICP_URL: &str = "https://beian.miit.gov.cn/";
/// Link text of the 留言/咨询 channel when the settings give none.
pub const DEFAULT_CONTACT_NAME: &str = "留言咨询";
/// 栏目类别 of a channel that does not say (inherited by sub-channels).
pub const DEFAULT_COLUMN_TYPE: &str = "信息发布";

/// List page size when the site file does not set one.
pub const DEFAULT_PER_PAGE: usize = 10;

#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    /// URL-safe id (`[A-Za-z0-9_-]`), used in `/channel/{id}`.
    pub id: String,
    pub name: String,
    pub children: Vec<Channel>,
    /// 栏目描述 and 栏目关键词 for the `Column*` meta tags, when set.
    pub description: Option<String>,
    pub keywords: Vec<String>,
    /// 栏目类别 (信息发布, 解读回应, 办事服务, 互动交流…) as set; `None`
    /// inherits the parent's, or [`DEFAULT_COLUMN_TYPE`] at the top.
    pub column_type: Option<String>,
}

impl Channel {
    /// A channel with only an id and a name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Channel {
        Channel {
            id: id.into(),
            name: name.into(),
            children: Vec::new(),
            description: None,
            keywords: Vec::new(),
            column_type: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
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
