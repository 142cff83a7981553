//! The guard's one error type. Every variant names the input that failed and says what to do, so that
//! `main` can print it on one line and exit with code 2.

use std::fmt;
use std::path::{Path, PathBuf};

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a check or an update could not be done (exit code 2).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read, listed or written.
    Io {
        /// The path the operation failed on.
        path: PathBuf,
        /// What was attempted ("read", "write", "list", …).
        action: &'static str,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file was read but its contents are invalid.
    Invalid {
        /// The file that holds the invalid data.
        path: PathBuf,
        /// The field or key that is wrong (a dotted path; may be empty for whole-file problems).
        field: String,
        /// What is wrong, including the offending value when there is one.
        problem: String,
        /// What the user can do about it.
        hint: String,
    },
    /// A command (cargo bench, cargo install, valgrind probe, …) failed.
    Command {
        /// The command line, as a user would type it.
        command: String,
        /// What went wrong.
        problem: String,
        /// What the user can do about it.
        hint: String,
    },
    /// Another process holds the lock on a directory the command must write (see [`crate::fsio::lock_dir`]).
    Locked {
        /// The locked directory.
        path: PathBuf,
    },
    /// Anything else that prevents the check, with its own complete message.
    Other(String),
}

impl Error {
    /// An [`Error::Invalid`] for `path`.
    pub fn invalid(
        path: impl AsRef<Path>,
        field: impl Into<String>,
        problem: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            path: path.as_ref().to_path_buf(),
            field: field.into(),
            problem: problem.into(),
            hint: hint.into(),
        }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl AsRef<Path>, action: &'static str, source: std::io::Error) -> Self {
        Self::Io {
            path: path.as_ref().to_path_buf(),
            action,
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io {
                path,
                action,
                source,
            } => {
                write!(f, "cannot {action} {}: {source}", path.display())?;
                let hint = match source.kind() {
                    std::io::ErrorKind::NotFound => {
                        "check the path: run from the repository root or pass the option that names it"
                    }
                    std::io::ErrorKind::PermissionDenied => "check its permissions",
                    _ => "check that the path exists and is accessible",
                };
                write!(f, " ({hint})")
            }
            Self::Invalid {
                path,
                field,
                problem,
                hint,
            } => {
                write!(f, "{}: ", path.display())?;
                if !field.is_empty() {
                    write!(f, "{field}: ")?;
                }
                write!(f, "{problem}")?;
                if !hint.is_empty() {
                    write!(f, " ({hint})")?;
                }
                Ok(())
            }
            Self::Command {
                command,
                problem,
                hint,
            } => {
                write!(f, "`{command}` {problem}")?;
                if !hint.is_empty() {
                    write!(f, " ({hint})")?;
                }
                Ok(())
            }
            Self::Locked { path } => write!(
                f,
                "{}: another `guard baseline update` is writing these baselines right now (it holds a lock on \
                 the directory); wait for it to finish, then rerun. The lock ends with that process, so it \
                 cannot go stale: if no guard is running, the directory is on a file system without locks",
                path.display()
            ),
            Self::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_and_name_the_input() {
        let e = Error::invalid(
            "thresholds.toml",
            "wall_clock.max_regression_pct",
            "must be >= 0, got -5",
            "use a positive percentage",
        );
        let text = e.to_string();
        assert_eq!(
            text,
            "thresholds.toml: wall_clock.max_regression_pct: must be >= 0, got -5 (use a positive percentage)"
        );
        let io = Error::io(
            "x/y.json",
            "read",
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        );
        assert_eq!(
            io.to_string(),
            "cannot read x/y.json: gone (check the path: run from the repository root or pass the option \
             that names it)"
        );
        assert!(!text.contains('\n'));
    }
}
