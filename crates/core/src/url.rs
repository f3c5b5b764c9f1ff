//! Which links from data files may be rendered.
//!
//! Data is untrusted text: a link is only ever an absolute `http`/`https`
//! address with a host, or a path on this site. Anything else
//! (`javascript:`, `data:`, protocol-relative `//host`, whitespace or control
//! characters that browsers strip) is refused when the data is decoded, so no
//! component ever has to think about it again.

/// Why a URL was refused, in Chinese, or `Ok` when it is safe to render.
pub fn check_url(url: &str) -> Result<(), &'static str> {
    if url.is_empty() {
        return Err("链接为空");
    }
    if url
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return Err("链接含有空白、控制字符或反斜杠");
    }
    if let Some(rest) = url.strip_prefix('/') {
        if rest.starts_with('/') {
            return Err("不接受以 // 开头的链接，请写完整的 https:// 地址");
        }
        return Ok(());
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else {
        return Err("只接受 http:// 或 https:// 开头的链接，或本站以 / 开头的路径");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("链接缺少主机名");
    }
    Ok(())
}

/// Whether a view-counter endpoint may be used: an absolute http(s) URL, a
/// path on this site (`/api/views`), or a path relative to the deployment
/// (`api/views`, which follows `--public-url`).
pub fn check_endpoint(url: &str) -> Result<(), &'static str> {
    if check_url(url).is_ok() {
        return Ok(());
    }
    let relative = !url.is_empty()
        && !url.starts_with('/')
        && url
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./~".contains(c))
        && !url.split('/').any(|seg| seg == "..");
    if relative {
        Ok(())
    } else {
        Err("计数服务地址应为 http(s):// 地址、以 / 开头的路径，或 api/views 这样的相对路径")
    }
}

/// True for links that leave this site (they get `rel="noopener noreferrer"`).
pub fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The deployment path of a page's base URI, without its trailing slash:
/// `""` for `http://host/`, `"/pufa"` for `https://host/pufa/index.html`.
pub fn base_path(base_uri: &str) -> String {
    let after_scheme = base_uri
        .split_once("://")
        .map_or(base_uri, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("");
    // The base names a directory: drop a file name such as index.html.
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    dir.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, ok: bool) {
        assert_eq!(check_url(url).is_ok(), ok, "{url:?}");
    }

    #[test]
    fn accepts_web_links_and_site_paths() {
        check("http://www.legalinfo.gov.cn/", true);
        check("https://sft.hubei.gov.cn/index.shtml?a=1#x", true);
        check("HTTPS://EXAMPLE.CN", true);
        check("/channel/xinzhou", true);
    }

    #[test]
    fn refuses_scripts_and_tricks() {
        check("javascript:alert(1)", false);
        check("JaVaScRiPt:alert(1)", false);
        check(" javascript:alert(1)", false);
        check("java\tscript:alert(1)", false);
        check("data:text/html,<script>", false);
        check("vbscript:x", false);
        check("//evil.example/", false);
        check("/\\evil.example/", false);
        check("https://", false);
        check("https:///path", false);
        check("http://:80/", false);
        check("www.example.cn", false);
        check("", false);
    }

    #[test]
    fn counter_endpoints() {
        for ok in [
            "api/views",
            "/api/views",
            "https://count.example.cn/api/views",
            "v1/api_views",
        ] {
            assert!(check_endpoint(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "javascript:alert(1)",
            "../api",
            "api/../../x",
            "//evil.example/api",
            "api views",
            "data:x",
        ] {
            assert!(check_endpoint(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn external_means_absolute() {
        assert!(is_external("https://a.cn"));
        assert!(!is_external("/article/x"));
    }

    #[test]
    fn base_path_is_the_directory_of_the_base_uri() {
        assert_eq!(base_path("http://127.0.0.1:8080/"), "");
        assert_eq!(base_path("http://127.0.0.1:8080"), "");
        assert_eq!(base_path("https://a.cn/pufa/"), "/pufa");
        assert_eq!(base_path("https://a.cn/pufa/index.html?x=1"), "/pufa");
        assert_eq!(base_path("https://a.cn/a/b/#top"), "/a/b");
        assert_eq!(base_path(""), "");
    }
}
