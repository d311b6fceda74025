//! A department's own work on a phone: a handler finds a request sent to its department in the
//! worklist, opens it and disputes it; the centre sees the dispute.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, valid_body};
use fantoccini::key::Key;

#[tokio::test]
async fn a_handler_finds_its_request_in_the_worklist_and_disputes_it() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, "city.urban-management", &[]).await;

    let b = Browser::phone().await;
    b.sign_in("handler").await; // city.urban-management
    b.open("/staff/tickets").await;
    b.wait_until(
        "the request listed",
        &format!("const l = document.getElementById('work-list'); return !!l && l.innerText.includes({no:?})"),
    )
    .await;
    assert!(b.text_of("staff-nav").await.contains(&t("zh-Hans", "staff.nav.tickets")));
    b.screenshot("46-worklist").await;
    b.tab_to(&format!("work-{no}")).await;
    b.press(Key::Enter).await;
    b.wait_for_id("dispute-reason").await;
    assert!(b.text_of("ticket-no").await.contains(&no));
    assert!(b.text_of("ticket-departments").await.contains(&t("zh-Hans", "worklist.part.lead")));

    // No reason: the summary names the field.
    b.tab_to("file-dispute").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    assert!(b.text_of("error-summary").await.contains(&t("zh-Hans", "field.reason")));
    b.tab_to("dispute-reason").await;
    b.keys("路灯归住建部门管理，不属于城管职责").await;
    b.tab_to("file-dispute").await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the dispute filed",
        "return document.activeElement && document.activeElement.id === 'dispute-status'",
    )
    .await;
    assert_eq!(b.text_of("dispute-status").await.trim(), t("zh-Hans", "worklist.dispute.filed"));
    b.wait_until(
        "the dispute in the history",
        "return document.getElementById('ticket-events').innerText.includes('路灯归住建部门管理')",
    )
    .await;
    // Filed once: the form gives way to a note until the centre decides.
    b.wait_for_id("dispute-pending").await;
    b.wait_until("the form gone", "return !document.getElementById('dispute-reason')").await;
    b.eval("document.getElementById('dispute-pending').scrollIntoView(); return true").await;
    b.screenshot("47-worklist-disputed").await;

    let (_, open) = dispatcher.get("/api/v1/dispatch/disputes").await;
    let ours = open.as_array().unwrap().iter().find(|d| d["tracking_no"] == no.as_str());
    assert!(ours.is_some_and(|d| d["department"] == "city.urban-management"), "{open}");

    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("422")), "console errors: {errors:?}");
    b.close().await;
}
