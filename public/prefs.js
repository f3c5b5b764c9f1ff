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
})();
