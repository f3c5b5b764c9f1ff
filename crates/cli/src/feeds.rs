//! Feeds and maps: the Atom feeds (`feed.xml`, `feeds/<channel>.xml`),
//! `sitemap.xml` (split into `sitemaps/sitemap-<n>.xml` under an index when
//! it is too big) and `robots.txt`, written by `pufa build` at the root of
//! the build output, beside `index.html` (docs/feeds.md).
//!
//! Feed readers and search engines fetch these files on their own, from
//! another site, so every address in them must be absolute: they are only
//! written when `site.url` says where the site lives. Without it, only
//! `robots.txt` is written (allow all, no `Sitemap:` line), and the build
//! goes on: a site that is not public yet has nothing to announce.
//!
//! Every page address comes from [`SiteRoot`], the one place URL shapes are
//! decided. Data is untrusted: titles, sources and names go through XML
//! writers that escape them (rust-syndication's typed Atom model, quick-xml
//! for the sitemaps), never pasted into markup, and characters XML 1.0
//! cannot carry at all (control characters a TOML escape can write) are
//! dropped so that strict readers do not refuse the whole feed.
//!
//! The cost is one pass over the archive for the per-channel figures, plus
//! one small write per sitemap URL streamed to disk: nothing here holds
//! more than a feed's entries or one URL's bytes at a time.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use atom_syndication::{Category, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, FixedOffset, TimeZone};
use pufa_core::date::SHANGHAI;
use pufa_core::meta::{self, SiteRoot};
use pufa_core::{Bulletin, Store};
use quick_xml::events::BytesText;
use quick_xml::Writer;

/// Entries per feed: the newest bulletins. Readers poll a feed for what is
/// new; a longer history would only make every poll heavier.
pub const FEED_ENTRIES: usize = 50;
/// URLs per sitemap file, the limit of the sitemaps protocol.
pub const SITEMAP_URLS: usize = 50_000;
/// Bytes per sitemap file, uncompressed: the protocol's other limit
/// (50 MiB). At 50,000 URLs it is only reached by very long addresses.
pub const SITEMAP_BYTES: usize = 50 * 1024 * 1024;

/// The site's feed, at the root of the build output.
pub const FEED: &str = "feed.xml";
/// One feed per channel: `feeds/<channel-id>.xml`.
pub const FEEDS_DIR: &str = "feeds";
/// The sitemap, or the sitemap index when the URLs need several files.
pub const SITEMAP: &str = "sitemap.xml";
/// The parts of a split sitemap: `sitemaps/sitemap-<n>.xml`, from 1.
pub const SITEMAPS_DIR: &str = "sitemaps";
pub const ROBOTS: &str = "robots.txt";

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const ATOM_TYPE: &str = "application/atom+xml";

/// How much the writers put in one file. [`Limits::default`] is what
/// `pufa build` uses; tests pass small numbers to see the splits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Entries per Atom feed.
    pub feed_entries: usize,
    /// URLs per sitemap file; more URLs make `sitemap.xml` an index.
    pub sitemap_urls: usize,
    /// Bytes per sitemap file; likewise.
    pub sitemap_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            feed_entries: FEED_ENTRIES,
            sitemap_urls: SITEMAP_URLS,
            sitemap_bytes: SITEMAP_BYTES,
        }
    }
}

/// What [`write`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// `site.url` is not set: only `robots.txt` was written, and feeds or
    /// sitemaps of an earlier build in the same folder were removed.
    Skipped,
    Wrote {
        /// Atom files: the site's and one per channel.
        feeds: usize,
        /// URLs in the sitemap.
        urls: usize,
        /// Sitemap files holding them: 1, or the number of parts under the
        /// index.
        sitemaps: usize,
    },
}

/// The one line `pufa build` prints when it skips the feeds and maps.
pub const SKIPPED_NOTICE: &str = "pufa build: 未生成 Atom 订阅（feed.xml、feeds/）和网站地图 sitemap.xml：它们需要网站的完整地址。请在 site.toml 的 [site] 里加上 url = \"https://…\"（本站的公网地址，见 docs/feeds.md）；robots.txt 已照常生成。";

impl Written {
    /// The line to tell the operator, when there is something to tell.
    pub fn notice(&self) -> Option<&'static str> {
        match self {
            Written::Skipped => Some(SKIPPED_NOTICE),
            Written::Wrote { .. } => None,
        }
    }
}

/// Where the site lives, for absolute URLs: `site.url` without a query,
/// fragment or trailing `/` (`https://www.xinzhou.gov.cn/pufa/` →
/// `https://www.xinzhou.gov.cn/pufa`). The decoder has checked that it is
/// an `http(s)://` address with a host.
pub fn site_root(url: &str) -> SiteRoot {
    let base = url.split(['?', '#']).next().unwrap_or(url);
    SiteRoot(base.trim_end_matches('/').to_string())
}

/// Text as XML 1.0 can carry it: without the control characters (other
/// than tab and line breaks) and U+FFFE/U+FFFF, which no escape can write.
fn xml_text(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if s.contains(bad) {
        Cow::Owned(s.chars().filter(|&c| !bad(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// A publish time as feeds and sitemaps give it: RFC 3339 in Beijing time
/// (`2021-07-26T09:33:00+08:00`), as the pages show it.
fn beijing(t: &DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    t.with_timezone(&SHANGHAI)
}

/// Write `data` to `path` through a temporary file and a rename, so a
/// crawler reading the live folder never gets half a file.
fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(&tmp, data)?;
    fs::rename(&tmp, path)
}

/// `dir/.name.tmp` beside `dir/name`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Remove every `*.xml` in `dir` not named in `keep` (a channel that was
/// removed, a sitemap that now has fewer parts), and `dir` itself when it
/// is left empty. A folder that is not there is fine.
fn prune(dir: &Path, keep: &HashSet<String>) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".xml") && !keep.contains(&name) && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
        }
    }
    // Only succeeds when empty, which is all it is meant to do.
    let _ = fs::remove_dir(dir);
    Ok(())
}

fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// `robots.txt`: every crawler may read everything; with the site's
/// address, the absolute address of the sitemap.
pub fn robots(root: Option<&SiteRoot>) -> String {
    let mut text =
        String::from("# Written by pufa build (docs/feeds.md)\nUser-agent: *\nAllow: /\n");
    if let Some(root) = root {
        text.push_str(&format!("\nSitemap: {}/{SITEMAP}\n", root.0));
    }
    text
}

/// Per channel (in [`pufa_core::Catalog::channel_tree`] order), what the
/// feeds and the sitemap need: how many bulletins its list holds
/// (sub-channels included), the newest publish time, and the positions of
/// its newest bulletins in the store.
struct ChannelFigures {
    count: usize,
    newest: Option<DateTime<FixedOffset>>,
    entries: Vec<usize>,
}

/// One pass over the archive (newest first) instead of one per channel:
/// each bulletin counts for its channel and every channel above it.
fn channel_figures(store: &Store, feed_entries: usize) -> Vec<ChannelFigures> {
    let catalog = &store.catalog;
    let tree = catalog.channel_tree();
    let index: HashMap<&str, usize> = tree
        .iter()
        .enumerate()
        .map(|(i, (_, c))| (c.id.as_str(), i))
        .collect();
    // The channel itself and its ancestors, as tree positions.
    let lines: HashMap<&str, Vec<usize>> = tree
        .iter()
        .map(|(_, c)| {
            let line = catalog
                .channel_path(&c.id)
                .iter()
                .filter_map(|n| index.get(n.id.as_str()).copied())
                .collect();
            (c.id.as_str(), line)
        })
        .collect();
    let mut figures: Vec<ChannelFigures> = tree
        .iter()
        .map(|_| ChannelFigures {
            count: 0,
            newest: None,
            entries: Vec::new(),
        })
        .collect();
    for (pos, b) in store.bulletins().iter().enumerate() {
        // The content check refuses unknown channels; were one to slip
        // through, it would be in no list, so in no channel's figures.
        let Some(line) = lines.get(b.channel.as_str()) else {
            continue;
        };
        for &c in line {
            let f = &mut figures[c];
            f.count += 1;
            f.newest.get_or_insert(b.published);
            if f.entries.len() < feed_entries {
                f.entries.push(pos);
            }
        }
    }
    figures
}

/// One bulletin as an Atom entry: the article page is its id and link; the
/// summary is the page's own description; the author is the 来源, or the
/// site when the bulletin names none.
fn entry(store: &Store, b: &Bulletin, root: &SiteRoot) -> Entry {
    let catalog = &store.catalog;
    let url = root.article(&b.id);
    let published = beijing(&b.published);
    let author = b.source.as_deref().unwrap_or(catalog.site.name.as_str());
    let summary = meta::description(b);
    Entry {
        title: Text::plain(xml_text(&b.title)),
        id: url.clone(),
        // A bulletin has no edit time: publishing is its last change.
        updated: published,
        published: Some(published),
        authors: vec![Person {
            name: xml_text(author).into_owned(),
            ..Person::default()
        }],
        categories: vec![Category {
            term: xml_text(catalog.channel_name(&b.channel)).into_owned(),
            ..Category::default()
        }],
        links: vec![Link {
            href: url,
            rel: "alternate".into(),
            mime_type: Some("text/html".into()),
            ..Link::default()
        }],
        summary: (!summary.trim().is_empty()).then(|| Text::plain(xml_text(summary.trim()))),
        ..Entry::default()
    }
}

/// What one feed says about itself.
struct FeedHead {
    title: String,
    subtitle: String,
    /// The feed file's own absolute URL: its id and `rel="self"`.
    url: String,
    /// The page it follows: `rel="alternate"`.
    page: String,
}

/// A feed of `positions` (indexes into the store, newest first). An empty
/// feed (a channel with no bulletins yet) is still a valid feed, so a
/// reader may subscribe before the first bulletin: its `updated` is the
/// site's newest publish time, or the Unix epoch for an empty site, never
/// the clock, so the same content gives the same files.
fn atom(
    store: &Store,
    head: FeedHead,
    positions: &[usize],
    root: &SiteRoot,
) -> io::Result<Vec<u8>> {
    let all = store.bulletins();
    let entries: Vec<Entry> = positions
        .iter()
        .filter_map(|&i| all.get(i))
        .map(|b| entry(store, b, root))
        .collect();
    let updated = positions
        .first()
        .and_then(|&i| all.get(i))
        .or_else(|| all.first())
        .map(|b| beijing(&b.published))
        .unwrap_or_else(|| SHANGHAI.timestamp_opt(0, 0).single().unwrap_or_default());
    let site = &store.catalog.site;
    let feed = Feed {
        title: Text::plain(xml_text(&head.title)),
        subtitle: (!head.subtitle.trim().is_empty())
            .then(|| Text::plain(xml_text(head.subtitle.trim()))),
        id: head.url.clone(),
        updated,
        authors: vec![Person {
            name: xml_text(&site.name).into_owned(),
            uri: Some(root.home()),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: head.url,
                rel: "self".into(),
                mime_type: Some(ATOM_TYPE.into()),
                ..Link::default()
            },
            Link {
                href: head.page,
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Link::default()
            },
        ],
        icon: Some(root.logo()),
        lang: Some("zh-CN".into()),
        entries,
        ..Feed::default()
    };
    feed.write_to(Vec::new()).map_err(io::Error::other)
}

/// One `<url>` of a sitemap.
struct PageUrl {
    loc: String,
    lastmod: Option<DateTime<FixedOffset>>,
}

/// Every page a crawler should know, in site order: home, 网站地图, each
/// channel's list pages, each article (newest first).
///
/// `lastmod` is the newest publish time the page shows. For list pages
/// that is the channel's newest bulletin on every page, not the newest on
/// that page: a new bulletin pushes one item from each page onto the next,
/// so all of them change when it is published. 网站地图 lists channels,
/// not bulletins, and has no time to give.
fn page_urls<'a>(
    store: &'a Store,
    figures: &'a [ChannelFigures],
    root: &'a SiteRoot,
) -> impl Iterator<Item = PageUrl> + 'a {
    let all = store.bulletins();
    let per_page = store.catalog.site.per_page.max(1);
    let home = PageUrl {
        loc: root.home(),
        lastmod: all.first().map(|b| b.published),
    };
    let map = PageUrl {
        loc: root.sitemap(),
        lastmod: None,
    };
    let lists = store
        .catalog
        .channel_tree()
        .into_iter()
        .zip(figures)
        .flat_map(move |((_, c), f)| {
            // An empty channel still has its page 1, as the build writes it.
            let pages = f.count.div_ceil(per_page).max(1);
            (1..=pages).map(move |page| PageUrl {
                loc: root.channel_page(&c.id, page),
                lastmod: f.newest,
            })
        });
    let articles = all.iter().map(move |b| PageUrl {
        loc: root.article(&b.id),
        lastmod: Some(b.published),
    });
    [home, map].into_iter().chain(lists).chain(articles)
}

const URLSET_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const URLSET_TAIL: &str = "</urlset>\n";

/// One `<url>` element, escaped by quick-xml, into `buf` (cleared first).
fn url_element(buf: &mut Vec<u8>, url: &PageUrl) -> io::Result<()> {
    buf.clear();
    let mut w = Writer::new(&mut *buf);
    w.create_element("url").write_inner_content(|w| {
        w.create_element("loc")
            .write_text_content(BytesText::new(&xml_text(&url.loc)))?;
        if let Some(t) = &url.lastmod {
            w.create_element("lastmod")
                .write_text_content(BytesText::new(&beijing(t).to_rfc3339()))?;
        }
        Ok(())
    })?;
    buf.push(b'\n');
    Ok(())
}

/// A sitemap file being written: a temporary file, its size so far, and
/// the newest `lastmod` in it (the index gives it for the part).
struct Part {
    out: BufWriter<File>,
    tmp: PathBuf,
    urls: usize,
    bytes: usize,
    newest: Option<DateTime<FixedOffset>>,
}

impl Part {
    fn start(tmp: PathBuf) -> io::Result<Part> {
        let mut out = BufWriter::new(File::create(&tmp)?);
        out.write_all(URLSET_HEAD.as_bytes())?;
        Ok(Part {
            out,
            tmp,
            urls: 0,
            bytes: URLSET_HEAD.len(),
            newest: None,
        })
    }

    fn finish(mut self) -> io::Result<(PathBuf, Option<DateTime<FixedOffset>>)> {
        self.out.write_all(URLSET_TAIL.as_bytes())?;
        // Flushed and closed; renamed into place once every part is done.
        self.out.into_inner().map_err(|e| e.into_error())?;
        Ok((self.tmp, self.newest))
    }
}

/// Stream the URLs into sitemap files of at most `max_urls` URLs and
/// `max_bytes` bytes. One file becomes `dir/sitemap.xml`; several become
/// `dir/sitemaps/sitemap-<n>.xml` with `dir/sitemap.xml` the index of
/// them. The number of URLs; the number of files holding them.
fn write_sitemaps(
    dir: &Path,
    root: &SiteRoot,
    urls: impl Iterator<Item = PageUrl>,
    max_urls: usize,
    max_bytes: usize,
) -> io::Result<(usize, usize)> {
    let max_urls = max_urls.max(1);
    let tmp = |n: usize| dir.join(format!(".sitemap-{n}.xml.tmp"));
    let mut done = Vec::new();
    let mut part = Part::start(tmp(1))?;
    let mut total = 0;
    let mut buf = Vec::new();
    for url in urls {
        url_element(&mut buf, &url)?;
        let full = part.urls >= max_urls
            || (part.urls > 0 && part.bytes + buf.len() + URLSET_TAIL.len() > max_bytes);
        if full {
            let next = Part::start(tmp(done.len() + 2))?;
            done.push(std::mem::replace(&mut part, next).finish()?);
        }
        part.out.write_all(&buf)?;
        part.urls += 1;
        part.bytes += buf.len();
        if url.lastmod > part.newest {
            part.newest = url.lastmod;
        }
        total += 1;
    }
    done.push(part.finish()?);

    let parts_dir = dir.join(SITEMAPS_DIR);
    let mut keep = HashSet::new();
    if done.len() == 1 {
        let (tmp, _) = &done[0];
        fs::rename(tmp, dir.join(SITEMAP))?;
    } else {
        fs::create_dir_all(&parts_dir)?;
        let mut index = Writer::new(Vec::new());
        index
            .get_mut()
            .extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        index
            .create_element("sitemapindex")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|w| {
                for (n, (tmp, newest)) in done.iter().enumerate() {
                    let name = format!("sitemap-{}.xml", n + 1);
                    fs::rename(tmp, parts_dir.join(&name))?;
                    let loc = format!("{}/{SITEMAPS_DIR}/{name}", root.0);
                    keep.insert(name);
                    w.create_element("sitemap").write_inner_content(|w| {
                        w.create_element("loc")
                            .write_text_content(BytesText::new(&xml_text(&loc)))?;
                        if let Some(t) = newest {
                            w.create_element("lastmod")
                                .write_text_content(BytesText::new(&beijing(t).to_rfc3339()))?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        let mut bytes = index.into_inner();
        bytes.push(b'\n');
        write_atomic(&dir.join(SITEMAP), &bytes)?;
    }
    // Parts of an earlier, longer sitemap would otherwise linger.
    prune(&parts_dir, &keep)?;
    Ok((total, done.len()))
}

/// Write the feeds, the sitemap and `robots.txt` of `store` into `dir`,
/// the root of the build output. Without `site.url`, only `robots.txt`,
/// and feeds or sitemaps an earlier build left in `dir` are removed (they
/// would announce addresses this build no longer vouches for).
pub fn write(store: &Store, dir: &Path, limits: Limits) -> io::Result<Written> {
    fs::create_dir_all(dir)?;
    let catalog = &store.catalog;
    let Some(root) = catalog.site.url.as_deref().map(site_root) else {
        write_atomic(&dir.join(ROBOTS), robots(None).as_bytes())?;
        remove_if_there(&dir.join(FEED))?;
        remove_if_there(&dir.join(SITEMAP))?;
        prune(&dir.join(FEEDS_DIR), &HashSet::new())?;
        prune(&dir.join(SITEMAPS_DIR), &HashSet::new())?;
        return Ok(Written::Skipped);
    };

    let figures = channel_figures(store, limits.feed_entries);
    let site = &catalog.site;

    let newest: Vec<usize> = (0..store.bulletins().len().min(limits.feed_entries)).collect();
    let head = FeedHead {
        title: site.name.clone(),
        subtitle: site.description.clone(),
        url: format!("{}/{FEED}", root.0),
        page: root.home(),
    };
    write_atomic(&dir.join(FEED), &atom(store, head, &newest, &root)?)?;

    let mut keep = HashSet::new();
    for ((_, channel), f) in catalog.channel_tree().into_iter().zip(&figures) {
        let name = format!("{}.xml", channel.id);
        let head = FeedHead {
            title: format!("{} · {}", site.name, channel.name),
            subtitle: meta::column_description(catalog, &channel.id),
            url: format!("{}/{FEEDS_DIR}/{name}", root.0),
            page: root.channel(&channel.id),
        };
        let data = atom(store, head, &f.entries, &root)?;
        write_atomic(&dir.join(FEEDS_DIR).join(&name), &data)?;
        keep.insert(name);
    }
    let feeds = keep.len() + 1;
    prune(&dir.join(FEEDS_DIR), &keep)?;

    let (urls, sitemaps) = write_sitemaps(
        dir,
        &root,
        page_urls(store, &figures, &root),
        limits.sitemap_urls,
        limits.sitemap_bytes,
    )?;
    write_atomic(&dir.join(ROBOTS), robots(Some(&root)).as_bytes())?;
    Ok(Written::Wrote {
        feeds,
        urls,
        sitemaps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_root_drops_the_trailing_slash_query_and_fragment() {
        for (url, want) in [
            ("https://a.gov.cn", "https://a.gov.cn"),
            ("https://a.gov.cn/", "https://a.gov.cn"),
            ("https://a.gov.cn/pufa/", "https://a.gov.cn/pufa"),
            ("https://a.gov.cn/pufa?x=1#top", "https://a.gov.cn/pufa"),
        ] {
            assert_eq!(site_root(url).0, want, "{url}");
        }
    }

    #[test]
    fn xml_text_drops_what_xml_cannot_carry() {
        assert_eq!(xml_text("a\u{1}b\tc\u{FFFF}"), "ab\tc");
        assert!(matches!(xml_text("普法 <b>&"), Cow::Borrowed(_)));
    }
}
