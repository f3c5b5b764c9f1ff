//! What the reader asked for: the words typed (terms) and the search state
//! kept in the URL query string (`?q=…&channel=…&from=…&to=…&sort=…&page=…`).

use chrono::NaiveDate;

use super::normalize::normalize_text;

/// One thing the article must contain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// Normalised text of the term (may contain single spaces).
    pub text: String,
    /// Written in quotes: only articles with the exact phrase match.
    pub phrase: bool,
}

/// Quotes that open a phrase (straight, curly and full-width double quotes,
/// and the corner brackets 「」『』).
const OPENING_QUOTES: [char; 6] = ['"', '“', '”', '＂', '「', '『'];

/// The quotes that close a phrase opened by `open`: a corner bracket only
/// by its own closing bracket (so 「…『…』…」 is one phrase), a double quote
/// by any double quote (a straight one is often typed to close a curly one).
fn closing_quotes(open: char) -> &'static [char] {
    match open {
        '「' => &['」'],
        '『' => &['』'],
        _ => &['"', '“', '”', '＂'],
    }
}

/// Split what was typed into terms: spaces separate words (all must match),
/// text in quotes is one phrase: `"…"`, `“…”`, `＂…＂`, `「…」` or `『…』`.
/// Terms that normalise to nothing (punctuation only) are dropped, and
/// repeats are kept once.
pub fn parse_terms(input: &str) -> Vec<Term> {
    let mut terms: Vec<Term> = Vec::new();
    let mut push = |raw: &str, phrase: bool| {
        let text = normalize_text(raw);
        if !text.is_empty() && !terms.iter().any(|t| t.text == text && t.phrase == phrase) {
            terms.push(Term { text, phrase });
        }
    };
    let mut rest = input;
    while let Some(start) = rest.find(OPENING_QUOTES) {
        let (before, from_quote) = rest.split_at(start);
        for word in before.split_whitespace() {
            push(word, false);
        }
        let open = from_quote.chars().next().unwrap_or('"');
        let inside = &from_quote[open.len_utf8()..];
        match inside.find(closing_quotes(open)) {
            Some(end) => {
                push(&inside[..end], true);
                let close_len = inside[end..].chars().next().map_or(1, char::len_utf8);
                rest = &inside[end + close_len..];
            }
            None => {
                // An unclosed quote: the rest is the phrase.
                push(inside, true);
                rest = "";
            }
        }
    }
    for word in rest.split_whitespace() {
        push(word, false);
    }
    terms
}

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Sort {
    /// Exact matches, then title matches, then weight; newest first without words.
    #[default]
    Relevance,
    Newest,
    Oldest,
    MostViewed,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::MostViewed => "views",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Some(match s {
            "relevance" => Sort::Relevance,
            "newest" => Sort::Newest,
            "oldest" => Sort::Oldest,
            "views" => Sort::MostViewed,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "相关度",
            Sort::Newest => "最新发布",
            Sort::Oldest => "最早发布",
            Sort::MostViewed => "浏览最多",
        }
    }

    pub const ALL: [Sort; 4] = [
        Sort::Relevance,
        Sort::Newest,
        Sort::Oldest,
        Sort::MostViewed,
    ];
}

/// The whole search state, as kept in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchParams {
    pub q: String,
    pub channel: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    pub page: usize,
    /// Search exactly the words typed: no pinyin reading, no synonyms
    /// (`exact=1`, the link under 已按拼音… and 已同时搜索同义词…).
    pub exact: bool,
}

/// Longest `q` kept from a URL: enough for any real query, and a bound on
/// the work a crafted link can ask for.
pub const MAX_QUERY_CHARS: usize = 200;

impl SearchParams {
    /// Read the state from decoded query pairs. A bad value (unknown
    /// channel, impossible date, unknown sort, page 0) is ignored and the
    /// rest kept: a shared link never turns into an error page.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        known_channel: impl Fn(&str) -> bool,
    ) -> SearchParams {
        let mut p = SearchParams {
            page: 1,
            ..SearchParams::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "q" => p.q = value.chars().take(MAX_QUERY_CHARS).collect(),
                "channel" if known_channel(value) => p.channel = Some(value.to_string()),
                "from" => p.from = parse_bound(value, false).or(p.from),
                "to" => p.to = parse_bound(value, true).or(p.to),
                "sort" => p.sort = Sort::parse(value).unwrap_or(p.sort),
                "exact" if value == "1" => p.exact = true,
                "page" => {
                    p.page = value.parse().ok().filter(|&n| n >= 1).unwrap_or(p.page);
                }
                _ => {}
            }
        }
        if let (Some(f), Some(t)) = (p.from, p.to) {
            if f > t {
                // A reversed range is what the reader meant the other way round.
                p.from = Some(t);
                p.to = Some(f);
            }
        }
        p
    }

    /// This state with new words typed: as a URL holding them would read
    /// back (trimmed, at most [`MAX_QUERY_CHARS`]), on the first page, not
    /// exact (new words start a new search; the filters stay).
    pub fn with_words(&self, q: &str) -> SearchParams {
        SearchParams {
            q: q.trim().chars().take(MAX_QUERY_CHARS).collect(),
            page: 1,
            exact: false,
            ..self.clone()
        }
    }

    /// True when nothing narrows the search: no words, no filters.
    pub fn is_empty(&self) -> bool {
        self.q.trim().is_empty()
            && self.channel.is_none()
            && self.from.is_none()
            && self.to.is_none()
    }

    /// The query string (without `?`) that restores this state; defaults
    /// are left out so links stay short.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.trim().is_empty() {
            parts.push(format!("q={}", encode(self.q.trim())));
        }
        if let Some(c) = &self.channel {
            parts.push(format!("channel={}", encode(c)));
        }
        if let Some(d) = self.from {
            parts.push(format!("from={}", crate::date::iso_day(d)));
        }
        if let Some(d) = self.to {
            parts.push(format!("to={}", crate::date::iso_day(d)));
        }
        if self.sort != Sort::Relevance {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if self.exact {
            parts.push("exact=1".to_string());
        }
        parts.join("&")
    }

    /// The year the date filter is, when it is one whole year (the 年份
    /// filter): from 1 January to 31 December of it.
    pub fn year(&self) -> Option<i32> {
        let (from, to) = (self.from?, self.to?);
        let y = chrono::Datelike::year(&from);
        (Some(from) == NaiveDate::from_ymd_opt(y, 1, 1)
            && Some(to) == NaiveDate::from_ymd_opt(y, 12, 31))
        .then_some(y)
    }

    /// The filters and sort in force, in words, in the order the filter
    /// form shows them: a channel's name, `2022年` for a whole year, else the
    /// date range (`2021年3月1日至2021年6月30日`), and the sort when it is not the default. Empty when
    /// nothing narrows or reorders the results (words are not filters).
    pub fn filter_labels(&self, channel_name: impl Fn(&str) -> String) -> Vec<String> {
        let mut labels = Vec::new();
        if let Some(c) = &self.channel {
            labels.push(channel_name(c));
        }
        let whole_year = self.year();
        let day = crate::date::chinese_day;
        match (whole_year, self.from, self.to) {
            (Some(y), _, _) => labels.push(format!("{y}年")),
            (None, Some(f), Some(t)) => labels.push(format!("{}至{}", day(f), day(t))),
            (None, Some(f), None) => labels.push(format!("{}以后", day(f))),
            (None, None, Some(t)) => labels.push(format!("{}以前", day(t))),
            (None, None, None) => {}
        }
        if self.sort != Sort::Relevance {
            labels.push(self.sort.label().to_string());
        }
        labels
    }

    /// The same state on another page.
    pub fn with_page(&self, page: usize) -> SearchParams {
        SearchParams {
            page,
            ..self.clone()
        }
    }
}

/// `2021`, `2021-03` or `2021-03-05`; a year or month stands for its first
/// day as a start (`end == false`) and its last day as an end.
pub fn parse_bound(s: &str, end: bool) -> Option<NaiveDate> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |i: usize| -> Option<u32> {
        let p = parts.get(i)?;
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let year = i32::try_from(num(0)?)
        .ok()
        .filter(|y| (1900..=2999).contains(y))?;
    match parts.len() {
        1 if end => NaiveDate::from_ymd_opt(year, 12, 31),
        1 => NaiveDate::from_ymd_opt(year, 1, 1),
        2 => {
            let month = num(1)?;
            let first = NaiveDate::from_ymd_opt(year, month, 1)?;
            if end {
                let next = if month == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, month + 1, 1)?
                };
                next.pred_opt()
            } else {
                Some(first)
            }
        }
        3 => NaiveDate::from_ymd_opt(year, num(1)?, num(2)?),
        _ => None,
    }
}

/// Percent-encode a query value (everything but unreserved ASCII).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(input: &str) -> Vec<(String, bool)> {
        parse_terms(input)
            .into_iter()
            .map(|t| (t.text, t.phrase))
            .collect()
    }

    fn t(s: &str, phrase: bool) -> (String, bool) {
        (s.to_string(), phrase)
    }

    #[test]
    fn filter_labels_name_what_narrows_the_results() {
        let read = |q: &str| {
            SearchParams::from_pairs(q.split('&').filter_map(|kv| kv.split_once('=')), |_| true)
        };
        let name = |id: &str| {
            if id == "fagui" {
                "法律法规".to_string()
            } else {
                id.to_string()
            }
        };
        assert!(read("q=民法典&page=3").filter_labels(name).is_empty());
        assert_eq!(
            read("channel=fagui&from=2022&to=2022&sort=newest").filter_labels(name),
            ["法律法规", "2022年", "最新发布"]
        );
        assert_eq!(
            read("from=2021-03-05&to=2022-01").filter_labels(name),
            ["2021年3月5日至2022年1月31日"]
        );
        assert_eq!(
            read("from=2021-03").filter_labels(name),
            ["2021年3月1日以后"]
        );
        assert_eq!(
            read("to=2021&sort=views").filter_labels(name),
            ["2021年12月31日以前", "浏览最多"]
        );
        // Two whole years are a range, not a year.
        assert_eq!(
            read("from=2021&to=2022").filter_labels(name),
            ["2021年1月1日至2022年12月31日"]
        );
    }

    #[test]
    fn spaces_separate_terms_and_quotes_make_phrases() {
        assert_eq!(
            terms("普法  民法典"),
            [t("普法", false), t("民法典", false)]
        );
        assert_eq!(
            terms("\"GB/T 35273\" 个人信息"),
            [t("gb t 35273", true), t("个人信息", false)]
        );
        assert_eq!(terms("“宪法 宣传”"), [t("宪法 宣传", true)]);
        assert_eq!(terms("“未闭合 的引号"), [t("未闭合 的引号", true)]);
        assert_eq!(terms("　全角空格"), [t("全角空格", false)]);
    }

    #[test]
    fn corner_brackets_and_full_width_quotes_make_phrases() {
        assert_eq!(
            terms("「法律 援助」 申请"),
            [t("法律 援助", true), t("申请", false)]
        );
        assert_eq!(terms("『个人信息』"), [t("个人信息", true)]);
        assert_eq!(terms("＂GB/T 35273＂"), [t("gb t 35273", true)]);
        // Inside 「」 a 『』 is part of the phrase, not its end.
        assert_eq!(
            terms("「依照『本法』规定」 处理"),
            [t("依照 本法 规定", true), t("处理", false)]
        );
        // A corner bracket is closed only by its own closing bracket.
        assert_eq!(terms("「未闭合\" 的"), [t("未闭合 的", true)]);
        // A stray closing bracket is punctuation.
        assert_eq!(terms("法律」援助"), [t("法律 援助", false)]);
        // The phrase is folded like any text: traditional to simplified.
        assert_eq!(terms("「法規 彙編」"), [t("法规 汇编", true)]);
        assert_eq!(terms("“未闭合 的引号"), [t("未闭合 的引号", true)]);
    }

    #[test]
    fn punctuation_only_and_repeats_are_dropped() {
        assert_eq!(terms("，。 ！ \"\""), Vec::<(String, bool)>::new());
        assert_eq!(
            terms("普法 普法 ＰＵＦＡ pufa"),
            [t("普法", false), t("pufa", false)]
        );
    }

    fn params(q: &str) -> SearchParams {
        let pairs: Vec<(String, String)> = q
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        SearchParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), |c| {
            c == "xinzhou" || c == "pufa"
        })
    }

    #[test]
    fn url_state_round_trips() {
        let p = params("q=普法 宣传&channel=xinzhou&from=2021&to=2022-06&sort=newest&page=3");
        assert_eq!(p.q, "普法 宣传");
        assert_eq!(p.channel.as_deref(), Some("xinzhou"));
        assert_eq!(p.from, NaiveDate::from_ymd_opt(2021, 1, 1));
        assert_eq!(p.to, NaiveDate::from_ymd_opt(2022, 6, 30));
        assert_eq!((p.sort, p.page), (Sort::Newest, 3));
        assert_eq!(
            p.to_query(),
            "q=%E6%99%AE%E6%B3%95%20%E5%AE%A3%E4%BC%A0&channel=xinzhou&from=2021-01-01&to=2022-06-30&sort=newest&page=3"
        );
    }

    #[test]
    fn bad_values_are_ignored_and_the_rest_kept() {
        let p = params("q=普法&channel=<script>&from=2021-02-30&to=abc&sort=random&page=0");
        assert_eq!(
            p,
            SearchParams {
                q: "普法".into(),
                page: 1,
                ..SearchParams::default()
            }
        );
        let p = params("page=-1&page=x&sort=oldest&from=99999");
        assert_eq!((p.page, p.sort, p.from), (1, Sort::Oldest, None));
    }

    #[test]
    fn a_reversed_range_is_turned_round() {
        let p = params("from=2023&to=2021");
        assert_eq!(p.from, NaiveDate::from_ymd_opt(2021, 12, 31));
        assert_eq!(p.to, NaiveDate::from_ymd_opt(2023, 1, 1));
    }

    #[test]
    fn bounds_of_years_months_and_days() {
        assert_eq!(
            parse_bound("2024-02", true),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(
            parse_bound("2023-12", true),
            NaiveDate::from_ymd_opt(2023, 12, 31)
        );
        assert_eq!(
            parse_bound("2023-12", false),
            NaiveDate::from_ymd_opt(2023, 12, 1)
        );
        assert_eq!(parse_bound("2023-13", false), None);
        assert_eq!(
            parse_bound("2023-1-5", false),
            NaiveDate::from_ymd_opt(2023, 1, 5)
        );
        assert_eq!(parse_bound("", false), None);
        assert_eq!(parse_bound("+2023", false), None);
    }

    #[test]
    fn very_long_queries_are_cut() {
        let long = "法".repeat(1000);
        assert_eq!(
            params(&format!("q={long}")).q.chars().count(),
            MAX_QUERY_CHARS
        );
    }

    #[test]
    fn typed_words_read_as_the_url_that_holds_them_would() {
        let on_page_3 = params("q=普法&channel=xinzhou&sort=newest&page=3&exact=1");
        let typed = on_page_3.with_words("  民法典 宣传 ");
        // The filters and the sort stay; a new search starts on page 1,
        // with the forgiving reading on again.
        assert_eq!(typed, params("q=民法典 宣传 &channel=xinzhou&sort=newest"));
        let long = "法".repeat(1000);
        assert_eq!(
            on_page_3.with_words(&long),
            params(&format!("q={long}&channel=xinzhou&sort=newest"))
        );
    }
}
