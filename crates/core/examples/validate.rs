//! Check the data files before deploying them:
//! `cargo run -p pufa-core --example validate -- [DIR]` (default `public/data`).
//! Prints a summary, or the first mistake with its file, field and line, and
//! exits 1 then, so it can guard a deploy script.

use std::path::Path;
use std::process::ExitCode;

use pufa_core::{Store, BULLETINS_FILE, SITE_FILE};

fn main() -> ExitCode {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "public/data".to_string());
    let read = |name: &str| {
        let path = Path::new(&dir).join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("{}：无法读取（{e}）", path.display()))
    };
    let result = read(SITE_FILE).and_then(|site| {
        let bulletins = read(BULLETINS_FILE)?;
        Store::from_json(&site, &bulletins).map_err(|e| e.to_string())
    });
    match result {
        Ok(store) => {
            let samples = store.bulletins().iter().filter(|b| b.sample).count();
            println!(
                "数据有效：{} 篇文章（其中示例 {} 篇），{} 个顶级栏目，{} 个友情链接。",
                store.bulletins().len(),
                samples,
                store.top_channels().count(),
                store.links.len()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("数据有误：{message}");
            ExitCode::FAILURE
        }
    }
}
