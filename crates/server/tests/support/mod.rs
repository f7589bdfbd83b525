//! The reference server as a process for integration tests: a free port, a fresh data
//! directory, the demo forms and code lists; killed on drop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running reference server.
pub struct Server {
    child: Child,
    /// Its API base, e.g. `http://127.0.0.1:41234/api/v1`.
    pub base: String,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Start a server with the demo forms, its clock on the test date (`antrag_testing::today`);
/// `configure` adds the test's own flags. Waits until `/health` answers (at most 20 s).
pub async fn start(configure: impl FnOnce(&mut Command)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start_in(dir.path(), &root().join("forms"), configure).await;
    server._dir = Some(dir);
    server
}

/// Start a server on `data_dir` (kept when it stops: a later server may take it over) with
/// the forms in `forms_dir`, otherwise as [`start`].
pub async fn start_in(data_dir: &Path, forms_dir: &Path, configure: impl FnOnce(&mut Command)) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    start_on(port, data_dir, forms_dir, configure).await
}

/// Start a server on `port` (e.g. again, where a killed one listened), otherwise as
/// [`start_in`].
pub async fn start_on(port: u16, data_dir: &Path, forms_dir: &Path, configure: impl FnOnce(&mut Command)) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_antrag-server"));
    command
        .args(["--addr", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data_dir)
        .arg("--forms-dir")
        .arg(forms_dir)
        .arg("--codelists-dir")
        .arg(root().join("codelists"))
        .args(["--test-only-today", &antrag_testing::today().to_string()])
        // The demo Meldebescheinigung charges a fee: the server needs a provider to start.
        .arg("--test-payment-provider")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    configure(&mut command);
    let mut child = command.spawn().expect("server starts");
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let client = reqwest::Client::new();
    for _ in 0..400 {
        if client.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status() == 200) {
            return Server { child, base, _dir: None };
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the server exited at start ({status})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not come up");
}

#[allow(dead_code)] // not every test file kills servers
impl Server {
    /// Kill the process at once (SIGKILL: no shutdown, requests in flight are cut).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.base.trim_start_matches("http://127.0.0.1:").split('/').next().unwrap().parse().unwrap()
    }
}

/// Send a request that must answer, and read its JSON body.
pub async fn json(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}
