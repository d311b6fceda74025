//! `/staff/channels`: the channels that hand requests to the city (一网归集). Admins add them,
//! pause them and give them a new key; a key is shown once, right after it is made.

use crate::app::page_title;
use crate::components::copy_button::CopyButton;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_form::{choices, nonblank};
use crate::components::staff_shell::StaffShell;
use crate::i18n::{channel_key, use_i18n};
use crate::staff_api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::channels::{ChannelInput, ChannelKey, ChannelView};
use shared::request::Channel;

const CONTROLS: &[(&str, &str)] = &[
    ("code", "channel-code"),
    ("name", "channel-name"),
    ("channel.kind", "channel-kind"),
    ("channel.rate", "channel-rate"),
    ("channel.webhook", "channel-webhook-url"),
    ("channel.secret", "channel-webhook-secret"),
];

/// The API's field names are generic (`kind` is also a requester's kind elsewhere): the form
/// names them as a channel's, so the summary reads "渠道类型", not "诉求人类型".
fn as_channel_fields(mut error: crate::api::ApiError) -> crate::api::ApiError {
    if let crate::api::ApiError::Api { body, .. } = &mut error {
        for (from, to) in [
            ("kind", "channel.kind"),
            ("rate_per_minute", "channel.rate"),
            ("webhook_url", "channel.webhook"),
            ("webhook_secret", "channel.secret"),
        ] {
            if let Some(e) = body.fields.0.remove(from) {
                body.fields.0.insert(to.to_owned(), e);
            }
        }
    }
    error
}

/// The kinds a registered channel may be: not the web form or the importer, which have their own routes.
const KINDS: [Channel; 7] = [
    Channel::Hotline,
    Channel::App,
    Channel::MiniProgram,
    Channel::Forum,
    Channel::Email,
    Channel::Visit,
    Channel::Open311,
];

type List = LocalResource<Result<Vec<ChannelView>, crate::api::ApiError>>;

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("staff.channels.heading").to_owned());
    let list: List = LocalResource::new(staff_api::channels);
    // The newest key, shown once with a way to copy it.
    let key = RwSignal::new(None::<ChannelKey>);
    let table = move || {
        list.get().map(|result| match result {
            Ok(channels) => view! { <ChannelTable channels list key/> }.into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("staff.channels.heading")}</h1>
            <p class="lead">{i18n.tr("staff.channels.lead")}</p>
            <NewKey key/>
            {table}
            <NewChannel list key/>
        </StaffShell>
    }
}

#[component]
fn NewKey(key: RwSignal<Option<ChannelKey>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        key.get().map(|k| {
            let text = Signal::derive({
                let value = k.key.clone();
                move || value.clone()
            });
            view! {
                <section class="notice notice--success" id="channel-key" aria-labelledby="channel-key-heading">
                    <h2 id="channel-key-heading" tabindex="-1">{i18n.lang().fill("staff.channels.key.heading", &[("code", &k.channel)])}</h2>
                    <p>{i18n.tr("staff.channels.key.once")}</p>
                    <p><code id="channel-key-value" class="token">{k.key.clone()}</code></p>
                    <CopyButton text id="copy-channel-key" label="staff.channels.copy"/>
                </section>
            }
        })
    }
}

#[component]
fn ChannelTable(channels: Vec<ChannelView>, list: List, key: RwSignal<Option<ChannelKey>>) -> impl IntoView {
    let i18n = use_i18n();
    if channels.is_empty() {
        return view! { <p id="channels-none">{i18n.tr("staff.channels.none")}</p> }.into_any();
    }
    let errors = FormErrors::new();
    let rows = channels
        .into_iter()
        .map(|c| {
            let code = c.code.clone();
            let rotate = {
                let code = code.clone();
                move |_| {
                    let code = code.clone();
                    spawn_local(async move {
                        match staff_api::rotate_channel_key(&code).await {
                            Ok(k) => {
                                key.set(Some(k));
                                list.refetch();
                            }
                            Err(e) => errors.show(e),
                        }
                    });
                }
            };
            let toggle = {
                let c = c.clone();
                move |_| {
                    let input = ChannelInput {
                        name: Some(c.name.clone()),
                        kind: Some(c.kind.clone()),
                        rate_per_minute: Some(c.rate_per_minute),
                        webhook_url: c.webhook_url.clone(),
                        active: Some(!c.active),
                        ..Default::default()
                    };
                    let code = c.code.clone();
                    spawn_local(async move {
                        match staff_api::update_channel(&code, input).await {
                            Ok(()) => list.refetch(),
                            Err(e) => errors.show(e),
                        }
                    });
                }
            };
            let kind = Channel::parse(&c.kind).map(channel_key).unwrap_or_else(|| c.kind.clone());
            let pause_key = if c.active { "staff.channels.pause" } else { "staff.channels.resume" };
            view! {
                <tr id=format!("channel-{code}")>
                    <td data-label=i18n.tr("field.code")><code>{c.code.clone()}</code></td>
                    <td data-label=i18n.tr("field.name")>{c.name.clone()}</td>
                    <td data-label=i18n.tr("field.channel.kind")>{i18n.tr_key(kind)}</td>
                    <td data-label=i18n.tr("field.channel.rate")>{c.rate_per_minute.to_string()}</td>
                    <td data-label=i18n.tr("field.channel.webhook")>{c.webhook_url.clone().unwrap_or_else(|| "—".into())}</td>
                    <td data-label=i18n.tr("field.channel.key")><code>{c.key_hint.clone().map(|h| format!("{h}…"))}</code></td>
                    <td data-label=i18n.tr("field.active")>{i18n.tr(if c.active { "common.yes" } else { "common.no" })}</td>
                    <td class="row-actions">
                        <button type="button" class="button button--secondary" id=format!("rotate-{code}") on:click=rotate>
                            {i18n.tr("staff.channels.rotate")}
                        </button>
                        <button type="button" class="button button--secondary" id=format!("toggle-{code}") on:click=toggle>
                            {i18n.tr(pause_key)}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ErrorSummary items=errors.summary(&[]) attempt=errors.attempt id="channel-actions-summary"/>
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack" id="channel-table">
                <thead><tr>
                    <th scope="col">{i18n.tr("field.code")}</th>
                    <th scope="col">{i18n.tr("field.name")}</th>
                    <th scope="col">{i18n.tr("field.channel.kind")}</th>
                    <th scope="col">{i18n.tr("field.channel.rate")}</th>
                    <th scope="col">{i18n.tr("field.channel.webhook")}</th>
                    <th scope="col">{i18n.tr("field.channel.key")}</th>
                    <th scope="col">{i18n.tr("field.active")}</th>
                    <th scope="col"><span class="visually-hidden">{i18n.tr("staff.channels.actions")}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn NewChannel(list: List, key: RwSignal<Option<ChannelKey>>) -> impl IntoView {
    let i18n = use_i18n();
    let [code, name, kind, rate, url, secret]: [RwSignal<String>; 6] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let errors = FormErrors::new();
    let kinds = choices(KINDS.map(|k| (k.as_str(), channel_key(k))));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let rate_value = rate.get_untracked();
        let input = ChannelInput {
            code: nonblank(code),
            name: nonblank(name),
            kind: nonblank(kind),
            // A number that does not parse is sent as 0, which the server names as out of range.
            rate_per_minute: (!rate_value.trim().is_empty()).then(|| rate_value.trim().parse().unwrap_or(0)),
            webhook_url: nonblank(url),
            webhook_secret: nonblank(secret),
            ..Default::default()
        };
        spawn_local(async move {
            match staff_api::create_channel(input).await {
                Ok(k) => {
                    key.set(Some(k));
                    for s in [code, name, kind, rate, url, secret] {
                        s.set(String::new());
                    }
                    list.refetch();
                    crate::dom::focus_id("channel-key-heading");
                }
                Err(e) => errors.show(as_channel_fields(e)),
            }
        });
    };
    view! {
        <section aria-labelledby="new-channel-heading">
            <h2 id="new-channel-heading">{i18n.tr("staff.channels.new")}</h2>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="channel-code" label=i18n.tr("field.code") hint=i18n.tr("field.channel.code.hint") value=code
                    error=errors.field("code") autocomplete="off"/>
                <TextField id="channel-name" label=i18n.tr("field.name") value=name error=errors.field("name")/>
                <SelectField id="channel-kind" label=i18n.tr("field.channel.kind") options=kinds value=kind error=errors.field("channel.kind")/>
                <TextField id="channel-rate" label=i18n.tr("field.channel.rate") hint=i18n.tr("field.channel.rate.hint")
                    value=rate error=errors.field("channel.rate") input_type="number"/>
                <TextField id="channel-webhook-url" label=i18n.tr("field.channel.webhook") hint=i18n.tr("field.channel.webhook.hint")
                    value=url error=errors.field("channel.webhook") autocomplete="off"/>
                <TextField id="channel-webhook-secret" label=i18n.tr("field.channel.secret") value=secret
                    error=errors.field("channel.secret") autocomplete="off"/>
                <button type="submit" id="create-channel" class="button">{i18n.tr("staff.channels.create")}</button>
            </form>
        </section>
    }
}
