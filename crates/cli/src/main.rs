//! `pufa`: check, compile and start the portal's content. See `pufa --help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use pufa_cli::content::{self, Problem};
use pufa_cli::{build, convert, new};

#[derive(Parser)]
#[command(
    name = "pufa",
    version,
    about = "普法动态内容工具：检查、编译、新建文章"
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
    /// Report every mistake in the content (file, line, field); exit status 1 if any
    Check {
        #[command(flatten)]
        content: ContentArg,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { content } => match load(&content.dir()) {
            Ok(c) => {
                println!("pufa check: {} 篇文章，没有发现错误。", c.bulletins.len());
                ExitCode::SUCCESS
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
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("pufa build: 写入 {} 失败：{e}", out.display());
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
    }
}
