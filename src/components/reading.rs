//! Reading controls: 字号 大/中/小 and 长辈模式 (issue #5), and within
//! 长辈模式 the 大鼠标 switch (issue #14).
//!
//! The choice lives on `<html>` as `data-font`, `data-elder` and
//! `data-cursor`, which the stylesheet reads (the large cursor only in
//! 长辈模式), and in localStorage, which `public/prefs.js` reads before the
//! first paint of the next visit.

use leptos::prelude::*;

const FONT_KEY: &str = "pufa.fontSize";
const ELDER_KEY: &str = "pufa.elder";
const CURSOR_KEY: &str = "pufa.cursor";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FontSize {
    Small,
    Medium,
    Large,
}

impl FontSize {
    fn attr(self) -> Option<&'static str> {
        match self {
            FontSize::Small => Some("small"),
            FontSize::Medium => None,
            FontSize::Large => Some("large"),
        }
    }
    fn label(self) -> &'static str {
        match self {
            FontSize::Small => "小",
            FontSize::Medium => "中",
            FontSize::Large => "大",
        }
    }
}

/// The reader's choices, shared by every control on the page.
#[derive(Clone, Copy)]
pub struct ReadingPrefs {
    pub font: RwSignal<FontSize>,
    pub elder: RwSignal<bool>,
    /// 大鼠标, shown and applied in 长辈模式.
    pub cursor: RwSignal<bool>,
}

fn root() -> Option<web_sys::Element> {
    crate::dom::window()?.document()?.document_element()
}

fn storage() -> Option<web_sys::Storage> {
    crate::dom::window()?.local_storage().ok().flatten()
}

/// The choices as `<html>` carries them.
fn on_root() -> (FontSize, bool, bool) {
    match root() {
        Some(r) => (
            match r.get_attribute("data-font").as_deref() {
                Some("large") => FontSize::Large,
                Some("small") => FontSize::Small,
                _ => FontSize::Medium,
            },
            r.has_attribute("data-elder"),
            r.get_attribute("data-cursor").as_deref() == Some("large"),
        ),
        None => (FontSize::Medium, false, false),
    }
}

impl ReadingPrefs {
    /// Take the choices from `<html>` again: on a pre-rendered page,
    /// `prefs.js` serves the page's own controls until the app takes over.
    pub fn read_back(self) {
        let (font, elder, cursor) = on_root();
        self.font.set(font);
        self.elder.set(elder);
        self.cursor.set(cursor);
    }
}

/// Read the choices `prefs.js` already applied, and keep `<html>` and
/// localStorage in step with later changes.
pub fn provide_reading_prefs() -> ReadingPrefs {
    let (font, elder, cursor) = on_root();
    let prefs = ReadingPrefs {
        font: RwSignal::new(font),
        elder: RwSignal::new(elder),
        cursor: RwSignal::new(cursor),
    };
    Effect::new(move |_| {
        let (font, elder, cursor) = (prefs.font.get(), prefs.elder.get(), prefs.cursor.get());
        if let Some(r) = root() {
            let _ = match font.attr() {
                Some(v) => r.set_attribute("data-font", v),
                None => r.remove_attribute("data-font"),
            };
            let _ = if elder {
                r.set_attribute("data-elder", "")
            } else {
                r.remove_attribute("data-elder")
            };
            let _ = if cursor {
                r.set_attribute("data-cursor", "large")
            } else {
                r.remove_attribute("data-cursor")
            };
        }
        if let Some(s) = storage() {
            // Storage can be full or blocked; the choice then lasts the visit.
            let _ = match font.attr() {
                Some(v) => s.set_item(FONT_KEY, v),
                None => s.remove_item(FONT_KEY),
            };
            let _ = s.set_item(ELDER_KEY, if elder { "1" } else { "0" });
            let _ = if cursor {
                s.set_item(CURSOR_KEY, "large")
            } else {
                s.remove_item(CURSOR_KEY)
            };
        }
    });
    provide_context(prefs);
    prefs
}

/// 字号 大 中 小, the 长辈模式 switch and, in 长辈模式, 大鼠标.
#[component]
pub fn ReadingControls() -> impl IntoView {
    let Some(prefs) = use_context::<ReadingPrefs>() else {
        return ().into_any();
    };
    let sizes = [FontSize::Large, FontSize::Medium, FontSize::Small]
        .into_iter()
        .map(|size| {
            view! {
                <button
                    type="button"
                    class="font-size"
                    aria-pressed=move || (prefs.font.get() == size).to_string()
                    aria-label=format!("{}号字", size.label())
                    on:click=move |_| prefs.font.set(size)
                >
                    {size.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="reading-controls" role="group" aria-label="阅读设置">
            <span class="control-label" aria-hidden="true">"字号："</span>
            {sizes}
            <PrefSwitch class="elder-switch" label="长辈模式" on=prefs.elder/>
            <Show when=move || prefs.elder.get()>
                <PrefSwitch class="cursor-switch" label="大鼠标" on=prefs.cursor/>
            </Show>
        </div>
    }
    .into_any()
}

/// An on/off reading preference as a switch button showing 开 or 关.
#[component]
fn PrefSwitch(class: &'static str, label: &'static str, on: RwSignal<bool>) -> impl IntoView {
    view! {
        <button
            type="button"
            class=class
            role="switch"
            aria-checked=move || on.get().to_string()
            on:click=move |_| on.update(|v| *v = !*v)
        >
            {label}
            <span class="switch-state" aria-hidden="true">
                {move || if on.get() { "开" } else { "关" }}
            </span>
        </button>
    }
}
