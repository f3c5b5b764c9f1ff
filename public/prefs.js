// Reading preferences (字号, 长辈模式) applied before the first paint, so a
// reader who chose large text never sees the small layout flash first.
// Loaded synchronously from <head>; the app's reading controls write the
// same localStorage keys and <html> attributes (src/components/reading.rs).
(function () {
  try {
    var root = document.documentElement;
    var size = localStorage.getItem("pufa.fontSize");
    if (size === "large" || size === "small") root.setAttribute("data-font", size);
    if (localStorage.getItem("pufa.elder") === "1") root.setAttribute("data-elder", "");
  } catch (e) {
    // Storage blocked (private mode, policy): default sizes.
  }
})();
