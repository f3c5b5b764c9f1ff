//! `pufa`: check, compile and start the portal's content. See `pufa --help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use pufa_cli::content::{self, Problem};
use pufa_cli::{build, convert, import, links, new};

/// The help in Chinese, as the office staff who run `pufa` read it: clap's
/// own headings (Usage, Commands, Options) and its -h/-V lines replaced.
const HELP_TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

#[derive(Parser)]
#[command(
    name = "pufa",
    version,
    about = "普法动态内容工具：检查、编译、新建、导入文章",
    after_help = "每个命令的说明：pufa 命令 --help（例如 pufa import --help）。文档：docs/content.md、docs/import.md。",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    next_help_heading = "选项",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
}

#[derive(clap::Args)]
struct ContentArg {
    /// 内容文件夹（site.toml、bulletins/、media/）。默认：环境变量 PUFA_CONTENT，否则 ./content
    #[arg(long, value_name = "文件夹")]
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
    /// 检查内容，并编译成网站读取的数据文件（trunk build 会自动运行）
    #[command(override_usage = "pufa build [选项]")]
    Build {
        #[command(flatten)]
        content: ContentArg,
        /// 数据输出文件夹。默认：在 Trunk 构建中为 $TRUNK_STAGING_DIR/data，否则 dist/data。图片放在它旁边的 media/ 文件夹
        #[arg(long, value_name = "文件夹")]
        out: Option<PathBuf>,
    },
    /// 把每篇文章、栏目列表页、首页和网站地图预先生成为 HTML，写入构建好的网站（trunk build 会自动运行；见 docs/deploy.md）
    #[command(override_usage = "pufa render [选项]")]
    Render {
        /// 构建好的网站文件夹（含 shell.html 和 data/）。默认：$TRUNK_STAGING_DIR，否则 dist
        #[arg(long, value_name = "文件夹")]
        dist: Option<PathBuf>,
        /// 同时生成文章的线程数。默认：每个处理器核心一个
        #[arg(long, value_name = "数量")]
        jobs: Option<usize>,
    },
    /// 找出内容中的每一处错误（文件、行号、字段）；有错误时退出状态为 1
    #[command(override_usage = "pufa check [选项]")]
    Check {
        #[command(flatten)]
        content: ContentArg,
        /// 再访问每个外部链接（友情链接、网址设置）：报告打不开的（退出状态 1）和已跳转的（警告，并给出应改用的地址）
        #[arg(long)]
        links: bool,
    },
    /// 新建一篇文章文件，带新的编号和当前北京时间
    #[command(override_usage = "pufa new --channel <栏目> --title <标题> [选项]")]
    New {
        #[command(flatten)]
        content: ContentArg,
        /// 栏目编号（见 site.toml）
        #[arg(long, value_name = "栏目")]
        channel: String,
        /// 标题
        #[arg(long, value_name = "标题")]
        title: String,
    },
    /// 把旧的 JSON 数据（site.json + bulletins.json）转换成新的内容文件夹
    #[command(override_usage = "pufa convert --from <文件夹> --to <文件夹>")]
    Convert {
        /// 含 site.json 和 bulletins.json 的文件夹
        #[arg(long, value_name = "文件夹")]
        from: PathBuf,
        /// 新的内容文件夹（其中不能已有内容）
        #[arg(long, value_name = "文件夹")]
        to: PathBuf,
    },
    /// 从旧网站保存下来的文章页面和 Word 文件（.docx）导入文章；可以放心重复运行（见 docs/import.md）
    #[command(override_usage = "pufa import [选项] <路径>...")]
    Import {
        #[command(flatten)]
        content: ContentArg,
        /// 文件或文件夹：旧网站保存下来的页面（.html、.htm、.shtml、.txt）和 Word 文件（.docx）
        #[arg(required = true, value_name = "路径")]
        inputs: Vec<PathBuf>,
        /// 只显示哪些文章是新的、有改动的或没变的，不写入任何文件
        #[arg(long)]
        dry_run: bool,
        /// Word 文件所属栏目：site.toml 中的栏目编号，或栏目名称路径，如 "普法动态 > 新洲区"
        #[arg(long, value_name = "栏目")]
        channel: Option<String>,
        /// Word 文件的发布时间（北京时间），如 "2026-03-01 09:30"
        #[arg(long, value_name = "时间")]
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

/// `pufa`'s command line, its help in Chinese in every command: clap does
/// not pass a help template or headings down to subcommands, so they are
/// set on each here (options under 选项, positional arguments under 参数).
fn cli_command() -> clap::Command {
    Cli::command().mut_subcommands(|c| {
        c.help_template(HELP_TEMPLATE).mut_args(|a| {
            let heading = if a.is_positional() {
                "参数"
            } else {
                "选项"
            };
            a.help_heading(heading)
        })
    })
}

/// The command line; or, when it is wrong, what is wrong with it in
/// Chinese (clap's own messages are English), its usage and where the
/// help is, with exit status 2 as clap gives.
fn parse_cli() -> Result<Cli, ExitCode> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let e = match cli_command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let ctx = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        _ => String::new(),
    };
    let what = match e.kind() {
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::UnknownArgument => format!("不认识的参数：{}", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => {
            format!("没有这个命令：{}", ctx(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingSubcommand => "请写出要运行的命令，如 pufa check".to_string(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "参数 {} 的值“{}”不对",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::InvalidValue)
        ),
        ErrorKind::ArgumentConflict
            if ctx(ContextKind::InvalidArg) == ctx(ContextKind::PriorArg) =>
        {
            format!("参数 {} 只能写一次", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::ArgumentConflict => format!(
            "参数 {} 不能和 {} 一起用",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues => {
            format!("参数 {} 给了太多的值", ctx(ContextKind::InvalidArg))
        }
        // Rarer mistakes: clap's own words, after a Chinese line.
        _ => format!("命令写得不对：\n{}", e.render()),
    };
    eprintln!("pufa：{what}");
    for suggested in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg] {
        let s = ctx(suggested);
        if !s.is_empty() {
            eprintln!("是不是要写 {s}？");
        }
    }
    let usage = ctx(ContextKind::Usage);
    if let Some(usage) = usage.trim().strip_prefix("Usage:") {
        eprintln!("用法：{}", usage.trim());
    }
    let command = std::env::args()
        .nth(1)
        .filter(|a| cli_command().find_subcommand(a).is_some());
    match command {
        Some(c) => eprintln!("说明：pufa {c} --help"),
        None => eprintln!("说明：pufa --help"),
    }
    Err(ExitCode::from(2))
}

fn main() -> ExitCode {
    let cli = match parse_cli() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
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
