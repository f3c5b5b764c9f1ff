//! `pufa build`: compile checked content into the data tree the app reads
//! (layout in `pufa_core::compiled`).
//!
//! Everything is derived here, once, so a page costs one small file: list
//! pages, the home lists, 上一篇/下一篇 and 相关文章 per article. Files are
//! written into a temporary version directory, hashed as they are written;
//! the version is the digest of all of them, the directory is renamed to
//! it, and only then is `version.json` replaced (write and rename), so a
//! reader never meets a version that is half written.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use pufa_core::compiled::{
    self, article_file, encode_article, encode_site, list_file, DataVersion, Entry, HomeFile,
    HomeSection, ListFile, FORMAT, VERSION_FILE,
};
use pufa_core::search::aids;
use pufa_core::search::pieces::{
    self, bulletin_keys, bulletin_trigrams, card_file, publish_day, IndexBuilder, CARD_BLOCK,
};
use pufa_core::search::related::RelatedIndex;
use pufa_core::{Block, Bulletin, SiteData, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::content::{cores, in_parallel, in_parallel_with, Content, MEDIA_DIR};

/// How many bulletins the home page lists as 最新动态, and per channel.
pub const HOME_NEWEST: usize = 10;
pub const HOME_PER_SECTION: usize = 6;
/// 相关文章 per article.
pub const RELATED: usize = 5;

/// What a build wrote.
#[derive(Debug)]
pub struct Report {
    pub version: String,
    pub bulletins: usize,
    pub files: usize,
    pub bytes: u64,
    pub media: usize,
    /// The Atom feeds, sitemap and robots.txt beside `data/` (`feeds.rs`).
    pub feeds: crate::feeds::Written,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes files under one directory and remembers each one's SHA-256.
struct Tree {
    root: PathBuf,
    hashes: BTreeMap<String, String>,
    bytes: u64,
}

/// Write one file (and its folder) under `root`; its SHA-256 in hex.
fn write_file(root: &Path, rel: &str, data: &[u8]) -> io::Result<String> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(&path, data)?;
    Ok(hex(&Sha256::digest(data)))
}

impl Tree {
    fn put(&mut self, rel: &str, data: &[u8]) -> io::Result<()> {
        let hash = write_file(&self.root, rel, data)?;
        self.record(rel.to_string(), hash, data.len());
        Ok(())
    }

    fn record(&mut self, rel: String, hash: String, len: usize) {
        self.hashes.insert(rel, hash);
        self.bytes += len as u64;
    }

    fn put_json<T: Serialize + ?Sized>(&mut self, rel: &str, value: &T) -> io::Result<()> {
        let data = serde_json::to_vec(value).map_err(io::Error::other)?;
        self.put(rel, &data)
    }
}

/// A name a web server and every file system take as it is.
fn safe_stem(name: &str) -> String {
    let stem: String = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect();
    if stem.is_empty() {
        "image".into()
    } else {
        stem
    }
}

/// Copy each image once into `media_out` under a content-hashed name (so
/// it can be cached for a year) and point the blocks at it.
fn publish_media(
    content_dir: &Path,
    media_out: &Path,
    bulletins: &mut [Bulletin],
    site: &mut SiteData,
) -> io::Result<usize> {
    let mut done: HashMap<String, String> = HashMap::new();
    for b in bulletins.iter_mut() {
        for block in &mut b.body {
            let Block::Image { src, .. } = block else {
                continue;
            };
            publish_image(content_dir, media_out, src, &mut done)?;
        }
    }
    // The footer's identity images (公安备案 emblem, 党政机关网站标识).
    let identity = &mut site.site.identity;
    if let Some(src) = identity.police_emblem.as_mut() {
        publish_image(content_dir, media_out, src, &mut done)?;
    }
    if let Some(badge) = identity.dangzheng.as_mut() {
        publish_image(content_dir, media_out, &mut badge.image, &mut done)?;
    }
    Ok(done.len())
}

/// Copy `media/<name>` once under its hashed name; `src` becomes that name.
fn publish_image(
    content_dir: &Path,
    media_out: &Path,
    src: &mut String,
    done: &mut HashMap<String, String>,
) -> io::Result<()> {
    let name = src.trim_start_matches("media/").to_string();
    if let Some(final_src) = done.get(&name) {
        *src = final_src.clone();
        return Ok(());
    }
    let data = fs::read(content_dir.join(MEDIA_DIR).join(&name))?;
    let digest = hex(&Sha256::digest(&data));
    let ext: String = Path::new(&name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let file = if ext.is_empty() {
        format!("{}-{}", safe_stem(&name), &digest[..10])
    } else {
        format!("{}-{}.{ext}", safe_stem(&name), &digest[..10])
    };
    fs::create_dir_all(media_out)?;
    let target = media_out.join(&file);
    if !target.is_file() {
        fs::write(&target, &data)?;
    }
    let final_src = format!("media/{file}");
    done.insert(name, final_src.clone());
    *src = final_src;
    Ok(())
}

/// 上一篇 (older) and 下一篇 (newer) of every bulletin within its own
/// channel, by position in the store's newest-first order. One pass over
/// the archive instead of a scan per article.
fn neighbours(store: &Store) -> Vec<(Option<usize>, Option<usize>)> {
    let mut out = vec![(None, None); store.bulletins().len()];
    let mut last_in_channel: HashMap<&str, usize> = HashMap::new();
    for (pos, b) in store.bulletins().iter().enumerate() {
        if let Some(&newer) = last_in_channel.get(b.channel.as_str()) {
            out[pos].1 = Some(newer);
            out[newer].0 = Some(pos);
        }
        last_in_channel.insert(b.channel.as_str(), pos);
    }
    out
}

/// Compile `content` into `out` (the `data/` directory); images go to
/// `media_out` (the `media/` directory beside it).
pub fn build(content: Content, out: &Path, media_out: &Path) -> io::Result<Report> {
    let Content {
        dir,
        mut site,
        bulletins,
        synonyms,
    } = content;
    let mut bulletins: Vec<Bulletin> = bulletins.into_iter().map(|s| s.bulletin).collect();
    let media = publish_media(&dir, media_out, &mut bulletins, &mut site)?;
    let site_json = encode_site(&site);
    let per_page = site.site.per_page;
    let store = Store::new(site, bulletins);
    let catalog = &store.catalog;
    let all = store.bulletins();

    let versions = out.join("v");
    fs::create_dir_all(&versions)?;
    let staging = versions.join(format!(".tmp-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let mut tree = Tree {
        root: staging.clone(),
        hashes: BTreeMap::new(),
        bytes: 0,
    };

    tree.put_json(compiled::SITE, &site_json)?;

    // Home: the newest, then a few of each top-level channel.
    let home = HomeFile {
        newest: all
            .iter()
            .take(HOME_NEWEST)
            .map(|b| Entry::new(b, false))
            .collect(),
        sections: catalog
            .top_channels()
            .map(|c| HomeSection {
                channel: c.id.clone(),
                items: store
                    .in_channel(&c.id)
                    .into_iter()
                    .take(HOME_PER_SECTION)
                    .map(|b| Entry::new(b, false))
                    .collect(),
            })
            .collect(),
    };
    tree.put_json(compiled::HOME, &home)?;

    // Every page of every channel's list (sub-channels included); an empty
    // channel still has its page 1.
    for (_, channel) in catalog.channel_tree() {
        let items = store.in_channel(&channel.id);
        let pages = items.len().div_ceil(per_page).max(1);
        for page in 1..=pages {
            let start = (page - 1) * per_page;
            let end = (start + per_page).min(items.len());
            let list = ListFile {
                channel: channel.id.clone(),
                page,
                pages,
                total: items.len(),
                items: items[start..end]
                    .iter()
                    .map(|b| Entry::new(b, true))
                    .collect(),
            };
            tree.put_json(&list_file(&channel.id, page), &list)?;
        }
    }

    // One file per article, with its neighbours and related reading.
    let related = RelatedIndex::build(
        all.iter()
            .map(|b| (b.title.as_str(), catalog.channel_name(&b.channel))),
    );
    let near = neighbours(&store);
    let positions: Vec<usize> = (0..all.len()).collect();
    let root = tree.root.clone();
    let written = in_parallel_with(&positions, Vec::new, |scratch, &pos| {
        let b = &all[pos];
        let rel: Vec<Entry> = related
            .related_with(pos, RELATED, scratch)
            .into_iter()
            .map(|i| Entry::new(&all[i], false))
            .collect();
        let (older, newer) = near[pos];
        let value = encode_article(b, older.map(|i| &all[i]), newer.map(|i| &all[i]), &rel);
        let data = serde_json::to_vec(&value).map_err(io::Error::other)?;
        let path = article_file(&b.id);
        let hash = write_file(&root, &path, &data)?;
        Ok::<_, io::Error>((path, hash, data.len()))
    });
    for result in written {
        let (path, hash, len) = result?;
        tree.record(path, hash, len);
    }

    // The search index, in pieces a query fetches on demand
    // (`pufa_core::search::pieces`): keys of a few thousand articles at a
    // time are cut in parallel, then merged in article order.
    {
        // Long strings the bodies repeat, candidates to be indexed whole:
        // from a sample, before the index takes its memory.
        let body_candidates = pieces::body_phrase_candidates(all);
        let mut index = IndexBuilder::new();
        for chunk in all.chunks(4096) {
            let keys = in_parallel(chunk, bulletin_keys);
            for (b, k) in chunk.iter().zip(keys) {
                index.add(k, publish_day(b), b.views);
            }
        }
        // The commonest pairs give up their positions to the trigrams
        // around them: a second cut of the archive, now that they are known.
        let split = index.split();
        let mut doc = 0u32;
        for chunk in all.chunks(4096) {
            let keys = in_parallel(chunk, |b| bulletin_trigrams(b, &split));
            for k in keys {
                index.add_trigrams(doc, k);
                doc += 1;
            }
        }
        drop(split);
        // The archive's frequent terms (from titles): the search aids'
        // suggestions, and, of three or more characters, with the bodies'
        // long ones, the candidates to be indexed whole (phrases) where
        // their pieces' positions are large.
        let terms = aids::frequent_terms(
            all.iter().map(|b| b.title.as_str()),
            aids::MIN_DF,
            aids::MAX_TERMS,
        );
        // Title terms first: they are what the suggestions offer, so what
        // readers search most, the costliest first. The bodies' long
        // strings take the room left, and only those whose pieces cost
        // twice as much (queries under that are cheap enough already),
        // the most frequent and costly first: a reader is likelier to type
        // what the archive says often.
        let weight: HashMap<&str, usize> = body_candidates
            .iter()
            .map(|t| (t.text.as_str(), t.df as usize))
            .collect();
        // The order of candidates (by the bytes their pieces cost) and of
        // phrases (by the bytes they save): one rule for both.
        fn rank<'t>(
            weight: &HashMap<&str, usize>,
            t: &'t str,
            bytes: usize,
        ) -> (bool, std::cmp::Reverse<usize>, &'t str) {
            let df = weight.get(t).copied();
            (df.is_some(), std::cmp::Reverse(bytes * df.unwrap_or(1)), t)
        }
        let mut long: Vec<(bool, std::cmp::Reverse<usize>, &str)> = terms
            .iter()
            .map(|t| t.text.as_str())
            .chain(weight.keys().copied())
            .filter_map(|t| {
                let cost = index.phrase_cost(t)?;
                let min = if weight.contains_key(t) {
                    pieces::BODY_PHRASE_MIN_BYTES
                } else {
                    pieces::PHRASE_MIN_BYTES
                };
                (cost >= min).then(|| rank(&weight, t, cost))
            })
            .collect();
        // Working a phrase out costs about what it saves, so only the
        // candidates ranked first are worked out (a few more than are kept:
        // some occur nowhere). Each thread takes every n-th, so that each
        // gets as much work, and works its share out in one walk.
        long.sort_unstable();
        long.truncate(pieces::MAX_PHRASES + pieces::MAX_PHRASES / 4);
        let threads = cores();
        let shares: Vec<Vec<&str>> = (0..threads)
            .map(|i| {
                long.iter()
                    .skip(i)
                    .step_by(threads)
                    .map(|&(_, _, t)| t)
                    .collect()
            })
            .collect();
        let worked = in_parallel(&shares, |share| {
            index.phrases(share, pieces::PHRASE_MIN_BYTES)
        });
        let mut found: Vec<(&str, pieces::Phrase)> = shares
            .iter()
            .zip(worked)
            .flat_map(|(share, phrases)| share.iter().copied().zip(phrases))
            .filter_map(|(t, p)| Some((t, p?)))
            .collect();
        // Ranked as above, by what each saves; the same choice whatever
        // the threads.
        found.sort_by_cached_key(|&(t, ref p)| rank(&weight, t, p.saves()));
        for (t, phrase) in found.into_iter().take(pieces::MAX_PHRASES) {
            index.add_phrase(t, phrase);
        }
        // Each common key's own file carries its first page of cards.
        let cards = in_parallel(all, |b| serde_json::to_string(&Entry::new(b, false)));
        index.cards(
            cards
                .into_iter()
                .collect::<Result<_, _>>()
                .map_err(io::Error::other)?,
        );
        let mut channels = Vec::new();
        for (_, channel) in catalog.channel_tree() {
            let within: HashSet<String> = catalog.descendants(&channel.id).into_iter().collect();
            let docs: Vec<u32> = all
                .iter()
                .enumerate()
                .filter(|(_, b)| within.contains(&b.channel))
                .map(|(i, _)| i as u32)
                .collect();
            channels.push((channel.id.clone(), docs));
        }
        let mut meta = index.finish(&channels, |path, data| tree.put(path, data))?;
        for (block, part) in all.chunks(CARD_BLOCK).enumerate() {
            let cards: Vec<Entry> = part.iter().map(|b| Entry::new(b, false)).collect();
            let before = tree.bytes;
            tree.put_json(&card_file(block), &cards)?;
            // The 离线搜索 setting shows the size of everything it saves.
            meta.bytes += tree.bytes - before;
            meta.files += 1;
        }
        // Search that forgives (issue #14): pinyin, suggestions, synonyms.
        let aids =
            crate::search_aids::write(all, &terms, &synonyms, |path, data| tree.put(path, data))?;
        meta.bytes += aids.bytes;
        meta.files += aids.files;
        meta.aids = Some(aids);
        tree.put_json(pieces::META, &meta)?;
    }

    // The version is the digest of every file (name and content): the same
    // content always gives the same version.
    let mut digest = Sha256::new();
    digest.update(FORMAT.to_le_bytes());
    for (path, hash) in &tree.hashes {
        digest.update(path.as_bytes());
        digest.update([0]);
        digest.update(hash.as_bytes());
        digest.update([0]);
    }
    let version = DataVersion {
        format: FORMAT,
        version: hex(&digest.finalize())[..16].to_string(),
    };

    let manifest = Manifest {
        format: FORMAT,
        version: version.version.clone(),
        files: &tree.hashes,
        bulletins: all
            .iter()
            .map(|b| Known {
                id: &b.id,
                views: b.views,
            })
            .collect(),
    };
    let manifest_bytes = serde_json::to_vec(&manifest).map_err(io::Error::other)?;
    fs::write(staging.join(compiled::MANIFEST), &manifest_bytes)?;
    let files = tree.hashes.len() + 1;
    let bytes = tree.bytes + manifest_bytes.len() as u64;

    // Publish: the version directory, then the pointer to it.
    let final_dir = versions.join(&version.version);
    if final_dir.exists() {
        fs::remove_dir_all(&final_dir)?;
    }
    fs::rename(&staging, &final_dir)?;
    let pointer = out.join(format!(".{VERSION_FILE}.tmp"));
    fs::write(
        &pointer,
        serde_json::to_vec(&version).map_err(io::Error::other)?,
    )?;
    fs::rename(&pointer, out.join(VERSION_FILE))?;
    // Older versions are gone from a fresh deployment too; an app still
    // reading one finds the new version on its next request.
    for entry in fs::read_dir(&versions)? {
        let entry = entry?;
        if entry.file_name() != version.version.as_str() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    // Feeds and maps last: every article they name is live by now. They go
    // to the root of the build, beside `data/` (as `media/` does).
    let feeds = crate::feeds::write(
        &store,
        out.parent().unwrap_or(Path::new("")),
        crate::feeds::Limits::default(),
    )?;
    Ok(Report {
        version: version.version,
        bulletins: all.len(),
        files,
        bytes,
        media,
        feeds,
    })
}

/// `manifest.json`: every file of the version with its SHA-256, and the
/// bulletins with their exported counts (what the view counter reads).
#[derive(Serialize)]
struct Manifest<'a> {
    format: u32,
    version: String,
    files: &'a BTreeMap<String, String>,
    bulletins: Vec<Known<'a>>,
}

#[derive(Serialize)]
struct Known<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    views: Option<u64>,
}
