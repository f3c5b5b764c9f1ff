//! `pufa new`: start a bulletin file with a fresh id and the current
//! Beijing time, in the channel given, ready to be written.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use pufa_core::date::SHANGHAI;
use pufa_core::decode::channel_ids;

use crate::content::{self, Front, BULLETINS_DIR, FENCE};

/// Every id already used under `dir` (file stems of `.md` files).
fn used_ids(dir: &Path, out: &mut std::collections::HashSet<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            used_ids(&path, out);
        } else if path.extension().is_some_and(|x| x == "md") {
            if let Some(stem) = path.file_stem() {
                out.insert(stem.to_string_lossy().into_owned());
            }
        }
    }
}

/// A short pseudo-random suffix: the clock's nanoseconds mixed with the
/// process id and an attempt counter (ids only need to be unique in this
/// content, which is checked).
fn suffix(attempt: u64) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut z =
        nanos ^ (u64::from(std::process::id()) << 32) ^ attempt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    format!("{:06x}", (z ^ (z >> 31)) & 0xff_ffff)
}

/// Create the file and return its path. `now` is passed in (tests fix it).
pub fn new_bulletin(
    content_dir: &Path,
    channel: &str,
    title: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf, String> {
    let site = content::load_site(content_dir).map_err(|p| p.to_string())?;
    if !channel_ids(&site.channels).contains(channel) {
        let mut known: Vec<String> = site.channels.iter().flat_map(flatten).collect();
        known.sort();
        return Err(format!(
            "未知栏目“{channel}”。可用的栏目 id：{}",
            known.join("、")
        ));
    }
    let title = title.trim();
    if title.is_empty() {
        return Err("标题不能为空".into());
    }
    let local = now.with_timezone(&SHANGHAI);
    let mut used = std::collections::HashSet::new();
    used_ids(&content_dir.join(BULLETINS_DIR), &mut used);
    let id = (0..1000)
        .map(|i| format!("{}-{}", local.format("%Y%m%d"), suffix(i)))
        .find(|id| !used.contains(id))
        .ok_or("无法生成不重复的 id")?;
    let dir = content_dir
        .join(BULLETINS_DIR)
        .join(local.format("%Y").to_string());
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{id}.md"));
    let front = Front {
        title: title.to_string(),
        channel: channel.to_string(),
        published: toml::Value::String(local.format("%Y-%m-%d %H:%M").to_string()),
        source: None,
        views: None,
        sample: false,
    };
    let front = toml::to_string(&front).map_err(|e| e.to_string())?;
    let text = format!("{FENCE}\n{front}# source = \"来源单位\"\n{FENCE}\n\n");
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| format!("{}：{e}", path.display()))?;
    Ok(path)
}

fn flatten(c: &pufa_core::Channel) -> Vec<String> {
    let mut out = vec![c.id.clone()];
    for child in &c.children {
        out.extend(flatten(child));
    }
    out
}
