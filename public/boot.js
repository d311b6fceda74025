// Starts the wasm app. A file rather than an inline script so a strict CSP
// (script-src 'self') works; Leaflet is a classic script loaded before this module,
// because the app binds the global `L`. Staff addresses load the staff bundle, the
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
const { default: init } = await import(`/pkg/${name}.js`);
init({ module_or_path: `/pkg/${name}_bg.wasm` });

// The service worker keeps submissions made offline and sends them once the network is back
// (public/sw.js); on a browser without Background Sync the page's `online` event asks it to.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => {});
  const flush = () => navigator.serviceWorker.ready.then((r) => r.active && r.active.postMessage({ type: 'flush' }));
  addEventListener('online', flush);
  if (navigator.onLine) flush();
}
