// Runs before the first paint (a blocking script, so it is kept tiny): tells the static shell
// in index.html, made by xtask from the translations, which language and page to show until
// the app has started (rules in app.css). The app removes the shell once it has drawn.
const root = document.documentElement;
let chosen = null;
try {
  chosen = localStorage.getItem('huiyin.lang');
} catch (e) {
  // Storage refused (private mode, say): the default language.
}
if (chosen === 'zh-Hant' || chosen === 'en') root.lang = chosen;
// A request's page (`/track/{no}`) is in the shell when the Worker wrote it there.
const page = location.pathname.startsWith('/track/')
  ? 'track'
  : { '/': 'submit', '/open/dashboard': 'dashboard' }[location.pathname];
if (page) root.dataset.shell = page;
