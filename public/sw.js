// The citizens' service worker, registered by boot.js. Two jobs, no fetch handling and no cache:
// citizens' updates by Web Push (app/src/updates_api.rs subscribes; the server encrypts each
// message for this browser, RFC 8291, so `event.data` is the plain JSON {title, body, url,
// unsubscribe_url, tracking_no} written by shared/src/citizen_message.rs), and submissions made
// without a network (below).

const STOP = {
  'zh-Hans': '停止接收',
  'zh-Hant': '停止接收',
  en: 'Stop updates',
};

function stopLabel() {
  const lang = (self.navigator && self.navigator.language) || 'zh-Hans';
  if (/^zh-(Hant|TW|HK|MO)/i.test(lang)) return STOP['zh-Hant'];
  if (/^zh/i.test(lang)) return STOP['zh-Hans'];
  return STOP.en;
}

// Only links into this site are opened or posted to.
function sameOrigin(url) {
  try {
    return new URL(url, self.location.origin).origin === self.location.origin;
  } catch (e) {
    return false;
  }
}

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (e) {
    message = {};
  }
  const title = message.title || '12345';
  const data = {
    url: sameOrigin(message.url) ? message.url : '/',
    unsubscribe_url: sameOrigin(message.unsubscribe_url) ? message.unsubscribe_url : '',
  };
  const options = {
    body: message.body || '',
    data,
    // A newer update of the same request replaces the older one on the lock screen.
    tag: message.tracking_no || undefined,
    renotify: Boolean(message.tracking_no),
    actions: data.unsubscribe_url ? [{ action: 'unsubscribe', title: stopLabel() }] : [],
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  const data = event.notification.data || {};
  event.notification.close();
  if (event.action === 'unsubscribe' && data.unsubscribe_url) {
    // One click, as in the e-mails: the API ends the subscription for the token in the link.
    const token = new URL(data.unsubscribe_url, self.location.origin).pathname.split('/').pop();
    event.waitUntil(fetch(`/api/v1/unsubscribe/${encodeURIComponent(token)}`, { method: 'POST' }));
    return;
  }
  const target = new URL(data.url || '/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === target);
      return open ? open.focus() : self.clients.openWindow(target);
    }),
  );
});

// Submissions made without a network (app/src/offline.rs). The page hands the request and its
// Idempotency-Key here; they are kept in IndexedDB and sent when the network is back (Background
// Sync, or the page's `online` event), with the same key, so the city receives them once however
// often this runs. What the server refuses is kept too, marked, never silently dropped.

const OFFLINE_DB = 'huiyin-offline';
const OFFLINE_STORE = 'submissions';
const SYNC_TAG = 'huiyin-submissions';

function offlineDb() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(OFFLINE_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(OFFLINE_STORE, { keyPath: 'key' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

function inStore(mode, work) {
  return offlineDb().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(OFFLINE_STORE, mode);
    const request = work(tx.objectStore(OFFLINE_STORE));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = () => reject(tx.error);
  }));
}

async function tell(message) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  windows.forEach((w) => w.postMessage(message));
}

async function keep(item) {
  await inStore('readwrite', (store) => store.put(item));
  await tell({ type: 'queued', key: item.key });
  try {
    await self.registration.sync.register(SYNC_TAG);
  } catch (e) {
    // No Background Sync here: the page's `online` event asks for a flush instead.
  }
}

async function sendKept() {
  const items = (await inStore('readonly', (store) => store.getAll())) || [];
  for (const item of items) {
    if (item.refused) continue;
    let response;
    try {
      response = await fetch('/api/v1/requests', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': item.key },
        body: item.body,
      });
    } catch (e) {
      return; // Still offline: everything stays for the next try.
    }
    // Busy, rate-limited or in progress elsewhere: later, with the same key.
    if (response.status >= 500 || response.status === 409 || response.status === 429) return;
    const answer = await response.json().catch(() => null);
    if (response.ok) {
      await inStore('readwrite', (store) => store.delete(item.key));
      await tell({ type: 'sent', key: item.key, answer });
    } else {
      await inStore('readwrite', (store) => store.put({ ...item, refused: answer || { status: response.status } }));
      await tell({ type: 'refused', key: item.key, answer });
    }
  }
}

// One flush at a time: two at once would send the same item twice (harmless with the key, but noisy).
let flushing = null;
function flush() {
  if (!flushing) flushing = sendKept().finally(() => { flushing = null; });
  return flushing;
}

self.addEventListener('message', (event) => {
  const m = event.data || {};
  if (m.type === 'queue' && typeof m.key === 'string' && typeof m.body === 'string') {
    event.waitUntil(keep({ key: m.key, body: m.body, queued_at: Date.now() }));
  } else if (m.type === 'flush') {
    event.waitUntil(flush());
  }
});

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(flush());
});

// A new version takes over at once, so a queue written by the old one is sent by the new one.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
