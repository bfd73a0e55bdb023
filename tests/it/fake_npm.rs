//! Self-test of the fake Nginx Proxy Manager (tests/it/common/fake_npm.rs):
//! the API rules of shared/NPM_API.md and its real-nginx data plane.
//! No Docker needed; nginx is (`apt-get install nginx-light`).

use crate::common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::fake_npm::{FakeNpm, FakeNpmOptions};
use reqwest::Method;
use serde_json::{Value, json};

// ------------------------------------------------------------- helpers ---

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client")
}

struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    fn new(npm: &FakeNpm) -> Api {
        Api {
            base: npm.url(),
            // A new connection per call: the API server is stopped and
            // restarted by some tests, and a pooled connection from before
            // could race that instead of reaching the new listener.
            client: {
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .no_proxy()
                    .timeout(Duration::from_secs(10))
                    .pool_max_idle_per_host(0)
                    .build()
                    .expect("reqwest client")
            },
        }
    }

    async fn call(&self, token: Option<&str>, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request to fake NPM");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("non-JSON answer ({e}): {text}"));
        (status, value)
    }

    async fn login(&self, npm: &FakeNpm) -> String {
        let (status, body) = self
            .call(
                None,
                Method::POST,
                "/api/tokens",
                Some(json!({"identity": npm.email(), "secret": npm.password()})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    async fn get(&self, t: &str, path: &str) -> (u16, Value) {
        self.call(Some(t), Method::GET, path, None).await
    }

    async fn post(&self, t: &str, path: &str, body: Value) -> (u16, Value) {
        self.call(Some(t), Method::POST, path, Some(body)).await
    }

    async fn put(&self, t: &str, path: &str, body: Value) -> (u16, Value) {
        self.call(Some(t), Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, t: &str, path: &str) -> (u16, Value) {
        self.call(Some(t), Method::DELETE, path, None).await
    }
}

#[track_caller]
fn assert_error(got: &(u16, Value), status: u16, message: &str) {
    assert_eq!(got.0, status, "status; body {}", got.1);
    assert_eq!(
        got.1,
        json!({"error": {"code": status, "message": message}}),
        "error body"
    );
}

fn host_body(domains: &[&str], port: u16) -> Value {
    json!({
        "domain_names": domains,
        "forward_scheme": "http",
        "forward_host": "127.0.0.1",
        "forward_port": port,
    })
}

/// A tiny HTTP upstream on 127.0.0.1:0 answering `text` (one request per
/// connection, `Connection: close`). Lives until the test process ends.
fn upstream(text: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind upstream");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
                let _ = conn.write_all(resp.as_bytes());
            });
        }
    });
    port
}

/// GET / through nginx with `Host: domain`: (status, body).
async fn through_nginx(
    client: &reqwest::Client,
    npm_data: &str,
    domain: &str,
) -> Result<(u16, String), reqwest::Error> {
    let resp = client
        .get(format!("{npm_data}/"))
        .header(reqwest::header::HOST, domain)
        .send()
        .await?;
    let status = resp.status().as_u16();
    Ok((status, resp.text().await?))
}

/// Polls until the domain answers `want` (nginx reloads asynchronously).
async fn wait_for_body(npm: &FakeNpm, domain: &str, want: &str) -> Duration {
    let c = client();
    let start = Instant::now();
    loop {
        let got = through_nginx(&c, &npm.data_url(), domain).await;
        if let Ok((_, body)) = &got
            && body == want
        {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{domain} never answered {want:?}; last: {got:?}\nerror log:\n{}",
            npm.nginx_error_log()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// --------------------------------------------------------------- tests ---

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_login_rules_and_token_refresh() {
    let npm = FakeNpm::start(FakeNpmOptions::default()).await;
    let api = Api::new(&npm);

    let root = api.call(None, Method::GET, "/api/", None).await;
    assert_eq!(root.0, 200);
    assert_eq!(
        root.1,
        json!({"status": "OK", "setup": true, "version": {"major": 2, "minor": 15, "revision": 1}})
    );

    let extra = api
        .call(
            None,
            Method::POST,
            "/api/tokens",
            Some(json!({"identity": npm.email(), "secret": npm.password(), "remember": true})),
        )
        .await;
    assert_error(&extra, 400, "data must NOT have additional properties");
    let missing = api
        .call(
            None,
            Method::POST,
            "/api/tokens",
            Some(json!({"identity": npm.email()})),
        )
        .await;
    assert_error(&missing, 400, "data must have required property 'secret'");
    let wrong = api
        .call(
            None,
            Method::POST,
            "/api/tokens",
            Some(json!({"identity": npm.email(), "secret": "nope"})),
        )
        .await;
    assert_error(&wrong, 400, "Invalid email or password");
    let wrong_user = api
        .call(
            None,
            Method::POST,
            "/api/tokens",
            Some(json!({"identity": "other@example.com", "secret": npm.password()})),
        )
        .await;
    assert_error(&wrong_user, 400, "Invalid email or password");

    let ok = api
        .call(
            None,
            Method::POST,
            "/api/tokens",
            Some(json!({"identity": npm.email().to_uppercase(), "secret": npm.password(), "scope": "user"})),
        )
        .await;
    assert_eq!(ok.0, 200, "{}", ok.1);
    let token = ok.1["token"].as_str().expect("token");
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    assert!(ok.1["expires"].is_string());
    assert_eq!(ok.1.as_object().expect("object").len(), 2);

    let refreshed = api.get(token, "/api/tokens").await;
    assert_eq!(refreshed.0, 200, "{}", refreshed.1);
    let fresh = refreshed.1["token"].as_str().expect("fresh token");
    assert_ne!(fresh, token);
    assert_eq!(api.get(fresh, "/api/nginx/proxy-hosts").await.0, 200);

    assert_error(&api.call(None, Method::GET, "/api/nope", None).await, 404, "Not Found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_account_gets_a_challenge() {
    let npm = FakeNpm::start(FakeNpmOptions {
        two_factor: true,
        ..FakeNpmOptions::default()
    })
    .await;
    let api = Api::new(&npm);
    let (status, body) = api
        .call(
            None,
            Method::POST,
            "/api/tokens",
            Some(json!({"identity": npm.email(), "secret": npm.password()})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["requires_2fa"], json!(true));
    assert!(body["challenge_token"].is_string());
    assert!(body.get("token").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_rules_expired_token_is_400_and_relogin_works() {
    let npm = FakeNpm::start(FakeNpmOptions::default()).await;
    let api = Api::new(&npm);
    let token = api.login(&npm).await;

    let none = api.call(None, Method::GET, "/api/nginx/proxy-hosts", None).await;
    assert!(none.0 == 404 || none.0 == 500, "missing token: {} {}", none.0, none.1);
    assert_error(
        &api.call(None, Method::GET, "/api/nginx/proxy-hosts/1", None).await,
        404,
        "Not Found - 1",
    );
    assert_error(
        &api.get("not.a.jwt", "/api/nginx/proxy-hosts").await,
        500,
        "Internal Error",
    );
    assert_error(
        &api.get("garbage", "/api/nginx/proxy-hosts").await,
        500,
        "Internal Error",
    );

    assert_eq!(api.get(&token, "/api/nginx/proxy-hosts").await.0, 200);
    npm.expire_all_tokens();
    assert_error(
        &api.get(&token, "/api/nginx/proxy-hosts").await,
        400,
        "Token has expired",
    );
    assert_error(&api.get(&token, "/api/tokens").await, 400, "Token has expired");
    let again = api.login(&npm).await;
    assert_eq!(api.get(&again, "/api/nginx/proxy-hosts").await.0, 200);

    // Expiry at the next PUT: the PUT answers 400, a new login succeeds.
    let id = npm.create_host_by_hand(&["exp.test"], "127.0.0.1", 9, json!({}))["id"]
        .as_i64()
        .expect("id");
    npm.expire_tokens_at_next_put();
    let path = format!("/api/nginx/proxy-hosts/{id}");
    assert_eq!(api.get(&again, &path).await.0, 200, "GET is not affected");
    assert_error(
        &api.put(&again, &path, json!({"forward_port": 10})).await,
        400,
        "Token has expired",
    );
    assert_eq!(npm.host(id).expect("host")["forward_port"], json!(9));
    let third = api.login(&npm).await;
    let ok = api.put(&third, &path, json!({"forward_port": 10})).await;
    assert_eq!(ok.0, 200, "{}", ok.1);
    assert_eq!(ok.1["forward_port"], json!(10));

    // Naturally expiring tokens.
    let short = FakeNpm::start(FakeNpmOptions {
        token_ttl: Duration::from_millis(200),
        ..FakeNpmOptions::default()
    })
    .await;
    let api2 = Api::new(&short);
    let t = api2.login(&short).await;
    assert_eq!(api2.get(&t, "/api/nginx/proxy-hosts").await.0, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_error(&api2.get(&t, "/api/nginx/proxy-hosts").await, 400, "Token has expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_schema_rules_and_defaults() {
    let npm = FakeNpm::start(FakeNpmOptions::default()).await;
    let api = Api::new(&npm);
    let t = api.login(&npm).await;
    let p = "/api/nginx/proxy-hosts";

    for key in ["domain_names", "forward_scheme", "forward_host", "forward_port"] {
        let mut body = host_body(&["a.test"], 80);
        body.as_object_mut().expect("object").remove(key);
        assert_error(
            &api.post(&t, p, body).await,
            400,
            &format!("data must have required property '{key}'"),
        );
    }
    for (key, value) in [
        ("id", json!(7)),
        ("created_on", json!("2024-01-01 00:00:00")),
        ("owner", json!({})),
        ("owner_user_id", json!(1)),
        ("modified_on", json!("x")),
    ] {
        let mut body = host_body(&["a.test"], 80);
        body.as_object_mut().expect("object").insert(key.into(), value);
        assert_error(
            &api.post(&t, p, body).await,
            400,
            "data must NOT have additional properties",
        );
    }
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"forward_scheme": "ftp"}),
            "data/forward_scheme must be equal to one of the allowed values",
        ),
        (json!({"forward_port": 0}), "data/forward_port must be >= 1"),
        (json!({"forward_port": 65536}), "data/forward_port must be <= 65535"),
        // A numeric string is coerced, as the real NPM does; anything else is not.
        (json!({"forward_port": "eighty"}), "data/forward_port must be integer"),
        (
            json!({"forward_host": ""}),
            "data/forward_host must NOT have fewer than 1 characters",
        ),
        (
            json!({"forward_host": "h".repeat(256)}),
            "data/forward_host must NOT have more than 255 characters",
        ),
        (
            json!({"domain_names": []}),
            "data/domain_names must NOT have fewer than 1 items",
        ),
        (
            json!({"domain_names": (0..101).map(|i| format!("d{i}.test")).collect::<Vec<_>>()}),
            "data/domain_names must NOT have more than 100 items",
        ),
        (
            json!({"domain_names": ["a.test", "b.test", "a.test"]}),
            "data/domain_names must NOT have duplicate items (items ## 2 and 0 are identical)",
        ),
        (json!({"certificate_id": -1}), "data/certificate_id must be >= 0"),
        (json!({"ssl_forced": "yes"}), "data/ssl_forced must be boolean"),
        (json!({"meta": []}), "data/meta must be object"),
    ];
    for (patch, message) in cases {
        let mut body = host_body(&["a.test"], 80);
        for (k, v) in patch.as_object().expect("object") {
            body.as_object_mut().expect("object").insert(k.clone(), v.clone());
        }
        assert_error(&api.post(&t, p, body).await, 400, message);
    }
    let hundred: Vec<String> = (0..100).map(|i| format!("d{i}.test")).collect();
    let (status, created) = api
        .post(
            &t,
            p,
            json!({"domain_names": hundred, "forward_scheme": "http", "forward_host": "127.0.0.1", "forward_port": 9}),
        )
        .await;
    assert_eq!(status, 201, "100 names are fine: {created}");
    assert!(npm.request_log().iter().all(|r| r.status != 201 || r.method == "POST"));
    assert!(npm.hosts().len() == 1, "only the valid POST created a host");

    let (status, host) = api.post(&t, p, host_body(&["B.test", "a.test"], 8080)).await;
    assert_eq!(status, 201, "{host}");
    let id = host["id"].as_i64().expect("id");
    assert_eq!(id, 2);
    for (k, v) in [
        ("domain_names", json!(["B.test", "a.test"])),
        ("forward_scheme", json!("http")),
        ("forward_host", json!("127.0.0.1")),
        ("forward_port", json!(8080)),
        ("owner_user_id", json!(1)),
        ("certificate_id", json!(0)),
        ("access_list_id", json!(0)),
        ("ssl_forced", json!(false)),
        ("caching_enabled", json!(false)),
        ("block_exploits", json!(false)),
        ("allow_websocket_upgrade", json!(false)),
        ("http2_support", json!(false)),
        ("hsts_enabled", json!(false)),
        ("hsts_subdomains", json!(false)),
        ("trust_forwarded_proto", json!(false)),
        ("enabled", json!(true)),
        ("advanced_config", json!("")),
        ("locations", json!([])),
        // The POST answer's meta is what was sent (the real NPM reads the
        // row before nginx is set up); a GET shows the stored one.
        ("meta", json!({})),
    ] {
        assert_eq!(host[k], v, "field {k} of {host}");
    }
    let (_, read) = api.get(&t, &format!("{p}/{id}")).await;
    assert_eq!(
        read["meta"],
        json!({"letsencrypt_agree": false, "dns_challenge": false, "nginx_online": true, "nginx_err": null}),
        "{read}"
    );
    assert!(host["created_on"].is_string() && host["modified_on"].is_string());
    assert!(host["owner"].is_object(), "POST answers expanded: {host}");

    // GET one equals the stored host; sending it back is refused.
    let (status, got) = api.get(&t, &format!("{p}/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(Some(got.clone()), npm.host(id));
    assert_error(
        &api.post(&t, p, got.clone()).await,
        400,
        "data must NOT have additional properties",
    );
    assert_error(
        &api.put(&t, &format!("{p}/{id}"), got).await,
        400,
        "data must NOT have additional properties",
    );
    assert_error(&api.get(&t, &format!("{p}/999")).await, 404, "Not Found - 999");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_is_partial_and_keeps_operator_settings() {
    let npm = FakeNpm::start(FakeNpmOptions::default()).await;
    let api = Api::new(&npm);
    let t = api.login(&npm).await;
    let a = upstream("up-A");
    let b = upstream("up-B");
    let made = npm.create_host_by_hand(
        &["keep.test"],
        "127.0.0.1",
        a,
        json!({
            "certificate_id": 5,
            "access_list_id": 3,
            "advanced_config": "add_header X-Operator kept;",
            "block_exploits": true,
            "meta": {"letsencrypt_agree": true, "dns_challenge": false}
        }),
    );
    let id = made["id"].as_i64().expect("id");
    // The POST answer carries the meta that was sent (as the real NPM's
    // does); a GET shows nginx's verdict.
    assert_eq!(
        made["meta"],
        json!({"letsencrypt_agree": true, "dns_challenge": false}),
        "{made}"
    );
    let (_, read) = api.get(&t, &format!("/api/nginx/proxy-hosts/{id}")).await;
    assert_eq!(read["meta"]["nginx_online"], json!(true), "{read}");
    assert_eq!(made["certificate"]["id"], json!(5));
    let path = format!("/api/nginx/proxy-hosts/{id}");

    assert_error(
        &api.put(&t, &path, json!({})).await,
        400,
        "data must NOT have fewer than 1 properties",
    );
    assert_error(
        &api.put(&t, &path, json!({"id": id, "forward_port": b})).await,
        400,
        "data must NOT have additional properties",
    );
    assert_error(
        &api.put(&t, "/api/nginx/proxy-hosts/77", json!({"forward_port": b}))
            .await,
        404,
        "Not Found - 77",
    );
    assert_eq!(npm.host(id).expect("host")["forward_port"], json!(a));

    let before = npm.reloads();
    let (status, after) = api
        .put(
            &t,
            &path,
            json!({"forward_host": "127.0.0.1", "forward_port": b, "forward_scheme": "http"}),
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(npm.reloads(), before + 1);
    assert_eq!(after["id"], json!(id));
    assert_eq!(after["forward_port"], json!(b));
    assert_eq!(after["certificate_id"], json!(5));
    assert_eq!(after["access_list_id"], json!(3));
    assert_eq!(after["block_exploits"], json!(true));
    assert_eq!(after["advanced_config"], json!("add_header X-Operator kept;"));
    assert_eq!(after["meta"]["letsencrypt_agree"], json!(true));
    assert_eq!(after["meta"]["nginx_online"], json!(true));
    let conf = npm.host_conf(id).expect("conf rendered");
    assert!(conf.contains("add_header X-Operator kept;"), "{conf}");
    assert!(conf.contains(&format!("proxy_pass http://127.0.0.1:{b};")), "{conf}");
    wait_for_body(&npm, "keep.test", "up-B").await;

    // meta and locations are replaced whole.
    let (status, after) = api
        .put(&t, &path, json!({"meta": {"custom": 1}, "locations": null}))
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(
        after["meta"],
        json!({"custom": 1, "nginx_online": true, "nginx_err": null})
    );
    assert_eq!(after["locations"], Value::Null);
    assert_eq!(after["certificate_id"], json!(5));

    // PUT {"enabled": false} does not take the host offline.
    let (status, after) = api.put(&t, &path, json!({"enabled": false})).await;
    assert_eq!(status, 200);
    assert_eq!(after["enabled"], json!(false));
    assert!(npm.host_conf(id).is_some());
    wait_for_body(&npm, "keep.test", "up-B").await;

    // The log shows exactly what was sent.
    let puts: Vec<_> = npm
        .request_log()
        .into_iter()
        .filter(|r| r.method == "PUT" && r.status == 200)
        .collect();
    assert_eq!(puts[0].body_keys(), ["forward_host", "forward_port", "forward_scheme"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_domains_soft_delete_and_ids() {
    let npm = FakeNpm::start(FakeNpmOptions::default()).await;
    let api = Api::new(&npm);
    let t = api.login(&npm).await;
    let p = "/api/nginx/proxy-hosts";
    let one = api.post(&t, p, host_body(&["one.test", "www.one.test"], 9)).await;
    assert_eq!(one.0, 201);
    let two = api.post(&t, p, host_body(&["two.test"], 9)).await;
    let (id1, id2) = (one.1["id"].as_i64().expect("id"), two.1["id"].as_i64().expect("id"));

    assert_error(
        &api.post(&t, p, host_body(&["new.test", "WWW.One.Test"], 9)).await,
        400,
        "WWW.One.Test is already in use",
    );
    assert_error(
        &api.put(
            &t,
            &format!("{p}/{id2}"),
            json!({"domain_names": ["two.test", "one.test"]}),
        )
        .await,
        400,
        "one.test is already in use",
    );
    // Own names do not count.
    let own = api
        .put(
            &t,
            &format!("{p}/{id1}"),
            json!({"domain_names": ["www.one.test", "one.test"]}),
        )
        .await;
    assert_eq!(own.0, 200, "{}", own.1);
    assert_eq!(own.1["domain_names"], json!(["one.test", "www.one.test"]));
    // Disabled hosts still hold their names.
    assert_eq!(api.post(&t, &format!("{p}/{id2}/disable"), json!({})).await.0, 200);
    assert_error(
        &api.post(&t, p, host_body(&["two.test"], 9)).await,
        400,
        "two.test is already in use",
    );
    npm.reserve_domain("redirect.test");
    assert_error(
        &api.post(&t, p, host_body(&["redirect.test"], 9)).await,
        400,
        "redirect.test is already in use",
    );

    // Soft delete: 200 true, then 404, the names are free, ids not reused.
    let del = api.delete(&t, &format!("{p}/{id2}")).await;
    assert_eq!(del, (200, json!(true)));
    assert!(npm.is_deleted(id2));
    assert_error(
        &api.get(&t, &format!("{p}/{id2}")).await,
        404,
        &format!("Not Found - {id2}"),
    );
    assert_error(
        &api.delete(&t, &format!("{p}/{id2}")).await,
        404,
        &format!("Not Found - {id2}"),
    );
    assert_error(
        &api.put(&t, &format!("{p}/{id2}"), json!({"forward_port": 1})).await,
        404,
        &format!("Not Found - {id2}"),
    );
    let three = api.post(&t, p, host_body(&["two.test"], 9)).await;
    assert_eq!(three.0, 201, "{}", three.1);
    assert_eq!(three.1["id"].as_i64(), Some(id2 + 1));
    assert!(npm.host(id2).is_none());
    assert_eq!(npm.hosts().len(), 2);
    assert_eq!(npm.request_log().iter().filter(|r| r.method == "DELETE").count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_is_sorted_and_supports_query_and_expand() {
    let npm = FakeNpm::start(FakeNpmOptions::default()).await;
    let api = Api::new(&npm);
    let t = api.login(&npm).await;
    for d in ["zeta.test", "alpha.test", "mid.example"] {
        npm.create_host_by_hand(&[d], "127.0.0.1", 9, json!({"certificate_id": 2}));
    }
    let (status, list) = api.get(&t, "/api/nginx/proxy-hosts").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|h| h["domain_names"][0].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["alpha.test", "mid.example", "zeta.test"]);
    assert!(list[0].get("owner").is_none());

    let (_, found) = api.get(&t, "/api/nginx/proxy-hosts?query=EXAMPLE").await;
    assert_eq!(found.as_array().expect("array").len(), 1);
    assert_eq!(found[0]["domain_names"], json!(["mid.example"]));

    let (status, expanded) = api
        .get(&t, "/api/nginx/proxy-hosts?expand=owner,certificate,access_list")
        .await;
    assert_eq!(status, 200);
    assert_eq!(expanded[0]["owner"]["email"], json!(npm.email()));
    assert_eq!(expanded[0]["certificate"]["id"], json!(2));
    assert_eq!(expanded[0]["access_list"], Value::Null);
    let encoded = api.get(&t, "/api/nginx/proxy-hosts?expand=owner%2Ccertificate").await;
    assert_eq!(encoded.0, 200);

    let bad = api.get(&t, "/api/nginx/proxy-hosts?expand=owner,bogus").await;
    assert_eq!(bad.0, 500, "{}", bad.1);
    assert_eq!(bad.1["error"]["code"], json!(500));
    let bad_one = api.get(&t, "/api/nginx/proxy-hosts/1?expand=nope").await;
    assert_eq!(bad_one.0, 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enable_disable_rules_and_traffic() {
    let npm = FakeNpm::start(FakeNpmOptions::default()).await;
    let api = Api::new(&npm);
    let t = api.login(&npm).await;
    let a = upstream("up-A");
    let id = npm.create_host_by_hand(&["toggle.test"], "127.0.0.1", a, json!({}))["id"]
        .as_i64()
        .expect("id");
    wait_for_body(&npm, "toggle.test", "up-A").await;
    let p = format!("/api/nginx/proxy-hosts/{id}");

    assert_error(
        &api.post(&t, &format!("{p}/enable"), json!({})).await,
        400,
        "Host is already enabled",
    );
    assert_eq!(
        api.post(&t, &format!("{p}/disable"), json!({})).await,
        (200, json!(true))
    );
    assert!(npm.host_conf(id).is_none());
    assert_eq!(npm.host(id).expect("host")["enabled"], json!(false));
    wait_for_body(&npm, "toggle.test", "fake-npm default site\n").await;
    assert_error(
        &api.post(&t, &format!("{p}/disable"), json!({})).await,
        400,
        "Host is already disabled",
    );
    assert_eq!(
        api.post(&t, &format!("{p}/enable"), json!({})).await,
        (200, json!(true))
    );
    wait_for_body(&npm, "toggle.test", "up-A").await;
    assert_error(
        &api.post(&t, "/api/nginx/proxy-hosts/99/enable", json!({})).await,
        404,
        "Not Found - 99",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_failure_answers_200_with_nginx_online_false() {
    let npm = FakeNpm::start(FakeNpmOptions::default()).await;
    let api = Api::new(&npm);
    let t = api.login(&npm).await;
    let a = upstream("up-A");
    let b = upstream("up-B");
    let p = "/api/nginx/proxy-hosts";

    // A bad advanced_config really fails `nginx -t`.
    let mut body = host_body(&["bad.test"], a);
    body["advanced_config"] = json!("this_is_not_a_directive on;");
    let (status, created) = api.post(&t, p, body).await;
    assert_eq!(status, 201, "still 201: {created}");
    let (_, bad) = api
        .get(&t, &format!("{p}/{}", created["id"].as_i64().expect("id")))
        .await;
    assert_eq!(bad["meta"]["nginx_online"], json!(false), "{bad}");
    let msg = bad["meta"]["nginx_err"].as_str().expect("nginx_err");
    assert!(msg.contains("this_is_not_a_directive"), "{msg}");
    let bad_id = bad["id"].as_i64().expect("id");
    assert!(npm.host_conf(bad_id).is_none(), "conf removed");
    wait_for_body(&npm, "bad.test", "fake-npm default site\n").await;
    // Fixing it brings it online.
    let (_, fixed) = api
        .put(&t, &format!("{p}/{bad_id}"), json!({"advanced_config": ""}))
        .await;
    assert_eq!(fixed["meta"]["nginx_online"], json!(true), "{fixed}");
    assert_eq!(fixed["meta"]["nginx_err"], Value::Null);
    wait_for_body(&npm, "bad.test", "up-A").await;

    // make_next_write_offline: the PUT answers 200, the host is offline.
    let id = api.post(&t, p, host_body(&["swap.test"], a)).await.1["id"]
        .as_i64()
        .expect("id");
    wait_for_body(&npm, "swap.test", "up-A").await;
    npm.make_next_write_offline();
    let (status, put) = api.put(&t, &format!("{p}/{id}"), json!({"forward_port": b})).await;
    assert_eq!(status, 200);
    assert_eq!(put["meta"]["nginx_online"], json!(false));
    assert!(put["meta"]["nginx_err"].is_string());
    assert_eq!(put["forward_port"], json!(b), "the row is saved anyway");
    let (_, got) = api.get(&t, &format!("{p}/{id}")).await;
    assert_eq!(got["meta"]["nginx_online"], json!(false));
    wait_for_body(&npm, "swap.test", "fake-npm default site\n").await;
    // Only once: the next write is fine.
    let (_, put) = api.put(&t, &format!("{p}/{id}"), json!({"forward_port": a})).await;
    assert_eq!(put["meta"]["nginx_online"], json!(true));
    wait_for_body(&npm, "swap.test", "up-A").await;

    // break_nginx_for: every write of that host fails until fixed.
    npm.break_nginx_for(id);
    for port in [b, a] {
        let (_, put) = api.put(&t, &format!("{p}/{id}"), json!({"forward_port": port})).await;
        assert_eq!(put["meta"]["nginx_online"], json!(false));
    }
    npm.fix_nginx_for(id);
    let (_, put) = api.put(&t, &format!("{p}/{id}"), json!({"forward_port": b})).await;
    assert_eq!(put["meta"]["nginx_online"], json!(true));
    wait_for_body(&npm, "swap.test", "up-B").await;
    // Other hosts kept serving throughout.
    wait_for_body(&npm, "bad.test", "up-A").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_controls_unreachable_and_request_log() {
    let npm = FakeNpm::start(FakeNpmOptions::default()).await;
    let api = Api::new(&npm);
    let t = api.login(&npm).await;
    let id = npm.create_host_by_hand(&["f.test"], "127.0.0.1", 9, json!({}))["id"]
        .as_i64()
        .expect("id");
    let path = format!("/api/nginx/proxy-hosts/{id}");

    npm.fail_next_put(500);
    assert_error(
        &api.put(&t, &path, json!({"forward_port": 10})).await,
        500,
        "Internal Error",
    );
    assert_eq!(npm.host(id).expect("host")["forward_port"], json!(9), "not applied");
    assert_eq!(api.put(&t, &path, json!({"forward_port": 10})).await.0, 200);

    npm.fail_puts(2, 502);
    for _ in 0..2 {
        assert_error(
            &api.put(&t, &path, json!({"forward_port": 11})).await,
            502,
            "Bad Gateway",
        );
    }
    assert_eq!(api.put(&t, &path, json!({"forward_port": 11})).await.0, 200);

    npm.fail_requests("GET", "/api/nginx/proxy-hosts/", 1, 503);
    assert_eq!(api.get(&t, &path).await.0, 503);
    assert_eq!(api.get(&t, &path).await.0, 200);
    npm.fail_requests("*", "", 5, 500);
    npm.clear_failures();
    assert_eq!(api.get(&t, &path).await.0, 200);

    // Unreachable: connections are refused, nginx keeps serving.
    npm.set_unreachable(true);
    // A fresh client: a pooled keep-alive connection could race the
    // shutdown and fail mid-request instead of being refused.
    let err = client()
        .get(format!("{}/api/", npm.url()))
        .send()
        .await
        .expect_err("unreachable");
    assert!(err.is_connect(), "connection refused: {err:?}");
    let data = through_nginx(&client(), &npm.data_url(), "nobody.test")
        .await
        .expect("nginx still up");
    assert_eq!(data.0, 404);
    npm.set_unreachable(true); // idempotent
    npm.set_unreachable(false);
    npm.set_unreachable(false);
    assert_eq!(api.get(&t, &path).await.0, 200, "reachable again, same URL");

    let log = npm.request_log();
    assert!(log.iter().all(|r| r.method != "DELETE"));
    let puts: Vec<_> = log.iter().filter(|r| r.method == "PUT").collect();
    assert_eq!(puts.len(), 5);
    assert_eq!(
        puts.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 200, 502, 502, 200]
    );
    assert!(puts.iter().all(|r| r.body_keys() == ["forward_port"]));
    assert!(puts.iter().all(|r| r.bearer.as_deref() == Some(t.as_str())));
    assert_eq!(log[0].path, "/api/tokens");
    assert_eq!(log[0].body["identity"], json!(npm.email()));
    npm.clear_request_log();
    assert!(npm.request_log().is_empty());
}

/// The data plane: requests through nginx follow a PUT in place; none of a
/// keep-alive load loop running across the PUT fails.
#[test]
fn traffic_follows_put_in_place_without_failed_requests() {
    let npm = FakeNpm::start_blocking();
    let a = upstream("up-A");
    let b = upstream("up-B");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let api = Api::new(&npm);
        let t = api.login(&npm).await;
        let (status, host) = api
            .post(&t, "/api/nginx/proxy-hosts", host_body(&["app.test"], a))
            .await;
        assert_eq!(status, 201, "{host}");
        let id = host["id"].as_i64().expect("id");
        let took = wait_for_body(&npm, "app.test", "up-A").await;
        eprintln!("created host served after {took:?}");
        // The old workers' default site may still answer for a while.
        tokio::task::block_in_place(|| crate::common::proxies::assert_settled(npm.data_port(), "app.test", "up-A"));

        // 4 keep-alive clients x 50 requests; the PUT happens meanwhile.
        let sent = Arc::new(AtomicUsize::new(0));
        let data = npm.data_url();
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let data = data.clone();
            let sent = Arc::clone(&sent);
            tasks.push(tokio::spawn(async move {
                let c = client();
                let mut failures = Vec::new();
                let mut bodies = Vec::new();
                let mut retried = 0usize;
                for _ in 0..50 {
                    sent.fetch_add(1, Ordering::SeqCst);
                    // nginx closes idle keep-alive connections on reload: one
                    // immediate retry, as HTTP clients do for idempotent GETs.
                    let got = match through_nginx(&c, &data, "app.test").await {
                        Ok(ok) => Ok(ok),
                        Err(_) => {
                            retried += 1;
                            through_nginx(&c, &data, "app.test").await
                        }
                    };
                    match got {
                        Ok((200, body)) if body == "up-A" || body == "up-B" => bodies.push(body),
                        other => failures.push(format!("{other:?}")),
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                (failures, bodies, retried)
            }));
        }
        while sent.load(Ordering::SeqCst) < 60 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let started = Instant::now();
        let (status, put) = api
            .put(&t, &format!("/api/nginx/proxy-hosts/{id}"), json!({"forward_port": b}))
            .await;
        eprintln!("PUT answered after {:?}", started.elapsed());
        assert_eq!(status, 200, "{put}");
        assert_eq!(put["meta"]["nginx_online"], json!(true));
        let mut failures = Vec::new();
        let mut bodies = Vec::new();
        let mut retried = 0;
        for task in tasks {
            let (f, b, r) = task.await.expect("client task");
            failures.extend(f);
            bodies.extend(b);
            retried += r;
        }
        let b_count = bodies.iter().filter(|b| *b == "up-B").count();
        eprintln!(
            "load: {} ok ({} up-A, {b_count} up-B), {} failed, {retried} retried once",
            bodies.len(),
            bodies.len() - b_count,
            failures.len()
        );
        assert!(failures.is_empty(), "failed requests: {failures:?}");
        assert_eq!(bodies.len(), 200);
        let took = wait_for_body(&npm, "app.test", "up-B").await;
        assert!(took < Duration::from_secs(1), "the PUT took {took:?} to show in nginx");
        // Once switched, it stays switched.
        let c = client();
        for _ in 0..20 {
            let (s, body) = through_nginx(&c, &data, "app.test").await.expect("request");
            assert_eq!((s, body.as_str()), (200, "up-B"));
        }
        let (s, body) = through_nginx(&c, &data, "unknown.test").await.expect("request");
        assert_eq!((s, body.as_str()), (404, "fake-npm default site\n"));
    });
}

#[test]
fn fake_npm_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FakeNpm>();
}

#[test]
fn drop_stops_nginx_and_removes_the_temp_dir() {
    let npm = FakeNpm::start_blocking();
    let prefix = npm.nginx_prefix().to_path_buf();
    let port = npm.data_port();
    let api_addr = npm.url().trim_start_matches("http://").to_owned();
    assert!(prefix.join("conf/nginx.conf").is_file());
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    let up = upstream("up-A");
    npm.create_host_by_hand(&["sync.test"], "127.0.0.1", up, json!({}));
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let got = npm.fetch("sync.test", "/").expect("fetch through nginx");
        if got == (200, "up-A".to_owned()) {
            break;
        }
        assert_eq!(got, (404, "fake-npm default site\n".to_owned()), "before the reload");
        assert!(Instant::now() < deadline, "never served");
        std::thread::sleep(Duration::from_millis(10));
    }
    npm.stop();
    assert!(!prefix.exists(), "temp dir removed");
    let deadline = Instant::now() + Duration::from_secs(3);
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(Instant::now() < deadline, "nginx still listening on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(TcpStream::connect(api_addr.as_str()).is_err(), "API closed");
}
