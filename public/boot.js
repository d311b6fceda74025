// Starts the wasm app. A file rather than an inline script so a strict CSP
// (script-src 'self') works; Leaflet is a classic script loaded before this module,
// because the app binds the global `L`. Staff addresses load the staff bundle, so
// citizens on slow phones download only the pages they use.
const path = location.pathname;
const name = path === '/staff' || path.startsWith('/staff/') ? 'huiyin_staff' : 'huiyin_app';
const { default: init } = await import(`/pkg/${name}.js`);
init({ module_or_path: `/pkg/${name}_bg.wasm` });
