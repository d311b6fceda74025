//! Legacy import as used by the demo seed: idempotent per (source, external_id), row errors reported;
//! NDJSON and CSV alike.

use crate::helpers::{spawn_app, status_json, unique_key, Staff};

use serde_json::{json, Value};

async fn import(source: &str, rows: &[Value]) -> (u16, Value) {
    let admin = spawn_app().login_demo("admin").await;
    let body = rows.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    let response = admin
        .request(reqwest::Method::POST, &format!("/api/v1/admin/import/tickets?source={source}"))
        .header("Content-Type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn row(id: &str) -> Value {
    json!({
        "external_id": id,
        "title": "A市西湖建筑集团占道施工有安全隐患",
        "description": "人行道包括路灯杆被圈入施工围墙内，上下班期间安全隐患大。",
        "category": "城乡建设",
        "created_at": "2020-01-06 12:09:38",
        "lat": 28.2, "lng": 112.95
    })
}

#[tokio::test]
async fn a_second_import_skips_what_the_first_stored() {
    let source = unique_key();
    let rows = vec![row("1"), row("2"), row("2")];
    let (status, report) = import(&source, &rows).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["imported"], 2);
    assert_eq!(report["skipped"], 1, "the repeated id in one file");
    let (_, again) = import(&source, &rows).await;
    assert_eq!(again["imported"], 0);
    assert_eq!(again["skipped"], 3);
}

#[tokio::test]
async fn a_bad_row_is_reported_and_never_stops_the_good_ones() {
    let source = unique_key();
    let mut bad_category = row("b1");
    bad_category["category"] = "不存在的类别".into();
    let mut bad_date = row("b2");
    bad_date["created_at"] = "last tuesday".into();
    let mut bad_type = row("b3");
    bad_type["lat"] = "north".into();
    let (status, report) = import(&source, &[row("g1"), bad_category, bad_date, bad_type, row("g2")]).await;
    assert_eq!(status, 200);
    assert_eq!(report["imported"], 2);
    let errors = report["errors"].as_array().unwrap();
    let named: Vec<(u64, &str)> =
        errors.iter().map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap())).collect();
    assert_eq!(named, vec![(2, "category"), (3, "created_at"), (4, "lat")]);
}

/// Post a body of any media type as the signed-in member (with the CSRF header).
async fn post_raw(staff: &Staff, path: &str, content_type: &str, body: impl Into<String>) -> (u16, Value) {
    let response = staff
        .request(reqwest::Method::POST, path)
        .header("Content-Type", content_type)
        .body(body.into())
        .send()
        .await
        .unwrap();
    status_json(response).await
}

async fn import_csv(source: &str, csv: &str) -> (u16, Value) {
    let admin = spawn_app().login_demo("admin").await;
    post_raw(&admin, &format!("/api/v1/admin/import/tickets?source={source}"), "text/csv; charset=utf-8", csv).await
}

fn error_fields(report: &Value) -> Vec<(u64, String)> {
    let errors = report["errors"].as_array().unwrap();
    errors.iter().map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap().to_owned())).collect()
}

/// A local date few tickets have (most of the demo history is 2017–2020), so the tickets imported on it
/// are found again among its first tracking numbers.
fn quiet_day() -> (String, String) {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let (year, month, day) = (2001 + nanos % 15, 1 + (nanos / 15) % 12, 1 + (nanos / 180) % 28);
    (format!("{year}-{month:02}-{day:02}"), format!("{year}{month:02}{day:02}"))
}

/// The public view of the ticket of `day` (YYYYMMDD) whose title is `title`.
async fn find_by_title(day: &str, title: &str) -> Value {
    let app = spawn_app();
    for sequence in 1..=50u32 {
        let tracking_no =
            (0..10).find_map(|check| shared::ids::TrackingNo::parse(&format!("{day}-{sequence:06}{check}"))).unwrap();
        let (status, view) = status_json(app.get_request(tracking_no.as_str(), None).await).await;
        if status == 200 && view["title"] == title {
            return view;
        }
    }
    panic!("no ticket of {day} is titled {title}");
}

#[tokio::test]
async fn a_csv_file_with_quoted_multi_line_cells_imports_like_ndjson_and_a_second_time_skips() {
    let source = unique_key();
    let (date, day) = quiet_day();
    // Letters only: digits in a public view's text may be masked as a phone number.
    let marker: String =
        unique_key().chars().filter_map(|c| c.to_digit(10)).map(|d| char::from(b'a' + d as u8)).collect();
    let title = format!("路灯不亮, 夜里很黑 {marker}");
    // BOM, CRLF, columns in another order, optional ones, a level-1 label name as the category and a
    // quoted description spanning three lines with a comma and doubled quotes.
    let csv = format!(
        "\u{feff}title,external_id,description,category,created_at,lat,lng,closed_at,status,department,channel\r\n\
         \"{title}\",c1,\"芙蓉路小区南门的路灯坏了两周，晚上很黑。\r\n物业说：\"\"已经报修\"\"，\r\n但一直没人来, 请尽快处理。\",城乡建设,{date} 21:30:00,28.2,112.95,,,,\r\n\
         噪音扰民,c2,楼下酒吧每天凌晨音乐声音很大,环境保护,{date} 23:05,,,{date} 23:59,,,hotline\r\n"
    );
    let (status, report) = import_csv(&source, &csv).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["imported"], 2, "{report}");
    assert_eq!(report["skipped"], 0);
    assert_eq!(report["errors"], json!([]));

    let view = find_by_title(&day, &title).await;
    assert_eq!(
        view["description"],
        "芙蓉路小区南门的路灯坏了两周，晚上很黑。\n物业说：\"已经报修\"，\n但一直没人来, 请尽快处理。",
        "one cell over three lines, CR dropped, quotes undoubled"
    );
    assert_eq!(view["category"]["code"], "01", "城乡建设 is a first-level label: {view}");
    assert_eq!(view["status"], "submitted");
    assert!(view["approximate_location"].is_object(), "{view}");
    let closed = find_by_title(&day, "噪音扰民").await;
    assert_eq!(closed["status"], "closed", "closed_at without a status closes it: {closed}");
    assert_eq!(closed["channel"], "hotline");

    // The same file again: nothing new, both rows skipped; NDJSON with the same ids is skipped too.
    let (status, again) = import_csv(&source, &csv).await;
    assert_eq!(status, 200);
    assert_eq!((again["imported"].as_u64(), again["skipped"].as_u64()), (Some(0), Some(2)), "{again}");
    let (_, ndjson) = import(&source, &[row("c1")]).await;
    assert_eq!((ndjson["imported"].as_u64(), ndjson["skipped"].as_u64()), (Some(0), Some(1)), "{ndjson}");
}

#[tokio::test]
async fn csv_rows_that_are_wrong_are_reported_by_row_and_field_and_the_good_ones_stored() {
    let source = unique_key();
    let csv = "external_id,title,description,category,created_at,lat,lng\n\
               g1,占道施工有安全隐患,人行道被圈入施工围墙内,城乡建设,2020-01-06 12:09:38,28.2,112.95\n\
               b1,类别不存在,说明,不存在的类别,2020-01-06 12:09:38,,\n\
               b2,坐标写错,说明,城乡建设,2020-01-06 12:09:38,北纬28度,112.95\n\
               b3,少了几格,说明\n\
               \n\
               b4,\"多行\n的标题\",说明,城乡建设,yesterday,,\n\
               g2,路灯不亮,晚上很黑,城乡建设,2020-01-07,,\n";
    let (status, report) = import_csv(&source, csv).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["imported"], 2, "a bad row never stops the good ones: {report}");
    let expected: Vec<(u64, String)> = [(2, "category"), (3, "lat"), (4, "row"), (5, "created_at")]
        .into_iter()
        .map(|(row, field)| (row, field.to_owned()))
        .collect();
    assert_eq!(error_fields(&report), expected, "rows count records (not lines), from 1 after the header: {report}");
}

#[tokio::test]
async fn a_csv_header_with_an_unknown_or_missing_column_refuses_the_file_naming_it() {
    let source = unique_key();
    let (status, body) = import_csv(
        &source,
        "external_id,title,description,category,created_at,priority\n1,a,b,城乡建设,2020-01-06,high\n",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "malformed_body");
    assert!(body["fields"]["priority"].is_object(), "{body}");
    assert_eq!(error_fields(&body), vec![(0, "priority".to_owned())]);

    let (status, body) = import_csv(&source, "external_id,title,category,created_at\n1,a,城乡建设,2020-01-06\n").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["fields"]["description"]["code"], "required", "{body}");

    // Nothing of a refused file is stored.
    let fine = "external_id,title,description,category,created_at\n1,a,b,城乡建设,2020-01-06\n";
    let (_, report) = import_csv(&source, fine).await;
    assert_eq!(report["imported"], 1, "{report}");
}

#[tokio::test]
async fn only_utf8_csv_or_ndjson_is_read() {
    let admin = spawn_app().login_demo("admin").await;
    let path = format!("/api/v1/admin/import/tickets?source={}", unique_key());
    let (status, body) = post_raw(&admin, &path, "text/plain", "external_id\n").await;
    assert_eq!(status, 415, "{body}");
    let (status, _) = post_raw(&admin, &path, "text/csv; charset=gbk", "external_id\n").await;
    assert_eq!(status, 415);
    // GBK bytes for 路灯 are not UTF-8.
    let gbk = admin
        .request(reqwest::Method::POST, &path)
        .header("Content-Type", "text/csv")
        .body(b"external_id,title,description,category,created_at\n1,\xc2\xb7\xb5\xc6,b,01,2020-01-06\n".to_vec())
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(gbk).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("UTF-8"), "{body}");
}

#[tokio::test]
async fn more_rows_than_one_call_takes_are_reported() {
    let source = unique_key();
    let mut csv = String::from("external_id,title,description,category,created_at\n");
    for n in 0..=shared::import::MAX_ROWS {
        csv.push_str(&format!("x{n},路灯,不亮,不存在的类别,2020-01-06\n"));
    }
    let (status, report) = import_csv(&source, &csv).await;
    assert_eq!(status, 200, "{report}");
    let errors = error_fields(&report);
    assert_eq!(errors.len(), shared::import::MAX_ROWS + 1, "every row's category, then the limit");
    assert_eq!(errors.last(), Some(&(shared::import::MAX_ROWS as u64 + 1, "row".to_owned())));
}
