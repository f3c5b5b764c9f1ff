//! Marked text: segments from the core's highlighter, rendered as text
//! nodes, the marked ones inside `<mark>`. Never HTML from data.

use leptos::prelude::*;
use pufa_core::search::Segment;

#[component]
pub fn Highlighted(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|s| {
            if s.mark {
                view! { <mark>{s.text}</mark> }.into_any()
            } else {
                s.text.into_any()
            }
        })
        .collect_view()
}
