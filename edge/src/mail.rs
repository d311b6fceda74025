//! Sending e-mail. The Worker does not speak SMTP; it hands each message to a mail service's
//! HTTP API. Which service is a deployment's choice, so senders are pluggable behind `MailSender`:
//! `HttpApiSender` posts `{from, to, subject, text, headers}` as JSON with a bearer key to
//! `MAIL_API_URL` (a relay in front of any provider, or the tests' local mail sink), and without
//! that setting the `DisabledSender` sends nothing: messages then wait in the outbox, not lost.

use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

/// One plain-text message.
#[derive(Debug, serde::Serialize)]
pub struct Mail {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// Extra headers, e.g. `List-Unsubscribe` (RFC 2369) and `List-Unsubscribe-Post` (RFC 8058).
    pub headers: std::collections::BTreeMap<String, String>,
}

pub(crate) trait MailSender {
    /// Whether messages can be sent now; when not, they are left in the outbox.
    fn ready(&self) -> bool;
    /// The service's HTTP status, or why the request did not reach it.
    async fn send(&self, mail: &Mail) -> Result<u16, String>;
}

pub(crate) struct HttpApiSender {
    pub url: String,
    pub key: Option<String>,
    pub from: String,
}

impl MailSender for HttpApiSender {
    fn ready(&self) -> bool {
        true
    }

    async fn send(&self, mail: &Mail) -> Result<u16, String> {
        let body = serde_json::to_string(mail).map_err(|e| e.to_string())?;
        let headers = Headers::new();
        headers.set("Content-Type", "application/json").map_err(|e| e.to_string())?;
        if let Some(key) = &self.key {
            headers.set("Authorization", &format!("Bearer {key}")).map_err(|e| e.to_string())?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
        let request = Request::new_with_init(&self.url, &init).map_err(|e| e.to_string())?;
        let response = Fetch::Request(request).send().await.map_err(|e| format!("network: {e}"))?;
        Ok(response.status_code())
    }
}

pub(crate) struct DisabledSender;

impl MailSender for DisabledSender {
    fn ready(&self) -> bool {
        false
    }

    async fn send(&self, _mail: &Mail) -> Result<u16, String> {
        Err("no mail service is configured (MAIL_API_URL)".into())
    }
}

/// The sender this deployment configured.
pub(crate) enum Mailer {
    Http(HttpApiSender),
    Disabled(DisabledSender),
}

impl Mailer {
    pub fn from_env(env: &Env) -> Mailer {
        let setting = |name: &str| crate::config::setting(env, name);
        match (setting("MAIL_API_URL"), setting("MAIL_FROM")) {
            (Some(url), Some(from)) => Mailer::Http(HttpApiSender { url, key: setting("MAIL_API_KEY"), from }),
            _ => Mailer::Disabled(DisabledSender),
        }
    }

    pub fn sender_address(&self) -> &str {
        match self {
            Mailer::Http(sender) => &sender.from,
            Mailer::Disabled(_) => "",
        }
    }
}

impl MailSender for Mailer {
    fn ready(&self) -> bool {
        match self {
            Mailer::Http(sender) => sender.ready(),
            Mailer::Disabled(sender) => sender.ready(),
        }
    }

    async fn send(&self, mail: &Mail) -> Result<u16, String> {
        match self {
            Mailer::Http(sender) => sender.send(mail).await,
            Mailer::Disabled(sender) => sender.send(mail).await,
        }
    }
}
