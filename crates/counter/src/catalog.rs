//! The bulletins the service may count, read once at start from the portal's
//! `bulletins.json`. Only `id` and `views` are read (serde ignores the other
//! fields): the portal validates the rest, and the counter stays independent
//! of pufa-core and the web app. Knowing the ids lets the service refuse
//! made-up ids, so nobody can fill the database with junk rows.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

/// Longest id accepted, in bytes. Ids are URL path segments and database
/// keys; the shipped ids are at most 50 characters.
pub const MAX_ID_LEN: usize = 128;

/// The id rule of docs/data-format.md (ASCII letters, digits, `-`, `_`)
/// plus a length bound, checked before any lookup so that malformed input
/// is answered with 400 rather than 404.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The manifest of the version `data/version.json` names. Read as plain
/// JSON so the counter keeps depending on nothing of the portal.
fn manifest_of(data: &Path) -> Result<std::path::PathBuf, String> {
    #[derive(Deserialize)]
    struct Pointer {
        version: String,
    }
    let pointer = data.join("version.json");
    let text = std::fs::read_to_string(&pointer).map_err(|e| {
        format!(
            "cannot read {} ({e}): is this a built data folder?",
            pointer.display()
        )
    })?;
    let p: Pointer =
        serde_json::from_str(&text).map_err(|e| format!("data file {}: {e}", pointer.display()))?;
    if p.version.is_empty() || !p.version.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("data file {}: invalid version", pointer.display()));
    }
    Ok(data.join("v").join(p.version).join("manifest.json"))
}

#[derive(Deserialize)]
struct DataFile {
    bulletins: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    id: String,
    /// Missing and `null` both mean "unknown" in the data; the counter
    /// starts such bulletins at 0.
    #[serde(default)]
    views: Option<u64>,
}

/// Known bulletins, each with a dense index used by the in-memory totals.
#[derive(Debug)]
pub struct Catalog {
    ids: Vec<Box<str>>,
    base: Vec<u64>,
    index: HashMap<Box<str>, usize>,
}

impl Catalog {
    /// Reads and checks the data; the error names the file. `path` is the
    /// published `data/` folder of a build (its current version's
    /// `manifest.json` is read, through `version.json`), or a JSON file with
    /// a `bulletins` array of `{id, views}` (a manifest, or old data).
    pub fn load(path: &Path) -> Result<Self, String> {
        let path = if path.is_dir() {
            manifest_of(path)?
        } else {
            path.to_path_buf()
        };
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read the data file {} ({e}); pass --data path/to/dist/data",
                path.display()
            )
        })?;
        Self::from_json(&text).map_err(|e| format!("data file {}: {e}", path.display()))
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        let file: DataFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut catalog = Catalog {
            ids: Vec::with_capacity(file.bulletins.len()),
            base: Vec::with_capacity(file.bulletins.len()),
            index: HashMap::with_capacity(file.bulletins.len()),
        };
        for (n, entry) in file.bulletins.into_iter().enumerate() {
            if !is_valid_id(&entry.id) {
                return Err(format!(
                    "bulletins[{n}].id “{}” must be 1–{MAX_ID_LEN} ASCII letters, digits, - or _",
                    entry.id
                ));
            }
            let id: Box<str> = entry.id.into();
            if catalog.index.contains_key(&id) {
                return Err(format!("bulletins[{n}].id “{id}” appears twice"));
            }
            catalog.index.insert(id.clone(), catalog.ids.len());
            catalog.ids.push(id);
            catalog.base.push(entry.views.unwrap_or(0));
        }
        Ok(catalog)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn lookup(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The id at `index`; indexes come from [`Catalog::lookup`].
    pub fn id(&self, index: usize) -> &str {
        &self.ids[index]
    }

    /// The count exported in the data (0 when it was `null`).
    pub fn base(&self, index: usize) -> u64 {
        self.base[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("2021-xinzhou_qiwu"));
        assert!(is_valid_id(&"a".repeat(MAX_ID_LEN)));
        assert!(!is_valid_id(&"a".repeat(MAX_ID_LEN + 1)));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a.b"));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id("../etc"));
        assert!(!is_valid_id("普法"));
    }

    #[test]
    fn reads_only_what_it_needs() {
        let catalog = Catalog::from_json(
            r#"{"bulletins":[
                {"id":"a","views":12,"title":"ignored","body":[{"type":"paragraph","text":"x"}]},
                {"id":"b","views":null},
                {"id":"c"}
            ],"extra":true}"#,
        )
        .expect("valid");
        assert_eq!(catalog.len(), 3);
        assert_eq!(catalog.lookup("a").map(|i| catalog.base(i)), Some(12));
        assert_eq!(catalog.lookup("b").map(|i| catalog.base(i)), Some(0));
        assert_eq!(catalog.lookup("c").map(|i| catalog.base(i)), Some(0));
        assert_eq!(catalog.lookup("d"), None);
        assert_eq!(catalog.id(1), "b");
    }

    #[test]
    fn refuses_bad_data() {
        let dup = Catalog::from_json(r#"{"bulletins":[{"id":"a"},{"id":"a"}]}"#);
        assert!(dup.unwrap_err().contains("appears twice"));
        let bad = Catalog::from_json(r#"{"bulletins":[{"id":"a/b"}]}"#);
        assert!(bad.unwrap_err().contains("bulletins[0].id"));
        let negative = Catalog::from_json(r#"{"bulletins":[{"id":"a","views":-1}]}"#);
        assert!(negative.is_err());
        let missing = Catalog::from_json(r#"{"items":[]}"#);
        assert!(missing.unwrap_err().contains("bulletins"));
    }

    #[test]
    fn shipped_data_loads() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/json/bulletins.json");
        let catalog = Catalog::load(&path).expect("the portal's data loads");
        assert!(!catalog.is_empty());
    }
}
