// Reading preferences (字号, 长辈模式, 大鼠标) applied before the first paint, so a
// reader who chose large text never sees the small layout flash first.
// Loaded synchronously from <head>; the app's reading controls write the
// same localStorage keys and <html> attributes (src/components/reading.rs).
(function () {
  try {
    var root = document.documentElement;
    var size = localStorage.getItem("pufa.fontSize");
    if (size === "large" || size === "small") root.setAttribute("data-font", size);
    if (localStorage.getItem("pufa.elder") === "1") root.setAttribute("data-elder", "");
    // 大鼠标: the stylesheet applies it in 长辈模式 only.
    if (localStorage.getItem("pufa.cursor") === "large") root.setAttribute("data-cursor", "large");
  } catch (e) {
    // Storage blocked (private mode, policy): default sizes.
  }
})();
