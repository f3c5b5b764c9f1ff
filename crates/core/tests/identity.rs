//! `site.json`'s identity block and column settings (issue #14), as the app
//! decodes them: optional, checked, and every mistake named.

use pufa_core::model::DEFAULT_CONTACT_NAME;
use pufa_core::{decode_site, DataError};

fn site(identity: &str) -> String {
    format!(
        r#"{{
  "site": {{ "name": "测试普法网", "description": "说明", "url": "https://pufa.example.gov.cn",
    "identity": {{ {identity} }} }},
  "channels": [ {{ "id": "pufa", "name": "普法动态", "column_type": "解读回应", "keywords": ["普法"] }} ],
  "links": []
}}"#
    )
}

fn err(src: &str) -> DataError {
    decode_site(src).expect_err("site.json should be refused")
}

#[test]
fn identity_is_optional_and_tidied() {
    let data = decode_site(&site("")).unwrap();
    assert!(data.site.identity.is_empty());
    let data = decode_site(&site(
        r#""sponsor": " 示例区司法局 ", "phone": " ", "contact_url": "/channel/pufa",
        "police": "鄂公网安备 42011700000000号", "police_emblem": "media/emblem-0123456789.png""#,
    ))
    .unwrap();
    let id = &data.site.identity;
    assert_eq!(id.sponsor.as_deref(), Some("示例区司法局"));
    assert_eq!(id.phone, None, "blank is unset, not an empty item");
    assert_eq!(id.contact.as_ref().unwrap().name, DEFAULT_CONTACT_NAME);
    assert_eq!(
        pufa_core::decode::police_record_code(id.police.as_deref().unwrap()),
        "42011700000000"
    );
    assert_eq!(data.channels[0].column_type.as_deref(), Some("解读回应"));
    assert_eq!(data.channels[0].keywords, ["普法"]);
}

#[test]
fn identity_mistakes_name_the_field_and_line() {
    let e = err(&site(r#""sponser": "x""#));
    assert!(e.to_string().contains("不认识的字段 `sponser`"), "{e}");
    assert_eq!(e.line, Some(3), "{e}");

    let e = err(&site(r#""jiucuo_url": "javascript:alert(1)""#));
    assert_eq!(e.field, "site.identity.jiucuo_url");
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.message.contains("javascript:alert(1)"), "{e}");

    // Compiled images are always build-made media/ names.
    let e = err(&site(
        r#""police": "鄂公网安备 1号", "police_emblem": "https://evil.example/x.png""#,
    ));
    assert_eq!(e.field, "site.identity.police_emblem");

    let e = err(&site(r#""dangzheng_image": "media/badge-0123456789.png""#));
    assert_eq!(e.field, "site.identity.dangzheng_url");

    let e = err(&site("").replace("https://pufa.example.gov.cn", "javascript:x"));
    assert_eq!(e.field, "site.url");
    assert_eq!(e.line, Some(2), "{e}");
}
