//! The bulletins the service may count, read at start from the portal's
//! built data (or a JSON file with a `bulletins` array) and again after each
//! publish (`reload.rs`). Only `id` and `views` are read (serde ignores the
//! other fields): the portal validates the rest, and the counter stays
//! independent of pufa-core and the web app. Knowing the ids lets the
//! service refuse made-up ids, so nobody can fill the database with junk
//! rows.
//!
//! Each id has a dense index (its slot) that the in-memory totals, the
//! writer's batches and the repeat-view window are keyed by. A reload never
//! moves a slot: [`Catalog::updated`] keeps every id the service has seen
//! at its slot, appends new ids, and marks removed ones as no longer
//! countable, so an index taken before a reload still names the same id
//! after it.

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

/// Known bulletins, each with a dense index (slot) used by the in-memory
/// totals. Slots of ids removed by a publish stay, marked not countable.
#[derive(Debug)]
pub struct Catalog {
    ids: Vec<Box<str>>,
    base: Vec<u64>,
    index: HashMap<Box<str>, usize>,
    /// Whether each slot's id is in the current data.
    countable: Vec<bool>,
    countable_len: usize,
}

/// What a reload changed, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Changes {
    pub added: usize,
    pub removed: usize,
    /// Kept ids whose exported count changed.
    pub rebased: usize,
}

/// What the data looked like when last read: the pointer's text and the
/// manifest's size and modification time (or the file's, for a plain JSON
/// file). Polling compares these instead of reading the manifest again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pointer: Option<String>,
    file: Option<(u64, Option<std::time::SystemTime>)>,
}

impl Fingerprint {
    /// Cheap to take every few seconds: reads `version.json` (a few bytes)
    /// and stats one file. Unreadable parts are `None`, which is a state of
    /// its own (a later, readable state differs from it).
    pub fn of(path: &Path) -> Self {
        let (pointer, file) = if path.is_dir() {
            let pointer = std::fs::read_to_string(path.join("version.json")).ok();
            let file = manifest_of(path).ok();
            (pointer, file)
        } else {
            (None, Some(path.to_path_buf()))
        };
        let file = file
            .and_then(|file| std::fs::metadata(file).ok())
            .map(|meta| (meta.len(), meta.modified().ok()));
        Fingerprint { pointer, file }
    }
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
            countable: Vec::with_capacity(file.bulletins.len()),
            countable_len: 0,
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
            catalog.countable.push(true);
        }
        catalog.countable_len = catalog.ids.len();
        Ok(catalog)
    }

    /// The catalog after a publish whose data is `fresh`: every slot of
    /// `self` keeps its id (countable again if `fresh` lists it, not
    /// countable otherwise), ids new in `fresh` get new slots at the end,
    /// and exported counts are `fresh`'s. The order of `fresh` does not
    /// matter.
    pub fn updated(&self, fresh: &Catalog) -> (Catalog, Changes) {
        let mut next = Catalog {
            ids: self.ids.clone(),
            base: self.base.clone(),
            index: self.index.clone(),
            countable: vec![false; self.ids.len()],
            countable_len: 0,
        };
        let mut changes = Changes::default();
        for (slot, id) in fresh.ids.iter().enumerate() {
            if !fresh.countable[slot] {
                continue;
            }
            let base = fresh.base[slot];
            let at = match next.index.get(id) {
                Some(&at) => {
                    if !self.countable[at] {
                        changes.added += 1;
                    } else if next.base[at] != base {
                        changes.rebased += 1;
                    }
                    next.base[at] = base;
                    at
                }
                None => {
                    changes.added += 1;
                    next.index.insert(id.clone(), next.ids.len());
                    next.ids.push(id.clone());
                    next.base.push(base);
                    next.countable.push(false);
                    next.ids.len() - 1
                }
            };
            next.countable[at] = true;
            next.countable_len += 1;
        }
        changes.removed = self.countable_len + changes.added - next.countable_len;
        (next, changes)
    }

    /// True when `other` has the same slots with the same exported counts,
    /// so that totals and a writer made for one serve the other (`other`
    /// being an [`Catalog::updated`] of `self` that added no id).
    pub fn same_slots(&self, other: &Catalog) -> bool {
        self.ids.len() == other.ids.len() && self.base == other.base
    }

    /// Slots, countable or not: the size of every table keyed by index.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// How many ids may be counted now (those in the current data).
    pub fn countable_len(&self) -> usize {
        self.countable_len
    }

    /// The slot of `id` if it may be counted now.
    pub fn lookup(&self, id: &str) -> Option<usize> {
        self.index
            .get(id)
            .copied()
            .filter(|&slot| self.countable[slot])
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
    fn updates_keep_every_slot() {
        let old =
            Catalog::from_json(r#"{"bulletins":[{"id":"a","views":1},{"id":"b"},{"id":"c"}]}"#)
                .expect("valid");
        // b removed, d new, a's exported count changed, order shuffled.
        let fresh = Catalog::from_json(
            r#"{"bulletins":[{"id":"d","views":4},{"id":"c"},{"id":"a","views":2}]}"#,
        )
        .expect("valid");
        let (next, changes) = old.updated(&fresh);
        assert_eq!(
            changes,
            Changes {
                added: 1,
                removed: 1,
                rebased: 1
            }
        );
        assert_eq!((next.len(), next.countable_len()), (4, 3));
        assert_eq!(next.lookup("a"), Some(0));
        assert_eq!(next.base(0), 2);
        assert_eq!(next.lookup("b"), None);
        assert_eq!(next.id(1), "b");
        assert_eq!(next.lookup("c"), Some(2));
        assert_eq!(next.lookup("d"), Some(3));
        assert_eq!(next.base(3), 4);
        // b comes back at its old slot.
        let again = Catalog::from_json(r#"{"bulletins":[{"id":"b"}]}"#).expect("valid");
        let (last, changes) = next.updated(&again);
        assert_eq!(last.lookup("b"), Some(1));
        assert_eq!(last.lookup("a"), None);
        assert_eq!((changes.added, changes.removed), (1, 3));
        assert_eq!(last.len(), 4);
    }

    #[test]
    fn shipped_data_loads() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/json/bulletins.json");
        let catalog = Catalog::load(&path).expect("the portal's data loads");
        assert!(!catalog.is_empty());
    }
}
