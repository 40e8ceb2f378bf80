//! The operator at a real terminal: a pseudo-terminal (openpty) that becomes the child's
//! controlling terminal, and a small expect loop to answer its prompts as a person would.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::project::{Project, operator};

/// How long a prompt may take to appear before the test fails.
const PROMPT_WAIT: Duration = Duration::from_secs(60);

/// The operator running at a pseudo-terminal.
pub struct Terminal {
    child: Child,
    writer: File,
    output: mpsc::Receiver<Vec<u8>>,
    /// Everything the terminal showed so far.
    pub screen: String,
}

impl Terminal {
    /// Starts the operator with `args` in `project`, stdin, stdout and stderr on the terminal.
    pub fn start(project: &Project, args: &[&str]) -> Self {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty writes two descriptors into the given integers; the name, termios
        // and window size arguments may be null.
        let opened = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(opened, 0, "openpty failed");
        // SAFETY: both descriptors were just opened and are owned by nobody else.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let stdio = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup"));
        let mut command = operator();
        command
            .args(args)
            .current_dir(project.root())
            .env("GREENTIC_CACHE_DIR", project.cache())
            .env("TERM", "dumb")
            .stdin(stdio(&slave))
            .stdout(stdio(&slave))
            .stderr(stdio(&slave));
        // SAFETY: only async-signal-safe calls between fork and exec: a new session whose
        // controlling terminal is the pty (stdin, already dup'ed onto fd 0).
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("start binary at a terminal");
        drop(slave);
        let mut reader = File::from(master.try_clone().expect("dup"));
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            writer: File::from(master),
            output,
            screen: String::new(),
        }
    }

    /// Waits until the terminal shows `text` after everything already seen, then types
    /// `answer` and Enter.
    pub fn answer(&mut self, text: &str, answer: &str) -> &mut Self {
        self.expect(text);
        self.wait_until_reading();
        self.writer
            .write_all(format!("{answer}\r").as_bytes())
            .expect("type");
        self
    }

    /// Waits until the terminal shows `text`, then presses `keys` (no Enter added): a yes/no
    /// question takes a single key, a pick list Enter.
    pub fn press(&mut self, text: &str, keys: &str) -> &mut Self {
        self.expect(text);
        self.wait_until_reading();
        self.writer.write_all(keys.as_bytes()).expect("type");
        self
    }

    /// Waits until the operator reads the terminal: a prompt turns off line editing (a key at a
    /// time) or echo (a secret). Typing earlier would race the prompt's own terminal set-up,
    /// which may discard pending input, as a person never does.
    fn wait_until_reading(&self) {
        let deadline = Instant::now() + PROMPT_WAIT;
        loop {
            // SAFETY: tcgetattr fills the zeroed termios for the pty master, which stays open.
            let mut termios: libc::termios = unsafe { std::mem::zeroed() };
            let got = unsafe { libc::tcgetattr(self.writer.as_raw_fd(), &mut termios) };
            assert_eq!(got, 0, "tcgetattr failed");
            let cooked = termios.c_lflag & libc::ICANON != 0 && termios.c_lflag & libc::ECHO != 0;
            if !cooked {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the operator never read the terminal:\n{}",
                self.screen
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until the terminal shows `text` (anywhere after what earlier waits consumed).
    pub fn expect(&mut self, text: &str) -> &mut Self {
        let deadline = Instant::now() + PROMPT_WAIT;
        let start = self.screen.len();
        while !self.screen[start..].contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => self.screen.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => panic!(
                    "the terminal never showed {text:?}; it showed:\n{}",
                    self.screen
                ),
            }
        }
        self
    }

    /// Sends the operator SIGINT, as Ctrl-C at its terminal does.
    pub fn interrupt(&self) {
        // SAFETY: kill(2) on our own child's pid, which has not been waited for, so not reused.
        let sent = unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
        assert_eq!(sent, 0, "kill failed");
    }

    /// Waits for the operator to exit; returns its exit code and the whole screen. An
    /// operator still running after [`PROMPT_WAIT`] (waiting at a prompt nobody expected) is
    /// killed and the test fails with what the terminal showed.
    pub fn finish(mut self) -> (i32, String) {
        let deadline = Instant::now() + PROMPT_WAIT;
        let status = loop {
            while let Ok(bytes) = self.output.try_recv() {
                self.screen.push_str(&String::from_utf8_lossy(&bytes));
            }
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                panic!(
                    "the operator did not exit; the terminal showed:\n{}",
                    self.screen
                );
            }
            let _ = self
                .output
                .recv_timeout(Duration::from_millis(50))
                .map(|bytes| {
                    self.screen.push_str(&String::from_utf8_lossy(&bytes));
                });
        };
        while let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(200)) {
            self.screen.push_str(&String::from_utf8_lossy(&bytes));
        }
        (
            status.code().unwrap_or(-1),
            std::mem::take(&mut self.screen),
        )
    }
}

impl Drop for Terminal {
    /// A failed test never leaves an operator waiting at a prompt.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
