//! The operator commands we print for a person to run (a doctor's fix, a listing's hint): whole
//! command lines, quoted for a POSIX shell, carrying every flag of the scope they were asked in,
//! so that each runs as printed.

use std::path::{Path, PathBuf};

/// The binary name a printed command starts with.
const BINARY: &str = "greentic-operator";

/// Where and for whom a printed command acts: the tenant, team and environment, and the project
/// and state folders when they are not the ones the command finds by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandScope {
    pub tenant: Option<String>,
    pub team: Option<String>,
    /// Left out when it is the default, `dev`.
    pub env: String,
    /// `--project-root`, when the project is not the current folder.
    pub project_root: Option<PathBuf>,
    /// `--state-dir`, when it is not `<project>/state` (commands that take it).
    pub state_dir: Option<PathBuf>,
}

impl CommandScope {
    /// The scope of a command run in `project_root` with `state_dir`, seen from the current
    /// folder: a folder flag only where the default would find another folder.
    pub fn new(
        tenant: Option<&str>,
        team: Option<&str>,
        env: &str,
        project_root: &Path,
        state_dir: &Path,
    ) -> Self {
        let cwd = std::env::current_dir().ok();
        let here = cwd
            .as_deref()
            .is_some_and(|cwd| same_folder(cwd, project_root));
        Self {
            tenant: tenant.map(str::to_string),
            team: team.map(str::to_string),
            env: env.to_string(),
            project_root: (!here).then(|| project_root.to_path_buf()),
            state_dir: (!same_folder(state_dir, &project_root.join("state")))
                .then(|| state_dir.to_path_buf()),
        }
    }

    /// The flags of the scope; `with_state_dir` for commands that take `--state-dir`.
    fn flags(&self, with_state_dir: bool) -> Vec<String> {
        let mut flags = Vec::new();
        let mut push = |flag: &str, value: String| {
            flags.push(flag.to_string());
            flags.push(value);
        };
        if let Some(tenant) = &self.tenant {
            push("--tenant", tenant.clone());
        }
        if let Some(team) = &self.team {
            push("--team", team.clone());
        }
        if self.env != "dev" && !self.env.is_empty() {
            push("--env", self.env.clone());
        }
        if let Some(root) = &self.project_root {
            push("--project-root", root.display().to_string());
        }
        if with_state_dir && let Some(state) = &self.state_dir {
            push("--state-dir", state.display().to_string());
        }
        flags
    }

    /// `greentic-operator <words> <scope flags>`, quoted for a shell.
    pub fn command(&self, words: &[&str]) -> String {
        self.line(words, false)
    }

    /// As [`CommandScope::command`], for a command that also takes `--state-dir`.
    pub fn command_with_state(&self, words: &[&str]) -> String {
        self.line(words, true)
    }

    fn line(&self, words: &[&str], with_state_dir: bool) -> String {
        let mut all: Vec<String> = vec![BINARY.to_string()];
        all.extend(words.iter().map(|w| w.to_string()));
        all.extend(self.flags(with_state_dir));
        shell_words::join(all)
    }
}

fn same_folder(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_carries_the_whole_scope_and_is_quoted() {
        let scope = CommandScope {
            tenant: Some("acme".into()),
            team: Some("blue".into()),
            env: "staging".into(),
            project_root: Some("/tmp/my project".into()),
            state_dir: None,
        };
        assert_eq!(
            scope.command(&["dev", "secrets", "set", "messaging-x", "bot_token"]),
            "greentic-operator dev secrets set messaging-x bot_token --tenant acme --team blue --env staging --project-root '/tmp/my project'"
        );
        let plain = CommandScope {
            tenant: Some("acme".into()),
            env: "dev".into(),
            ..CommandScope::default()
        };
        assert_eq!(
            plain.command(&["dev", "setup", "messaging"]),
            "greentic-operator dev setup messaging --tenant acme"
        );
    }
}
