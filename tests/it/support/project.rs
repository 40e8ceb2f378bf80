//! A temp project folder plus the built binary, asserted like a spec.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::normalise::Normaliser;
use super::packs::PackBuilder;

/// A temporary Greentic project.
pub struct Project {
    dir: tempfile::TempDir,
}

/// What one run of the binary printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Project {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A temporary copy of the project folder `source` (the committed demo, say): a test
    /// never writes into the checkout.
    pub fn copy_of(source: &Path) -> Self {
        let project = Self::new();
        copy_tree(source, project.root());
        project
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `text` with this project's folder, durations, run ids and timestamps as placeholders.
    pub fn normalise(&self, text: &str) -> String {
        self.normaliser().apply(text)
    }

    /// The normaliser of [`Project::normalise`], to add literals of a test's own.
    pub fn normaliser(&self) -> Normaliser {
        Normaliser::new(self.root())
    }

    pub fn state(&self) -> PathBuf {
        self.root().join("state")
    }

    /// Writes `pack` as `providers/<domain>/<file>`.
    pub fn pack(&self, domain: &str, file: &str, pack: &PackBuilder) -> &Self {
        self.file(&format!("providers/{domain}/{file}"), &pack.build())
    }

    pub fn file(&self, relative: &str, bytes: &[u8]) -> &Self {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    /// `dev setup messaging --tenant acme --non-interactive`, then `extra`.
    pub fn setup_messaging(&self, extra: &[&str]) -> Run {
        let mut args = vec![
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--non-interactive",
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Runs the operator with `args`, `input` piped to its standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut child = operator()
            .args(args)
            .current_dir(self.root())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start binary");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(input.as_bytes()).expect("write stdin");
        drop(stdin);
        Run::from(child.wait_with_output().expect("wait"))
    }

    /// Runs the operator with `args` and the variables `env` set, `input` (if any) piped in.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)], input: Option<&str>) -> Run {
        use std::io::Write;
        let mut cmd = operator();
        cmd.args(args)
            .envs(env.iter().copied())
            .current_dir(self.root())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("start binary");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(input.unwrap_or_default().as_bytes())
            .expect("write stdin");
        drop(stdin);
        Run::from(child.wait_with_output().expect("wait"))
    }

    /// Runs the operator with `args` in the project folder (`--project-root` is not added).
    pub fn run(&self, args: &[&str]) -> Run {
        let output = operator()
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run binary");
        Run::from(output)
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The binary under test, with the environment that could change its behaviour cleared.
pub fn operator() -> Command {
    clean_command(env!("CARGO_BIN_EXE_greentic-operator"))
}

/// `program` (the operator, or a wrapper that starts it) with every variable cleared that
/// could change the operator's behaviour or send its writes outside the test's folders: a
/// developer's own secrets store and master key included.
pub fn clean_command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    for var in [
        "GREENTIC_TENANT",
        "GREENTIC_TEAM",
        "GREENTIC_ENV",
        "GREENTIC_DEV_SECRETS_PATH",
        "GREENTIC_DEV_MASTER_KEY",
        "GREENTIC_PROVIDER_CORE_ONLY",
        "GREENTIC_WASM_MAX_EXEC_SECS",
        "RUST_LOG",
        "GREENTIC_CACHE_DIR",
        "GREENTIC_NO_CACHE",
        "GREENTIC_DISABLE_CACHE",
        // The device-code tests talk to a server on loopback, never through a proxy.
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the exit code, one of `greentic_operator::base::exit_code`'s constants.
    #[track_caller]
    pub fn code(&self, expected: u8) -> &Self {
        assert_eq!(
            self.code,
            i32::from(expected),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Every file under `root` (absolute paths, sorted); empty when `root` does not exist.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

impl Project {
    /// Starts the operator with `args` in the project folder, output piped, without waiting.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        operator()
            .args(args)
            .current_dir(self.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start binary")
    }

    /// The first run folder of `pack`'s `flow` in `domain`, and its `input.json`, parsed.
    pub fn first_run(&self, domain: &str, pack: &str, flow: &str) -> (PathBuf, serde_json::Value) {
        let runs = self.state().join("runs").join(domain).join(pack).join(flow);
        let dir = std::fs::read_dir(&runs)
            .unwrap_or_else(|e| panic!("{}: {e}", runs.display()))
            .flatten()
            .next()
            .expect("a run folder")
            .path();
        let input =
            serde_json::from_slice(&std::fs::read(dir.join("input.json")).unwrap()).unwrap();
        (dir, input)
    }

    /// Tenant acme's `setup-answers.json` of a provider (env dev, no team), parsed.
    pub fn stored_answers(&self, provider: &str) -> serde_json::Value {
        self.stored_answers_of("acme", None, provider)
    }

    /// One scope's `state/config/dev/<tenant>/<team or _>/<provider>/setup-answers.json`.
    pub fn stored_answers_of(
        &self,
        tenant: &str,
        team: Option<&str>,
        provider: &str,
    ) -> serde_json::Value {
        let path = self
            .state()
            .join("config/dev")
            .join(tenant)
            .join(team.unwrap_or("_"))
            .join(provider)
            .join("setup-answers.json");
        serde_json::from_slice(
            &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        )
        .unwrap()
    }

    /// The value at `uri` in the project's dev secrets store.
    pub fn secret(&self, uri: &str) -> Option<String> {
        use greentic_secrets_lib::SecretsStore;
        let path = self.root().join(".greentic/dev/.dev.secrets.env");
        let store = greentic_secrets_lib::DevStore::with_path(path).unwrap();
        let bytes = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(store.get(uri))
            .ok()?;
        Some(String::from_utf8(bytes).unwrap())
    }
}

/// Sends SIGINT to a child started by [`Project::spawn`] and waits for its output.
pub fn interrupt(child: std::process::Child) -> Run {
    // SAFETY: kill(2) on our own child's pid, which has not been waited for, so not reused.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(sent, 0, "kill failed");
    Run::from(child.wait_with_output().unwrap())
}
