//! The identity settings of `site.toml` (issue #14): `[site.identity]`,
//! `site.url` and the channels' column settings load, reach the compiled
//! `site.json` and come back from it; a misspelt name or an unsafe address
//! stops the build naming the field and the line.

use std::fs;
use std::path::PathBuf;

use pufa_cli::{build, content};
use pufa_core::compiled::{self, DataVersion};
use pufa_core::meta::{column_tags, site_tags};
use pufa_core::{decode_site, Catalog};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pufa-identity-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("media")).unwrap();
    fs::create_dir_all(dir.join("bulletins")).unwrap();
    dir
}

const SITE: &str = r#"[site]
name = "测试普法网"
description = "测试用站点"
url = "https://pufa.example.gov.cn/"

[site.identity]
sponsor = " 示例区司法局 "
organizer = "示例区普法办"
phone = "027-00000000"
address = "示例路1号"
email = "test@example.com"
site_code = "4201170000"
icp = "鄂ICP备00000000号-1"
police = "鄂公网安备 42011700000000号"
police_emblem = "media/公安 图标.png"
dangzheng_image = "media/dangzheng.png"
dangzheng_url = "https://example.com/conac"
jiucuo_url = "https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode=4201170000"
contact_url = "/channel/anli"

[[channels]]
id = "pufa"
name = "普法动态"
description = "普法工作动态"
keywords = ["普法", "宣传"]
column_type = "解读回应"

[[channels.children]]
id = "qu"
name = "某区"

[[channels]]
id = "anli"
name = "以案释法"
"#;

fn site_dir(name: &str, site: &str) -> PathBuf {
    let dir = scratch(name);
    fs::write(dir.join("site.toml"), site).unwrap();
    fs::write(dir.join("media/公安 图标.png"), b"\x89PNG emblem").unwrap();
    fs::write(dir.join("media/dangzheng.png"), b"\x89PNG badge").unwrap();
    dir
}

fn problem(name: &str, site: &str) -> content::Problem {
    content::load_site(&site_dir(name, site)).expect_err("site.toml should be refused")
}

#[test]
fn identity_settings_load_and_compile() {
    let dir = site_dir("full", SITE);
    let data = content::load_site(&dir).unwrap();
    let id = &data.site.identity;
    assert_eq!(id.sponsor.as_deref(), Some("示例区司法局"));
    assert_eq!(id.site_code.as_deref(), Some("4201170000"));
    // The operator's file name, until the build publishes it.
    assert_eq!(id.police_emblem.as_deref(), Some("media/公安 图标.png"));
    let contact = id.contact.as_ref().unwrap();
    assert_eq!(
        (contact.name.as_str(), contact.url.as_str()),
        ("留言咨询", "/channel/anli")
    );
    assert_eq!(
        data.site.url.as_deref(),
        Some("https://pufa.example.gov.cn/")
    );
    assert_eq!(data.channels[0].keywords, ["普法", "宣传"]);

    // Compiled: the images under hashed names, the whole block read back
    // by the app's decoder.
    let out = dir.join("out/data");
    let media = dir.join("out/media");
    let all = content::load(&dir).unwrap();
    let report = build::build(all, &out, &media).unwrap();
    assert_eq!(report.media, 2);
    let version: DataVersion =
        serde_json::from_str(&fs::read_to_string(out.join(compiled::VERSION_FILE)).unwrap())
            .unwrap();
    assert_eq!(version.format, 3);
    let site_json = fs::read_to_string(out.join(version.file(compiled::SITE))).unwrap();
    let back = decode_site(&site_json).unwrap();
    let emblem = back.site.identity.police_emblem.clone().unwrap();
    assert!(
        emblem.starts_with("media/image-") && emblem.ends_with(".png"),
        "{emblem}"
    );
    assert!(media.join(emblem.trim_start_matches("media/")).is_file());
    let badge = back.site.identity.dangzheng.clone().unwrap();
    assert!(
        badge.image.starts_with("media/dangzheng-"),
        "{}",
        badge.image
    );
    assert_eq!(badge.url, "https://example.com/conac");
    let mut expected = data.site.identity.clone();
    expected.police_emblem = Some(emblem);
    expected.dangzheng.as_mut().unwrap().image = badge.image.clone();
    assert_eq!(back.site.identity, expected);

    let catalog = Catalog::new(back);
    assert_eq!(
        site_tags(&catalog.site),
        vec![
            ("SiteName", "测试普法网".to_string()),
            ("SiteDomain", "pufa.example.gov.cn".to_string()),
            ("SiteIDCode", "4201170000".to_string()),
        ]
    );
    // The sub-channel inherits its parent's 栏目类别.
    let tags = column_tags(&catalog, "qu");
    assert!(
        tags.contains(&("ColumnType", "解读回应".to_string())),
        "{tags:?}"
    );
    let tags = column_tags(&catalog, "pufa");
    assert!(
        tags.contains(&("ColumnKeywords", "普法,宣传".to_string())),
        "{tags:?}"
    );
    assert!(
        tags.contains(&("ColumnDescription", "普法工作动态".to_string())),
        "{tags:?}"
    );
    let tags = column_tags(&catalog, "anli");
    assert!(
        tags.contains(&("ColumnType", "信息发布".to_string())),
        "{tags:?}"
    );

    // The file written back from the settings loads the same.
    let again = site_dir("again", &content::site_file(&data));
    assert_eq!(content::load_site(&again).unwrap(), data);
}

#[test]
fn no_identity_means_an_empty_block() {
    let plain = SITE
        .split("[site.identity]")
        .next()
        .unwrap()
        .replace("url = \"https://pufa.example.gov.cn/\"\n", "")
        .to_string()
        + "\n[[channels]]\nid = \"pufa\"\nname = \"普法动态\"\n";
    let data = content::load_site(&site_dir("plain", &plain)).unwrap();
    assert!(data.site.identity.is_empty());
    assert_eq!(data.site.url, None);
    let catalog = Catalog::new(data);
    assert_eq!(
        site_tags(&catalog.site),
        vec![("SiteName", "测试普法网".to_string())]
    );
    let json = compiled::encode_site(&catalog_data(&plain));
    assert!(json["site"].get("identity").is_none(), "{json}");
}

fn catalog_data(site: &str) -> pufa_core::SiteData {
    content::load_site(&site_dir("encode", site)).unwrap()
}

#[test]
fn an_unknown_identity_field_is_refused_by_name() {
    let p = problem("unknown", &SITE.replace("sponsor = ", "sponser = "));
    assert_eq!(p.line, Some(7), "{p}");
    assert_eq!(p.field, "site.identity.sponser", "{p}");
    assert!(p.message.contains("不认识的字段 `sponser`"), "{p}");
    assert!(
        p.to_string()
            .contains("site.toml 第 7 行，字段 site.identity.sponser：不认识的字段"),
        "{p}"
    );
    // The same for a channel's settings.
    let p = problem(
        "unknown-channel",
        &SITE.replace("column_type = ", "columntype = "),
    );
    assert!(p.message.contains("不认识的字段 `columntype`"), "{p}");
}

#[test]
fn a_bad_address_is_refused_naming_the_field() {
    for (key, bad) in [
        ("jiucuo_url", "javascript:alert(1)"),
        ("contact_url", "//evil.example/"),
        ("dangzheng_url", "data:text/html,x"),
    ] {
        let line = SITE.lines().position(|l| l.starts_with(key)).unwrap() + 1;
        let site = SITE
            .lines()
            .map(|l| {
                if l.starts_with(key) {
                    format!("{key} = \"{bad}\"")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let p = problem(key, &site);
        assert_eq!(p.field, format!("site.identity.{key}"), "{p}");
        assert_eq!(p.line, Some(line), "{p}");
        assert!(p.message.contains(bad), "{p}");
    }
    let p = problem(
        "site-url",
        &SITE.replace("https://pufa.example.gov.cn/", "/pufa"),
    );
    assert_eq!(p.field, "site.url", "{p}");
    assert_eq!(p.line, Some(4), "{p}");
}

#[test]
fn identity_values_are_checked() {
    for (from, to, field, says) in [
        (
            "site_code = \"4201170000\"",
            "site_code = \"42011\"",
            "site.identity.site_code",
            "10 位",
        ),
        (
            "email = \"test@example.com\"",
            "email = \"test\"",
            "site.identity.email",
            "邮箱",
        ),
        (
            "police = \"鄂公网安备 42011700000000号\"",
            "police = \"鄂公网安备\"",
            "site.identity.police",
            "数字",
        ),
        (
            "dangzheng_url = \"https://example.com/conac\"",
            "",
            "site.identity.dangzheng_url",
            "缺少 dangzheng_url",
        ),
        (
            "police = \"鄂公网安备 42011700000000号\"",
            "",
            "site.identity.police_emblem",
            "police",
        ),
        (
            "keywords = [\"普法\", \"宣传\"]",
            "keywords = [\"普法,宣传\"]",
            "channels[0].keywords[0]",
            "逗号",
        ),
    ] {
        let p = problem("values", &SITE.replace(from, to));
        assert_eq!(p.field, field, "{p}");
        assert!(p.message.contains(says), "{p}");
        assert!(p.line.is_some(), "{p}");
    }
    // Images must be files of media/.
    let p = problem(
        "missing-image",
        &SITE.replace("media/dangzheng.png", "media/none.png"),
    );
    assert_eq!(p.field, "site.identity.dangzheng_image");
    assert!(p.message.contains("找不到图片文件 media/none.png"), "{p}");
    let p = problem("outside", &SITE.replace("media/dangzheng.png", "../x.png"));
    assert!(p.message.contains("应放在 media/"), "{p}");
    assert_eq!(p.line, Some(16), "{p}");
}
