//! The whole loop on a phone: a citizen's request is dispatched to a lead and a co-handler; the
//! co-handler sends its part from the workbench; the lead signs for the request (after a stale
//! attempt is refused and reloaded), writes a public progress note, has a leaky draft flagged by
//! the reply check and sends a proper reply; the citizen's tracking page shows the note and the
//! reply; the lead's notifications list the co-handler's part.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, valid_body};
use fantoccini::key::Key;
use serde_json::{json, Value};

const LEAD: &str = "city.urban-management";
const CO: &str = "city.ecology";
const PART: &str = "经核查，南门周边无环境污染问题，我局将配合做好维修期间的环境监管。";
const NOTE: &str = "维修班组已到现场查看，正在更换损坏的灯具和线路。";
/// On topic and says what was done, but gives a phone number to the public.
const LEAKY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已安排维修，如有疑问请拨打 13912345678 联系王师傅。";
/// A good answer to `valid_body()`: on topic, says what was done, no personal data.
const GOOD_REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";

/// Whether element `id` shows `text` (JSON-quoted for the script).
fn shows(id: &str, text: &str) -> String {
    format!("const e = document.getElementById({id:?}); return !!e && e.innerText.includes({text:?})")
}

async fn focused(b: &Browser, id: &str) {
    b.wait_until(
        &format!("#{id} focused"),
        &format!("return document.activeElement && document.activeElement.id === {id:?}"),
    )
    .await;
}

/// Open the request from the workbench's inbox, keyboard only.
async fn open_from_inbox(b: &Browser, no: &str) {
    b.open("/staff/tickets").await;
    b.wait_until("the request in the inbox", &shows("work-list", no)).await;
    b.tab_to(&format!("work-{no}")).await;
    b.press(Key::Enter).await;
    b.wait_until("the request open", &shows("ticket-no", no)).await;
}

#[tokio::test]
async fn the_whole_loop_submit_dispatch_accept_progress_reply_citizen_sees_it() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let ecology_api = app.login_demo("ecology").await;
    let (no, token) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[CO]).await;

    // The co-handler sends its part.
    let b = Browser::phone().await;
    b.sign_in("ecology").await;
    open_from_inbox(&b, &no).await;
    assert!(b.text_of("ticket-departments").await.contains(&t("zh-Hans", "worklist.part.co")));
    b.wait_for_id("part-text").await;
    b.screenshot("60-workbench-co-handler").await;
    b.tab_to("part-text").await;
    b.keys(PART).await;
    b.tab_to("part-button").await;
    b.press(Key::Enter).await;
    focused(&b, "work-status").await;
    assert_eq!(b.text_of("work-status").await.trim(), t("zh-Hans", "work.part.done"));
    b.wait_until("the part listed", &shows("ticket-parts", PART)).await;
    b.open("/staff/tickets").await;
    b.tab_to("sign-out").await;
    b.press(Key::Enter).await;
    b.wait_for_id("username").await;

    // The lead finds it in its inbox, sees the part, and has an unread notice of it.
    b.sign_in("handler").await;
    open_from_inbox(&b, &no).await;
    b.wait_for_id("accept-button").await;
    b.wait_until("the co-handler's part shown", &shows("ticket-parts", PART)).await;
    b.wait_for_id("unread-count").await;
    b.screenshot("61-workbench-lead").await;

    // Someone else changes the request meanwhile: signing for it is refused, not overwritten.
    let (status, body) =
        ecology_api.act(&no, "notes", &json!({ "text": "内部：我局已派员核查", "public": false })).await;
    assert_eq!(status, 200, "{body}");
    b.tab_to("accept-button").await;
    b.press(Key::Enter).await;
    focused(&b, "work-stale").await;
    assert!(b.text_of("work-stale").await.contains(&t("zh-Hans", "work.stale.heading")));
    b.screenshot("62-workbench-stale").await;
    b.tab_to("reload-ticket").await;
    b.press(Key::Enter).await;
    b.wait_until("the page reloaded", &shows("ticket-events", "内部：我局已派员核查")).await;
    b.wait_until("the notice gone", "return !document.getElementById('work-stale')").await;
    b.tab_to("accept-button").await;
    b.press(Key::Enter).await;
    focused(&b, "work-status").await;
    assert_eq!(b.text_of("work-status").await.trim(), t("zh-Hans", "work.accept.done"));

    // A progress note for the citizen.
    b.wait_for_id("note-text").await;
    b.tab_to("note-text").await;
    b.keys(NOTE).await;
    b.tab_to("note-public").await;
    b.press(Key::Space).await;
    b.tab_to("note-button").await;
    b.press(Key::Enter).await;
    focused(&b, "work-status").await;
    assert_eq!(b.text_of("work-status").await.trim(), t("zh-Hans", "work.note.done_public"));
    b.wait_until("the note in the history", &shows("ticket-events", NOTE)).await;

    // A draft that leaks a phone number is flagged, and a reason to send it anyway is offered.
    b.wait_for_id("reply-text").await;
    b.tab_to("reply-text").await;
    b.keys(LEAKY).await;
    b.tab_to("check-reply").await;
    b.press(Key::Enter).await;
    b.wait_until("the warning", &shows("reply-warnings", &t("zh-Hans", "work.warning.personal_data"))).await;
    b.wait_for_id("reply-override").await;
    b.eval("document.getElementById('reply-check').scrollIntoView(); return true").await;
    b.screenshot("63-workbench-reply-warnings").await;

    // The proper reply goes out. (Focus is on the check's result, after the draft.)
    b.set_value("reply-text", "", "input").await;
    b.eval("document.getElementById('reply-text').focus(); return true").await;
    b.keys(GOOD_REPLY).await;
    b.tab_to("send-reply").await;
    b.press(Key::Enter).await;
    focused(&b, "work-status").await;
    assert_eq!(b.text_of("work-status").await.trim(), t("zh-Hans", "work.reply.done"));
    b.wait_until("the reply listed", &shows("ticket-parts", "路灯现已恢复照明")).await;
    b.screenshot("64-workbench-replied").await;

    // The lead's notifications: the co-handler's part, marked read with the rest. (Reads are
    // per member, and no other test signs in as this one to read them.)
    b.open("/staff/tickets").await;
    b.tab_to("notifications-link").await;
    b.press(Key::Enter).await;
    b.wait_until("our notice listed", &shows("notification-list", &no)).await;
    assert!(b.text_of("notification-list").await.contains(&t("zh-Hans", "work.notice.part_submitted")));
    b.screenshot("65-notifications").await;
    let ours_unread = format!(
        "const a = document.querySelector('#notification-list a[href=\"/staff/tickets/{no}\"]'); \
         return !!a && a.closest('li').innerText.includes({new:?})",
        new = t("zh-Hans", "work.notices.new")
    );
    assert_eq!(b.eval(&ours_unread).await, Value::Bool(true), "the part's notice is new");
    b.tab_to("mark-all-read").await;
    b.press(Key::Enter).await;
    b.wait_until("our notice read", &ours_unread.replace("return !!a &&", "return !!a && !")).await;

    // The citizen's private tracking page shows the public note and the reply, not the internal note.
    b.open(&format!("/track/{no}#token={token}")).await;
    // The page's own public view comes first; the reporter's view replaces it.
    b.wait_for_id("private-heading").await;
    b.wait_until("the reply on the tracking page", &shows("main", "路灯现已恢复照明")).await;
    let page = b.text_of("main").await;
    assert!(page.contains(NOTE), "{page}");
    assert!(!page.contains("内部：我局已派员核查"), "internal notes stay internal: {page}");
    b.screenshot("66-citizen-sees-reply").await;

    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("412")), "console errors: {errors:?}");
    b.close().await;
}
