//! `pufa render`: every page a reader can land on, pre-rendered as HTML
//! into the finished build, by the app's own components
//! (`pufa_portal::prerender`).
//!
//! Run after `trunk build` has made the shell (Trunk's post-build hook,
//! `scripts/post-build.mjs`, runs it). It reads the build's own data — the
//! same files the app would fetch — and writes, at the path of each URL
//! plus `.html` (what static hosts and the nginx example look up):
//!
//! | URL | file |
//! |---|---|
//! | `/` | `index.html` |
//! | `/channel/{id}` | `channel/{id}.html` |
//! | `/channel/{id}/{n}` | `channel/{id}/{n}.html` |
//! | `/article/{id}` | `article/{id}.html` |
//! | `/sitemap` | `sitemap.html` |
//! | anything else | `404.html` (页面未找到) |
//!
//! `shell.html`, the page without content that the app fills in, stays
//! for the search page (`search.html`) and the service worker.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use pufa_core::compiled::{
    self, decode, decode_article, list_file, DataVersion, HomeFile, ListFile, VERSION_FILE,
};
use pufa_core::{decode_site, Catalog, Pager};
use pufa_portal::prerender::{Page, Renderer};

/// The plain shell, as Trunk built it (with the post-build hook's CSP).
pub const SHELL: &str = "shell.html";

/// What one run wrote.
#[derive(Debug, Default)]
pub struct RenderReport {
    pub pages: usize,
    pub articles: usize,
    pub lists: usize,
    pub bytes: u64,
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("读取 {} 失败：{e}", path.display()))
}

fn write(path: &Path, html: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("创建 {} 失败：{e}", dir.display()))?;
    }
    fs::write(path, html).map_err(|e| format!("写入 {} 失败：{e}", path.display()))
}

fn data<T: serde::de::DeserializeOwned>(dist: &Path, rel: &str) -> Result<T, String> {
    let src = read(&dist.join("data").join(rel))?;
    decode::<T>(rel, &src).map_err(|e| e.to_string())
}

/// Remove what an earlier run wrote, so a deleted article's page goes too.
fn clear(dir: &Path) -> Result<(), String> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            Err(format!("清除 {} 失败：{e}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Pre-render the finished build in `dist` (its `shell.html` and `data/`),
/// articles on `jobs` threads (default: one per core).
pub fn render(dist: &Path, jobs: Option<usize>) -> Result<RenderReport, String> {
    let shell = read(&dist.join(SHELL))?;
    let version: DataVersion = data(dist, VERSION_FILE)?;
    let site_file = version.file(compiled::SITE);
    let site = decode_site(&read(&dist.join("data").join(&site_file))?)
        .map_err(|e| format!("{site_file}：{e}"))?;
    let catalog = Catalog::new(site);
    let per_page = catalog.site.per_page;
    let channels: Vec<String> = catalog.channels().map(|c| c.id.clone()).collect();
    let renderer = Renderer::new(version.clone(), catalog.clone(), &shell)?;
    let base = pufa_portal::paths::base();
    let file_of = |path: &str| -> PathBuf {
        let rel = path
            .strip_prefix(base)
            .unwrap_or(path)
            .trim_start_matches('/');
        dist.join(if rel.is_empty() { "index" } else { rel })
            .with_extension("html")
    };
    let mut report = RenderReport::default();
    let put = |page: Page, file: Option<PathBuf>, report: &mut RenderReport| {
        let file = file.unwrap_or_else(|| file_of(&renderer.path_of(&page)));
        let html = renderer.render(page);
        report.pages += 1;
        report.bytes += html.len() as u64;
        write(&file, &html)
    };

    clear(&dist.join("article"))?;
    clear(&dist.join("channel"))?;
    let home: HomeFile = data(dist, &version.file(compiled::HOME))?;
    put(Page::Home(home), None, &mut report)?;
    put(Page::Sitemap, None, &mut report)?;
    put(Page::NotFound, Some(dist.join("404.html")), &mut report)?;
    write(&dist.join("search.html"), &shell)?;

    for id in &channels {
        let first: ListFile = data(dist, &version.file(&list_file(id, 1)))?;
        let pages = Pager::new(first.total, per_page, 1).map_or(1, |p| p.total_pages);
        put(Page::Channel(first), None, &mut report)?;
        for n in 2..=pages {
            let list: ListFile = data(dist, &version.file(&list_file(id, n)))?;
            put(Page::Channel(list), None, &mut report)?;
        }
        report.lists += pages;
    }

    let dir = dist.join("data").join(version.file("article"));
    let entries = fs::read_dir(&dir).map_err(|e| format!("读取 {} 失败：{e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("读取 {} 失败：{e}", dir.display()))?
            .path();
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            files.push(path);
        }
    }
    // Articles are most of the pages: one share per core, each page on its own.
    let threads = jobs.unwrap_or_else(crate::content::cores).max(1);
    let share = files.len().div_ceil(threads).max(1);
    let results: Vec<Result<RenderReport, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(share)
            .map(|chunk| {
                let (renderer, put) = (&renderer, &put);
                scope.spawn(move || {
                    let mut part = RenderReport::default();
                    for path in chunk {
                        let name = path.file_name().unwrap_or_default().to_string_lossy();
                        let rel = format!("article/{name}");
                        let file = decode_article(&rel, &read(path)?, renderer.catalog())
                            .map_err(|e| e.to_string())?;
                        put(Page::Article(Box::new(file)), None, &mut part)?;
                        part.articles += 1;
                    }
                    Ok(part)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err("渲染线程意外退出".to_string()))
            })
            .collect()
    });
    for part in results {
        let part = part?;
        report.pages += part.pages;
        report.articles += part.articles;
        report.bytes += part.bytes;
    }
    Ok(report)
}
