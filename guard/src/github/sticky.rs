//! One comment per pull request: the guard's comment starts with [`MARKER`]; it is looked up on every page
//! of the PR's comments and edited in place, or created when there is none. Re-running never adds a second
//! comment, also after a create whose answer was lost (the next try looks again before creating).

use super::{Api, Comment, Error, ErrorKind, Repo, Result};

/// The hidden HTML comment that marks the guard's comment (first line of its body; not rendered).
pub const MARKER: &str = "<!-- guard:performance-report -->";

/// Most pages of comments read (100 per page).
pub const MAX_PAGES: usize = 300;

/// Where to comment and whose comments count as the guard's own.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// Repository.
    pub repo: &'a Repo,
    /// Pull request number.
    pub pr: u64,
    /// Only comments by this login are the guard's (e.g. `github-actions[bot]`); `None`: any author, bots
    /// preferred.
    pub author: Option<&'a str>,
}

/// What [`upsert`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// A new comment.
    Created(Comment),
    /// The existing comment, edited.
    Updated(Comment),
}

impl Posted {
    /// The comment that now holds the report.
    #[must_use]
    pub const fn comment(&self) -> &Comment {
        match self {
            Self::Created(c) | Self::Updated(c) => c,
        }
    }
}

/// Whether `comment` is the guard's comment for `target`.
fn is_ours(comment: &Comment, target: &Target<'_>) -> bool {
    let marked = comment
        .body
        .as_deref()
        .is_some_and(|b| b.trim_start().starts_with(MARKER));
    let by = comment.user.as_ref();
    marked
        && target
            .author
            .is_none_or(|a| by.is_some_and(|u| u.login.eq_ignore_ascii_case(a)))
}

/// The guard's comment on the PR, if any: the oldest marked comment (by a bot when there are marked
/// comments by bots and others), looked for on every page.
///
/// # Errors
/// Any API error, or more than [`MAX_PAGES`] pages.
pub fn find(api: &dyn Api, target: &Target<'_>) -> Result<Option<Comment>> {
    let mut next: Option<String> = None;
    let mut first_marked: Option<Comment> = None;
    for _ in 0..MAX_PAGES {
        let page = api.comments_page(target.repo, target.pr, next.as_deref())?;
        for c in page.comments {
            if !is_ours(&c, target) {
                continue;
            }
            if c.user.as_ref().is_some_and(|u| u.kind == "Bot") {
                return Ok(Some(c));
            }
            first_marked.get_or_insert(c);
        }
        match page.next {
            Some(n) if Some(&n) != next.as_ref() => next = Some(n),
            _ => return Ok(first_marked),
        }
    }
    Err(Error::new(
        ErrorKind::Protocol,
        format!(
            "PR #{} of {} has more than {MAX_PAGES} pages of comments; not looking further",
            target.pr, target.repo
        ),
    ))
}

/// Puts `body` (which must start with [`MARKER`]) into the guard's comment: edits it when it exists, creates
/// it otherwise. A transient failure of the create (which may have created the comment after all) or a
/// comment deleted meanwhile leads to a new look-up, at most `attempts` rounds in all.
///
/// # Errors
/// The last API error.
pub fn upsert(api: &dyn Api, target: &Target<'_>, body: &str, attempts: u32) -> Result<Posted> {
    let attempts = attempts.max(1);
    let mut round = 0;
    loop {
        round += 1;
        let result = match find(api, target)? {
            Some(existing) => api
                .update_comment(target.repo, existing.id, body)
                .map(Posted::Updated),
            None => api
                .create_comment(target.repo, target.pr, body)
                .map(Posted::Created),
        };
        match result {
            Err(e)
                if round < attempts
                    && (e.kind().is_transient() || e.kind() == ErrorKind::NotFound) =>
            {
                eprintln!("guard: {e}; looking for the comment again");
                api.pause(round);
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::github::{Page, PullRequest, User};

    /// An in-memory PR conversation; `fail_creates` makes that many creates fail after storing the comment
    /// (an answer lost on the way back).
    #[derive(Default)]
    struct Fake {
        comments: RefCell<Vec<Comment>>,
        per_page: usize,
        fail_creates: RefCell<u32>,
        calls: RefCell<Vec<String>>,
    }

    fn comment(id: u64, body: &str, login: &str, kind: &str) -> Comment {
        Comment {
            id,
            body: Some(body.into()),
            user: Some(User {
                login: login.into(),
                kind: kind.into(),
            }),
            html_url: format!("https://x/c/{id}"),
        }
    }

    impl Api for Fake {
        fn pull_request(&self, _: &Repo, number: u64) -> Result<PullRequest> {
            Ok(PullRequest {
                number,
                state: "open".into(),
                head_sha: "0".repeat(40),
            })
        }

        fn comments_page(&self, _: &Repo, _: u64, next: Option<&str>) -> Result<Page> {
            let page: usize = next.map_or(0, |n| n.parse().unwrap());
            self.calls.borrow_mut().push(format!("list {page}"));
            let all = self.comments.borrow();
            let per = self.per_page.max(1);
            let start = (page * per).min(all.len());
            let end = (start + per).min(all.len());
            Ok(Page {
                comments: all[start..end].to_vec(),
                next: (end < all.len()).then(|| (page + 1).to_string()),
            })
        }

        fn create_comment(&self, _: &Repo, _: u64, body: &str) -> Result<Comment> {
            self.calls.borrow_mut().push("create".into());
            let id = 1_000 + self.comments.borrow().len() as u64;
            let c = comment(id, body, "github-actions[bot]", "Bot");
            self.comments.borrow_mut().push(c.clone());
            let mut fails = self.fail_creates.borrow_mut();
            if *fails > 0 {
                *fails -= 1;
                return Err(Error::new(ErrorKind::Timeout, "lost answer"));
            }
            Ok(c)
        }

        fn update_comment(&self, _: &Repo, id: u64, body: &str) -> Result<Comment> {
            self.calls.borrow_mut().push(format!("update {id}"));
            let mut all = self.comments.borrow_mut();
            let c = all
                .iter_mut()
                .find(|c| c.id == id)
                .ok_or_else(|| Error::new(ErrorKind::NotFound, "gone"))?;
            c.body = Some(body.into());
            Ok(c.clone())
        }
    }

    fn repo() -> Repo {
        Repo::parse("o/r").unwrap()
    }

    fn body(n: u32) -> String {
        format!("{MARKER}\nreport {n}")
    }

    /// Pull request 7 of `repo`, comments by `author` (any when `None`).
    fn pr7<'a>(repo: &'a Repo, author: Option<&'a str>) -> Target<'a> {
        Target {
            repo,
            pr: 7,
            author,
        }
    }

    #[test]
    fn creates_once_then_updates() {
        let fake = Fake {
            per_page: 2,
            ..Fake::default()
        };
        let r = repo();
        let t = pr7(&r, None);
        fake.comments
            .borrow_mut()
            .push(comment(1, "LGTM", "alice", "User"));
        assert!(matches!(
            upsert(&fake, &t, &body(1), 3).unwrap(),
            Posted::Created(_)
        ));
        let second = upsert(&fake, &t, &body(2), 3).unwrap();
        assert!(
            matches!(second, Posted::Updated(ref c) if c.body.as_deref() == Some(body(2).as_str()))
        );
        let marked = fake
            .comments
            .borrow()
            .iter()
            .filter(|c| c.body.as_deref().unwrap().starts_with(MARKER))
            .count();
        assert_eq!(marked, 1);
    }

    #[test]
    fn finds_the_marker_on_a_later_page() {
        let fake = Fake {
            per_page: 2,
            ..Fake::default()
        };
        for i in 0..5 {
            fake.comments
                .borrow_mut()
                .push(comment(i, "chatter", "bob", "User"));
        }
        fake.comments
            .borrow_mut()
            .push(comment(42, &body(0), "github-actions[bot]", "Bot"));
        let r = repo();
        let t = pr7(&r, None);
        let posted = upsert(&fake, &t, &body(1), 3).unwrap();
        assert_eq!(posted, Posted::Updated(fake.comments.borrow()[5].clone()));
        assert_eq!(
            *fake.calls.borrow(),
            ["list 0", "list 1", "list 2", "update 42"]
        );
    }

    #[test]
    fn author_filter_and_bot_preference() {
        let fake = Fake {
            per_page: 10,
            ..Fake::default()
        };
        // A forged marker by a user, then the bot's real one.
        fake.comments
            .borrow_mut()
            .push(comment(1, &body(0), "mallory", "User"));
        fake.comments
            .borrow_mut()
            .push(comment(2, &body(0), "github-actions[bot]", "Bot"));
        let r = repo();
        let any = pr7(&r, None);
        assert_eq!(find(&fake, &any).unwrap().unwrap().id, 2);
        fake.comments.borrow_mut().remove(1);
        assert_eq!(find(&fake, &any).unwrap().unwrap().id, 1);
        let bot = Target {
            author: Some("github-actions[bot]"),
            ..any
        };
        assert_eq!(find(&fake, &bot).unwrap(), None);
        // Marker not at the start (quoted in a reply) does not count.
        fake.comments.borrow_mut()[0].body = Some(format!("> {MARKER}"));
        assert_eq!(find(&fake, &any).unwrap(), None);
    }

    #[test]
    fn a_lost_create_answer_does_not_duplicate() {
        let fake = Fake {
            per_page: 10,
            fail_creates: RefCell::new(1),
            ..Fake::default()
        };
        let r = repo();
        let t = pr7(&r, None);
        let posted = upsert(&fake, &t, &body(1), 3).unwrap();
        assert!(matches!(posted, Posted::Updated(_)), "{posted:?}");
        assert_eq!(fake.comments.borrow().len(), 1);
        assert_eq!(
            *fake.calls.borrow(),
            ["list 0", "create", "list 0", "update 1000"]
        );
    }

    #[test]
    fn gives_up_after_the_attempts() {
        let fake = Fake {
            per_page: 10,
            fail_creates: RefCell::new(5),
            ..Fake::default()
        };
        // Every create "fails" but stores the comment; later rounds update it instead.
        let r = repo();
        let t = pr7(&r, Some("someone-else"));
        let e = upsert(&fake, &t, &body(1), 2).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert_eq!(
            *fake.calls.borrow(),
            ["list 0", "create", "list 0", "create"]
        );
    }
}
