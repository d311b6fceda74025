// Starts the wasm app. A file rather than an inline script so a strict CSP
// (script-src 'self') works. Staff addresses load the staff bundle, the
// transparency pages (/listed, /open/…) and the tracking pages (/track, /unsubscribe) their
// own, so citizens on slow phones download only the pages they use.
const path = location.pathname;
const under = (prefix) => path === prefix || path.startsWith(prefix + '/');
const name = under('/staff')
  ? 'huiyin_staff'
  : under('/listed') || under('/open')
    ? 'huiyin_open'
    : under('/track') || under('/unsubscribe')
      ? 'huiyin_track'
      : 'huiyin_app';
// Leaflet (40 KB) is fetched only when a map is about to show (`huiyinMapNear`, called by the
// app's maps): most pages have none, and the form's map is below the fold on a phone. The app
// binds the global `L` at call time, so it may arrive after the app starts.
let leaflet;
const loadLeaflet = () => {
  leaflet ??= new Promise((loaded, failed) => {
    const css = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/vendor/leaflet/leaflet.css' });
    const js = Object.assign(document.createElement('script'), { src: '/vendor/leaflet/leaflet.js' });
    js.onload = loaded;
    js.onerror = () => {
      leaflet = undefined; // offline, say: the next map tries again
      js.remove();
      failed(new Error('leaflet'));
    };
    document.head.append(css, js);
  });
  return leaflet;
};
globalThis.huiyinMapNear = (element) =>
  new Promise((near) => {
    if (!('IntersectionObserver' in globalThis)) return near();
    const watch = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          watch.disconnect();
          near();
        }
      },
      { rootMargin: '50% 0px' },
    );
    watch.observe(element);
  }).then(loadLeaflet);

// A request's page written by the Worker shows its times in the city's zone; the reader's
// own zone and format, as the app will show them, before the wasm arrives.
for (const time of document.querySelectorAll('.shell time[datetime]')) {
  const lang = time.closest('[lang]')?.lang;
  time.textContent = new Date(time.dateTime).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
}

// Where the shell shows this page, its text reaches the screen before the app is fetched: the
// page's first paint then owes nothing to the wasm, and on a fast connection the app cannot
// replace the text before it was ever shown (system CJK fonts can take a frame or two). On a
// phone's connection this costs nothing (the first paint comes long before the wasm would).
// Browsers that cannot tell (no largest-contentful-paint entries) and tabs in the background
// do not wait; none waits over half a second.
const { lang, dataset } = document.documentElement;
const page = document.querySelector(`.shell > [data-shell-lang="${lang}"] [data-shell-page="${dataset.shell}"]`);
if (
  page &&
  document.visibilityState === 'visible' &&
  globalThis.PerformanceObserver?.supportedEntryTypes?.includes('largest-contentful-paint')
) {
  await new Promise((painted) => {
    const watch = new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => page.contains(e.element))) {
        watch.disconnect();
        painted();
      }
    });
    watch.observe({ type: 'largest-contentful-paint', buffered: true });
    setTimeout(painted, 500);
  });
}

// The wasm (most of the page) is requested now, alongside its JavaScript glue, not after it.
const wasm = fetch(`/pkg/${name}_bg.wasm`);
const { default: init } = await import(`/pkg/${name}.js`);
init({ module_or_path: wasm });

// The service worker keeps submissions made offline and sends them once the network is back
// (public/sw.js); on a browser without Background Sync the page's `online` event asks it to.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => {});
  const flush = () => navigator.serviceWorker.ready.then((r) => r.active && r.active.postMessage({ type: 'flush' }));
  addEventListener('online', flush);
  if (navigator.onLine) flush();
}
