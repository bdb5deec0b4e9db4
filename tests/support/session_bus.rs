//! A private D-Bus session bus for a test: its own `dbus-daemon`, stopped
//! when the value is dropped, so apps that meet on the session bus (the
//! window's single-instance hand-over) meet only each other.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running `dbus-daemon --session` and the address to reach it.
pub struct SessionBus {
    daemon: Child,
    address: String,
}

impl SessionBus {
    /// Starts the daemon; `None` when `dbus-daemon` is not installed.
    pub fn start() -> Option<SessionBus> {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            // It complains that it may not raise its file limit: harmless noise.
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().expect("piped stdout"))
            .read_line(&mut address)
            .expect("read the bus address");
        let address = address.trim().to_owned();
        assert!(!address.is_empty(), "dbus-daemon printed no address");
        Some(SessionBus { daemon, address })
    }

    /// The value for `DBUS_SESSION_BUS_ADDRESS`.
    pub fn address(&self) -> &str {
        &self.address
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}
