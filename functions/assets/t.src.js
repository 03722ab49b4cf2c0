// The beacon script served as GET /t.js (minified by esbuild when the stack is bundled; see
// infra/tracker-script.ts). A plain browser script, no modules, no dependencies:
//
//   <script defer src="https://API/t.js" data-site="site-abc-123"></script>
//
// - Posts to the `event` route next to its own URL, so it works under any API stage.
// - Records a page_view on load and on single-page navigation (pushState, replaceState,
//   popstate), never twice in a row for the same path.
// - window.analytics.track(name, props) records a custom event of type `name` on the current path,
//   with `props` (optional) its custom properties: an object of up to 30 string values
//   (functions/domain/props.ts), sent as given.
// - The visitor id is random and kept in localStorage (no cookies); where storage is
//   unavailable, each page load gets its own id.
// - Each event carries its `visit` (functions/domain/visit.ts): the visit's page views so far,
//   the milliseconds since its previous event, its entry URL (without the fragment) and the
//   referrer of the page load that started it, and its id: random, drawn when the visit starts.
//   The visit (id, entry URL, referrer, page views, time of the last event) is kept in
//   localStorage next to the visitor id, or in memory for the
//   page's life where storage is unavailable. An event more than 30 minutes after the visit's
//   last one starts a new visit; one started later than a page load's first event (a
//   single-page navigation or a custom event on a page left open) has no referrer.
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

  // The page load's referrer, for a visit its first event starts; a later one was not referred.
  var referrer = document.referrer;
  var memoryVisit;

  // Records an event of `type` at `now` in its visit, starting one if need be; returns what the
  // event carries of the visit.
  function visit(type, now) {
    var v = memoryVisit;
    try {
      // Storage that reads but does not write (full, or private modes) keeps the visit in memory.
      v = JSON.parse(localStorage.getItem('beacon_visit')) || v;
    } catch (e) {}
    // More than 30 minutes since the visit's last event starts a new one; so does a negative gap
    // (a clock put back), which the API would refuse.
    if (!v || !(now - v.at >= 0 && now - v.at <= 18e5)) {
      // At most 2,048 characters each, as the API takes them.
      v = { entry: location.href.split('#')[0].slice(0, 2048), referrer: referrer.slice(0, 2048), page: 0, at: now };
    }
    // A visit kept by an earlier version of this script gets its id now.
    v.id = v.id || randomId();
    referrer = '';
    // The API takes up to 100,000: an endless visit (a kiosk) stops counting there, not sending.
    if (type == 'page_view' && v.page < 1e5) v.page++;
    var gap = now - v.at;
    v.at = now;
    memoryVisit = v;
    try {
      localStorage.setItem('beacon_visit', JSON.stringify(v));
    } catch (e) {}
    // An empty referrer is left out (undefined is not serialised).
    return { page: v.page, gap_ms: gap, entry: v.entry, referrer: v.referrer || undefined, id: v.id };
  }

  function send(type, props) {
    var now = Date.now();
    var body = JSON.stringify({
      site_id: site,
      event_type: type,
      path: location.pathname,
      user_id: userId,
      timestamp: new Date(now).toISOString(),
      event_id: randomId(),
      visit: visit(type, now),
      props: props,
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

  win.analytics.track = function (name, props) {
    send(String(name), props);
  };
  pageView();
})();
