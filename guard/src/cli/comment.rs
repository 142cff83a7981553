//! `guard comment` arguments.

use std::path::PathBuf;

use clap::Args;

/// `guard comment`: post (or update) the one guard comment on a pull request.
#[derive(Debug, Clone, Args)]
pub struct CommentArgs {
    /// Repository, OWNER/NAME (not needed with --dry-run).
    #[arg(long, value_name = "OWNER/NAME", required_unless_present = "dry_run")]
    pub repo: Option<String>,
    /// Pull request number (not needed with --dry-run).
    #[arg(long, value_name = "N", required_unless_present = "dry_run",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub pr: Option<u64>,
    /// JSON report written by `guard check --format json --output FILE`; repeat it to merge the reports of
    /// several runs (e.g. one per suite) into one comment. Untrusted input: size-limited, verdict recomputed,
    /// every string escaped.
    #[arg(long = "report", value_name = "FILE", required = true)]
    pub reports: Vec<PathBuf>,
    /// GitHub REST API root (GitHub Enterprise: https://HOST/api/v3).
    #[arg(long, value_name = "URL", default_value = "https://api.github.com")]
    pub api_url: String,
    /// Print the comment body to stdout instead of posting it (needs no token and no network).
    #[arg(long)]
    pub dry_run: bool,
    /// Comment only if the PR's head is this commit (the one the report was measured on); shown in the
    /// comment.
    #[arg(long, value_name = "SHA")]
    pub head_sha: Option<String>,
    /// Link to the run that measured the report [default: from GITHUB_SERVER_URL, GITHUB_REPOSITORY and
    /// GITHUB_RUN_ID].
    #[arg(long, value_name = "URL")]
    pub run_url: Option<String>,
    /// Only comments by this login count as the guard's own (e.g. github-actions[bot]); default: any
    /// author, bots preferred.
    #[arg(long, value_name = "LOGIN")]
    pub author: Option<String>,
}
