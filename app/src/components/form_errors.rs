//! What an API answer refused, held for one form: a message per field (under its label) and
//! the same in the error summary, or one general message when no field is to blame.

use super::error_summary::SummaryItem;
use crate::api::ApiError;
use crate::i18n::{field_message, use_i18n};
use leptos::prelude::*;
use shared::error::FieldErrors;

#[derive(Debug, Clone, PartialEq)]
enum General {
    Api(ApiError),
    Key(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct FormErrors {
    fields: RwSignal<FieldErrors>,
    general: RwSignal<Option<General>>,
    /// Bumped on every failure so the summary takes focus again.
    pub attempt: RwSignal<u32>,
}

impl FormErrors {
    pub fn new() -> Self {
        FormErrors {
            fields: RwSignal::new(FieldErrors::new()),
            general: RwSignal::new(None),
            attempt: RwSignal::new(0),
        }
    }

    pub fn clear(&self) {
        self.fields.set(FieldErrors::new());
        self.general.set(None);
    }

    pub fn show(&self, error: ApiError) {
        match &error {
            ApiError::Api { body, .. } if !body.fields.is_empty() => {
                self.fields.set(body.fields.clone());
                self.general.set(None);
            }
            _ => self.general.set(Some(General::Api(error))),
        }
        self.attempt.update(|n| *n += 1);
    }

    /// A message of the page's own (e.g. a failed sign-in that must not say which part was wrong).
    pub fn show_key(&self, key: &'static str) {
        self.fields.set(FieldErrors::new());
        self.general.set(Some(General::Key(key)));
        self.attempt.update(|n| *n += 1);
    }

    pub fn field(&self, path: &'static str) -> Signal<Option<String>> {
        let i18n = use_i18n();
        let fields = self.fields;
        Signal::derive(move || fields.with(|f| f.get(path).map(|e| field_message(i18n.lang(), path, e))))
    }

    /// `controls`: (field path, element id) in the form's order. Refused fields the form has
    /// no control for are listed as text, so nothing the server said is lost.
    pub fn summary(&self, controls: &'static [(&'static str, &'static str)]) -> Signal<Vec<SummaryItem>> {
        let i18n = use_i18n();
        let (fields, general) = (self.fields, self.general);
        Signal::derive(move || {
            let lang = i18n.lang();
            let mut items = Vec::new();
            if let Some(g) = general.get() {
                let text = match g {
                    General::Api(e) => e.describe(lang),
                    General::Key(k) => lang.text(k),
                };
                items.push(SummaryItem { target: None, text });
            }
            fields.with(|f| {
                for (path, id) in controls {
                    if let Some(e) = f.get(path) {
                        items.push(SummaryItem { target: Some(id), text: field_message(lang, path, e) });
                    }
                }
                for (path, e) in &f.0 {
                    if !controls.iter().any(|(p, _)| p == path) {
                        items.push(SummaryItem { target: None, text: field_message(lang, path, e) });
                    }
                }
            });
            items
        })
    }
}
