//! The check a department's reply (答复) passes before it goes to the citizen.
//!
//! Four warnings, each a hint the handler may override with a reason:
//!
//! - [`QualityWarning::TooShort`]: fewer than [`MIN_REPLY_CHARS`] characters of substance. Greetings and thanks
//!   (您好、感谢、来信收悉…), digits, punctuation and whitespace do not count, so a date or a bare
//!   "已转交相关单位调查处置" is too short.
//! - [`QualityWarning::OffTopic`]: the reply shares too few words with the request's title and description
//!   ([`relevance`] below [`RELEVANCE_THRESHOLD`]).
//! - [`QualityWarning::NoAction`]: no language saying what was done or will be done (已…、经核实、正在、将于…) or
//!   why not / what the citizen can do (由于、根据…规定、不符合、建议您、请致电…).
//! - [`QualityWarning::PersonalData`]: see [`personal_data`]. Always checked, even on a too-short reply.
//!
//! A too-short reply gets neither `OffTopic` nor `NoAction`: there is too little text to judge, and one warning
//! says what to fix.
//!
//! # Relevance
//!
//! Cosine similarity of term-frequency vectors. Terms are the CJK characters and character bigrams inside each
//! run of Chinese text, and the lower-cased words (letters, possibly with digits) of Latin text. Before that,
//! formulaic phrases that every request or reply contains (网友、您好、感谢、反映、问题、相关部门、调查、处理…) are cut
//! out, leaving a boundary, and very common characters (的、了、是、在、市、区、路…) count as terms only inside a
//! bigram. Pure numbers are dropped: dates and house numbers carry no topic. The title counts
//! [`TITLE_WEIGHT`] times: it names the problem, and replies quote it.
//!
//! # Calibration
//!
//! Measured by the test `calibration_on_real_replies` on the 120 real messages with official replies of the 2020
//! Teddy Cup data (`shared/data/teddy2020_messages_replies_120.csv`). 10 of the 120 real replies are too short by
//! the rule above (two bare dates, five "已转交相关单位调查处置" notices, three truncated or "已进行过回复" notes).
//! Of the other 110, 95.5% reach [`RELEVANCE_THRESHOLD`] (the five that do not are forwarding notes and
//! referrals like "建议您拨打12345" that name nothing of the request), while 70% of the 110·109 mismatched pairs (request i, reply j ≠ i)
//! fall below it. Every one of the 110 has action language, and none has personal data.

use crate::classify::text::half_width;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fewest characters of substance (Han characters and letters, greetings and thanks not counted) in a reply.
pub const MIN_REPLY_CHARS: usize = 20;

/// Least [`relevance`] of a reply that addresses the request. Calibrated on real replies (see the module docs):
/// the true replies that pass score 0.071 or more, unrelated replies reach 0.06 in 30% of pairs.
pub const RELEVANCE_THRESHOLD: f32 = 0.06;

/// How many times a title term counts against one in the description.
pub const TITLE_WEIGHT: f32 = 2.0;

/// What the handler is warned about. Wire-stable codes that the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityWarning {
    TooShort,
    OffTopic,
    NoAction,
    PersonalData,
}

impl QualityWarning {
    pub const ALL: [QualityWarning; 4] =
        [QualityWarning::TooShort, QualityWarning::OffTopic, QualityWarning::NoAction, QualityWarning::PersonalData];

    pub fn as_str(self) -> &'static str {
        match self {
            QualityWarning::TooShort => "too_short",
            QualityWarning::OffTopic => "off_topic",
            QualityWarning::NoAction => "no_action",
            QualityWarning::PersonalData => "personal_data",
        }
    }
}

/// The outcome of [`check`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    /// In the order of [`QualityWarning::ALL`], each at most once.
    pub warnings: Vec<QualityWarning>,
    /// [`relevance`] of the reply to the request, 0..=1.
    pub relevance: f32,
    /// Human-readable English notes, one or more per warning. Never quotes the personal data found.
    pub details: Vec<String>,
}

impl QualityReport {
    pub fn passes(&self) -> bool {
        self.warnings.is_empty()
    }
}

/// The request a reply answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplyContext<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub reporter_name: Option<&'a str>,
    /// The reporter's address, if the request has one.
    pub address: Option<&'a str>,
}

/// Personal data [`personal_data`] finds in a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PersonalDataKind {
    MobileNumber,
    IdNumber,
    Email,
    ReporterName,
    ReporterAddress,
}

impl PersonalDataKind {
    /// An English note naming the kind, never the data.
    pub fn describe(self) -> &'static str {
        match self {
            PersonalDataKind::MobileNumber => "mentions a mobile phone number",
            PersonalDataKind::IdNumber => "mentions an ID-card number",
            PersonalDataKind::Email => "mentions an e-mail address",
            PersonalDataKind::ReporterName => "mentions the reporter's name",
            PersonalDataKind::ReporterAddress => "mentions the reporter's exact address",
        }
    }
}

pub fn check(ctx: &ReplyContext, reply: &str) -> QualityReport {
    let mut warnings = Vec::new();
    let mut details = Vec::new();
    let relevance = relevance(ctx, reply);

    let substance = substance_chars(reply);
    let too_short = substance < MIN_REPLY_CHARS;
    if too_short {
        warnings.push(QualityWarning::TooShort);
        details.push(format!("{substance} characters of substance, at least {MIN_REPLY_CHARS} expected"));
    } else {
        if relevance < RELEVANCE_THRESHOLD {
            warnings.push(QualityWarning::OffTopic);
            details.push(format!(
                "shares few words with the request (relevance {relevance:.2}, at least {RELEVANCE_THRESHOLD:.2} expected)"
            ));
        }
        if !has_action_language(reply) {
            warnings.push(QualityWarning::NoAction);
            details.push("does not say what was done, what will be done, or why not".to_owned());
        }
    }

    let found = personal_data(ctx, reply);
    if !found.is_empty() {
        warnings.push(QualityWarning::PersonalData);
        details.extend(found.iter().map(|k| k.describe().to_owned()));
    }

    QualityReport { warnings, relevance, details }
}

// ---------------------------------------------------------------------------------------------------------------
// Length

/// Greetings and thanks that say nothing about the request; they do not count towards [`MIN_REPLY_CHARS`].
const PLEASANTRIES: &str = "\
    尊敬的 网友 网民 市民 您好 你好 感谢 谢谢 来信 留言 收悉 已阅 理解 支持 关心 信任";

/// Han characters and letters of `reply`, not counting [`PLEASANTRIES`].
pub fn substance_chars(reply: &str) -> usize {
    let chars: Vec<char> = reply.chars().map(half_width).collect();
    let mut count = 0;
    let mut i = 0;
    while i < chars.len() {
        if let Some(len) = phrase_at(&chars[i..], PLEASANTRIES) {
            i += len;
            continue;
        }
        if is_cjk(chars[i]) || chars[i].is_alphabetic() {
            count += 1;
        }
        i += 1;
    }
    count
}

/// The length in characters of the first of the space-separated `phrases` that `text` starts with.
fn phrase_at(text: &[char], phrases: &str) -> Option<usize> {
    phrases.split(' ').filter(|p| !p.is_empty()).find_map(|p| {
        let mut n = 0;
        for (i, pc) in p.chars().enumerate() {
            if text.get(i) != Some(&pc) {
                return None;
            }
            n = i + 1;
        }
        Some(n)
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Relevance

/// Phrases cut out before counting terms: salutations, thanks, and the words of every request and every reply.
/// Space-separated; a phrase that contains another comes first.
const BOILERPLATE: &str = "\
    为什么 网友 网民 市民 群众 同志 您好 你好 尊敬 感谢 谢谢 来信 来电 留言 反映 问题 收悉 答复 回复 如下 \
    关于 情况 相关 有关 部门 单位 人员 工作 支持 理解 关心 信任 关注 欢迎 批评 指正 监督 重视 高度 积极 \
    现将 进行 我们 目前 现在 已经 今后 及时 平台 栏目 问政 热线 书记 市长 领导 政府 国家 人民 百姓 \
    诉求 具体 咨询 联系 电话 处理 处置 调查 核实 了解 解决 落实 要求 希望 建议 请问 管理 规定 时间 实际 \
    怎么 什么 如何 是否 能否 没有 不能 可以 一个 严重 一直 非常 就是 不是 还是 这样 这个 那个 如果 因为 所以 但是 而且";

/// Characters too common to be a term on their own; they still count inside a bigram with another character.
const STOP_CHARS: &str = "的地得了着过吗呢吧啊呀么是在有和与及或也都就还又并且但这那此其之个们您你我他她它该各本对于为以把被将从向到给让使由等已再很更最一不没无上下中内外里后前来去能会要可请好谢市区县省镇乡村街路号年月日时";

/// Weight of a single CJK character against a bigram or a word.
const UNIGRAM_WEIGHT: f32 = 1.0;

type Terms = BTreeMap<String, f32>;

/// How much `reply` talks about the request: 0 (nothing in common) to 1. See the module docs.
pub fn relevance(ctx: &ReplyContext, reply: &str) -> f32 {
    cosine(&request_terms(ctx), &terms(reply, 1.0))
}

fn request_terms(ctx: &ReplyContext) -> Terms {
    let mut out = terms(ctx.description, 1.0);
    add_terms(ctx.title, TITLE_WEIGHT, &mut out);
    out
}

fn terms(text: &str, weight: f32) -> Terms {
    let mut out = Terms::new();
    add_terms(text, weight, &mut out);
    out
}

fn add_terms(text: &str, weight: f32, out: &mut Terms) {
    let chars: Vec<char> = text.chars().map(|c| half_width(c).to_lowercase().next().unwrap_or(c)).collect();
    let mut i = 0;
    while i < chars.len() {
        if is_cjk(chars[i]) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            cjk_terms(&chars[start..i], weight, out);
        } else if chars[i].is_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() && !is_cjk(chars[i]) {
                i += 1;
            }
            let word = &chars[start..i];
            // A bare number or a single letter is no topic.
            if word.len() >= 2 && word.iter().any(|c| c.is_alphabetic()) {
                *out.entry(word.iter().collect()).or_default() += weight;
            }
        } else {
            i += 1;
        }
    }
}

/// Unigrams and bigrams of one run of CJK text, cut at [`BOILERPLATE`] phrases.
fn cjk_terms(run: &[char], weight: f32, out: &mut Terms) {
    let mut piece: Vec<char> = Vec::new();
    let mut i = 0;
    while i <= run.len() {
        let cut = if i == run.len() { Some(0) } else { phrase_at(&run[i..], BOILERPLATE) };
        if let Some(len) = cut {
            piece_terms(&piece, weight, out);
            piece.clear();
            i += len.max(1);
        } else {
            piece.push(run[i]);
            i += 1;
        }
    }
}

fn piece_terms(piece: &[char], weight: f32, out: &mut Terms) {
    let stop = |c: &char| STOP_CHARS.contains(*c);
    for c in piece.iter().filter(|c| !stop(c)) {
        *out.entry(c.to_string()).or_default() += weight * UNIGRAM_WEIGHT;
    }
    for pair in piece.windows(2) {
        if !(stop(&pair[0]) && stop(&pair[1])) {
            *out.entry(pair.iter().collect()).or_default() += weight;
        }
    }
}

fn cosine(a: &Terms, b: &Terms) -> f32 {
    let dot: f32 = a.iter().filter_map(|(k, x)| b.get(k).map(|y| x * y)).sum();
    let norm = |t: &Terms| t.values().map(|x| x * x).sum::<f32>().sqrt();
    let denominator = norm(a) * norm(b);
    // An empty sum is -0.0; keep it out of the report.
    if denominator > 0.0 && dot > 0.0 {
        (dot / denominator).min(1.0)
    } else {
        0.0
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

// ---------------------------------------------------------------------------------------------------------------
// Action and explanation

/// Phrases that say what was done or will be done, why not, or what the citizen can do; a reply needs one.
const ACTION_PHRASES: &str = "\
    已经 已将 已对 已于 已按 已由 已安排 已要求 已责令 已完成 已转 已交 已派 已组织 已督促 已联系 已协调 \
    已整改 已处理 已修复 已清理 已拆除 已纳入 已列入 已启动 已开展 已下达 经核实 经调查 经查 经了解 经核查 经研究 \
    核实 调查 核查 现场 整改 处理 处置 落实 安排 协调 督促 责令 组织 开展 实施 完成 修复 维修 清理 拆除 \
    查处 处罚 执法 转交 转办 交办 移交 正在 将于 将会 计划 预计 下一步 \
    由于 因为 根据 按照 依据 依照 规定 政策 条例 办法 标准 属于 符合 无法 不能 不予 \
    可以 请您 建议 咨询 拨打 致电 联系 办理 申请 前往 答复如下 回复如下 情况如下";

/// The same for English replies.
const ENGLISH_ACTION_PHRASES: [&str; 8] =
    ["has been", "have been", "we will", "because", "due to", "according to", "please contact", "repaired"];

fn has_action_language(reply: &str) -> bool {
    let text = reply.to_lowercase();
    ACTION_PHRASES.split(' ').chain(ENGLISH_ACTION_PHRASES).filter(|p| !p.is_empty()).any(|p| text.contains(p))
}

// ---------------------------------------------------------------------------------------------------------------
// Personal data

/// Personal data in `reply`, each kind at most once, in the order of [`PersonalDataKind`].
///
/// - Mobile numbers: 11 digits `1[3-9]…`, also written in groups (`138 1234 5678`, `138-1234-5678`) or after
///   `+86`. A landline with its area code (`0731-8888 6666`) or a short local number is **not** flagged:
///   departments publish their own office numbers in replies ("联系电话：0731-…"), and a landline is rarely a
///   citizen's private line. A digit run that only contains a mobile-like stretch (an order number) is not one.
/// - ID-card numbers: 18 characters — six-digit area, a birth date 18xx–20xx, three digits, a check digit or X —
///   possibly in groups. The 15-digit cards were withdrawn in 2013 and are not looked for.
/// - E-mail addresses, as [`crate::redact`] finds them.
/// - The reporter's name (two characters or more), ignoring case and spaces; a Latin-script name must stand as
///   a whole word.
/// - The reporter's exact address: the whole address, or its part from the first house number on when that has
///   two numbers or more (`3栋201室`). An address without a house number (a street, a housing estate) is what the
///   reply is about, not a secret, and is not looked for.
pub fn personal_data(ctx: &ReplyContext, reply: &str) -> Vec<PersonalDataKind> {
    let mut found = Vec::new();
    let numbers = digit_groups(reply);
    if numbers.iter().any(|groups| contains_number(groups, is_mobile)) {
        found.push(PersonalDataKind::MobileNumber);
    }
    if numbers.iter().any(|groups| contains_number(groups, is_id_number)) {
        found.push(PersonalDataKind::IdNumber);
    }
    if crate::redact::contains_email(reply) {
        found.push(PersonalDataKind::Email);
    }
    if ctx.reporter_name.is_some_and(|name| mentions_name(reply, name)) {
        found.push(PersonalDataKind::ReporterName);
    }
    if ctx.address.is_some_and(|address| mentions_address(reply, address)) {
        found.push(PersonalDataKind::ReporterAddress);
    }
    found
}

/// Every number written in `text`, as its groups of digits: `0731-8888 6666` is `["0731", "8888", "6666"]`. One
/// space or dash separates groups; an `X` right after digits stays with them (ID numbers end in one).
fn digit_groups(text: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = text.chars().map(half_width).collect();
    let mut numbers = Vec::new();
    let mut groups: Vec<String> = Vec::new();
    let mut group = String::new();
    let mut i = 0;
    while i <= chars.len() {
        let c = chars.get(i).copied();
        match c {
            Some(d) if d.is_ascii_digit() => group.push(d),
            Some('X' | 'x') if !group.is_empty() => {
                group.push('X');
                groups.push(std::mem::take(&mut group));
                numbers.push(std::mem::take(&mut groups));
            }
            Some(' ' | '-' | '—' | '–') if !group.is_empty() && chars.get(i + 1).is_some_and(char::is_ascii_digit) =>
            {
                groups.push(std::mem::take(&mut group));
            }
            _ => {
                if !group.is_empty() {
                    groups.push(std::mem::take(&mut group));
                }
                if !groups.is_empty() {
                    numbers.push(std::mem::take(&mut groups));
                }
            }
        }
        i += 1;
    }
    numbers
}

/// Whether consecutive whole groups of one number, joined, satisfy `test`.
fn contains_number(groups: &[String], test: fn(&str) -> bool) -> bool {
    (0..groups.len()).any(|start| {
        let mut joined = String::new();
        groups[start..].iter().any(|g| {
            joined.push_str(g);
            test(&joined)
        })
    })
}

fn is_mobile(digits: &str) -> bool {
    let digits = digits.strip_prefix("0086").or_else(|| digits.strip_prefix("86")).unwrap_or(digits);
    let b = digits.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit)
}

fn is_id_number(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return false;
    }
    let num = |range: std::ops::Range<usize>| s[range].parse::<u32>().unwrap_or(0);
    let (century, month, day) = (num(6..8), num(10..12), num(12..14));
    b[0] != b'0' && (18..=20).contains(&century) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Half-width, lower case, letters and digits only.
fn fold(text: &str) -> Vec<char> {
    text.chars().map(half_width).filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn mentions_name(reply: &str, name: &str) -> bool {
    let needle = fold(name);
    if needle.len() < 2 {
        return false;
    }
    if needle.iter().all(char::is_ascii_alphanumeric) {
        // A Latin name: whole words only, so "Li" is not found in "public".
        let words: Vec<Vec<char>> = reply
            .split(|c: char| !half_width(c).is_alphanumeric() || is_cjk(c))
            .map(fold)
            .filter(|w| !w.is_empty())
            .collect();
        let name_words: Vec<Vec<char>> = name.split_whitespace().map(fold).filter(|w| !w.is_empty()).collect();
        return !name_words.is_empty() && words.windows(name_words.len()).any(|w| w == name_words.as_slice());
    }
    contains_seq(&fold(reply), &needle)
}

/// Characters after a number that make it a house number: 3栋, 201室, 2单元, 5号.
const HOUSE_UNITS: &str = "号栋幢座楼层单室户弄巷组";

fn mentions_address(reply: &str, address: &str) -> bool {
    let address = fold(address);
    // Start of each number, and whether it is a house number (followed by a unit, or ending the address).
    let mut starts = Vec::new();
    let mut i = 0;
    while i < address.len() {
        if address[i].is_ascii_digit() {
            let start = i;
            while i < address.len() && address[i].is_ascii_digit() {
                i += 1;
            }
            if address.get(i).is_none_or(|c| HOUSE_UNITS.contains(*c)) {
                starts.push(start);
            }
        } else {
            i += 1;
        }
    }
    let Some(&first) = starts.first() else {
        return false;
    };
    let reply = fold(reply);
    contains_seq(&reply, &address) || (starts.len() >= 2 && contains_seq(&reply, &address[first..]))
}

fn contains_seq(haystack: &[char], needle: &[char]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TITLE: &str = "幸福小区3栋门口路灯坏了";
    const DESCRIPTION: &str = "幸福小区3栋门口的路灯坏了一个多月，晚上漆黑一片，老人出门摔倒过，请尽快维修路灯。";

    fn ctx() -> ReplyContext<'static> {
        ReplyContext {
            title: TITLE,
            description: DESCRIPTION,
            reporter_name: Some("李晓明"),
            address: Some("幸福小区3栋2单元501室"),
        }
    }

    const GOOD: &str = "您好！经核实，幸福小区3栋门口路灯因线路老化损坏，我局已安排维修人员于5月8日更换线路和灯具，路灯已恢复照明。感谢您的监督。";

    #[test]
    fn an_on_topic_reply_passes() {
        let report = check(&ctx(), GOOD);
        assert!(report.passes(), "{report:?}");
        assert!(report.relevance >= RELEVANCE_THRESHOLD);
        assert!(report.details.is_empty());
    }

    #[test]
    fn an_unrelated_reply_is_off_topic() {
        let reply = "您好！经调查，该企业拖欠工资一事已由劳动保障监察大队立案，责令其在十五日内足额支付员工工资。";
        let report = check(&ctx(), reply);
        assert_eq!(report.warnings, vec![QualityWarning::OffTopic]);
        assert!(report.relevance < RELEVANCE_THRESHOLD);
    }

    #[test]
    fn a_bare_acknowledgement_is_too_short() {
        for reply in ["已收到", "您好，来信收悉，感谢您的支持！", "2019年1月14日", ""] {
            let report = check(&ctx(), reply);
            assert_eq!(report.warnings, vec![QualityWarning::TooShort], "{reply}");
        }
    }

    #[test]
    fn a_reply_without_action_or_reason_is_no_action() {
        let reply = "您好！幸福小区3栋门口的路灯关系到居民夜间出行安全，您的意见对我们很有帮助，我们非常感谢您的来信。";
        let report = check(&ctx(), reply);
        assert_eq!(report.warnings, vec![QualityWarning::NoAction], "{report:?}");
    }

    #[test]
    fn personal_data_is_flagged_and_never_echoed() {
        let secrets = [
            ("，请李晓明先生留意。", "李晓明"),
            ("，已电话联系您（13812345678）。", "13812345678"),
            ("，已电话联系您（+86 138-1234-5678）。", "1234"),
            ("，已核对身份证43010219900101123X。", "43010219900101123X"),
            ("，结果已发至li.xm@example.cn。", "example"),
            ("，维修人员已到幸福小区3栋2单元501室回访。", "501"),
        ];
        for (extra, secret) in secrets {
            let reply = format!("{GOOD}{extra}");
            let report = check(&ctx(), &reply);
            assert_eq!(report.warnings, vec![QualityWarning::PersonalData], "{reply}");
            let details = report.details.join(" ");
            assert!(!details.contains(secret), "{details}");
            assert_eq!(report.details.len(), 1, "{details}");
        }
    }

    #[test]
    fn department_landlines_and_ordinary_numbers_are_not_personal_data() {
        let reply = format!(
            "{GOOD}如有疑问请致电0731-8888 6666、(0731)0000-00000000或12345，工单号20190508123456789012，3栋周边路灯共12盏。"
        );
        let report = check(&ctx(), &reply);
        assert!(report.passes(), "{report:?}");
    }

    #[test]
    fn finds_each_kind() {
        let c = ctx();
        assert_eq!(personal_data(&c, "电话 138 1234 5678"), vec![PersonalDataKind::MobileNumber]);
        assert_eq!(personal_data(&c, "１３８１２３４５６７８"), vec![PersonalDataKind::MobileNumber]);
        assert_eq!(personal_data(&c, "0086 13812345678"), vec![PersonalDataKind::MobileNumber]);
        assert_eq!(personal_data(&c, "编号 213812345678"), vec![]);
        assert_eq!(personal_data(&c, "430102 19900101 1234"), vec![PersonalDataKind::IdNumber]);
        assert_eq!(personal_data(&c, "430102 19901301 1234"), vec![], "month 13 is no birth date");
        assert_eq!(personal_data(&c, "李 晓 明 您好"), vec![PersonalDataKind::ReporterName]);
        assert_eq!(personal_data(&c, "3栋 2单元 501室"), vec![PersonalDataKind::ReporterAddress]);
        assert_eq!(personal_data(&c, "幸福小区3栋门口"), vec![], "the place of the problem is no secret");
        let latin = ReplyContext { reporter_name: Some("Li"), address: Some("幸福小区"), ..c };
        assert_eq!(personal_data(&latin, "public lighting, LI Ming 幸福小区"), vec![PersonalDataKind::ReporterName]);
        assert_eq!(personal_data(&latin, "public lighting 幸福小区"), vec![]);
        let all = format!("{GOOD}13812345678 43010219900101123X a@b.cn 李晓明 3栋2单元501室");
        let report = check(&c, &all);
        assert_eq!(report.warnings, vec![QualityWarning::PersonalData]);
        assert_eq!(report.details.len(), 5);
    }

    #[test]
    fn wire_codes_are_stable() {
        for w in QualityWarning::ALL {
            assert_eq!(serde_json::to_string(&w).unwrap(), format!("\"{}\"", w.as_str()));
            assert_eq!(serde_json::from_str::<QualityWarning>(&format!("\"{}\"", w.as_str())).unwrap(), w);
        }
        let names: std::collections::BTreeSet<_> = QualityWarning::ALL.iter().map(|w| w.as_str()).collect();
        assert_eq!(names.len(), QualityWarning::ALL.len());
    }

    #[test]
    fn relevance_ignores_boilerplate_and_numbers() {
        let c = ReplyContext { title: "噪音扰民", description: "", ..ReplyContext::default() };
        assert_eq!(relevance(&c, "网友您好，感谢来信，2019年5月8日"), 0.0);
        assert!(relevance(&c, "夜间施工噪音已责令停止") > RELEVANCE_THRESHOLD);
        assert_eq!(relevance(&ReplyContext::default(), GOOD), 0.0);
    }

    // --- Calibration on real replies -------------------------------------------------------------------------

    const DATA: &str = "../../shared/data/teddy2020_messages_replies_120.csv";

    /// RFC 4180 records: quoted cells may hold commas, doubled quotes and line breaks.
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = text.trim_start_matches('\u{FEFF}').chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\r') => {}
                (false, '\n') => {
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cell.push(c),
            }
        }
        if !cell.is_empty() || !row.is_empty() {
            row.push(cell);
            rows.push(row);
        }
        rows
    }

    struct Case {
        user: String,
        title: String,
        description: String,
        reply: String,
    }

    fn load() -> Vec<Case> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rows = parse_csv(&text);
        let header = &rows[0];
        let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
        let (user, title, description, reply) = (col("留言用户"), col("留言主题"), col("留言详情"), col("答复意见"));
        rows[1..]
            .iter()
            .filter(|r| r.len() == header.len())
            .map(|r| Case {
                user: r[user].clone(),
                title: r[title].clone(),
                description: r[description].clone(),
                reply: r[reply].clone(),
            })
            .collect()
    }

    fn ctx_of(case: &Case) -> ReplyContext<'_> {
        ReplyContext { title: &case.title, description: &case.description, reporter_name: None, address: None }
    }

    #[test]
    fn calibration_on_real_replies() {
        let cases = load();
        assert_eq!(cases.len(), 120);
        let requests: Vec<Terms> = cases.iter().map(|c| request_terms(&ctx_of(c))).collect();
        let replies: Vec<Terms> = cases.iter().map(|c| terms(&c.reply, 1.0)).collect();

        let reports: Vec<QualityReport> = cases.iter().map(|c| check(&ctx_of(c), &c.reply)).collect();
        let count = |w: QualityWarning| reports.iter().filter(|r| r.warnings.contains(&w)).count();
        let substantive: Vec<usize> =
            (0..cases.len()).filter(|&i| !reports[i].warnings.contains(&QualityWarning::TooShort)).collect();
        let n = substantive.len() as f64;

        // True pairs, among replies long enough to be judged.
        let mut true_scores: Vec<f32> = substantive.iter().map(|&i| cosine(&requests[i], &replies[i])).collect();
        let true_pass = true_scores.iter().filter(|&&s| s >= RELEVANCE_THRESHOLD).count() as f64 / n;
        // Mismatched pairs: every request against every other substantive reply (no categories in this file).
        let mut mismatched = 0usize;
        let mut rejected = 0usize;
        for &i in &substantive {
            for &j in substantive.iter().filter(|&&j| j != i) {
                mismatched += 1;
                if cosine(&requests[i], &replies[j]) < RELEVANCE_THRESHOLD {
                    rejected += 1;
                }
            }
        }
        let rejection = rejected as f64 / mismatched as f64;
        let no_action =
            substantive.iter().filter(|&&i| reports[i].warnings.contains(&QualityWarning::NoAction)).count();
        let action_pass = 1.0 - no_action as f64 / n;
        let personal = count(QualityWarning::PersonalData);
        let all_pass = reports.iter().filter(|r| r.passes()).count();
        // Replies that address the netizen by their handle: flagged if the handle were the reporter's name.
        let by_handle = cases
            .iter()
            .filter(|c| {
                let named = ReplyContext { reporter_name: Some(&c.user), ..ctx_of(c) };
                personal_data(&named, &c.reply).contains(&PersonalDataKind::ReporterName)
            })
            .count();

        true_scores.sort_by(f32::total_cmp);
        println!("reply quality on {} real replies ({DATA}):", cases.len());
        println!("  too short (< {MIN_REPLY_CHARS} chars of substance): {}", count(QualityWarning::TooShort));
        println!(
            "  relevance >= {RELEVANCE_THRESHOLD}: true pairs pass {:.1}% of {}; mismatched pairs rejected {:.1}% of {mismatched}",
            true_pass * 100.0,
            substantive.len(),
            rejection * 100.0
        );
        println!("  lowest true-pair relevance: {:?}", &true_scores[..8]);
        println!("  action language present: {:.1}% of substantive replies", action_pass * 100.0);
        println!("  personal data flagged: {personal} of {} (handle as name: {by_handle})", cases.len());
        println!("  pass every check: {all_pass} of {}", cases.len());

        assert!(true_pass >= 0.95, "true-pair pass rate {true_pass}");
        assert!(rejection >= 0.65, "mismatched-pair rejection {rejection}");
        assert!(action_pass >= 0.90, "action-language rate {action_pass}");
        assert!(personal <= 2, "{personal} real replies flagged for personal data");
        assert!(count(QualityWarning::TooShort) <= 12);
    }
}
