// Starts the wasm app. A file rather than an inline script so a strict CSP
// (script-src 'self') works; Leaflet is a classic script loaded before this module,
// because the app binds the global `L`.
import init from '/pkg/huiyin_app.js';

init({ module_or_path: '/pkg/huiyin_app_bg.wasm' });
