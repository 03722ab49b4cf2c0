// The beacon script served as GET /t.js (minified by esbuild when the stack is bundled; see
// infra/tracker-script.ts). A plain browser script, no modules, no dependencies:
//
//   <script defer src="https://API/t.js" data-site="site-abc-123"></script>
//
// - Posts to the `event` route next to its own URL, so it works under any API stage.
// - Records a page_view on load and on single-page navigation (pushState, replaceState,
//   popstate), never twice in a row for the same path.
// - window.analytics.track(name) records a custom event of type `name` on the current path.
// - The visitor id is random and kept in localStorage (no cookies); where storage is
//   unavailable, each page load gets its own id.
// - Sends nothing when the browser asks not to be tracked (Do Not Track, Global Privacy
//   Control) or is driven by automation (navigator.webdriver), unless the script tag carries
//   `data-allow-automation`: a testing aid for browser tests, not for production pages.
(function () {
  var win = window;
  var nav = navigator;
  var script = document.currentScript;
  var noop = function () {};
  // Pages may call analytics.track whether or not tracking is on.
  win.analytics = { track: noop };

  var site = script && script.getAttribute('data-site');
  if (
    !site ||
    nav.doNotTrack == '1' ||
    win.doNotTrack == '1' ||
    nav.globalPrivacyControl === true ||
    (nav.webdriver === true && !script.hasAttribute('data-allow-automation'))
  ) {
    return;
  }

  var endpoint = new URL('event', script.src).href;

  function randomId() {
    var bytes = new Uint8Array(16);
    try {
      crypto.getRandomValues(bytes);
    } catch (e) {
      for (var i = 0; i < 16; i++) bytes[i] = Math.random() * 256;
    }
    var id = '';
    for (var j = 0; j < 16; j++) id += (bytes[j] + 256).toString(16).slice(1);
    return id;
  }

  var userId;
  try {
    userId = localStorage.getItem('beacon_uid');
    if (!userId) localStorage.setItem('beacon_uid', (userId = randomId()));
  } catch (e) {
    userId = randomId();
  }

  function send(type) {
    var body = JSON.stringify({
      site_id: site,
      event_type: type,
      path: location.pathname,
      user_id: userId,
      timestamp: new Date().toISOString(),
      event_id: randomId(),
    });
    // A string is sent as text/plain, which needs no CORS preflight.
    try {
      if (nav.sendBeacon && nav.sendBeacon(endpoint, body)) return;
    } catch (e) {}
    fetch(endpoint, { method: 'POST', body: body, keepalive: true, headers: { 'content-type': 'text/plain' } }).catch(noop);
  }

  var lastPath;
  function pageView() {
    if (location.pathname === lastPath) return;
    lastPath = location.pathname;
    send('page_view');
  }

  ['pushState', 'replaceState'].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      pageView();
      return result;
    };
  });
  win.addEventListener('popstate', pageView);

  win.analytics.track = function (name) {
    send(String(name));
  };
  pageView();
})();
