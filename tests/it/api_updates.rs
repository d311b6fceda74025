//! Citizens' updates: a reporter or follower subscribes by Web Push or e-mail; every public change
//! (status, public note, reply, merge) reaches each subscription exactly once; every message can
//! end its subscription in one click. Push goes to a local receiver and is decrypted here with the
//! user agent's key (RFC 8291) and its VAPID JWT verified with the server's public key; e-mail goes
//! to the local mail sink the stack was started with (`HUIYIN_MAIL_SINK`). Nothing leaves the machine.

use crate::helpers::{spawn_app, status_json, unique_key, valid_body, Staff, TestApp};
use crate::receiver::{Received, Receiver};
use serde_json::{json, Value};
use shared::webpush::{b64url, decrypt, public_key_of, verify_authorization};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const LEAD: &str = "city.urban-management";
const NOTE: &str = "已派维修班组今天下午到现场查看。";
const PRIVATE_NOTE: &str = "内部：需更换灯杆线路";
const GOOD_REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";
/// What must never reach a subscriber: the description and the reporter's contact data.
const NEVER_SENT: [&str; 4] = ["坏了两周", "王小明", "13912345678", "wang.xm@example.cn"];

/// A browser's push subscription: its P-256 key pair and auth secret.
struct UserAgent {
    private: [u8; 32],
    auth: [u8; 16],
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

impl UserAgent {
    fn new() -> UserAgent {
        let seed = unique_key();
        let private = unhex(&shared::ids::sha256_hex(format!("ua-key-{seed}").as_bytes()));
        let auth = unhex(&shared::ids::sha256_hex(format!("ua-auth-{seed}").as_bytes()));
        UserAgent { private: private.try_into().unwrap(), auth: auth[..16].try_into().unwrap() }
    }

    fn subscription(&self, endpoint: &str, lang: &str) -> Value {
        json!({
            "kind": "push",
            "endpoint": endpoint,
            "keys": { "p256dh": public_key_of(&self.private).unwrap(), "auth": b64url(&self.auth) },
            "lang": lang,
            "expirationTime": null
        })
    }

    /// The push message's JSON, decrypted as the browser would.
    fn open(&self, received: &Received) -> Value {
        let plain =
            decrypt(&received.body, &self.private, &self.auth).expect("the push payload decrypts with the UA key");
        serde_json::from_slice(&plain).expect("the payload is JSON")
    }
}

pub(crate) fn mail_sink() -> &'static Receiver {
    static SINK: OnceLock<Receiver> = OnceLock::new();
    SINK.get_or_init(|| {
        let addr = std::env::var("HUIYIN_MAIL_SINK")
            .expect("HUIYIN_MAIL_SINK is not set: run the integration tests with `cargo xtask test`");
        Receiver::bind(&addr)
    })
}

/// The mails the sink received for `to`, in order.
pub(crate) fn mails_to(to: &str) -> Vec<(Received, Value)> {
    mail_sink()
        .received()
        .into_iter()
        .filter_map(|r| {
            let body: Value = serde_json::from_slice(&r.body).ok()?;
            (body["to"] == to).then_some((r, body))
        })
        .collect()
}

/// Wait until `n` mails for `to` arrived (or 20 s passed), then a moment more to catch extras.
pub(crate) async fn settle_mails(to: &str, n: usize) -> Vec<(Received, Value)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while mails_to(to).len() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    mails_to(to)
}

async fn settle_pushes(receiver: &Receiver, n: usize) -> Vec<Received> {
    receiver.wait_for(n, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    receiver.received()
}

/// Run the outbox jobs now, as the every-minute cron does.
/// The staff a change needs and a request dispatched to the lead, with the mail sink listening
/// first (a refused connection would be retried only a minute later).
pub(crate) struct Dispatched {
    pub admin: Staff,
    pub dispatcher: Staff,
    pub handler: Staff,
    pub no: String,
    pub token: String,
}

pub(crate) async fn dispatched_request(app: &TestApp) -> Dispatched {
    mail_sink();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (no, token) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    Dispatched { admin, dispatcher, handler, no, token }
}

pub(crate) async fn deliver(admin: &Staff) -> Value {
    let (status, body) = admin.post("/api/v1/admin/jobs/deliver", &json!({})).await;
    assert_eq!(status, 200, "{body}");
    body["citizens"].clone()
}

async fn subscribe(app: &TestApp, no: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = app.client.post(app.url(&format!("/api/v1/requests/{no}/subscriptions"))).json(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    status_json(req.send().await.unwrap()).await
}

/// RFC 8058's one-click POST, as a mail client sends it.
async fn one_click(app: &TestApp, url: &str) -> (u16, Value) {
    let req = app
        .client
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click");
    status_json(req.send().await.unwrap()).await
}

fn token_of(unsubscribe_url: &str) -> &str {
    unsubscribe_url.rsplit('/').next().unwrap()
}

pub(crate) fn unique_email() -> String {
    format!("c{}@example.cn", unique_key().replace(['-', '_', '.', ':'], "").to_lowercase())
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn assert_private_data_absent(text: &str) {
    for secret in NEVER_SENT {
        assert!(!text.contains(secret), "{secret:?} was sent to a subscriber: {text}");
    }
}

#[tokio::test]
async fn every_change_reaches_each_subscriber_once_and_unsubscribing_stops_them() {
    let app = spawn_app();
    let Dispatched { admin, dispatcher, handler, no, token } = dispatched_request(&app).await;
    let (_, config) = status_json(app.get("/api/v1/config").await).await;
    let vapid = config["vapid_public_key"].as_str().expect("a development stack has a VAPID key").to_owned();

    let push = Receiver::start(0, 500).await;
    let ua = UserAgent::new();
    let (status, created) = subscribe(&app, &no, Some(&token), &ua.subscription(&push.url, "zh-Hans")).await;
    assert_eq!(status, 201, "{created}");
    let push_id = created["id"].as_str().unwrap().to_owned();
    // The same browser again: the same subscription.
    let (status, again) = subscribe(&app, &no, Some(&token), &ua.subscription(&push.url, "zh-Hans")).await;
    assert_eq!((status, again["id"].as_str()), (200, Some(push_id.as_str())), "{again}");
    assert!(again.get("unsubscribe_token").is_none(), "a repeat never hands out the way to end it: {again}");
    assert!(created["unsubscribe_token"].is_string(), "{created}");
    let email = unique_email();
    let body = json!({ "kind": "email", "email": email.to_uppercase(), "lang": "en" });
    let (status, created) = subscribe(&app, &no, Some(&token), &body).await;
    assert_eq!(status, 201, "{created}");

    // Three public changes: accepted; a public note (which also starts the work: one change);
    // a private note (none); the reply (a reply and a status change: one change).
    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);
    assert_eq!(handler.act(&no, "notes", &json!({ "text": NOTE, "public": true })).await.0, 200);
    assert_eq!(handler.act(&no, "notes", &json!({ "text": PRIVATE_NOTE, "public": false })).await.0, 200);
    let (status, replied) = handler.act(&no, "reply", &json!({ "text": GOOD_REPLY })).await;
    assert_eq!(status, 200, "{replied}");
    deliver(&admin).await;
    // Running the job again sends nothing twice.
    deliver(&admin).await;

    let pushes = settle_pushes(&push, 3).await;
    assert_eq!(pushes.len(), 3, "one push per change: {:?}", pushes.iter().map(|p| ua.open(p)).collect::<Vec<_>>());
    let messages: Vec<Value> = pushes.iter().map(|p| ua.open(p)).collect();
    for (received, message) in pushes.iter().zip(&messages) {
        assert_eq!(received.method, "POST");
        assert_eq!(Receiver::header(received, "content-encoding").as_deref(), Some("aes128gcm"));
        assert!(Receiver::header(received, "ttl").is_some_and(|t| t.parse::<u32>().unwrap() > 0));
        assert!(Receiver::header(received, "urgency").is_some());
        let authorization = Receiver::header(received, "authorization").unwrap();
        let claims = verify_authorization(&authorization, Some(&vapid), now_secs())
            .unwrap_or_else(|e| panic!("the VAPID JWT verifies with the server's key: {e}"));
        assert_eq!(claims.aud, format!("http://{}", push.addr));
        assert!(claims.sub.starts_with("mailto:") || claims.sub.starts_with("https:"), "{}", claims.sub);
        assert_eq!(message["tracking_no"], no.as_str());
        assert!(message["url"].as_str().unwrap().ends_with(&format!("/track/{no}")), "{message}");
        assert!(message["unsubscribe_url"].as_str().unwrap().contains("/unsubscribe/"), "{message}");
        assert_private_data_absent(&message.to_string());
    }
    let bodies: Vec<&str> = messages.iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert!(bodies[0].contains("已签收"), "{bodies:?}");
    assert!(bodies[1].contains(NOTE), "{bodies:?}");
    assert!(
        messages[2]["title"].as_str().unwrap().contains("已答复") && bodies[2].contains("路灯现已恢复照明"),
        "{bodies:?}"
    );
    assert!(!messages.iter().any(|m| m.to_string().contains("内部")), "a private note was sent");

    let mails = settle_mails(&email, 3).await;
    assert_eq!(mails.len(), 3, "one e-mail per change: {:?}", mails.iter().map(|m| &m.1).collect::<Vec<_>>());
    let subjects: Vec<&str> = mails.iter().map(|(_, m)| m["subject"].as_str().unwrap()).collect();
    assert_eq!(
        subjects,
        [format!("Request {no}: status update"), format!("Request {no}: progress"), format!("Request {no}: answered")]
    );
    for (received, mail) in &mails {
        assert_eq!(received.path, "/mail");
        assert_eq!(Receiver::header(received, "authorization").as_deref(), Some("Bearer local-mail-sink-key"));
        assert!(mail["from"].as_str().unwrap().contains('@'), "{mail}");
        assert!(mail["text"].as_str().unwrap().contains(&format!("/track/{no}")), "{mail}");
        assert_eq!(mail["headers"]["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
        assert_private_data_absent(&mail.to_string());
    }
    assert!(mails[0].1["text"].as_str().unwrap().contains("Accepted by the department"));

    // Unsubscribe from a push message's link and from the e-mail's one-click header.
    let push_token = token_of(messages[2]["unsubscribe_url"].as_str().unwrap()).to_owned();
    let (status, done) = one_click(&app, &app.url(&format!("/api/v1/unsubscribe/{push_token}"))).await;
    assert_eq!(
        (status, done["unsubscribed"].as_bool(), done["tracking_no"].as_str()),
        (200, Some(true), Some(no.as_str()))
    );
    let header = mails[2].1["headers"]["List-Unsubscribe"].as_str().unwrap();
    let one_click_url = header.trim_start_matches('<').trim_end_matches('>');
    assert!(one_click_url.contains("/api/v1/unsubscribe/"), "{header}");
    assert_eq!(one_click(&app, one_click_url).await.0, 200);
    // Again: still 200. A token never issued: 404.
    assert_eq!(one_click(&app, one_click_url).await.0, 200);
    let unknown = format!("/api/v1/unsubscribe/{}", "A".repeat(43));
    assert_eq!(one_click(&app, &app.url(&unknown)).await.0, 404);
    assert_eq!(one_click(&app, &app.url("/api/v1/unsubscribe/short")).await.0, 404);

    // The centre closes the request: nobody is told any more.
    let (status, closed) = dispatcher.act(&no, "close", &json!({})).await;
    assert_eq!(status, 200, "{closed}");
    deliver(&admin).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(push.received().len(), 3, "a push after unsubscribing");
    assert_eq!(mails_to(&email).len(), 3, "an e-mail after unsubscribing");
}

#[tokio::test]
async fn followers_may_subscribe_other_tokens_may_not_and_refused_fields_are_named() {
    let app = spawn_app();
    // Listening before anything is sent: a refused connection would be retried only a minute later.
    mail_sink();
    let (no, token) = app.create(&valid_body()).await;
    let (_, other_token) = app.create(&valid_body()).await;
    let email = json!({ "kind": "email", "email": unique_email() });

    // A follower ("me too") has a token of their own that may subscribe.
    let req =
        app.client.post(app.url(&format!("/api/v1/requests/{no}/me-too"))).header("Idempotency-Key", unique_key());
    let (status, followed) = status_json(req.json(&json!({})).send().await.unwrap()).await;
    assert_eq!(status, 201, "{followed}");
    let follower = followed["token"].as_str().unwrap();
    let (status, body) = subscribe(&app, &no, Some(follower), &email).await;
    assert_eq!(status, 201, "{body}");

    // No token, another request's token, a made-up one: refused, nothing stored.
    for token in [None, Some(other_token.as_str()), Some("abcdefghijklmnopqrstuvwxyz012345")] {
        let (status, body) = subscribe(&app, &no, token, &json!({ "kind": "email", "email": unique_email() })).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("invalid_token")), "{token:?}: {body}");
    }
    let (status, _) = subscribe(&app, "20260101-0000019", Some(&token), &email).await;
    assert_eq!(status, 404);

    // Every refused field is named.
    let bad = json!({
        "kind": "push",
        "endpoint": "http://push.example.net/x",
        "keys": { "p256dh": "BAAA", "auth": "short" },
        "lang": "fr"
    });
    let (status, body) = subscribe(&app, &no, Some(&token), &bad).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("validation_failed")), "{body}");
    for field in ["endpoint", "keys.p256dh", "keys.auth", "lang"] {
        assert!(body["fields"][field]["code"].is_string(), "{field} not named: {body}");
    }
    let (status, body) = subscribe(&app, &no, Some(&token), &json!({ "kind": "email", "email": "a@b" })).await;
    assert_eq!((status, body["fields"]["email"]["code"].as_str()), (422, Some("invalid_format")), "{body}");
    let (status, body) = subscribe(&app, &no, Some(&token), &json!({ "kind": "sms" })).await;
    assert_eq!((status, body["fields"]["kind"]["code"].as_str()), (422, Some("unknown_value")), "{body}");
    let response = app
        .client
        .post(app.url(&format!("/api/v1/requests/{no}/subscriptions")))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);

    // At most 20 at once per request: the follower's and 19 more, then 409.
    for _ in 0..19 {
        let (status, body) =
            subscribe(&app, &no, Some(&token), &json!({ "kind": "email", "email": unique_email() })).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = subscribe(&app, &no, Some(&token), &json!({ "kind": "email", "email": unique_email() })).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("conflict")), "{body}");
}

#[tokio::test]
async fn a_push_service_that_says_gone_ends_the_subscription() {
    let app = spawn_app();
    let Dispatched { admin, handler, no, token, .. } = dispatched_request(&app).await;
    let gone = Receiver::start(usize::MAX, 410).await;
    let ua = UserAgent::new();
    let (status, created) = subscribe(&app, &no, Some(&token), &ua.subscription(&gone.url, "en")).await;
    assert_eq!(status, 201, "{created}");

    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);
    deliver(&admin).await;
    assert_eq!(settle_pushes(&gone, 1).await.len(), 1);
    // Ended: the next change queues nothing for it, and nothing is retried.
    assert_eq!(handler.act(&no, "notes", &json!({ "text": NOTE, "public": true })).await.0, 200);
    deliver(&admin).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(gone.received().len(), 1, "a push to an endpoint the push service said is gone");

    // The browser subscribes again later (a new push subscription at the same endpoint): active again.
    let (status, again) = subscribe(&app, &no, Some(&token), &ua.subscription(&gone.url, "en")).await;
    assert_eq!((status, again["id"].as_str()), (201, created["id"].as_str()), "{again}");
}

#[tokio::test]
async fn a_merged_requests_subscribers_hear_of_the_merge_then_of_the_master() {
    let app = spawn_app();
    // Listening before anything is sent: a refused connection would be retried only a minute later.
    mail_sink();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (master, _) = app.create(&valid_body()).await;
    let (duplicate, token) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&master, LEAD, &[]).await;
    let email = unique_email();
    let (status, body) = subscribe(&app, &duplicate, Some(&token), &json!({ "kind": "email", "email": email })).await;
    assert_eq!(status, 201, "{body}");

    let (status, merged) = dispatcher.act_merge(&duplicate, &master).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(handler.act(&master, "accept", &json!({})).await.0, 200);
    deliver(&admin).await;

    // The merge (a status change and a merge event: one message), then the master's acceptance.
    let mails = settle_mails(&email, 2).await;
    assert_eq!(mails.len(), 2, "{:?}", mails.iter().map(|m| &m.1).collect::<Vec<_>>());
    let (merge, accepted) = (&mails[0].1, &mails[1].1);
    assert_eq!(merge["subject"], format!("诉求 {duplicate} 已合并办理"));
    assert!(merge["text"].as_str().unwrap().contains(&master), "{merge}");
    assert!(accepted["text"].as_str().unwrap().contains("已签收"), "{accepted}");
    assert!(accepted["text"].as_str().unwrap().contains(&format!("/track/{duplicate}")), "{accepted}");
}
