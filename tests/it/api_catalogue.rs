use crate::helpers::{spawn_app, status_json};

#[tokio::test]
async fn categories_are_the_three_level_catalogue() {
    let app = spawn_app();
    let (status, body) = status_json(app.get("/api/v1/categories").await).await;
    assert_eq!(status, 200);
    let tree = body["tree"].as_array().expect("tree");
    assert_eq!(tree.len(), 15);
    let leaves: usize = tree
        .iter()
        .flat_map(|l1| l1["children"].as_array().into_iter().flatten())
        .map(|l2| l2["children"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(leaves, 517);
    assert_eq!(tree[0]["code"], "01");
    assert_eq!(tree[0]["name"], "城乡建设");
    assert_eq!(tree[0]["children"][0]["children"][0]["code"], "01.01.01");
}

#[tokio::test]
async fn config_tells_the_app_about_the_city() {
    let app = spawn_app();
    let (status, body) = status_json(app.get("/api/v1/config").await).await;
    assert_eq!(status, 200);
    assert_eq!(body["city"]["name"], "A市");
    assert!(body["city"]["service_area"]["north"].as_f64().is_some());
    // Tests run with no tile server: the app must draw the map without tiles.
    assert!(body.get("tile_url").is_none());
}

#[tokio::test]
async fn unknown_api_paths_answer_json_404() {
    let app = spawn_app();
    let (status, body) = status_json(app.get("/api/v1/no-such-thing").await).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn api_answers_are_never_cached() {
    let app = spawn_app();
    let response = app.get("/api/v1/health").await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}
