//! Masking personal data that citizens type into free text before it is shown publicly.
//!
//! People write their phone number, e-mail or ID number into the description
//! ("请联系我 13812345678"). Public views pass text through `public_text`.

/// Runs of this many digits (allowing spaces and dashes inside) are phone or ID
/// numbers, not house numbers or years.
const MIN_DIGITS: usize = 7;
const MASK: &str = "***";

pub fn public_text(text: &str) -> String {
    mask_digit_runs(&mask_emails(text))
}

/// Whether `text` holds an e-mail address (what `public_text` masks as one).
pub fn contains_email(text: &str) -> bool {
    split_keep(text).into_iter().any(looks_like_email)
}

fn mask_emails(text: &str) -> String {
    let mut out = Vec::new();
    for word in split_keep(text) {
        if looks_like_email(word) {
            out.push(MASK.to_owned());
        } else {
            out.push(word.to_owned());
        }
    }
    out.concat()
}

/// Split into runs of e-mail characters and everything else, keeping both.
fn split_keep(text: &str) -> Vec<&str> {
    let is_mail = |c: char| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '-' | '+' | '%');
    let mut parts = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let kind = is_mail(c);
        if current.is_some_and(|k| k != kind) {
            parts.push(&text[start..i]);
            start = i;
        }
        current = Some(kind);
    }
    if start < text.len() {
        parts.push(&text[start..]);
    }
    parts
}

fn looks_like_email(word: &str) -> bool {
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

fn mask_digit_runs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if is_digit(chars[i]) {
            // Extend over digits and the separators people put inside numbers.
            let mut j = i;
            let mut digits = 0;
            let mut last_digit = i;
            while j < chars.len() && (is_digit(chars[j]) || matches!(chars[j], ' ' | '-' | '－')) {
                if is_digit(chars[j]) {
                    digits += 1;
                    last_digit = j;
                }
                j += 1;
            }
            // An ID number may end in X.
            let mut end = last_digit + 1;
            if digits >= 17 && end < chars.len() && matches!(chars[end], 'X' | 'x') {
                end += 1;
            }
            if digits >= MIN_DIGITS {
                out.push_str(MASK);
            } else {
                out.extend(&chars[i..end]);
            }
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phones_ids_and_emails_are_masked() {
        assert_eq!(public_text("请联系我13812345678，谢谢"), "请联系我***，谢谢");
        assert_eq!(public_text("电话 0731-8888 6666 下午"), "电话 *** 下午");
        assert_eq!(public_text("身份证43010219900101123X号"), "身份证***号");
        assert_eq!(public_text("邮箱 zhang.san@example.cn 回复"), "邮箱 *** 回复");
        assert_eq!(public_text("１３８１２３４５６７８"), "***");
    }

    #[test]
    fn ordinary_numbers_stay() {
        let text = "2019年4月以来，3栋201室，12路公交，共5000元";
        assert_eq!(public_text(text), text);
        assert_eq!(public_text("a@b 不是邮箱"), "a@b 不是邮箱");
    }

    proptest! {
        #[test]
        fn no_mobile_number_survives(prefix in "[\\p{Han}a-z ]{0,20}", n in 13_000_000_000u64..19_999_999_999, suffix in "[\\p{Han}a-z ]{0,20}") {
            let text = format!("{prefix}{n}{suffix}");
            let shown = public_text(&text);
            prop_assert!(!shown.contains(&n.to_string()));
            prop_assert!(!shown.chars().collect::<Vec<_>>().windows(7).any(|w| w.iter().all(|c| c.is_ascii_digit())));
        }
    }
}
