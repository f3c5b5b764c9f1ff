//! The breadcrumb trail (您当前所在的位置：主页 > 普法动态 > 新洲区).
//!
//! Built from the channel tree, never from stored text, so the old CMS
//! artefact of a name shown twice (`新洲区 > 新洲区`) cannot come back.

use crate::store::Catalog;

/// Where a crumb leads; the app turns it into a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Home,
    Channel(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crumb {
    pub label: String,
    /// `None` for the last crumb, the page the reader is on.
    pub target: Option<Target>,
}

pub const HOME_LABEL: &str = "主页";

/// The trail of a channel page: every crumb linked but the channel itself.
pub fn channel_trail(catalog: &Catalog, channel: &str) -> Vec<Crumb> {
    let mut crumbs = vec![Crumb {
        label: HOME_LABEL.to_string(),
        target: Some(Target::Home),
    }];
    for c in catalog.channel_path(channel) {
        crumbs.push(Crumb {
            label: c.name.clone(),
            target: Some(Target::Channel(c.id.clone())),
        });
    }
    finish(crumbs)
}

/// The trail of an article page: the channel path, all linked, then 正文.
pub fn article_trail(catalog: &Catalog, channel: &str) -> Vec<Crumb> {
    let mut crumbs = channel_trail(catalog, channel);
    if let Some(last) = crumbs.last_mut() {
        last.target = Some(match catalog.channel(channel) {
            Some(c) => Target::Channel(c.id.clone()),
            None => Target::Home,
        });
    }
    crumbs.push(Crumb {
        label: "正文".to_string(),
        target: None,
    });
    crumbs
}

/// A trail for pages outside the channel tree (search, not found).
pub fn page_trail(label: &str) -> Vec<Crumb> {
    vec![
        Crumb {
            label: HOME_LABEL.to_string(),
            target: Some(Target::Home),
        },
        Crumb {
            label: label.to_string(),
            target: None,
        },
    ]
}

/// Drop a crumb that repeats the name before it (keeping the deeper target),
/// and unlink the last crumb.
fn finish(crumbs: Vec<Crumb>) -> Vec<Crumb> {
    let mut out: Vec<Crumb> = Vec::with_capacity(crumbs.len());
    for c in crumbs {
        match out.last_mut() {
            Some(prev) if prev.label == c.label => *prev = c,
            _ => out.push(c),
        }
    }
    if let Some(last) = out.last_mut() {
        last.target = None;
    }
    out
}
