//! `ebranch follow-up FILE`: the Stalled EPEL Requests policy. A week without a response
//! earns one reminder with a needinfo on the assignee; two weeks after that, the
//! escalation text is produced. Every date comes from Bugzilla; "now" is a parameter.

use crate::branch::Branch;
use crate::bugzilla::{Bug, BugUpdate, Bugzilla, BugzillaError, Comment};
use crate::pagure::DistGit;
use crate::report::Report;
use crate::request::bug_url;
use crate::templates::{self, Escalation};
use crate::time::Timestamp;

/// Days without a response before the reminder.
pub const PING_AFTER_DAYS: i64 = 7;
/// Days after the reminder before escalating.
pub const ESCALATE_AFTER_DAYS: i64 = 14;

/// Where a request stands under the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assessment {
    /// Closed, with its resolution.
    Closed {
        /// Resolution, e.g. `ERRATA`.
        resolution: String,
    },
    /// Someone other than the requester acted (commented or moved the status).
    Answered {
        /// When, as far as Bugzilla tells.
        at: Timestamp,
    },
    /// Too early for a reminder.
    Waiting {
        /// When the reminder becomes due.
        ping_due: Timestamp,
    },
    /// A week without a response and no reminder yet.
    PingDue,
    /// Reminded; waiting for the escalation date.
    Pinged {
        /// When the reminder was posted.
        at: Timestamp,
        /// When escalation becomes due.
        escalate_due: Timestamp,
    },
    /// Reminded two weeks ago and still no response.
    EscalationDue {
        /// When the reminder was posted.
        pinged_at: Timestamp,
    },
}

impl Assessment {
    /// Open with no response for at least a week.
    pub fn is_stalled(&self) -> bool {
        matches!(
            self,
            Self::PingDue | Self::Pinged { .. } | Self::EscalationDue { .. }
        )
    }
}

impl std::fmt::Display for Assessment {
    /// One line for the user.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Closed { resolution } => write!(f, "closed {resolution}"),
            Self::Answered { at } => write!(f, "answered ({at})"),
            Self::Waiting { ping_due } => write!(f, "waiting; reminder due {ping_due}"),
            Self::PingDue => f.write_str("no response for a week; reminder due"),
            Self::Pinged { at, escalate_due } => {
                write!(f, "reminded {at}; escalation due {escalate_due}")
            }
            Self::EscalationDue { pinged_at } => {
                write!(f, "reminded {pinged_at}, no response since; escalate")
            }
        }
    }
}

/// Judge one request. `requesters` are the logins on the asking side (the reporter is
/// always included); a response is any act by someone else, except a reminder.
pub fn assess(
    bug: &Bug,
    comments: &[Comment],
    requesters: &[String],
    now: Timestamp,
) -> Assessment {
    if !bug.is_open() {
        return Assessment::Closed {
            resolution: bug.resolution.clone(),
        };
    }
    let asker = |login: &str| login == bug.creator || requesters.iter().any(|r| r == login);
    let response = comments
        .iter()
        .filter(|c| c.count > 0 && !asker(&c.creator) && !templates::is_ping_comment(&c.text))
        .map(|c| c.creation_time)
        .max();
    if let Some(at) = response {
        return Assessment::Answered { at };
    }
    if bug.status != "NEW" {
        return Assessment::Answered {
            at: bug.last_change_time.or(bug.creation_time).unwrap_or(now),
        };
    }
    let ping_comment = comments
        .iter()
        .filter(|c| c.count > 0 && templates::is_ping_comment(&c.text))
        .map(|c| c.creation_time)
        .min();
    let ping_flag = bug
        .flags
        .iter()
        .filter(|f| {
            f.name == "needinfo" && f.requestee.as_deref() == Some(bug.assigned_to.as_str())
        })
        .filter_map(|f| f.creation_date)
        .min();
    let pinged = match (ping_comment, ping_flag) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(at) = pinged {
        let escalate_due = at.plus_days(ESCALATE_AFTER_DAYS);
        return if now >= escalate_due {
            Assessment::EscalationDue { pinged_at: at }
        } else {
            Assessment::Pinged { at, escalate_due }
        };
    }
    let filed = bug
        .creation_time
        .or_else(|| comments.first().map(|c| c.creation_time))
        .unwrap_or(now);
    let ping_due = filed.plus_days(PING_AFTER_DAYS);
    if now >= ping_due {
        Assessment::PingDue
    } else {
        Assessment::Waiting { ping_due }
    }
}

/// Options for a follow-up run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpOptions {
    /// Target branch named in the reminder.
    pub target: Branch,
    /// The requester's FAS account (offered as co-maintainer; named in the ticket).
    pub fas: Option<String>,
    /// Our Bugzilla login, when it differs from the reporter's (adopted requests).
    pub me: Option<String>,
    /// Bugzilla base URL, for links in the escalation text.
    pub bugzilla_url: String,
    /// The current time.
    pub now: Timestamp,
}

/// What follow-up did about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Nothing to do now.
    Nothing,
    /// Posted the reminder (and the needinfo, when there is an assignee).
    Pinged {
        /// Who was asked, if anyone.
        needinfo: Option<String>,
    },
    /// Open this ticket (ebranch does not file it).
    Escalate(Escalation),
}

/// One request's follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// Package.
    pub package: String,
    /// Its request.
    pub bug: u64,
    /// The assessment (before acting).
    pub assessment: Assessment,
    /// What was done or is to be done.
    pub action: Action,
    /// Why reading or acting failed, if it did.
    pub error: Option<String>,
}

/// Follow up every request named in the report. Reads go to Bugzilla (and dist-git for
/// the maintainers to cc); the only writes are reminders.
pub fn follow_up(
    bz: &dyn Bugzilla,
    dist_git: &dyn DistGit,
    report: &Report,
    options: &FollowUpOptions,
) -> Result<Vec<FollowUp>, BugzillaError> {
    let requests: Vec<(String, u64)> = report
        .packages
        .iter()
        .filter_map(|(name, entry)| entry.bug().map(|b| (name.clone(), b)))
        .collect();
    let ids: Vec<u64> = requests.iter().map(|(_, b)| *b).collect();
    let bugs = if ids.is_empty() {
        Vec::new()
    } else {
        bz.get(&ids)?
    };
    let requesters: Vec<String> = options.me.iter().cloned().collect();
    let mut results = Vec::new();
    for (package, id) in requests {
        let Some(bug) = bugs.iter().find(|b| b.id == id) else {
            results.push(FollowUp {
                package,
                bug: id,
                assessment: Assessment::Closed {
                    resolution: String::new(),
                },
                action: Action::Nothing,
                error: Some(format!("bug {id} was not returned by Bugzilla")),
            });
            continue;
        };
        let comments = match bug.is_open().then(|| bz.comments(id)).transpose() {
            Ok(c) => c.unwrap_or_default(),
            Err(e) => {
                results.push(FollowUp {
                    package,
                    bug: id,
                    assessment: Assessment::Closed {
                        resolution: String::new(),
                    },
                    action: Action::Nothing,
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        let assessment = assess(bug, &comments, &requesters, options.now);
        let (action, error) = act(bz, dist_git, bug, &package, &assessment, options);
        results.push(FollowUp {
            package,
            bug: id,
            assessment,
            action,
            error,
        });
    }
    Ok(results)
}

fn act(
    bz: &dyn Bugzilla,
    dist_git: &dyn DistGit,
    bug: &Bug,
    package: &str,
    assessment: &Assessment,
    options: &FollowUpOptions,
) -> (Action, Option<String>) {
    match assessment {
        Assessment::PingDue => {
            let needinfo = (!bug.assigned_to.is_empty()).then(|| bug.assigned_to.clone());
            let update = BugUpdate {
                comment: Some(templates::follow_up_comment(
                    package,
                    &options.target,
                    options.fas.as_deref(),
                )),
                needinfo: needinfo.clone(),
                ..Default::default()
            };
            match bz.update(bug.id, &update) {
                Ok(()) => (Action::Pinged { needinfo }, None),
                Err(e) => (Action::Nothing, Some(e.to_string())),
            }
        }
        Assessment::EscalationDue { .. } => {
            let (maintainers, error) = match dist_git.access(package) {
                Ok(access) => (access.map(|a| a.owners).unwrap_or_default(), None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            };
            let url = bug_url(&options.bugzilla_url, bug.id);
            let ticket = templates::escalation(
                package,
                &options.target,
                &url,
                options.fas.as_deref(),
                &maintainers,
            );
            (Action::Escalate(ticket), error)
        }
        _ => (Action::Nothing, None),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::fakes::{MemBugzilla, MemDistGit};

    fn t(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn bug(status: &str) -> Bug {
        serde_json::from_value(serde_json::json!({
            "id": 9, "status": status, "creator": "me@example.com",
            "assigned_to": "maint@example.com", "creation_time": "2025-03-01T10:00:00Z",
        }))
        .unwrap()
    }

    fn comment(count: u64, who: &str, when: &str, text: &str) -> Comment {
        Comment {
            count,
            text: text.into(),
            creator: who.into(),
            creation_time: t(when),
        }
    }

    fn desc() -> Comment {
        comment(
            0,
            "me@example.com",
            "2025-03-01T10:00:00Z",
            "Please branch and build foo in epel10.",
        )
    }

    #[test]
    fn timeline_of_a_silent_request() {
        let b = bug("NEW");
        let c = vec![desc()];
        assert_eq!(
            assess(&b, &c, &[], t("2025-03-08T09:59:59Z")),
            Assessment::Waiting {
                ping_due: t("2025-03-08T10:00:00Z")
            }
        );
        assert_eq!(
            assess(&b, &c, &[], t("2025-03-08T10:00:00Z")),
            Assessment::PingDue
        );

        let mut c = c;
        c.push(comment(
            1,
            "me@example.com",
            "2025-03-09T00:00:00Z",
            &crate::templates::follow_up_comment("foo", &Branch::new("epel10"), None),
        ));
        let a = assess(&b, &c, &[], t("2025-03-22T23:59:59Z"));
        assert_eq!(
            a,
            Assessment::Pinged {
                at: t("2025-03-09T00:00:00Z"),
                escalate_due: t("2025-03-23T00:00:00Z")
            }
        );
        assert!(a.is_stalled());
        assert_eq!(
            assess(&b, &c, &[], t("2025-03-23T00:00:00Z")),
            Assessment::EscalationDue {
                pinged_at: t("2025-03-09T00:00:00Z")
            }
        );
    }

    #[test]
    fn a_needinfo_on_the_assignee_counts_as_the_ping() {
        let mut b = bug("NEW");
        b.flags = serde_json::from_value(serde_json::json!([{"name": "needinfo", "status": "?",
            "requestee": "maint@example.com", "creation_date": "2025-03-10T00:00:00Z"}]))
        .unwrap();
        assert!(matches!(
            assess(&b, &[desc()], &[], t("2025-03-12T00:00:00Z")),
            Assessment::Pinged { .. }
        ));
    }

    #[test]
    fn responses_and_closure_stop_the_clock() {
        let b = bug("NEW");
        let c = vec![
            desc(),
            comment(1, "maint@example.com", "2025-03-02T00:00:00Z", "Will do."),
        ];
        assert_eq!(
            assess(&b, &c, &[], t("2025-05-01T00:00:00Z")),
            Assessment::Answered {
                at: t("2025-03-02T00:00:00Z")
            }
        );
        // A comment by a declared requester (adopted bug) is not a response.
        let c2 = vec![
            desc(),
            comment(1, "other-me@example.com", "2025-03-02T00:00:00Z", "+1"),
        ];
        assert_eq!(
            assess(
                &b,
                &c2,
                &["other-me@example.com".into()],
                t("2025-05-01T00:00:00Z")
            ),
            Assessment::PingDue
        );
        assert!(matches!(
            assess(&bug("ASSIGNED"), &[desc()], &[], t("2025-05-01T00:00:00Z")),
            Assessment::Answered { .. }
        ));
        let mut closed = bug("CLOSED");
        closed.resolution = "ERRATA".into();
        assert_eq!(
            assess(&closed, &[], &[], t("2025-05-01T00:00:00Z")),
            Assessment::Closed {
                resolution: "ERRATA".into()
            }
        );
    }

    #[test]
    fn follow_up_pings_once_then_escalates() {
        let bz = MemBugzilla::default();
        bz.add_bug(
            9,
            "foo",
            "Please branch and build foo in epel10",
            "NEW",
            "2025-03-01T10:00:00Z",
        );
        bz.comments.borrow_mut().insert(9, vec![desc()]);
        let mut dg = MemDistGit::default();
        dg.owners.insert("foo".into(), vec!["maintfas".into()]);
        let report =
            Report::from_json(r#"{"foo": {"bug": 9}, "bar": {}}"#, Path::new("r")).unwrap();
        let mut opts = FollowUpOptions {
            target: Branch::new("epel10"),
            fas: Some("jdoe".into()),
            me: None,
            bugzilla_url: "https://bugzilla.redhat.com".into(),
            now: t("2025-03-09T00:00:00Z"),
        };
        let r = follow_up(&bz, &dg, &report, &opts).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0].action,
            Action::Pinged {
                needinfo: Some("maint@example.com".into())
            }
        );
        let writes = bz.writes.borrow().clone();
        assert_eq!(writes.len(), 1);
        assert!(writes[0].contains("\"requestee\":\"maint@example.com\""));
        assert!(writes[0].contains("(FAS: jdoe)"));

        // Bugzilla now shows the reminder (as the real server would).
        let text = crate::templates::follow_up_comment("foo", &opts.target, Some("jdoe"));
        bz.comments.borrow_mut().get_mut(&9).unwrap().push(comment(
            1,
            "someone@example.com",
            "2025-03-09T00:00:00Z",
            &text,
        ));
        opts.now = t("2025-03-15T00:00:00Z");
        let r = follow_up(&bz, &dg, &report, &opts).unwrap();
        assert_eq!(r[0].action, Action::Nothing);
        assert_eq!(bz.writes.borrow().len(), 1, "pinged once only");

        opts.now = t("2025-03-23T00:00:00Z");
        let r = follow_up(&bz, &dg, &report, &opts).unwrap();
        let Action::Escalate(ticket) = &r[0].action else {
            panic!("{:?}", r[0])
        };
        assert_eq!(ticket.title, "Stalled EPEL package: foo");
        assert!(
            ticket
                .body
                .contains("https://bugzilla.redhat.com/show_bug.cgi?id=9")
        );
        assert!(ticket.body.contains("cc: @maintfas"));
        assert_eq!(
            bz.writes.borrow().len(),
            1,
            "escalation is printed, not filed"
        );
    }
}
