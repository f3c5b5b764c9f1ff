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
  // 今天是 of the date bar, as the app writes it (pufa_core::date::today_label):
  // the day in Beijing (UTC+8, no daylight saving) whatever the device's zone.
  function today() {
    var d = new Date(Date.now() + 8 * 3600000);
    return d.getUTCFullYear() + "年" + (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日 星期" +
      "日一二三四五六".charAt(d.getUTCDay());
  }
  document.addEventListener("DOMContentLoaded", function () {
    var b = boot();
    if (!b) return;
    show(b);
    var day = b.querySelector(".today");
    if (day) day.textContent = "今天是：" + today();
    // The app says 分享 where the browser can share (its page is drawn
    // without a browser, so it says 复制链接): the same word before it.
    var share = b.querySelector(".article-tools button + button");
    if (share && navigator.share) share.textContent = "分享";
  });
  // 打印本页 and 分享/复制链接 of an article, as the app does them
  // (src/components/share.rs); the address is the page's canonical link.
  function tool(b, x) {
    if (x.textContent.trim() === "打印本页") {
      window.print();
      return;
    }
    var link = document.querySelector("link[rel=canonical]");
    var url = new URL(link ? link.getAttribute("href") : "", location.href).href;
    var status = b.querySelector(".tool-status");
    function say(text) {
      if (status) status.textContent = text;
    }
    function ask() {
      say("请复制本页网址：" + url);
    }
    if (navigator.share) {
      var h1 = b.querySelector("h1");
      navigator.share({ title: h1 ? h1.textContent.trim() : document.title, url: url }).catch(function () {});
    } else if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () {
        say("链接已复制，可以粘贴给亲友。");
      }, ask);
    } else {
      ask();
    }
  }
  function activate(ev) {
    var b = boot();
    if (!b || !b.contains(ev.target)) return;
    ev.stopImmediatePropagation();
    if (ev.type !== "click") return;
    var x = ev.target.closest(".reading-controls button, .skip-link, .article-tools button");
    if (!x) return;
    if (x.classList.contains("skip-link")) {
      ev.preventDefault();
      b.querySelector("main").focus();
      return;
    }
    if (x.parentNode.classList.contains("article-tools")) {
      tool(b, x);
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

  // If the app cannot start (a browser without WebAssembly, its files lost
  // to the network, a crash while starting), the reader is told so,
  // instead of 正在加载 for ever; a pre-rendered page stays readable and
  // keeps what is served above. A crash after the start (a trap of the
  // wasm in a click) gets the notice too: the app may no longer answer.
  var started = false;
  var note = null;
  var WHY = {
    old: "您的浏览器不能运行本站的程序（它不支持 WebAssembly）。",
    load: "本站的程序没能启动：可能是网络中断，也可能是浏览器版本太旧。",
    crash: "本站的程序出错了，页面可能不再响应。",
  };
  function fail(why) {
    if (note) return;
    var mine = (note = document.createElement("div"));
    mine.why = why;
    root.setAttribute("data-app-failed", "");
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () {
        if (note === mine) tell(why);
      });
    } else {
      tell(why);
    }
  }
  function tell(why) {
    var shell = document.getElementById("boot");
    if (shell && (started || shell.hasAttribute("data-prerendered"))) shell = null;
    note.className = "app-failed";
    note.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent =
      WHY[why] +
      (why === "old"
        ? shell
          ? "请升级浏览器，或换用其他浏览器打开本站。"
          : "本页内容可以阅读；搜索、朗读等功能需要升级浏览器，或换用其他浏览器。"
        : shell
          ? "请点“重新加载”；如果仍然不行，请升级浏览器，或换用其他浏览器。"
          : "本页内容仍可阅读；要用搜索、朗读等功能，请点“重新加载”。");
    note.appendChild(p);
    if (why !== "old") {
      var again = document.createElement("button");
      again.type = "button";
      again.className = "retry";
      again.textContent = "重新加载";
      again.addEventListener("click", function () {
        location.reload();
      });
      note.appendChild(again);
    }
    if (shell) {
      // The shell has nothing else to show; the pre-rendered pages do not
      // need the app.
      var links = document.createElement("p");
      [["./", "返回首页"], ["sitemap", "网站地图"]].forEach(function (l, i) {
        var a = document.createElement("a");
        a.href = l[0];
        a.textContent = l[1];
        if (i) links.appendChild(document.createTextNode(" · "));
        links.appendChild(a);
      });
      note.appendChild(links);
      // 正在加载 goes; the page's main content is the site's name and why.
      var main = document.createElement("main");
      var name = document.createElement("h1");
      var named = shell.querySelector(".boot-name");
      name.className = "boot-name";
      name.textContent = named ? named.textContent : document.title;
      main.appendChild(name);
      main.appendChild(note);
      shell.removeAttribute("role");
      shell.replaceChildren(main);
    } else {
      document.body.insertBefore(note, document.body.firstChild);
    }
  }
  if (typeof WebAssembly !== "object") {
    fail("old");
  } else {
    window.addEventListener("TrunkApplicationStarted", function () {
      started = true;
      // A false alarm (another script of this page failed): the app runs.
      if (note && note.why === "load") {
        note.remove();
        note = null;
        root.removeAttribute("data-app-failed");
      }
    });
    window.addEventListener("error", function (ev) {
      var e = ev.error;
      if (e instanceof WebAssembly.RuntimeError) {
        fail("crash");
      } else if (!started && (
        // Trunk's loader (inline in this page) or the app's JS failed to
        // load, or threw; errors of other scripts are not the app's.
        (ev.target instanceof HTMLScriptElement && !ev.target.src) ||
        /\/pufa-portal-[^/]*\.js$/.test(ev.filename || "") ||
        e instanceof WebAssembly.CompileError ||
        e instanceof WebAssembly.LinkError
      )) {
        fail("load");
      }
    }, true);
  }
})();
