//! The OpenAPI document matches the routes the server serves, and the Swagger UI is served
//! from the binary, referencing nothing outside it.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tipforge_server::api::ROUTES;

use crate::helpers::TestApp;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn document(app: &TestApp) -> Value {
    let response = app.get("/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_document_describes_exactly_the_routes_served() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;

    let mut documented = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS.iter().filter(|method| item.get(**method).is_some()) {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let listed: BTreeSet<_> =
        ROUTES.iter().map(|(method, path)| ((*method).to_owned(), (*path).to_owned())).collect();

    assert_eq!(documented, listed);
    for (method, path) in &listed {
        let probe = path
            .replace("{cid}", "bafkqaaa")
            .replace("{wallet}", "not-a-wallet")
            .replace("{id}", "not-an-id");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let response =
            app.client.request(method.clone(), format!("{}{probe}", app.base_url)).send().await;
        let response = response.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is not served");
        assert!(!status.is_server_error(), "{method} {path} failed: {status}");
        assert_ne!(body["error"]["code"], "route_not_found", "{method} {path} is not served");
    }
}

#[tokio::test]
async fn the_document_names_the_server_security_and_envelopes() {
    let app = TestApp::spawn().await;

    let document = document(&app).await;

    assert_eq!(document["info"]["title"], "TipForge API");
    assert_eq!(document["servers"][0]["url"], "/");
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
    let upload = &document["paths"]["/creators/me/templates"]["post"];
    assert_eq!(upload["security"][0]["bearer"], Value::Array(vec![]));
    assert!(upload["requestBody"]["content"]["multipart/form-data"].is_object());
    let created = &upload["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(created["properties"]["data"].is_object(), "{created}");
}

#[tokio::test]
async fn the_swagger_ui_is_served_from_local_assets() {
    let app = TestApp::spawn().await;

    let page = app.get("/docs/").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let assets = references(&html);

    assert!(assets.iter().any(|asset| asset.ends_with(".js")), "{html}");
    assert!(assets.iter().any(|asset| asset.ends_with(".css")), "{html}");
    for asset in &assets {
        assert!(!asset.contains("//"), "{asset} is not a local path");
        let path = if asset.starts_with('/') {
            asset.clone()
        } else {
            format!("/docs/{}", asset.trim_start_matches("./"))
        };
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    let initializer = app.get("/docs/swagger-initializer.js").await.text().await.unwrap();
    assert!(initializer.contains("/openapi.json"), "{initializer}");
    assert!(!initializer.contains("http://") && !initializer.contains("https://"));
    assert_eq!(app.get("/docs").await.status(), StatusCode::OK);
}

/// The values of every `src` and `href` attribute in `html`.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].to_owned());
            }
        }
    }
    found
}
