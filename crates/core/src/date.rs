//! Dates as the portal shows them: always in Asia/Shanghai.
//!
//! China has used UTC+8 all year since 1991, so a fixed offset is exact for
//! every date this portal shows and keeps the IANA time-zone database out of
//! the wasm. "Now" is always passed in, never read here, so the day boundary
//! is testable.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc, Weekday,
};

/// UTC+08:00, the zone of every date on the portal.
pub const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// `今天是：` label text for the date bar: `2026年11月29日 星期日`.
pub fn today_label(now: DateTime<Utc>) -> String {
    let local = now.with_timezone(&SHANGHAI);
    format!(
        "{}年{}月{}日 {}",
        local.year(),
        local.month(),
        local.day(),
        weekday_name(local.weekday())
    )
}

/// A day as a reader says it: `2021年3月1日`.
pub fn chinese_day(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

// Dates are written and read by hand rather than with chrono's format
// strings: those bring a format-string interpreter into every page's wasm
// for three fixed shapes.

/// Publish time to the minute in Asia/Shanghai: `2021-07-26 09:33`.
pub fn format_minute(t: &DateTime<FixedOffset>) -> String {
    let local = t.with_timezone(&SHANGHAI);
    format!(
        "{} {:02}:{:02}",
        iso_day(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// Publish date only, for list pages: `2021-07-26`.
pub fn format_day(t: &DateTime<FixedOffset>) -> String {
    iso_day(t.with_timezone(&SHANGHAI).date_naive())
}

/// A day as `2021-07-26`.
pub fn iso_day(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Machine-readable form for `<time datetime>`: `2021-07-26T09:33:00+08:00`.
pub fn format_iso(t: &DateTime<FixedOffset>) -> String {
    t.with_timezone(&SHANGHAI).to_rfc3339()
}

/// Parse a publish time from the data: `YYYY-MM-DD HH:MM` in Beijing time,
/// or RFC 3339 with an explicit offset. `None` for anything else.
pub fn parse_published(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Some(naive) = parse_minute(text) {
        return SHANGHAI.from_local_datetime(&naive).single();
    }
    DateTime::parse_from_rfc3339(text).ok()
}

/// Reads an RFC 3339 time for serde, as the compiled data writes it.
/// chrono's own `Deserialize` goes through its generic `FromStr`, which
/// brings its format-string parser into every page's wasm; the RFC 3339
/// reader it also has is a fraction of that.
pub fn deserialize_rfc3339<'de, D>(de: D) -> Result<DateTime<FixedOffset>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Rfc3339;
    impl serde::de::Visitor<'_> for Rfc3339 {
        type Value = DateTime<FixedOffset>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an RFC 3339 time such as 2021-07-26T09:33:00+08:00")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(text), &self))
        }
    }
    de.deserialize_str(Rfc3339)
}

/// `YYYY-M[M]-D[D] H[H]:MM` (whitespace between day and time).
fn parse_minute(text: &str) -> Option<NaiveDateTime> {
    let (day, time) = text.split_once(char::is_whitespace)?;
    let num = |s: &str, min: usize, max: usize| -> Option<u32> {
        (s.len() >= min && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let mut d = day.split('-');
    let (y, m, dd) = (d.next()?, d.next()?, d.next()?);
    if d.next().is_some() {
        return None;
    }
    let (h, min) = time.trim_start().split_once(':')?;
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(num(y, 4, 4)?).ok()?,
        num(m, 1, 2)?,
        num(dd, 1, 2)?,
    )?;
    date.and_hms_opt(num(h, 1, 2)?, num(min, 2, 2)?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn compiled_times_read_back_as_written() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Row {
            #[serde(deserialize_with = "deserialize_rfc3339")]
            at: DateTime<FixedOffset>,
        }
        // What chrono writes (offsets, UTC as Z, fractions) reads back equal.
        for text in [
            "2021-07-26T09:33:00+08:00",
            "2021-07-26T01:33:00Z",
            "2021-07-26T09:33:00.250+08:00",
        ] {
            let row = Row {
                at: DateTime::parse_from_rfc3339(text).unwrap(),
            };
            let json = serde_json::to_string(&row).unwrap();
            assert_eq!(serde_json::from_str::<Row>(&json).unwrap(), row, "{json}");
        }
        // A time that is not RFC 3339 is refused with what was expected.
        let err = serde_json::from_str::<Row>(r#"{"at":"2021-07-26 09:33"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("2021-07-26 09:33") && err.contains("RFC 3339"),
            "{err}"
        );
    }

    #[test]
    fn today_uses_shanghai_day_not_utc_day() {
        // 15:59 UTC is 23:59 in Shanghai: still Sunday the 29th.
        assert_eq!(
            today_label(utc("2026-11-29T15:59:59Z")),
            "2026年11月29日 星期日"
        );
        // 16:00 UTC is already Monday the 30th in Shanghai, though UTC says 29th.
        assert_eq!(
            today_label(utc("2026-11-29T16:00:00Z")),
            "2026年11月30日 星期一"
        );
        // Early morning in Shanghai is still the previous day in UTC.
        assert_eq!(
            today_label(utc("2026-12-31T17:30:00Z")),
            "2027年1月1日 星期五"
        );
    }

    #[test]
    fn today_has_no_leading_zeros() {
        assert_eq!(
            today_label(utc("2026-03-05T04:00:00Z")),
            "2026年3月5日 星期四"
        );
    }

    #[test]
    fn every_weekday_has_its_name() {
        let names: Vec<_> = (0..7)
            .map(|d| today_label(utc(&format!("2026-11-{:02}T04:00:00Z", 23 + d))))
            .collect();
        assert_eq!(
            names,
            [
                "2026年11月23日 星期一",
                "2026年11月24日 星期二",
                "2026年11月25日 星期三",
                "2026年11月26日 星期四",
                "2026年11月27日 星期五",
                "2026年11月28日 星期六",
                "2026年11月29日 星期日",
            ]
        );
    }

    #[test]
    fn publish_time_reads_as_beijing_time() {
        let t = parse_published("2021-07-26 09:33").unwrap();
        assert_eq!(format_minute(&t), "2021-07-26 09:33");
        assert_eq!(format_iso(&t), "2021-07-26T09:33:00+08:00");
        assert_eq!(format_day(&t), "2021-07-26");
    }

    #[test]
    fn rfc3339_in_other_zones_is_shown_in_shanghai() {
        let t = parse_published("2021-07-26T01:33:00Z").unwrap();
        assert_eq!(format_minute(&t), "2021-07-26 09:33");
        let t = parse_published("2021-07-25T20:33:00-05:00").unwrap();
        assert_eq!(format_minute(&t), "2021-07-26 09:33");
    }

    #[test]
    fn short_months_days_and_hours_are_read() {
        let t = parse_published("2021-7-6 9:05").unwrap();
        assert_eq!(format_minute(&t), "2021-07-06 09:05");
    }

    #[test]
    fn bad_times_are_refused() {
        for bad in [
            "",
            "2021-07-26 09:3",
            "2021-07-26 09:33:00",
            "2021-07-26-01 09:33",
            "21-07-26 09:33",
            "2021-07-26 +9:33",
            "2021-02-30 09:33",
            "2021-07-26",
            "2021/07/26 09:33",
            "2021-07-26 24:00",
            "2021-07-26T09:33:00",
            "昨天",
        ] {
            assert_eq!(parse_published(bad), None, "{bad:?}");
        }
    }
}
