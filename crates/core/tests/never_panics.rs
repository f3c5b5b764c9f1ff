//! A panic in wasm kills the page: decoding must return an error, never
//! panic, whatever bytes arrive (issue #2, architecture invariant).

use proptest::prelude::*;
use pufa_core::{decode_site, Store};

const SITE: &str = include_str!("../../../tests/fixtures/json/site.json");
const BULLETINS: &str = include_str!("../../../tests/fixtures/json/bulletins.json");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_is_refused_cleanly(text in "\\PC*") {
        let _ = decode_site(&text);
        let _ = Store::from_json(SITE, &text);
    }

    #[test]
    fn damaged_real_files_are_refused_cleanly(
        cut in 0usize..BULLETINS.len(),
        len in 0usize..40,
        insert in "[\\[\\]{}\",:\\\\a-z0-9 \u{4e00}-\u{4e10}\n]{0,3}",
    ) {
        // Damage the file at a char boundary: remove up to `len` bytes and
        // insert a few JSON-significant characters.
        let start = (0..=cut).rev().find(|&i| BULLETINS.is_char_boundary(i)).unwrap_or(0);
        let end = (start + len..=BULLETINS.len()).find(|&i| BULLETINS.is_char_boundary(i)).unwrap_or(BULLETINS.len());
        let damaged = format!("{}{}{}", &BULLETINS[..start], insert, &BULLETINS[end..]);
        match Store::from_json(SITE, &damaged) {
            Ok(store) => prop_assert!(!store.bulletins().is_empty()),
            Err(e) => {
                // Every error names the file; a position, when given, is inside it.
                prop_assert_eq!(e.file.as_str(), "bulletins.json");
                if let Some(line) = e.line {
                    prop_assert!(line >= 1 && line <= damaged.lines().count() + 1, "{}", e);
                }
            }
        }
    }
}
