//! Page numbers for list pages: 共N页 首页 上一页 1 2 … 下一页 末页.

/// One list page's position among all pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pager {
    /// 1-based current page.
    pub page: usize,
    /// At least 1, even for an empty list (which shows 暂无内容).
    pub total_pages: usize,
    pub total_items: usize,
    /// Index range of the items on this page.
    pub start: usize,
    pub end: usize,
}

/// An entry of the page-number row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageItem {
    Number(usize),
    /// Skipped numbers, shown as `…`.
    Gap,
}

impl Pager {
    /// The pager for `page` (1-based), or `None` when that page does not
    /// exist: a URL naming page 0 or a page past the end is "not found",
    /// not silently another page.
    pub fn new(total_items: usize, per_page: usize, page: usize) -> Option<Pager> {
        let per_page = per_page.max(1);
        let total_pages = total_items.div_ceil(per_page).max(1);
        if page == 0 || page > total_pages {
            return None;
        }
        let start = (page - 1) * per_page;
        let end = (start + per_page).min(total_items);
        Some(Pager {
            page,
            total_pages,
            total_items,
            start,
            end,
        })
    }

    pub fn prev(&self) -> Option<usize> {
        (self.page > 1).then(|| self.page - 1)
    }

    pub fn next(&self) -> Option<usize> {
        (self.page < self.total_pages).then(|| self.page + 1)
    }

    /// First, last, and up to two pages either side of the current one, with
    /// gaps where numbers are skipped; a gap never hides a single number.
    pub fn items(&self) -> Vec<PageItem> {
        let last = self.total_pages;
        let lo = self.page.saturating_sub(2).max(1);
        let hi = (self.page + 2).min(last);
        let mut out = Vec::new();
        let mut shown = 0;
        for n in 1..=last {
            let keep = n == 1 || n == last || (lo..=hi).contains(&n);
            // Showing a lone skipped number is shorter than a gap.
            let lone = (n == 2 && lo == 3) || (n == last - 1 && hi + 2 == last);
            if keep || lone {
                if shown + 1 < n {
                    out.push(PageItem::Gap);
                }
                out.push(PageItem::Number(n));
                shown = n;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PageItem::{Gap, Number as N};

    fn items(total_pages: usize, page: usize) -> Vec<PageItem> {
        Pager::new(total_pages * 10, 10, page).unwrap().items()
    }

    #[test]
    fn slices_items_per_page() {
        let p = Pager::new(23, 10, 3).unwrap();
        assert_eq!((p.start, p.end, p.total_pages), (20, 23, 3));
        assert_eq!((p.prev(), p.next()), (Some(2), None));
        let p = Pager::new(23, 10, 1).unwrap();
        assert_eq!((p.start, p.end), (0, 10));
        assert_eq!((p.prev(), p.next()), (None, Some(2)));
    }

    #[test]
    fn empty_list_has_one_empty_page() {
        let p = Pager::new(0, 10, 1).unwrap();
        assert_eq!((p.total_pages, p.start, p.end), (1, 0, 0));
        assert_eq!(p.items(), vec![N(1)]);
    }

    #[test]
    fn pages_outside_the_list_do_not_exist() {
        assert_eq!(Pager::new(23, 10, 0), None);
        assert_eq!(Pager::new(23, 10, 4), None);
        assert_eq!(Pager::new(0, 10, 2), None);
        assert!(Pager::new(usize::MAX, 10, usize::MAX).is_none());
    }

    #[test]
    fn zero_per_page_does_not_divide_by_zero() {
        assert_eq!(Pager::new(3, 0, 1).unwrap().total_pages, 3);
    }

    #[test]
    fn short_lists_show_every_number() {
        assert_eq!(items(1, 1), vec![N(1)]);
        assert_eq!(items(5, 3), vec![N(1), N(2), N(3), N(4), N(5)]);
        assert_eq!(items(7, 4), (1..=7).map(N).collect::<Vec<_>>());
    }

    #[test]
    fn long_lists_fold_into_gaps() {
        assert_eq!(items(20, 1), vec![N(1), N(2), N(3), Gap, N(20)]);
        assert_eq!(
            items(20, 10),
            vec![N(1), Gap, N(8), N(9), N(10), N(11), N(12), Gap, N(20)]
        );
        assert_eq!(items(20, 20), vec![N(1), Gap, N(18), N(19), N(20)]);
        // A gap would hide only page 2 or 19: show the number instead.
        assert_eq!(
            items(20, 4),
            vec![N(1), N(2), N(3), N(4), N(5), N(6), Gap, N(20)]
        );
        assert_eq!(
            items(20, 17),
            vec![N(1), Gap, N(15), N(16), N(17), N(18), N(19), N(20)]
        );
    }
}
