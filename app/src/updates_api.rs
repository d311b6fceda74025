//! Citizens' updates: subscribe to a request's progress by browser notification (Web Push) or
//! e-mail, and end a subscription from a message's link. The browser side of push — the service
//! worker (`public/sw.js`), the permission prompt and `PushManager.subscribe` — is reached through
//! `js_sys::Reflect`, so the citizens' bundle carries no bindings it does not call.

use shared::subscription::SubscriptionInput;

/// Where the page keeps the unsubscribe token of a subscription made in this visit.
pub fn stop_path(unsubscribe_token: &str) -> String {
    format!("/api/v1/unsubscribe/{unsubscribe_token}")
}

/// The browser's `JSON.stringify(pushSubscription)` as a subscription body in `lang`.
pub fn push_input(subscription_json: &str, lang: &str) -> Option<SubscriptionInput> {
    let mut input: SubscriptionInput = serde_json::from_str(subscription_json).ok()?;
    input.kind = Some("push".to_owned());
    input.lang = Some(lang.to_owned());
    input.email = None;
    Some(input)
}

pub fn email_input(email: &str, lang: &str) -> SubscriptionInput {
    SubscriptionInput {
        kind: Some("email".to_owned()),
        email: Some(email.trim().to_owned()),
        lang: Some(lang.to_owned()),
        ..Default::default()
    }
}

/// Why the browser gave no push subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushRefusal {
    /// No service workers or no Push API here (or the deployment has no VAPID key).
    Unsupported,
    /// The citizen (or the browser's settings) said no to notifications.
    Denied,
    /// Registration or subscription failed (offline, push service unreachable).
    Failed,
}

impl PushRefusal {
    pub fn key(self) -> &'static str {
        match self {
            PushRefusal::Unsupported => "updates.push.unsupported",
            PushRefusal::Denied => "updates.push.denied",
            PushRefusal::Failed => "updates.push.failed",
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use client::*;

#[cfg(target_arch = "wasm32")]
mod client {
    use super::PushRefusal;
    use crate::api::{call, decode, private_post, to_json, ApiError};
    use crate::js::get;
    use js_sys::{Object, Promise, Reflect, Uint8Array};
    use shared::ids::{AccessToken, TrackingNo};
    use shared::subscription::{SubscribeResponse, SubscriptionInput, UnsubscribeResponse};
    use wasm_bindgen::JsValue;
    use wasm_bindgen_futures::JsFuture;

    pub async fn subscribe(
        no: &TrackingNo,
        token: &AccessToken,
        input: &SubscriptionInput,
    ) -> Result<SubscribeResponse, ApiError> {
        decode(&private_post(no, token, "subscriptions", to_json(input)).await?)
    }

    pub async fn unsubscribe(unsubscribe_token: &str) -> Result<UnsubscribeResponse, ApiError> {
        decode(&call("POST", &super::stop_path(unsubscribe_token), &[], None).await?)
    }

    async fn invoke(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, PushRefusal> {
        crate::js::invoke(target, name, args).await.map_err(|_| PushRefusal::Failed)
    }

    /// Whether this browser can subscribe at all (service workers, the Push API, notifications).
    pub fn push_supported() -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let window: JsValue = window.into();
        let navigator = get(&window, "navigator");
        navigator.as_ref().and_then(|n| get(n, "serviceWorker")).is_some()
            && get(&window, "PushManager").is_some()
            && get(&window, "Notification").is_some()
    }

    /// Ask for permission, register the service worker and subscribe with the server's VAPID
    /// key; the answer is the subscription as `JSON.stringify` writes it.
    pub async fn push_subscription(vapid_public_key: &str) -> Result<String, PushRefusal> {
        let key = shared::webpush::b64url_decode(vapid_public_key).ok_or(PushRefusal::Unsupported)?;
        let window: JsValue = web_sys::window().ok_or(PushRefusal::Unsupported)?.into();
        let container =
            get(&window, "navigator").and_then(|n| get(&n, "serviceWorker")).ok_or(PushRefusal::Unsupported)?;
        let notification = get(&window, "Notification").ok_or(PushRefusal::Unsupported)?;
        let permission = invoke(&notification, "requestPermission", &[]).await?;
        if permission.as_string().as_deref() != Some("granted") {
            return Err(PushRefusal::Denied);
        }
        invoke(&container, "register", &[JsValue::from_str("/sw.js")]).await?;
        let ready = get(&container, "ready").ok_or(PushRefusal::Failed)?;
        let registration = JsFuture::from(Promise::from(ready)).await.map_err(|_| PushRefusal::Failed)?;
        let manager = get(&registration, "pushManager").ok_or(PushRefusal::Unsupported)?;
        let options = Object::new();
        let set = |name: &str, value: &JsValue| Reflect::set(&options, &JsValue::from_str(name), value);
        set("userVisibleOnly", &JsValue::TRUE).map_err(|_| PushRefusal::Failed)?;
        set("applicationServerKey", &Uint8Array::from(key.as_slice()).into()).map_err(|_| PushRefusal::Failed)?;
        let subscription = invoke(&manager, "subscribe", &[options.into()]).await?;
        js_sys::JSON::stringify(&subscription).ok().and_then(|s| s.as_string()).ok_or(PushRefusal::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_subscription_becomes_the_api_body() {
        let json = r#"{"endpoint":"https://push.example.net/wpush/abc","expirationTime":null,
            "keys":{"p256dh":"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4","auth":"BTBZMqHH6r4Tts7J_aSIgg"}}"#;
        let input = push_input(json, "zh-Hant").unwrap();
        assert_eq!(input.kind.as_deref(), Some("push"));
        assert_eq!(input.lang.as_deref(), Some("zh-Hant"));
        assert!(shared::subscription::NewSubscription::parse(&input, false).is_ok());
        assert!(push_input("not json", "en").is_none());
        let email = email_input(" li@example.org ", "en");
        assert_eq!(email.email.as_deref(), Some("li@example.org"));
        assert_eq!(stop_path("abc"), "/api/v1/unsubscribe/abc");
    }

    #[test]
    fn every_refusal_has_a_message() {
        for refusal in [PushRefusal::Unsupported, PushRefusal::Denied, PushRefusal::Failed] {
            for lang in crate::i18n::Lang::ALL {
                assert!(lang.get(refusal.key()).is_some(), "{lang:?} {refusal:?}");
            }
        }
    }
}
