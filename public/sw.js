// Citizens' updates by Web Push. Registered by the app only when a citizen turns notifications
// on for a request (app/src/updates_api.rs); it caches nothing and handles no fetches. The server
// encrypts each message for this browser (RFC 8291), so `event.data` is the plain JSON
// {title, body, url, unsubscribe_url, tracking_no} written by shared/src/citizen_message.rs.

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
