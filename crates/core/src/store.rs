//! The decoded data: the [`Catalog`] (site and channel tree) every page
//! reads, and the [`Store`] of the whole archive that the content compiler
//! works from. Bulletins are kept newest first (ties by id, so the order is
//! stable across builds).

use std::collections::{HashMap, HashSet};

use crate::decode::{decode_bulletins, decode_site};
use crate::error::DataError;
use crate::model::{Bulletin, Channel, Link, Site, SiteData};

/// A channel with its place in the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelNode {
    pub id: String,
    pub name: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// 栏目描述 and 栏目关键词, when set (`meta::column_tags`).
    pub description: Option<String>,
    pub keywords: Vec<String>,
    /// 栏目类别: the channel's own, else its parent's, else
    /// [`crate::model::DEFAULT_COLUMN_TYPE`].
    pub column_type: String,
}

/// The site and its channel tree, with the look-ups every page needs.
/// This is all a page knows of the site besides its own data: it never
/// holds the archive.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    pub site: Site,
    pub links: Vec<Link>,
    channels: Vec<ChannelNode>,
    top: Vec<usize>,
    channel_index: HashMap<String, usize>,
}

impl Catalog {
    pub fn new(data: SiteData) -> Catalog {
        let mut channels = Vec::new();
        let mut top = Vec::new();
        for c in &data.channels {
            top.push(flatten(c, None, &mut channels));
        }
        let channel_index = channels
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        Catalog {
            site: data.site,
            links: data.links,
            channels,
            top,
            channel_index,
        }
    }

    pub fn channel(&self, id: &str) -> Option<&ChannelNode> {
        self.channel_index.get(id).map(|&i| &self.channels[i])
    }

    /// Every channel, each before its sub-channels.
    pub fn channels(&self) -> impl Iterator<Item = &ChannelNode> {
        self.channels.iter()
    }

    pub fn top_channels(&self) -> impl Iterator<Item = &ChannelNode> {
        self.top.iter().map(|&i| &self.channels[i])
    }

    pub fn children(&self, id: &str) -> Vec<&ChannelNode> {
        self.channel(id)
            .map(|c| c.children.iter().map(|&i| &self.channels[i]).collect())
            .unwrap_or_default()
    }

    /// The channel and its ancestors, root first. Empty for an unknown id.
    pub fn channel_path(&self, id: &str) -> Vec<&ChannelNode> {
        let mut path = Vec::new();
        let mut at = self.channel_index.get(id).copied();
        // The tree is built from nested data, so parents never loop; the
        // bound is a second guard.
        while let Some(i) = at {
            if path.len() > self.channels.len() {
                break;
            }
            path.push(&self.channels[i]);
            at = self.channels[i].parent;
        }
        path.reverse();
        path
    }

    /// The ids of a channel and every channel below it.
    pub fn descendants(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.channel_index.get(id).copied().into_iter().collect();
        while let Some(i) = stack.pop() {
            out.push(self.channels[i].id.clone());
            stack.extend(self.channels[i].children.iter().copied());
        }
        out
    }

    /// Every channel with its depth (0 = top level), in tree order, for
    /// channel pickers.
    pub fn channel_tree(&self) -> Vec<(usize, &ChannelNode)> {
        let mut out = Vec::new();
        let mut stack: Vec<(usize, usize)> = self.top.iter().rev().map(|&i| (0, i)).collect();
        while let Some((depth, i)) = stack.pop() {
            out.push((depth, &self.channels[i]));
            stack.extend(
                self.channels[i]
                    .children
                    .iter()
                    .rev()
                    .map(|&c| (depth + 1, c)),
            );
        }
        out
    }

    /// Every channel id.
    pub fn channel_ids(&self) -> HashSet<&str> {
        self.channels.iter().map(|c| c.id.as_str()).collect()
    }

    /// Display name of a channel, or its id when unknown.
    pub fn channel_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.channel(id).map_or(id, |c| c.name.as_str())
    }
}

/// The whole archive: the catalog and every bulletin. Built by the content
/// compiler (and, until the search index is prebuilt, by the search page);
/// reading pages never need it.
#[derive(Clone, Debug, PartialEq)]
pub struct Store {
    pub catalog: Catalog,
    bulletins: Vec<Bulletin>,
    bulletin_index: HashMap<String, usize>,
}

impl Store {
    /// Decode both JSON data files and build the store.
    pub fn from_json(site_json: &str, bulletins_json: &str) -> Result<Store, DataError> {
        let site = decode_site(site_json)?;
        let bulletins = decode_bulletins(bulletins_json, &site)?;
        Ok(Store::new(site, bulletins))
    }

    pub fn new(data: SiteData, bulletins: Vec<Bulletin>) -> Store {
        Store::with_catalog(Catalog::new(data), bulletins)
    }

    pub fn with_catalog(catalog: Catalog, mut bulletins: Vec<Bulletin>) -> Store {
        bulletins.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
        let bulletin_index = bulletins
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.clone(), i))
            .collect();
        Store {
            catalog,
            bulletins,
            bulletin_index,
        }
    }

    /// All bulletins, newest first.
    pub fn bulletins(&self) -> &[Bulletin] {
        &self.bulletins
    }

    /// Position of a bulletin in [`Store::bulletins`] (the search index's
    /// document number).
    pub fn position(&self, id: &str) -> Option<usize> {
        self.bulletin_index.get(id).copied()
    }

    pub fn bulletin(&self, id: &str) -> Option<&Bulletin> {
        self.bulletin_index.get(id).map(|&i| &self.bulletins[i])
    }

    /// Bulletins filed under the channel or any channel below it, newest first.
    pub fn in_channel(&self, id: &str) -> Vec<&Bulletin> {
        let within: HashSet<String> = self.catalog.descendants(id).into_iter().collect();
        self.bulletins
            .iter()
            .filter(|b| within.contains(&b.channel))
            .collect()
    }

    /// 上一篇 (published just before) and 下一篇 (published just after) among
    /// the bulletins filed in the same channel.
    pub fn neighbours(&self, id: &str) -> (Option<&Bulletin>, Option<&Bulletin>) {
        let Some(b) = self.bulletin(id) else {
            return (None, None);
        };
        let same: Vec<&Bulletin> = self
            .bulletins
            .iter()
            .filter(|o| o.channel == b.channel)
            .collect();
        let Some(pos) = same.iter().position(|o| o.id == b.id) else {
            return (None, None);
        };
        // `same` is newest first: the older one comes after.
        let older = same.get(pos + 1).copied();
        let newer = pos.checked_sub(1).and_then(|p| same.get(p).copied());
        (older, newer)
    }
}

fn flatten(c: &Channel, parent: Option<usize>, out: &mut Vec<ChannelNode>) -> usize {
    let index = out.len();
    let column_type = c
        .column_type
        .clone()
        .or_else(|| parent.map(|p| out[p].column_type.clone()))
        .unwrap_or_else(|| crate::model::DEFAULT_COLUMN_TYPE.to_string());
    out.push(ChannelNode {
        id: c.id.clone(),
        name: c.name.clone(),
        parent,
        children: Vec::new(),
        description: c.description.clone(),
        keywords: c.keywords.clone(),
        column_type,
    });
    for child in &c.children {
        let ci = flatten(child, Some(index), out);
        out[index].children.push(ci);
    }
    index
}
