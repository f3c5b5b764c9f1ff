//! `pufa convert`: move the old single-file JSON data (`site.json` +
//! `bulletins.json`) into the content layout, one Markdown file per
//! bulletin. Every bulletin is read back from the file just written and
//! compared with the original, so nothing is silently changed (the seed
//! bulletin must stay word for word).

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Timelike};
use pufa_core::date::SHANGHAI;
use pufa_core::decode::channel_ids;
use pufa_core::Bulletin;

use crate::content::{self, bulletin_file, site_file, BULLETINS_DIR, SITE_TOML};

/// Where a bulletin's file goes: `bulletins/<year>/<id>.md`, the year in
/// Beijing time.
pub fn bulletin_path(b: &Bulletin) -> PathBuf {
    let year = b.published.with_timezone(&SHANGHAI).year();
    Path::new(BULLETINS_DIR)
        .join(year.to_string())
        .join(format!("{}.md", b.id))
}

/// The file text of a bulletin, checked to read back identical.
pub fn bulletin_text(
    b: &Bulletin,
    channels: &std::collections::HashSet<&str>,
) -> Result<String, String> {
    let mut text = bulletin_file(b);
    // A time with seconds or another offset than Beijing's keeps its full
    // RFC 3339 form instead of the usual `YYYY-MM-DD HH:MM`.
    let exact = b.published.offset().local_minus_utc() == 8 * 3600 && b.published.second() == 0;
    if !exact {
        text = text.replacen(
            &format!(
                "published = \"{}\"",
                pufa_core::date::format_minute(&b.published)
            ),
            &format!("published = \"{}\"", b.published.to_rfc3339()),
            1,
        );
    }
    let path = PathBuf::from(format!("{}.md", b.id));
    let back = content::load_bulletin(&path, &text, channels, &|_| true)
        .map_err(|p| format!("{}：转换后无法读回：{p}", b.id))?;
    if &back != b {
        return Err(format!("{}：转换后读回的内容与原文不一致，未写入", b.id));
    }
    Ok(text)
}

/// Convert `from/site.json` and `from/bulletins.json` into `to/`. Refuses
/// to overwrite existing content. Returns how many bulletins were written.
pub fn convert(from: &Path, to: &Path) -> Result<usize, String> {
    let read = |name: &str| {
        let p = from.join(name);
        fs::read_to_string(&p).map_err(|e| format!("无法读取 {}：{e}", p.display()))
    };
    // Read and checked once, with the app's rules for the old files.
    let site = pufa_core::decode_site(&read("site.json")?).map_err(|e| e.to_string())?;
    let bulletins =
        pufa_core::decode_bulletins(&read("bulletins.json")?, &site).map_err(|e| e.to_string())?;
    if to.join(SITE_TOML).exists() || to.join(BULLETINS_DIR).exists() {
        return Err(format!(
            "{} 里已有内容，不会覆盖：请换一个空文件夹",
            to.display()
        ));
    }
    let channels = channel_ids(&site.channels);
    let mut files = Vec::new();
    for b in &bulletins {
        files.push((bulletin_path(b), bulletin_text(b, &channels)?));
    }
    fs::create_dir_all(to).map_err(|e| e.to_string())?;
    fs::write(to.join(SITE_TOML), site_file(&site)).map_err(|e| e.to_string())?;
    for (rel, text) in &files {
        let path = to.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        fs::write(&path, text).map_err(|e| format!("{}：{e}", path.display()))?;
    }
    Ok(files.len())
}
