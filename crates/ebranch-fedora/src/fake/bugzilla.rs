//! A stateful fake of Red Hat's Bugzilla REST API: bugs created are found by later
//! searches, links and flags added are seen by later gets. It answers in Red Hat's
//! shapes (component/version as arrays, `total_matches`, error objects with codes) and
//! requires `Authorization: Bearer` for writes, refusing keys in the query.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::server::{FakeServer, Reply, Seen};
use crate::time::Timestamp;

/// The only API key the fake accepts.
pub const KEY: &str = "fake-api-key-0123456789";
/// The login of whoever holds [`KEY`]: reporter of the bugs filed through the fake.
pub const REPORTER: &str = "requester@example.com";

/// A bug as the fake stores it.
#[derive(Clone, Debug)]
pub struct FakeBug {
    /// Number.
    pub id: u64,
    /// Product.
    pub product: String,
    /// Component.
    pub component: String,
    /// Version.
    pub version: String,
    /// Summary.
    pub summary: String,
    /// Status (`NEW`, `ASSIGNED`, `CLOSED`).
    pub status: String,
    /// Resolution when closed.
    pub resolution: String,
    /// Reporter's login.
    pub creator: String,
    /// Assignee's login.
    pub assigned_to: String,
    /// When it was filed (Bugzilla's `YYYY-MM-DDTHH:MM:SSZ`).
    pub creation_time: String,
    /// Bugs it depends on.
    pub depends_on: BTreeSet<u64>,
    /// Bugs it blocks.
    pub blocks: BTreeSet<u64>,
    /// Flags as Bugzilla shows them.
    pub flags: Vec<Value>,
    /// Comments: creator, time, text; the description first.
    pub comments: Vec<(String, String, String)>,
    /// Alias, e.g. a tracker's.
    pub alias: Option<String>,
    /// When closed `DUPLICATE`: the bug it duplicates.
    pub dupe_of: Option<u64>,
}

impl FakeBug {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id, "product": self.product, "component": [self.component],
            "version": [self.version], "summary": self.summary, "status": self.status,
            "resolution": self.resolution, "creator": self.creator, "assigned_to": self.assigned_to,
            "creation_time": self.creation_time, "last_change_time": self.creation_time,
            "depends_on": self.depends_on, "blocks": self.blocks, "flags": self.flags,
            "is_open": self.status != "CLOSED", "alias": self.alias.iter().collect::<Vec<_>>(),
            "dupe_of": self.dupe_of, "cf_fixed_in": "", "sub_components": {},
        })
    }
}

/// Everything the fake Bugzilla knows.
#[derive(Default)]
pub struct BzState {
    /// Product → its components.
    pub components: BTreeMap<String, BTreeSet<String>>,
    /// The bugs.
    pub bugs: BTreeMap<u64, FakeBug>,
    /// The number the next bug gets.
    pub next_id: u64,
    /// The clock used for creation times and comments.
    pub now: String,
    /// Use the real clock instead of `now`.
    pub real_clock: bool,
    /// Days added to the clock (the `fake-services` example's `POST /_fake/clock`).
    pub offset_days: i64,
    /// Components whose next create answers HTTP 500 (after which the bug does NOT exist).
    pub fail_create: BTreeSet<String>,
}

impl BzState {
    /// The state [`FakeBugzilla::start`] begins with: components in `Fedora EPEL`
    /// (`epel`), in `Fedora` (all of them plus `fedora_only`), a tracker product, bug
    /// numbers from 2300001 and the clock at 2025-03-01T12:00:00Z.
    pub fn new(epel: &[&str], fedora_only: &[&str]) -> Self {
        let mut state = BzState {
            next_id: 2_300_001,
            now: "2025-03-01T12:00:00Z".into(),
            ..Default::default()
        };
        let all: BTreeSet<String> = epel
            .iter()
            .chain(fedora_only)
            .map(|s| s.to_string())
            .collect();
        state.components.insert(
            "Fedora EPEL".into(),
            epel.iter().map(|s| s.to_string()).collect(),
        );
        state.components.insert("Fedora".into(), all);
        state.components.insert(
            "Fedora EPEL Trackers".into(),
            ["tracker".to_string()].into(),
        );
        state
    }

    /// The current time of the fake.
    pub fn now(&self) -> String {
        let base = if self.real_clock {
            Timestamp::now()
        } else {
            match Timestamp::parse(&self.now) {
                Some(t) => t,
                None => return self.now.clone(),
            }
        };
        base.plus_days(self.offset_days).to_string()
    }
}

/// A fake Bugzilla on its own loopback server.
pub struct FakeBugzilla {
    /// Its state, shared with the server thread.
    pub state: Arc<Mutex<BzState>>,
    /// The server.
    pub server: FakeServer,
}

impl FakeBugzilla {
    /// Components in `Fedora EPEL`; every one is also in `Fedora`, plus `fedora_only`.
    pub fn start(epel: &[&str], fedora_only: &[&str]) -> Self {
        let state = Arc::new(Mutex::new(BzState::new(epel, fedora_only)));
        let handler_state = state.clone();
        let server = FakeServer::start(Arc::new(move |seen: &Seen| handle(&handler_state, seen)));
        Self { state, server }
    }

    /// Add a bug directly (as if filed earlier by someone).
    pub fn seed(&self, bug: FakeBug) {
        self.state.lock().unwrap().bugs.insert(bug.id, bug);
    }

    /// Bug `id` as stored now (panics if there is none).
    pub fn bug(&self, id: u64) -> FakeBug {
        self.state.lock().unwrap().bugs[&id].clone()
    }

    /// Set the fake's clock.
    pub fn set_now(&self, now: &str) {
        self.state.lock().unwrap().now = now.into();
    }
}

/// A bug filed earlier by someone else.
pub fn earlier_bug(
    id: u64,
    component: &str,
    summary: &str,
    status: &str,
    created: &str,
) -> FakeBug {
    FakeBug {
        id,
        product: "Fedora EPEL".into(),
        component: component.into(),
        version: "epel10".into(),
        summary: summary.into(),
        status: status.into(),
        resolution: String::new(),
        creator: "someone-else@example.com".into(),
        assigned_to: format!("{component}-maint@example.com"),
        creation_time: created.into(),
        depends_on: BTreeSet::new(),
        blocks: BTreeSet::new(),
        flags: Vec::new(),
        comments: vec![(
            "someone-else@example.com".into(),
            created.into(),
            summary.into(),
        )],
        alias: None,
        dupe_of: None,
    }
}

fn error(status: u16, code: i64, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": true, "code": code, "message": message,
               "documentation": "https://bugzilla.redhat.com/docs/en/html/api/index.html"}),
    )
}

/// Answer one request to `/rest/…`; `None` for anything the fake does not declare.
pub fn handle(state: &Mutex<BzState>, seen: &Seen) -> Option<Reply> {
    if !seen.path.starts_with("/rest/") {
        return None;
    }
    // Red Hat's Bugzilla errors when auth parameters come with the header: never send them.
    if seen
        .query
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("api_key") || k == "Bugzilla_api_key")
    {
        return None;
    }
    let auth = seen.headers.get("authorization").cloned();
    if let Some(a) = &auth
        && a != &format!("Bearer {KEY}")
    {
        return Some(error(401, 306, "The API key you specified is invalid."));
    }
    if seen.method != "GET" && auth.is_none() {
        return Some(error(
            401,
            410,
            "You must log in before using this part of Red Hat Bugzilla.",
        ));
    }
    let mut st = state.lock().unwrap();
    let rest: Vec<&str> = seen.path.trim_start_matches("/rest/").split('/').collect();
    match (seen.method.as_str(), rest.as_slice()) {
        ("GET", ["bug"]) => Some(search(&st, seen)),
        ("GET", ["bug", id]) => Some(match find(&st, id) {
            Some(b) => Reply::json(200, json!({"bugs": [b.to_json()], "faults": []})),
            None => error(404, 101, &format!("Bug #{id} does not exist.")),
        }),
        ("GET", ["bug", id, "comment"]) => {
            let b = find(&st, id)?;
            let comments: Vec<Value> = b
                .comments
                .iter()
                .enumerate()
                .map(|(i, (who, when, text))| {
                    json!({"id": b.id * 100 + i as u64, "bug_id": b.id, "count": i, "text": text,
                           "creator": who, "creation_time": when, "time": when,
                           "is_private": false, "attachment_id": null, "tags": []})
                })
                .collect();
            Some(Reply::json(
                200,
                json!({"bugs": {b.id.to_string(): {"comments": comments}}, "comments": {}}),
            ))
        }
        ("POST", ["bug"]) => Some(create(&mut st, &seen.json())),
        ("PUT", ["bug", id]) => {
            let id: u64 = id.parse().ok()?;
            Some(update(&mut st, id, &seen.json())?)
        }
        _ => None,
    }
}

fn find<'a>(st: &'a BzState, id_or_alias: &str) -> Option<&'a FakeBug> {
    match id_or_alias.parse::<u64>() {
        Ok(id) => st.bugs.get(&id),
        Err(_) => st
            .bugs
            .values()
            .find(|b| b.alias.as_deref() == Some(id_or_alias)),
    }
}

fn search(st: &BzState, seen: &Seen) -> Reply {
    if let Some(ids) = seen.param("id") {
        let ids: Vec<u64> = ids.split(',').filter_map(|i| i.parse().ok()).collect();
        let bugs: Vec<Value> = ids
            .iter()
            .filter_map(|i| st.bugs.get(i))
            .map(FakeBug::to_json)
            .collect();
        return Reply::json(200, json!({"bugs": bugs, "faults": []}));
    }
    let products = seen.params("product");
    let statuses = seen.params("status");
    let component = seen.param("component");
    let summary = seen.param("summary").map(str::to_lowercase);
    if products.is_empty() && component.is_none() && summary.is_none() {
        return error(
            400,
            1000,
            "You may not search, or create saved searches, without any search terms.",
        );
    }
    let matching: Vec<&FakeBug> = st
        .bugs
        .values()
        .filter(|b| products.is_empty() || products.contains(&b.product.as_str()))
        .filter(|b| statuses.is_empty() || statuses.contains(&b.status.as_str()))
        .filter(|b| component.is_none_or(|c| c == b.component))
        .filter(|b| {
            summary
                .as_deref()
                .is_none_or(|s| b.summary.to_lowercase().contains(s))
        })
        .collect();
    let mut limit: usize = match seen.param("limit").and_then(|l| l.parse().ok()) {
        Some(0) => 1000,
        Some(l) => l.min(1000),
        None => 20,
    };
    if !seen.headers.contains_key("authorization") {
        limit = limit.min(20); // anonymous queries are held to 20 rows
    }
    let offset: usize = seen
        .param("offset")
        .and_then(|o| o.parse().ok())
        .unwrap_or(0);
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|b| b.to_json())
        .collect();
    Reply::json(
        200,
        json!({"bugs": page, "total_matches": matching.len(), "limit": limit.to_string(), "faults": []}),
    )
}

fn create(st: &mut BzState, body: &Value) -> Reply {
    let field = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (product, component, version, summary) = (
        field("product"),
        field("component"),
        field("version"),
        field("summary"),
    );
    for (name, value, code) in [
        ("product", &product, 50),
        ("component", &component, 50),
        ("version", &version, 50),
        ("summary", &summary, 107),
    ] {
        if value.is_empty() {
            return error(
                400,
                code,
                &format!("A required parameter, {name}, was not provided."),
            );
        }
    }
    let Some(components) = st.components.get(&product) else {
        return error(
            400,
            106,
            &format!("Product '{product}' does not exist or you don't have access to it."),
        );
    };
    if !components.contains(&component) {
        return error(
            404,
            51,
            &format!("There is no component named '{component}' in the '{product}' product."),
        );
    }
    let version_ok = match product.as_str() {
        "Fedora EPEL" => ["epel8", "epel9", "epel10"].contains(&version.as_str()),
        _ => version == "rawhide" || version.parse::<u32>().is_ok(),
    };
    if !version_ok {
        return error(
            400,
            104,
            &format!("There is no version named '{version}' in the '{product}' product."),
        );
    }
    if st.fail_create.remove(&component) {
        return Reply::text(500, "<html><body>Internal Server Error</body></html>");
    }
    let ids = |k: &str| -> BTreeSet<u64> {
        body.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default()
    };
    let id = st.next_id;
    st.next_id += 1;
    let now = st.now();
    let bug = FakeBug {
        id,
        product,
        component: component.clone(),
        version,
        summary,
        status: "NEW".into(),
        resolution: String::new(),
        creator: REPORTER.into(),
        assigned_to: format!("{component}-maint@example.com"),
        creation_time: now.clone(),
        depends_on: ids("depends_on"),
        blocks: ids("blocks"),
        flags: Vec::new(),
        comments: vec![(REPORTER.into(), now, field("description"))],
        alias: None,
        dupe_of: None,
    };
    st.bugs.insert(id, bug);
    Reply::json(200, json!({"id": id}))
}

fn update(st: &mut BzState, id: u64, body: &Value) -> Option<Reply> {
    let now = st.now();
    let Some(bug) = st.bugs.get_mut(&id) else {
        return Some(error(404, 101, &format!("Bug #{id} does not exist.")));
    };
    for (field, set) in [
        ("depends_on", &mut bug.depends_on),
        ("blocks", &mut bug.blocks),
    ] {
        if let Some(change) = body.get(field) {
            // ebranch only ever adds links: a "set" or "remove" is not declared.
            if change.get("set").is_some() || change.get("remove").is_some() {
                return None;
            }
            for dep in change.get("add")?.as_array()? {
                set.insert(dep.as_u64()?);
            }
        }
    }
    if let Some(text) = body
        .get("comment")
        .and_then(|c| c.get("body"))
        .and_then(Value::as_str)
    {
        bug.comments
            .push((REPORTER.into(), now.clone(), text.to_string()));
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_array) {
        for flag in flags {
            let mut flag = flag.clone();
            flag["setter"] = json!(REPORTER);
            flag["creation_date"] = json!(now);
            flag["modification_date"] = json!(now);
            bug.flags.push(flag);
        }
    }
    Some(Reply::json(
        200,
        json!({"bugs": [{"id": id, "alias": [], "last_change_time": now, "changes": {}}]}),
    ))
}
