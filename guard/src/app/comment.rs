//! `guard comment`: the JSON report → one sticky PR comment (or stdout with `--dry-run`).

use std::io::Write as _;

use super::say;
use crate::cli::CommentArgs;
use crate::error::{Error, Result};
use crate::fsio;
use crate::github::body::{self, Footer};
use crate::github::sticky::{self, Posted, Target};
use crate::github::{self, Api, Client, ErrorKind, Repo, RetryPolicy, Token};
use crate::report;

/// Reads, checks and merges the reports and builds the comment body.
///
/// # Errors
/// The report cannot be read, is too large or malformed; `--head-sha` or `--run-url` is malformed.
pub fn comment_body(args: &CommentArgs) -> Result<String> {
    let mut reports = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        reports.push(report::json::parse(&fsio::read(path)?, path)?);
    }
    let report = body::normalize(reports);
    let commit = args.head_sha.as_deref().map(body::check_sha).transpose()?;
    let run_url = match &args.run_url {
        Some(url) => Some(body::check_url(url)?),
        None => body::run_url_from(|k| std::env::var(k).ok()),
    };
    Ok(body::build(&report, &Footer { run_url, commit }))
}

/// Posts `body` as the PR's guard comment: checks the PR (and that its head is `--head-sha`), then updates
/// the marked comment or creates it.
///
/// # Errors
/// Any [`github::Error`]; its message never contains the token.
pub fn post(
    args: &CommentArgs,
    body: &str,
    token: &Token,
    policy: RetryPolicy,
) -> github::Result<Posted> {
    let repo = Repo::parse(args.repo.as_deref().unwrap_or_default())?;
    let pr = args.pr.ok_or_else(|| {
        github::Error::new(ErrorKind::Config, "--pr is required unless --dry-run")
    })?;
    let head = args.head_sha.as_deref().map(body::check_sha).transpose()?;
    let client = Client::new(&args.api_url, token, policy)?;
    let pull = client.pull_request(&repo, pr)?;
    if let Some(head) = head {
        if !pull.head_sha.eq_ignore_ascii_case(&head) {
            return Err(github::Error::new(
                ErrorKind::Mismatch,
                format!(
                    "PR #{pr} of {repo} is at {}, not at {head} which the report was measured on; not \
                     commenting (the PR was updated meanwhile — its own run will comment — or the report \
                     names the wrong PR)",
                    pull.head_sha.chars().take(64).collect::<String>()
                ),
            ));
        }
    }
    let target = Target {
        repo: &repo,
        pr,
        author: args.author.as_deref(),
    };
    sticky::upsert(&client, &target, body, client.policy().attempts)
}

/// Runs `guard comment`.
///
/// # Errors
/// Everything that prevents posting the comment (exit code 2).
pub fn comment(args: &CommentArgs) -> Result<()> {
    let text = comment_body(args)?;
    if args.dry_run {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Error::io("<stdout>", "write", e))?;
        say("dry run: the comment was printed, not posted");
        return Ok(());
    }
    let token = Token::from_env()?;
    match post(args, &text, &token, RetryPolicy::default()) {
        Ok(posted) => {
            let verb = match posted {
                Posted::Created(_) => "created",
                Posted::Updated(_) => "updated",
            };
            say(&format!(
                "{verb} the comment {}",
                scrub(&posted.comment().html_url, &token)
            ));
            Ok(())
        }
        // Belt and braces: no message may carry the token, whatever a server echoed.
        Err(e) => Err(Error::Other(scrub(&e.to_string(), &token))),
    }
}

/// `text` with every occurrence of the token replaced by `***` (tokens shorter than 8 characters are not
/// real tokens and would match ordinary words).
fn scrub(text: &str, token: &Token) -> String {
    if token.expose().len() < 8 {
        return text.to_string();
    }
    text.replace(token.expose(), "***")
}
