// Reading preferences (字号, 长辈模式, 大鼠标) applied before the first paint, so a
// reader who chose large text never sees the small layout flash first.
// Loaded synchronously from <head>; the app's reading controls write the
// same localStorage keys and <html> attributes (src/components/reading.rs).
(function () {
  var root = document.documentElement;
  // Scripts run: the controls that need them (字号, 朗读, 打印…) are shown.
  // Without JavaScript a pre-rendered page hides them (style/main.css).
  root.setAttribute("data-js", "");
  try {
    var size = localStorage.getItem("pufa.fontSize");
    if (size === "large" || size === "small") root.setAttribute("data-font", size);
    if (localStorage.getItem("pufa.elder") === "1") root.setAttribute("data-elder", "");
    // 大鼠标: the stylesheet applies it in 长辈模式 only.
    if (localStorage.getItem("pufa.cursor") === "large") root.setAttribute("data-cursor", "large");
  } catch (e) {
    // Storage blocked (private mode, policy): default sizes.
  }

  // A pre-rendered page stays plain HTML until the app, drawn out of sight,
  // takes it over (src/boot.rs): the hidden app gets none of its clicks,
  // and its 字号, 长辈模式, 跳到正文 and "/" are served here.
  var SIZES = { "大": "large", "中": "", "小": "small" };
  function boot() {
    return document.querySelector("#boot[data-prerendered]");
  }
  function show(b) {
    var font = root.getAttribute("data-font") || "";
    var on = root.hasAttribute("data-elder");
    b.querySelectorAll(".font-size").forEach(function (x) {
      x.setAttribute("aria-pressed", SIZES[x.textContent.trim()] === font);
    });
    b.querySelectorAll(".elder-switch").forEach(function (x) {
      x.setAttribute("aria-checked", on);
      x.querySelector(".switch-state").textContent = on ? "开" : "关";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (boot()) show(boot());
  });
  function activate(ev) {
    var b = boot();
    if (!b || !b.contains(ev.target)) return;
    ev.stopImmediatePropagation();
    if (ev.type !== "click") return;
    var x = ev.target.closest(".reading-controls button, .skip-link");
    if (!x) return;
    if (x.classList.contains("skip-link")) {
      ev.preventDefault();
      b.querySelector("main").focus();
      return;
    }
    try {
      if (x.classList.contains("font-size")) {
        var size = SIZES[x.textContent.trim()];
        if (size) {
          root.setAttribute("data-font", size);
          localStorage.setItem("pufa.fontSize", size);
        } else {
          root.removeAttribute("data-font");
          localStorage.removeItem("pufa.fontSize");
        }
      } else if (x.classList.contains("elder-switch")) {
        var on = root.toggleAttribute("data-elder");
        localStorage.setItem("pufa.elder", on ? "1" : "0");
      }
    } catch (e) {
      // Storage blocked: the choice lasts the visit.
    }
    show(b);
  }
  window.addEventListener("click", activate, true);
  window.addEventListener("auxclick", activate, true);
  window.addEventListener("keydown", function (ev) {
    var b = boot();
    if (!b || ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    ev.stopImmediatePropagation();
    var box = b.querySelector("input[type=search]");
    if (box && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      ev.preventDefault();
      box.focus();
    }
  }, true);
})();
