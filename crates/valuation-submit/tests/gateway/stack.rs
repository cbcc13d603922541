//! A fresh PostgreSQL 15 (scripts/pg.sh: platform stand-in + supabase/migrations) and the
//! PostgREST-compatible test gateway (tests/gateway) in front of it, torn down in `Drop`.
//!
//! Teardown does not depend on `Drop` alone: a watchdog shell, in its own process group, waits on
//! a pipe from this process and stops PostgreSQL and removes the temp dir when the pipe closes —
//! on a normal drop, a panic, Ctrl-C or a SIGKILL alike. The gateway runs with
//! `--exit-on-stdin-close`, so it goes when this process goes, too.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Requests above this get 413: low, so that the oversized-body cases stay small and fast.
pub const GATEWAY_MAX_BODY_BYTES: usize = 64 * 1024;

pub struct Stack {
    pub root: PathBuf,
    pub dir: PathBuf,
    pub pg_port: u16,
    pub gateway_url: String,
    pgbin: PathBuf,
    gateway: Option<Child>,
    watchdog: Option<Child>,
}

fn pgbin() -> PathBuf {
    std::env::var_os("PGBIN").map_or_else(
        || PathBuf::from("/usr/lib/postgresql/15/bin"),
        PathBuf::from,
    )
}

/// Everything the stack needs, with the command that provides it when missing.
fn check_prerequisites(root: &Path) -> Result<(), String> {
    let pgbin = pgbin();
    for binary in ["initdb", "pg_ctl", "psql"] {
        if !pgbin.join(binary).is_file() {
            return Err(format!(
                "PostgreSQL 15 is missing: {} not found.\n  Install it with: apt-get install -y postgresql-15   (or set PGBIN to its bin directory)",
                pgbin.join(binary).display()
            ));
        }
    }
    let node = Command::new("node")
        .args(["-p", "process.versions.node.split('.')[0]"])
        .output();
    let major = node
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse::<u32>().ok());
    if major.is_none_or(|m| m < 20) {
        return Err("node >= 20 is required to run the test gateway (tests/gateway)".into());
    }
    if !root
        .join("tests/gateway/node_modules/pg/package.json")
        .is_file()
    {
        return Err(
            "the test gateway's dependencies are missing: run `npm ci` in tests/gateway".into(),
        );
    }
    Ok(())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl Stack {
    pub fn start() -> Result<Stack, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .canonicalize()
            .map_err(|e| e.to_string())?;
        check_prerequisites(&root)?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!(
            "valuation-submit-tests.{}.{nanos}",
            std::process::id()
        ));
        fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the dir.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())?;

        let mut stack = Stack {
            root,
            dir,
            pg_port: 0,
            gateway_url: String::new(),
            pgbin: pgbin(),
            gateway: None,
            watchdog: None,
        };
        stack.watchdog = Some(stack.spawn_watchdog()?);
        stack.start_postgres()?;
        stack.start_gateway()?;
        Ok(stack)
    }

    fn spawn_watchdog(&self) -> Result<Child, String> {
        Command::new("sh")
            .args([
                "-c",
                r#"cat >/dev/null; "$0" stop "$1/pg" >/dev/null 2>&1; rm -rf "$1""#,
            ])
            .arg(self.root.join("scripts/pg.sh"))
            .arg(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0) // Ctrl-C hits the test, not the cleanup
            .spawn()
            .map_err(|e| format!("cannot start the cleanup watchdog: {e}"))
    }

    fn start_postgres(&mut self) -> Result<(), String> {
        // The free port may be taken between probing and binding: one more try, like run.sh.
        for attempt in 0..2 {
            let port = free_port();
            let log = self.dir.join(format!("pg-start-{attempt}.log"));
            // Output to a file, not a pipe: the server daemonises and must not hold our pipe open.
            let out = File::create(&log).map_err(|e| e.to_string())?;
            let status = Command::new(self.root.join("scripts/pg.sh"))
                .args([
                    "start",
                    &self.dir.join("pg").to_string_lossy(),
                    &port.to_string(),
                    "app",
                ])
                .env("PGBIN", &self.pgbin)
                .stdin(Stdio::null())
                .stdout(out.try_clone().map_err(|e| e.to_string())?)
                .stderr(out)
                .status()
                .map_err(|e| format!("cannot run scripts/pg.sh: {e}"))?;
            if status.success() {
                self.pg_port = port;
                return Ok(());
            }
            let output = fs::read_to_string(&log).unwrap_or_default();
            if attempt == 1 || self.dir.join("pg/data/postmaster.pid").exists() {
                return Err(format!("scripts/pg.sh start failed:\n{output}"));
            }
            let _ = fs::remove_dir_all(self.dir.join("pg"));
        }
        unreachable!()
    }

    fn start_gateway(&mut self) -> Result<(), String> {
        let stderr = File::create(self.dir.join("gateway.err")).map_err(|e| e.to_string())?;
        let mut child = Command::new("node")
            .arg(self.root.join("tests/gateway/src/server.js"))
            .args(["--port", "0", "--exit-on-stdin-close", "--pool-size", "8"])
            .args(["--max-body-bytes", &GATEWAY_MAX_BODY_BYTES.to_string()])
            .args([
                "--database-url",
                &format!("postgres://authenticator@127.0.0.1:{}/app", self.pg_port),
            ])
            .env("JWT_SECRET", crate::jwt::SECRET)
            .env_remove("GATEWAY_FAULTS")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start node: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        self.gateway = Some(child);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = line.strip_prefix("listening on ") {
                    let _ = tx.send(port.trim().parse::<u16>().ok());
                    return;
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Some(port)) => {
                self.gateway_url = format!("http://127.0.0.1:{port}");
                Ok(())
            }
            _ => Err(format!(
                "the gateway did not start within 10 s:\n{}",
                fs::read_to_string(self.dir.join("gateway.err")).unwrap_or_default()
            )),
        }
    }

    /// Runs SQL as the superuser (RLS does not apply) and returns psql's unaligned output.
    pub fn psql(&self, sql: &str) -> String {
        let output = Command::new(self.pgbin.join("psql"))
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "app",
            ])
            .args(["-p", &self.pg_port.to_string(), "-c", sql])
            .output()
            .expect("psql runs");
        assert!(
            output.status.success(),
            "psql failed: {}\n{sql}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// The gateway's stderr so far, for failure messages.
    pub fn gateway_log(&self) -> String {
        fs::read_to_string(self.dir.join("gateway.err")).unwrap_or_default()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if let Some(mut gateway) = self.gateway.take() {
            drop(gateway.stdin.take()); // --exit-on-stdin-close: a clean shutdown
            let deadline = std::time::Instant::now() + Duration::from_secs(3);
            while gateway.try_wait().ok().flatten().is_none()
                && std::time::Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = gateway.kill();
            let _ = gateway.wait();
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            drop(watchdog.stdin.take()); // the watchdog stops PostgreSQL and removes the dir
            let _ = watchdog.wait();
        }
    }
}
