//! 语音阅读 (issue #14): the article read aloud by the browser's own speech
//! synthesis, with a Chinese voice, 朗读 / 暂停 / 继续 / 停止 and 语速.
//!
//! The title and each body element (heading, paragraph, list item, the
//! description of a picture) are spoken as separate utterances, one after
//! the other, so the element being read can be highlighted
//! ([`ArticleView`](super::article::ArticleView) marks it) and a new 语速
//! applies from the next one. Speech stops when the article leaves the
//! screen (another page, or the page being hidden). Where the browser has no
//! speech synthesis or no Chinese voice, the control says so.
//!
//! Utterance events are handled by closures that live as long as the
//! article; an utterance that is abandoned (stopped, restarted) has its
//! handlers removed before `cancel()`, so only the utterance being read can
//! move the reading on.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use pufa_core::{Block, Bulletin};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{SpeechSynthesis, SpeechSynthesisUtterance, SpeechSynthesisVoice};

const RATE_KEY: &str = "pufa.speechRate";
/// How long to wait for the browser's voice list before saying there is no
/// Chinese voice (Chrome fills it asynchronously, and some browsers never
/// announce an empty one). A voice that arrives later still enables 朗读.
const VOICE_WAIT: Duration = Duration::from_millis(1500);
const NOTE_ID: &str = "read-aloud-note";

/// What is said for each element of a body block, in order: one entry per
/// heading, paragraph, list item and picture; `None` where there is nothing
/// to say (a picture without a description, an empty text). The article
/// view and the reader both number the pieces from this.
pub fn block_pieces(block: &Block) -> Vec<Option<String>> {
    let text = |t: &str| {
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    };
    match block {
        Block::Heading(t) | Block::Paragraph(t) => vec![text(t)],
        Block::List { items, .. } => items.iter().map(|i| text(i)).collect(),
        Block::Image { alt, .. } => vec![text(alt).map(|a| format!("图片：{a}"))],
    }
}

/// Everything read aloud, in order: the title (piece 0), then the body's
/// pieces (1, 2, …) as [`block_pieces`] numbers them.
pub fn pieces(bulletin: &Bulletin) -> Vec<String> {
    std::iter::once(bulletin.title.trim().to_string())
        .chain(bulletin.body.iter().flat_map(block_pieces).flatten())
        .collect()
}

/// How well a voice's language suits Chinese text: lower is better, `None`
/// is not Chinese. Mandarin of the mainland first, then other Mandarin,
/// then Cantonese.
fn voice_rank(lang: &str) -> Option<u8> {
    let lang = lang.trim().replace('_', "-").to_ascii_lowercase();
    let is = |prefix: &str| lang == prefix || lang.starts_with(&format!("{prefix}-"));
    if lang == "zh-cn" || lang == "cmn-cn" || lang == "cmn-hans-cn" || is("zh-hans") {
        Some(0)
    } else if is("zh-hk") || is("zh-yue") || is("yue") {
        Some(2)
    } else if is("zh") || is("cmn") {
        Some(1)
    } else {
        None
    }
}

/// The index of the best Chinese voice among `(lang, local)` pairs: by
/// [`voice_rank`], then a voice on the device before a network one (the
/// network voices of some browsers stop after a few seconds).
pub fn choose_voice(voices: &[(String, bool)]) -> Option<usize> {
    voices
        .iter()
        .enumerate()
        .filter_map(|(i, (lang, local))| voice_rank(lang).map(|r| ((r, !*local), i)))
        .min()
        .map(|(_, i)| i)
}

/// 语速.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rate {
    Slow,
    Normal,
    Fast,
}

impl Rate {
    pub const ALL: [Rate; 3] = [Rate::Slow, Rate::Normal, Rate::Fast];
    pub fn value(self) -> f32 {
        match self {
            Rate::Slow => 0.8,
            Rate::Normal => 1.0,
            Rate::Fast => 1.3,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Rate::Slow => "慢",
            Rate::Normal => "正常",
            Rate::Fast => "快",
        }
    }
    fn stored(self) -> Option<&'static str> {
        match self {
            Rate::Slow => Some("slow"),
            Rate::Normal => None,
            Rate::Fast => Some("fast"),
        }
    }
    fn from_stored(s: Option<&str>) -> Rate {
        match s {
            Some("slow") => Rate::Slow,
            Some("fast") => Rate::Fast,
            _ => Rate::Normal,
        }
    }
}

/// Whether 朗读 can work in this browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoiceState {
    /// The voice list is still loading.
    Checking,
    /// A Chinese voice is there.
    Ready,
    /// Speech synthesis exists, but without a Chinese voice.
    NoChinese,
    /// No speech synthesis at all.
    Unsupported,
}

/// Where the reading is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Playback {
    Idle,
    Playing(usize),
    Paused(usize),
    Done,
    Stopped,
    Failed,
}

impl Playback {
    fn piece(self) -> Option<usize> {
        match self {
            Playback::Playing(i) | Playback::Paused(i) => Some(i),
            _ => None,
        }
    }
}

/// The browser side: the synthesizer, the chosen voice, the utterance being
/// read and the event handlers. Only ever touched from the UI thread.
struct Engine {
    synth: SpeechSynthesis,
    pieces: Vec<String>,
    voice: RefCell<Option<SpeechSynthesisVoice>>,
    /// The utterance being read and its piece.
    utterance: RefCell<Option<(SpeechSynthesisUtterance, usize)>>,
    /// While paused: the piece to read on 继续 when the paused utterance
    /// ended or was dropped by the browser in the meantime.
    resume_at: Cell<Option<usize>>,
    timeout: Cell<Option<TimeoutHandle>>,
    on_end: Closure<dyn FnMut(JsValue)>,
    on_error: Closure<dyn FnMut(JsValue)>,
    on_voices: Closure<dyn FnMut(JsValue)>,
    on_pagehide: Closure<dyn FnMut(JsValue)>,
    playback: RwSignal<Playback>,
    voice_state: RwSignal<VoiceState>,
    rate: RwSignal<Rate>,
}

fn storage() -> Option<web_sys::Storage> {
    crate::dom::window()?.local_storage().ok().flatten()
}

/// `window.speechSynthesis`, if the browser has speech synthesis.
fn synthesizer() -> Option<SpeechSynthesis> {
    let window = crate::dom::window()?;
    let has = |name: &str| {
        js_sys::Reflect::get(&window, &JsValue::from_str(name))
            .is_ok_and(|v| !v.is_undefined() && !v.is_null())
    };
    if !has("SpeechSynthesisUtterance") {
        return None;
    }
    let synth = js_sys::Reflect::get(&window, &JsValue::from_str("speechSynthesis")).ok()?;
    synth.is_object().then(|| synth.unchecked_into())
}

impl Engine {
    fn new(
        synth: SpeechSynthesis,
        pieces: Vec<String>,
        playback: RwSignal<Playback>,
        voice_state: RwSignal<VoiceState>,
        rate: RwSignal<Rate>,
    ) -> Rc<Engine> {
        let handler = |weak: &Weak<Engine>, f: fn(&Engine, JsValue)| {
            let weak = weak.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                if let Some(engine) = weak.upgrade() {
                    f(&engine, event);
                }
            })
        };
        Rc::new_cyclic(|weak| Engine {
            synth,
            pieces,
            voice: RefCell::new(None),
            utterance: RefCell::new(None),
            resume_at: Cell::new(None),
            timeout: Cell::new(None),
            on_end: handler(weak, |e, _| e.ended()),
            on_error: handler(weak, |e, event| e.failed(&event)),
            on_voices: handler(weak, |e, _| e.find_voice(false)),
            on_pagehide: handler(weak, |e, _| e.stop()),
            playback,
            voice_state,
            rate,
        })
    }

    /// Look for a Chinese voice; without one, say so only once the wait
    /// for the voice list is over (`final_check`) or speech was possible.
    fn find_voice(&self, final_check: bool) {
        let voices = self.synth.get_voices();
        let list: Vec<SpeechSynthesisVoice> = voices
            .iter()
            .filter(|v| v.is_object())
            .map(|v| v.unchecked_into())
            .collect();
        let described: Vec<(String, bool)> =
            list.iter().map(|v| (v.lang(), v.local_service())).collect();
        let chosen = choose_voice(&described).map(|i| list[i].clone());
        let found = chosen.is_some();
        *self.voice.borrow_mut() = chosen;
        let state = self.voice_state.get_untracked();
        if found {
            self.voice_state.set(VoiceState::Ready);
        } else if final_check || voices.length() > 0 || state == VoiceState::Ready {
            if state == VoiceState::Ready {
                self.stop();
            }
            self.voice_state.set(VoiceState::NoChinese);
        }
    }

    /// Take the handlers off the utterance being read, so that it can no
    /// longer move the reading on, and forget it.
    fn detach(&self) {
        if let Some((u, _)) = self.utterance.borrow_mut().take() {
            u.set_onend(None);
            u.set_onerror(None);
        }
        self.resume_at.set(None);
    }

    /// Silence: nothing queued, nothing paused.
    fn silence(&self) {
        self.detach();
        self.synth.cancel();
        // A synthesizer paused before cancel() stays paused in Chrome and
        // Safari, and would hold the next utterance.
        if self.synth.paused() {
            self.synth.resume();
        }
    }

    fn speak(&self, i: usize) {
        let Some(text) = self.pieces.get(i) else {
            self.detach();
            self.playback.set(Playback::Done);
            return;
        };
        let Ok(u) = SpeechSynthesisUtterance::new_with_text(text) else {
            self.playback.set(Playback::Failed);
            return;
        };
        let voice = self.voice.borrow().clone();
        u.set_lang(
            &voice
                .as_ref()
                .map_or_else(|| "zh-CN".to_string(), |v| v.lang()),
        );
        u.set_voice(voice.as_ref());
        u.set_rate(self.rate.get_untracked().value());
        u.set_onend(Some(self.on_end.as_ref().unchecked_ref()));
        u.set_onerror(Some(self.on_error.as_ref().unchecked_ref()));
        *self.utterance.borrow_mut() = Some((u.clone(), i));
        self.playback.set(Playback::Playing(i));
        self.synth.speak(&u);
        scroll_to_piece(i);
    }

    fn current(&self) -> Option<usize> {
        self.utterance.borrow().as_ref().map(|(_, i)| *i)
    }

    /// The utterance being read has been said.
    fn ended(&self) {
        let Some(i) = self.current() else { return };
        match self.playback.get_untracked() {
            Playback::Playing(_) => self.speak(i + 1),
            // It finished just as 暂停 was pressed: go on with the next
            // piece on 继续, not now.
            Playback::Paused(_) => self.resume_at.set(Some(i + 1)),
            _ => {}
        }
    }

    /// The synthesizer gave up on the utterance being read.
    fn failed(&self, _event: &JsValue) {
        let Some(i) = self.current() else { return };
        match self.playback.get_untracked() {
            // Some browsers (Chrome on Android) drop the utterance on
            // pause(): read the piece again on 继续.
            Playback::Paused(_) => self.resume_at.set(Some(i)),
            Playback::Playing(_) => {
                self.silence();
                self.playback.set(Playback::Failed);
            }
            _ => {}
        }
    }

    /// 朗读: from the title.
    fn play(&self) {
        if self.voice_state.get_untracked() != VoiceState::Ready {
            return;
        }
        self.silence();
        self.speak(0);
    }

    fn pause(&self) {
        if let Playback::Playing(i) = self.playback.get_untracked() {
            self.synth.pause();
            self.playback.set(Playback::Paused(i));
        }
    }

    fn resume(&self) {
        let Playback::Paused(i) = self.playback.get_untracked() else {
            return;
        };
        match self.resume_at.take() {
            Some(next) => {
                self.silence();
                self.speak(next);
            }
            None if !self.synth.speaking() => {
                self.silence();
                self.speak(i);
            }
            None => {
                self.synth.resume();
                self.playback.set(Playback::Playing(i));
            }
        }
    }

    fn stop(&self) {
        let playback = self.playback.get_untracked();
        self.silence();
        if matches!(playback, Playback::Playing(_) | Playback::Paused(_)) {
            self.playback.set(Playback::Stopped);
        }
    }

    /// The article is leaving the screen: stop, and let go of the browser.
    fn shutdown(&self) {
        if let Some(t) = self.timeout.take() {
            t.clear();
        }
        if self.utterance.borrow().is_some() {
            self.silence();
        }
        let _ = self.synth.remove_event_listener_with_callback(
            "voiceschanged",
            self.on_voices.as_ref().unchecked_ref(),
        );
        if let Some(w) = crate::dom::window() {
            let _ = w.remove_event_listener_with_callback(
                "pagehide",
                self.on_pagehide.as_ref().unchecked_ref(),
            );
        }
    }
}

/// Bring the piece being read on screen, gently, when it is not.
fn scroll_to_piece(i: usize) {
    let Some(window) = crate::dom::window() else {
        return;
    };
    let Some(doc) = window.document() else { return };
    let Ok(Some(el)) = doc.query_selector(&format!(".article [data-piece=\"{i}\"]")) else {
        return;
    };
    let rect = el.get_bounding_client_rect();
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    if rect.top() >= 0.0 && rect.bottom() <= height {
        return;
    }
    let calm = doc
        .document_element()
        .is_some_and(|r| r.has_attribute("data-elder"))
        || window
            .match_media("(prefers-reduced-motion: reduce)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_behavior(if calm {
        web_sys::ScrollBehavior::Auto
    } else {
        web_sys::ScrollBehavior::Smooth
    });
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    el.scroll_into_view_with_scroll_into_view_options(&options);
}

/// The reader of one article: its state for the controls and for the
/// highlight. Create it in the article's component; it stops when that
/// component goes.
#[derive(Clone, Copy)]
pub struct ReadAloud {
    engine: StoredValue<Option<Rc<Engine>>, LocalStorage>,
    pub playback: RwSignal<Playback>,
    pub voice: RwSignal<VoiceState>,
    pub rate: RwSignal<Rate>,
    /// 朗读 pressed while the voice list was still loading: reading starts
    /// when a Chinese voice is found.
    requested: RwSignal<bool>,
    /// How many pieces of the body there are (the title not counted).
    body_pieces: usize,
}

impl ReadAloud {
    pub fn new(pieces: Vec<String>) -> ReadAloud {
        let playback = RwSignal::new(Playback::Idle);
        let voice = RwSignal::new(VoiceState::Checking);
        let stored = storage().and_then(|s| s.get_item(RATE_KEY).ok().flatten());
        let rate = RwSignal::new(Rate::from_stored(stored.as_deref()));
        let body_pieces = pieces.len().saturating_sub(1);
        let engine = synthesizer().map(|synth| Engine::new(synth, pieces, playback, voice, rate));
        match &engine {
            // Pre-rendering (no window) cannot know the reader's browser:
            // the page offers 朗读, and pressing it starts the app.
            None if crate::dom::window().is_none() => {}
            None => voice.set(VoiceState::Unsupported),
            Some(engine) => {
                let _ = engine.synth.add_event_listener_with_callback(
                    "voiceschanged",
                    engine.on_voices.as_ref().unchecked_ref(),
                );
                if let Some(w) = crate::dom::window() {
                    let _ = w.add_event_listener_with_callback(
                        "pagehide",
                        engine.on_pagehide.as_ref().unchecked_ref(),
                    );
                }
                engine.find_voice(false);
                if voice.get_untracked() == VoiceState::Checking {
                    let weak = Rc::downgrade(engine);
                    let handle = set_timeout_with_handle(
                        move || {
                            if let Some(e) = weak.upgrade() {
                                e.timeout.set(None);
                                e.find_voice(true);
                            }
                        },
                        VOICE_WAIT,
                    );
                    engine.timeout.set(handle.ok());
                }
            }
        }
        let requested = RwSignal::new(false);
        let this = ReadAloud {
            engine: StoredValue::new_local(engine),
            playback,
            voice,
            rate,
            requested,
            body_pieces,
        };
        // 朗读 pressed before the voices were known (on a pre-rendered page,
        // the press that started the app): read once a voice is found; the
        // note says why not when none is.
        Effect::new(move |_| match voice.get() {
            VoiceState::Checking => {}
            state => {
                if requested.get_untracked() {
                    requested.set(false);
                    if state == VoiceState::Ready {
                        this.toggle();
                    }
                }
            }
        });
        // Leaving the page: stop at once, while the next page loads.
        let location = use_location();
        let start = location.pathname.get_untracked();
        Effect::new(move |_| {
            if location.pathname.get() != start {
                this.with(Engine::stop);
            }
        });
        on_cleanup(move || this.with(Engine::shutdown));
        Effect::new(move |_| {
            let rate = rate.get();
            if let Some(s) = storage() {
                // Storage can be full or blocked; the choice then lasts the visit.
                let _ = match rate.stored() {
                    Some(v) => s.set_item(RATE_KEY, v),
                    None => s.remove_item(RATE_KEY),
                };
            }
        });
        this
    }

    fn with(&self, f: impl FnOnce(&Engine)) {
        if let Some(Some(engine)) = self.engine.try_get_value() {
            f(&engine);
        }
    }

    /// The piece being read or paused at, for the highlight.
    pub fn current(&self) -> Signal<Option<usize>> {
        let playback = self.playback;
        Signal::derive(move || playback.get().piece())
    }

    /// The main button: 朗读, 暂停 or 继续.
    fn toggle(&self) {
        if self.voice.get_untracked() == VoiceState::Checking {
            self.requested.set(true);
            return;
        }
        match self.playback.get_untracked() {
            Playback::Playing(_) => self.with(Engine::pause),
            Playback::Paused(_) => self.with(Engine::resume),
            _ => self.with(Engine::play),
        }
    }

    fn status(&self) -> String {
        if self.requested.get() {
            return "正在查找中文语音…".to_string();
        }
        match self.playback.get() {
            Playback::Idle => String::new(),
            Playback::Playing(0) => "正在朗读标题".to_string(),
            Playback::Playing(i) => format!("正在朗读第 {i} 段，共 {} 段", self.body_pieces),
            Playback::Paused(_) => "已暂停".to_string(),
            Playback::Done => "朗读完毕".to_string(),
            Playback::Stopped => "已停止朗读".to_string(),
            Playback::Failed => "朗读中断，请再点“朗读”".to_string(),
        }
    }
}

/// 朗读 / 暂停 / 继续, 停止 and 语速, or why reading aloud is not possible.
#[component]
pub fn ReadAloudControls(speech: ReadAloud) -> impl IntoView {
    let ReadAloud {
        playback,
        voice,
        rate,
        ..
    } = speech;
    let ready = move || voice.get() == VoiceState::Ready;
    let active = move || matches!(playback.get(), Playback::Playing(_) | Playback::Paused(_));
    // While the voice list loads, 朗读 can be pressed (see `requested`):
    // nothing to say about it yet.
    let unable = move || matches!(voice.get(), VoiceState::NoChinese | VoiceState::Unsupported);
    let note = move || match voice.get() {
        VoiceState::Ready | VoiceState::Checking => None,
        VoiceState::NoChinese => Some("本浏览器没有中文语音，无法朗读"),
        VoiceState::Unsupported => Some("本浏览器不支持语音朗读"),
    };
    view! {
        <div class="read-aloud" role="group" aria-label="语音朗读">
            <button
                type="button"
                class="read-main"
                disabled=unable
                aria-describedby=move || unable().then_some(NOTE_ID)
                on:click=move |_| speech.toggle()
            >
                {move || match playback.get() {
                    Playback::Playing(_) => "暂停",
                    Playback::Paused(_) => "继续",
                    _ => "朗读",
                }}
            </button>
            <Show when=ready>
                <button
                    type="button"
                    class="read-stop"
                    aria-disabled=move || (!active()).to_string()
                    on:click=move |_| speech.with(Engine::stop)
                >
                    "停止"
                </button>
                <span class="read-rate" role="group" aria-label="语速">
                    <span class="control-label" aria-hidden="true">"语速："</span>
                    {rate_buttons(rate)}
                </span>
            </Show>
            <span class="read-note" id=NOTE_ID>{note}</span>
            <span class="read-status" role="status">{move || speech.status()}</span>
        </div>
    }
}

fn rate_buttons(rate: RwSignal<Rate>) -> impl IntoView {
    Rate::ALL
        .into_iter()
        .map(|r| {
            view! {
                <button
                    type="button"
                    aria-pressed=move || (rate.get() == r).to_string()
                    on:click=move |_| rate.set(r)
                >
                    {r.label()}
                </button>
            }
        })
        .collect_view()
}
