//! `pufa`: check, compile and start the portal's content. See `pufa --help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use pufa_cli::content::{self, Problem};
use pufa_cli::{build, convert, import, links, new};

#[derive(Parser)]
#[command(
    name = "pufa",
    version,
    about = "普法动态内容工具：检查、编译、新建、导入文章"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct ContentArg {
    /// Content folder (site.toml, bulletins/, media/). Default: $PUFA_CONTENT, else ./content
    #[arg(long, value_name = "DIR")]
    content: Option<PathBuf>,
}

impl ContentArg {
    fn dir(&self) -> PathBuf {
        self.content
            .clone()
            .or_else(|| std::env::var_os("PUFA_CONTENT").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("content"))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check the content and compile it into the data tree the app reads
    Build {
        #[command(flatten)]
        content: ContentArg,
        /// Output data folder. Default: $TRUNK_STAGING_DIR/data inside a Trunk build, else dist/data.
        /// Images go to the media/ folder beside it.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Pre-render every article, list page, home and 网站地图 as HTML into a finished build
    /// (Trunk's post-build hook runs it; see docs/deploy.md)
    Render {
        /// The build folder, with shell.html and data/. Default: $TRUNK_STAGING_DIR, else dist
        #[arg(long, value_name = "DIR")]
        dist: Option<PathBuf>,
        /// Threads rendering articles. Default: one per core
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
    },
    /// Report every mistake in the content (file, line, field); exit status 1 if any
    Check {
        #[command(flatten)]
        content: ContentArg,
        /// Then request every external link (friendly links, URL settings): report broken
        /// ones (exit status 1) and redirected ones (warnings, with the address to use)
        #[arg(long)]
        links: bool,
    },
    /// Start a new bulletin file with a fresh id and the current Beijing time
    New {
        #[command(flatten)]
        content: ContentArg,
        /// Channel id (see site.toml)
        #[arg(long)]
        channel: String,
        /// Title
        #[arg(long)]
        title: String,
    },
    /// Convert old JSON data (site.json + bulletins.json) into a new content folder
    Convert {
        /// Folder with site.json and bulletins.json
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// New content folder (must not hold content yet)
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Import bulletins from the old CMS's saved article pages and from Word files (.docx);
    /// safe to run again (see docs/import.md)
    Import {
        #[command(flatten)]
        content: ContentArg,
        /// Files or folders: saved pages of the old CMS (.html, .htm, .shtml, .txt) and Word files (.docx)
        #[arg(required = true, value_name = "PATH")]
        inputs: Vec<PathBuf>,
        /// Show what would be new, changed or unchanged; write nothing
        #[arg(long)]
        dry_run: bool,
        /// Channel of the Word files: an id from site.toml, or a name path such as "普法动态 > 新洲区"
        #[arg(long)]
        channel: Option<String>,
        /// Publish time of the Word files, Beijing time: "2026-03-01 09:30"
        #[arg(long, value_name = "TIME")]
        published: Option<String>,
    },
}

/// Ask on the terminal; `None` when nothing was typed.
fn ask(prompt: &str) -> Option<String> {
    use std::io::Write;
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    let line = line.trim().to_string();
    (!line.is_empty()).then_some(line)
}

fn published_arg(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    pufa_core::date::parse_published(text)
        .ok_or_else(|| format!("发布时间“{text}”无法识别：请写成 \"2026-03-01 09:30\"（北京时间）"))
}

/// `pufa import`: the flags Word files need (asked for on a terminal), the
/// run, one line per file.
fn import_command(
    dir: &Path,
    inputs: &[PathBuf],
    dry_run: bool,
    channel: Option<String>,
    published: Option<String>,
) -> Result<ExitCode, String> {
    use std::io::IsTerminal;
    let mut word = import::WordMeta {
        channel,
        published: published.as_deref().map(published_arg).transpose()?,
    };
    if import::has_word_files(inputs) && (word.channel.is_none() || word.published.is_none()) {
        if !std::io::stdin().is_terminal() {
            let mut missing = Vec::new();
            if word.channel.is_none() {
                missing.push("--channel（栏目）");
            }
            if word.published.is_none() {
                missing.push("--published（发布时间）");
            }
            return Err(format!(
                "导入 Word 文件需要 {}：不在终端里运行，无法询问，请在命令行上给出",
                missing.join(" 和 ")
            ));
        }
        if word.channel.is_none() {
            word.channel = ask("Word 文件的栏目（site.toml 里的栏目 id，或“普法动态 > 新洲区”）：");
        }
        while word.published.is_none() {
            let Some(t) = ask("Word 文件的发布时间（北京时间，如 2026-03-01 09:30）：")
            else {
                break;
            };
            match published_arg(&t) {
                Ok(p) => word.published = Some(p),
                Err(e) => eprintln!("{e}"),
            }
        }
    }
    let report = import::run(dir, inputs, &word, dry_run)?;
    for line in report.lines() {
        println!("{line}");
    }
    println!("{}", report.summary());
    if report.skipped.is_empty() {
        if !dry_run
            && report
                .bulletins
                .iter()
                .any(|w| w.change != import::Change::Unchanged)
        {
            eprintln!("下一步：运行 pufa check，再 trunk build --release 并打开文章看一遍（docs/import.md）。");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "pufa import: {} 个文件没有导入（原因见上面“跳过”各行），其余已{}。",
            report.skipped.len(),
            if dry_run { "列出" } else { "导入" }
        );
        Ok(ExitCode::FAILURE)
    }
}

fn report(problems: &[Problem]) -> ExitCode {
    for p in problems {
        eprintln!("{p}");
    }
    eprintln!("pufa: 共 {} 处错误，请修改后再试。", problems.len());
    ExitCode::FAILURE
}

fn load(dir: &Path) -> Result<content::Content, ExitCode> {
    content::load(dir).map_err(|problems| report(&problems))
}

/// `pufa check --links`: every external link requested, one line per place
/// it is written; broken links fail the check, redirects are warnings.
fn check_links(dir: &Path) -> ExitCode {
    let found = match links::collect(dir) {
        Ok(f) => f,
        Err(p) => return report(&[p]),
    };
    let timeout = std::env::var("PUFA_LINK_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(links::TIMEOUT, std::time::Duration::from_secs_f64);
    let reports = links::check(&found, timeout, links::PARALLEL);
    for r in &reports {
        for line in r.lines() {
            match r.outcome {
                links::Outcome::Ok => println!("{line}"),
                _ => eprintln!("{line}"),
            }
        }
    }
    let (ok, moved, broken) = links::summary(&reports);
    println!(
        "pufa check --links: {} 个外部链接：{ok} 个正常，{moved} 个已跳转，{broken} 个无法访问。",
        reports.len()
    );
    if broken > 0 {
        eprintln!("pufa: 有无法访问的链接，请修改或删除后再试。");
        ExitCode::FAILURE
    } else {
        if moved > 0 {
            eprintln!("pufa: 已跳转的链接仍可使用，建议改为跳转后的地址。");
        }
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { content, links } => match load(&content.dir()) {
            Ok(c) => {
                println!("pufa check: {} 篇文章，没有发现错误。", c.bulletins.len());
                if links {
                    check_links(&c.dir)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(code) => code,
        },
        Command::Build { content, out } => {
            let started = Instant::now();
            let out = out.unwrap_or_else(|| match std::env::var_os("TRUNK_STAGING_DIR") {
                Some(stage) => Path::new(&stage).join("data"),
                None => PathBuf::from("dist/data"),
            });
            let media = out.parent().map_or_else(
                || PathBuf::from(content::MEDIA_DIR),
                |p| p.join(content::MEDIA_DIR),
            );
            let c = match load(&content.dir()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            match build::build(c, &out, &media) {
                Ok(r) => {
                    println!(
                        "pufa build: {} 篇文章，{} 个数据文件（{:.1} MB），{} 张图片，版本 {} → {}（{:.1} 秒）",
                        r.bulletins,
                        r.files,
                        r.bytes as f64 / 1e6,
                        r.media,
                        r.version,
                        out.display(),
                        started.elapsed().as_secs_f64()
                    );
                    // Without site.url: no feeds or sitemap, said once, not an error.
                    if let Some(notice) = r.feeds.notice() {
                        eprintln!("{notice}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("pufa build: 写入 {} 失败：{e}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Render { dist, jobs } => {
            let started = Instant::now();
            let dist = dist.unwrap_or_else(|| {
                std::env::var_os("TRUNK_STAGING_DIR")
                    .map_or_else(|| PathBuf::from("dist"), PathBuf::from)
            });
            match pufa_cli::render::render(&dist, jobs) {
                Ok(r) => {
                    println!(
                        "pufa render: {} 个页面（{} 篇文章，{} 个列表页），{:.1} MB → {}（{:.1} 秒）",
                        r.pages,
                        r.articles,
                        r.lists,
                        r.bytes as f64 / 1e6,
                        dist.display(),
                        started.elapsed().as_secs_f64()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("pufa render: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::New {
            content,
            channel,
            title,
        } => match new::new_bulletin(&content.dir(), &channel, &title, chrono::Utc::now()) {
            Ok(path) => {
                println!("{}", path.display());
                eprintln!("已新建文章文件。请在第二个 +++ 之后写正文，然后运行 pufa check。");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("pufa new: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Convert { from, to } => match convert::convert(&from, &to) {
            Ok(n) => {
                println!("pufa convert: {n} 篇文章已写入 {}", to.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("pufa convert: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Import {
            content,
            inputs,
            dry_run,
            channel,
            published,
        } => import_command(&content.dir(), &inputs, dry_run, channel, published).unwrap_or_else(
            |e| {
                eprintln!("pufa import: {e}");
                ExitCode::FAILURE
            },
        ),
    }
}
