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
  // and its 字号, 长辈模式, 跳到正文, 打印, 分享 and "/" are served here, its
  // view is counted here and the service worker registered here.
  //
  // The app starts only when the reader asks for something that needs it:
  // the search box, 朗读, a link that leaves the site (the notice),
  // 长辈模式 (its 大鼠标 switch), being offline, or 页面未找到 (which may be
  // wrong: see below). Reading, the links, the list pages and
  // the controls above need nothing more, so a reader who just reads is
  // never kept waiting by the app's start (on a slow phone, a second or
  // more of a busy main thread). Trunk's loader waits for pufaAppWanted
  // (scripts/post-build.mjs); pufaStartApp() asks for the app.
  var wanted = null;
  if (window.Promise) {
    window.pufaAppWanted = new Promise(function (go) {
      wanted = go;
    });
  }
  function want() {
    if (wanted) wanted();
  }
  window.pufaStartApp = want;
  // A press the app must answer: held, and pressed again by the app as it
  // takes the page over, on the same control (src/boot.rs).
  var REPLAY = "data-replay";
  function hold(x) {
    x.focus();
    root.setAttribute(REPLAY, "");
    want();
  }
  function leaves(a) {
    return /^https?:$/.test(a.protocol) && a.protocol + "//" + a.host !== location.protocol + "//" + location.host;
  }
  var SIZES = { "大": "large", "中": "", "小": "small" };
  function boot() {
    return document.querySelector("#boot[data-prerendered]");
  }
  // Plain ES5 and DOM calls old browsers have: this file must still run in
  // the browsers too old for the app, to tell their readers so.
  function each(b, selector, f) {
    var all = b.querySelectorAll(selector);
    for (var i = 0; i < all.length; i++) f(all[i]);
  }
  function closest(x, selector, within) {
    for (; x && x !== within; x = x.parentNode) {
      if (x.nodeType === 1 && (x.matches || x.msMatchesSelector).call(x, selector)) return x;
    }
    return null;
  }
  function show(b) {
    var font = root.getAttribute("data-font") || "";
    var on = root.hasAttribute("data-elder");
    each(b, ".font-size", function (x) {
      x.setAttribute("aria-pressed", SIZES[x.textContent.trim()] === font);
    });
    each(b, ".elder-switch", function (x) {
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
  // Words the app will write, written as the parser reaches them, so the
  // first paint already has them and nothing moves later (on a phone the
  // date wraps the date bar): 今天是, and 分享 where the browser can share
  // (the app's page is drawn without a browser, so it says 复制链接).
  // (Nothing to write for 分享 where the browser cannot share.)
  var filled = { share: !navigator.share };
  function fill() {
    var b = boot();
    if (!b) return;
    var day = !filled.day && b.querySelector(".today");
    if (day) {
      day.textContent = "今天是：" + today();
      filled.day = true;
    }
    var share = !filled.share && b.querySelector(".article-tools button + button");
    if (share) {
      if (navigator.share) share.textContent = "分享";
      filled.share = true;
    }
  }
  if (document.readyState === "loading" && window.MutationObserver) {
    var parsing = new MutationObserver(function () {
      fill();
      if (filled.day && filled.share) parsing.disconnect();
    });
    parsing.observe(document, { childList: true, subtree: true });
    document.addEventListener("DOMContentLoaded", function () {
      parsing.disconnect();
    });
  }
  // The view of a pre-rendered article, recorded as the app would (POST to
  // the counter service, src/api.rs), with the live total shown; the app,
  // if it starts, takes this answer (pufaCounted) rather than counting the
  // reader twice. Any failure keeps the count the page was built with.
  function count(b) {
    var views = b.querySelector(".views[data-count]");
    if (!views || !window.Promise || !window.XMLHttpRequest) return;
    var url = views.getAttribute("data-count");
    window.pufaCounted = {
      url: url,
      views: new Promise(function (done) {
        var x = new XMLHttpRequest();
        x.open("POST", url);
        x.timeout = 3000;
        x.onload = function () {
          var n = null;
          try {
            n = JSON.parse(x.responseText).views;
          } catch (e) {}
          if (x.status < 200 || x.status > 299 || typeof n !== "number" || n < 0 || n % 1 !== 0) n = null;
          if (n !== null && boot()) views.textContent = "浏览次数：" + n;
          done(n);
        };
        x.onerror = x.ontimeout = function () {
          done(null);
        };
        x.send();
      }),
    };
  }
  // Without site.url the build can only write site paths into the
  // canonical link and og:url (a crawler that runs no script gets those);
  // here the page's own origin makes them whole, as the app does.
  function absolute(tag, attr) {
    var x = document.querySelector("head [data-prerendered]" + tag);
    var v = x && x.getAttribute(attr);
    if (!v || v.charAt(0) !== "/") return;
    var a = document.createElement("a");
    a.href = v;
    x.setAttribute(attr, a.href);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var b = boot();
    if (!b) return;
    absolute("[rel=canonical]", "href");
    absolute("[property='og:url']", "content");
    fill();
    show(b);
    count(b);
    if (!navigator.onLine) offline(b);
    if (root.hasAttribute("data-elder")) want();
    // 页面未找到 may be the host's answer for a page that exists (a host that
    // does not try ".html" serves 404.html for every deep link): the app,
    // which knows every route, decides.
    if (b.querySelector(".not-found")) want();
  });
  // The reader's first words in the search box: the app answers them.
  document.addEventListener("focusin", function (ev) {
    var b = boot();
    if (b && b.contains(ev.target) && /^(INPUT|SELECT|TEXTAREA)$/.test(ev.target.tagName)) want();
  });
  // Offline, the page says so (as the app does): what it shows may be a
  // copy the worker kept. Gone offline, the app starts too, to find pages in
  // the worker's cache (it leaves this page alone if it has not its data).
  var OFFLINE = "当前处于离线状态，显示的是缓存内容";
  function offline(b) {
    var notices = b.querySelector(".notices");
    var shown = notices && notices.querySelector(".notice.offline");
    var needed = !navigator.onLine;
    if (!notices || !!shown === needed) return;
    if (shown) {
      notices.removeChild(shown);
    } else {
      shown = element("p", OFFLINE);
      shown.className = "notice offline";
      shown.setAttribute("role", "status");
      notices.appendChild(shown);
    }
  }
  window.addEventListener("offline", function () {
    var b = boot();
    if (!b) return;
    offline(b);
    want();
  });
  window.addEventListener("online", function () {
    var b = boot();
    if (b) offline(b);
  });
  // Offline use (sw.js) from the first visit, started or not; the app
  // registers the same worker again when it starts (src/pwa.rs).
  window.addEventListener("load", function () {
    var sw = navigator.serviceWorker;
    if (boot() && sw && !root.hasAttribute("data-app-failed")) sw.register("sw.js").catch(function () {});
  });
  // 打印本页 and 分享/复制链接 of an article, as the app does them
  // (src/components/share.rs), with the same address: this page's.
  function tool(b, x) {
    if (x.textContent.trim() === "打印本页") {
      window.print();
      return;
    }
    var url = location.protocol + "//" + location.host + location.pathname;
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
    // A click, or the middle button's auxclick (a new tab).
    var middle = ev.type === "auxclick";
    if (middle && ev.button !== 1) return;
    // Whatever the reader pressed last is what the app may press again.
    root.removeAttribute(REPLAY);
    var notice = b.querySelector("dialog.leave-notice:not([data-off])");
    var link = closest(ev.target, "a[href]", b);
    // A link that leaves the site, however pressed (with Ctrl/⌘/Shift or
    // the middle button too): the notice comes first. The app presses it
    // again plainly; the links that leave (the settings' links, the only
    // ones that can) open in a new tab anyway (target="_blank").
    var held = (link && !ev.altKey && notice && leaves(link) && link) || (!middle && closest(ev.target, ".read-main", b));
    if (held) {
      ev.preventDefault();
      hold(held);
      return;
    }
    if (middle) return;
    var x = closest(ev.target, ".reading-controls button, .skip-link, .article-tools button", b);
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
        var on = !root.hasAttribute("data-elder");
        if (on) root.setAttribute("data-elder", "");
        else root.removeAttribute("data-elder");
        if (on) want();
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
  // to the network, a crash while starting, Trunk's loader blocked by a
  // Content-Security-Policy), the reader is told so, instead of 正在加载 for
  // ever; a pre-rendered page stays readable and keeps what is served
  // above. A crash after the start (a trap of the wasm in a click) gets
  // the notice too: the app may no longer answer.
  var started = false;
  var note = null;
  var WHY = {
    old: "您的浏览器版本太旧，不能运行本站的程序。",
    load: "本站的程序没能启动：可能是网络中断，也可能是浏览器版本太旧。",
    crash: "本站的程序出错了，页面可能不再响应。",
  };
  function fail(why) {
    if (note) return;
    var mine = (note = document.createElement("div"));
    mine.why = why;
    root.setAttribute("data-app-failed", "");
    // A service worker answers every page with the shell this app failed
    // in: let the pages come from the site again (pre-rendered, readable).
    // The app registers it again when it next starts.
    var sw = navigator.serviceWorker;
    if (!started && sw && sw.controller && sw.getRegistrations) {
      sw.getRegistrations().then(function (all) {
        for (var i = 0; i < all.length; i++) all[i].unregister();
      });
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () {
        if (note === mine) tell(why);
      });
    } else {
      tell(why);
    }
  }
  function element(tag, text) {
    var x = document.createElement(tag);
    if (text) x.textContent = text;
    return x;
  }
  function tell(why) {
    var shell = document.getElementById("boot");
    if (shell && (started || shell.hasAttribute("data-prerendered"))) shell = null;
    note.className = "app-failed";
    note.setAttribute("role", "alert");
    note.appendChild(element("p",
      WHY[why] +
      (why === "old"
        ? shell
          ? "请升级浏览器，或用其他浏览器打开本站。"
          : "本页内容可以阅读；搜索、朗读等功能需要升级浏览器，或用其他浏览器打开本站。"
        : shell
          ? "请点“刷新”；如果仍然不行，请升级浏览器，或用其他浏览器打开本站。"
          : "本页内容仍可阅读；要用搜索、朗读等功能，请点“刷新”。")));
    if (why !== "old") {
      var again = element("button", "刷新");
      again.type = "button";
      again.className = "retry";
      again.addEventListener("click", function () {
        location.reload();
      });
      note.appendChild(again);
    }
    if (shell) {
      // The shell has nothing else to show; the pre-rendered pages do not
      // need the app. 正在加载 goes; the page's main content is the site's
      // name and why.
      var links = element("p");
      var home = element("a", "返回首页");
      var map = element("a", "网站地图");
      home.href = "./";
      map.href = "sitemap";
      links.appendChild(home);
      links.appendChild(document.createTextNode(" · "));
      links.appendChild(map);
      note.appendChild(links);
      var main = element("main");
      var named = shell.querySelector(".boot-name");
      var name = element("h1", named ? named.textContent : document.title);
      name.className = "boot-name";
      main.appendChild(name);
      main.appendChild(note);
      while (shell.firstChild) shell.removeChild(shell.firstChild);
      shell.removeAttribute("role");
      shell.appendChild(main);
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
        if (note.parentNode) note.parentNode.removeChild(note);
        note = null;
        root.removeAttribute("data-app-failed");
      }
    });
    window.addEventListener("error", function (ev) {
      var e = ev.error;
      if (e instanceof WebAssembly.RuntimeError) {
        fail(started ? "crash" : "load");
      } else if (!started && (
        // Trunk's loader (inline in this page) or the app's JS
        // (pufa-portal-<hash>.js, Trunk names it after the binary) failed
        // to load, or threw; errors of other scripts are not the app's.
        (ev.target instanceof HTMLScriptElement && !ev.target.src) ||
        /\/pufa-portal-[^/]*\.js$/.test(ev.filename || "") ||
        e instanceof WebAssembly.CompileError ||
        e instanceof WebAssembly.LinkError
      )) {
        fail("load");
      }
    }, true);
    // A policy of the host stricter than the page's own blocks the loader
    // without an error event.
    window.addEventListener("securitypolicyviolation", function (ev) {
      if (!started && /^script-src/.test(ev.effectiveDirective || ev.violatedDirective || "")) fail("load");
    });
  }
})();
