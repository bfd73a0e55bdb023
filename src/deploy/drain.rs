//! The drain of a swap (DESIGN §3 step 8): after the route moved off the
//! old container, wait until nothing reaches it any more, then it may stop.
//!
//! The rule: the old container is idle once it has had no open TCP
//! connection on the workload's port, and no new connection at all, for
//! [`QUIET`]; the drain ends then (`idle`), and never later than
//! `drain_ms` (`deadline`). The quiet period starts with the drain, so the
//! proxy's old workers (nginx keeps the old config for ~100 ms after a
//! reload answers, longer under load) have passed before an idle verdict.
//!
//! Connections are read from the container's network namespace,
//! `/proc/<State.Pid>/net/tcp` and `tcp6`, plus the namespace's TCP
//! `PassiveOpens` counter (`/proc/<pid>/net/snmp`), which also catches a
//! connection that opened and closed between two polls, and its TcpExt
//! `ListenDrops` counter (`/proc/<pid>/net/netstat`): a connection attempt
//! the app's full accept queue dropped leaves no socket behind, yet the
//! proxy sends it again after its SYN retransmission timeout, so a drop keeps
//! blue busy until that retry is due. That needs a local
//! daemon and read access to `/proc/<pid>` (root); elsewhere the drain
//! waits the fixed `drain_ms` (`fixed`) and says so once per process.
//!
//! An open connection counts as busy whatever it carries: TCP alone cannot
//! tell an idle kept-alive upstream connection from one whose request the
//! app is still working on (both are ESTABLISHED with empty queues). That is
//! exact for nginx and Nginx Proxy Manager, whose upstream connections carry
//! one request each unless an `upstream` block sets `keepalive` (NPM's
//! proxy hosts do not); with `keepalive`, nginx's old workers close their
//! idle upstream connections when they exit after the reload, so those end
//! too. A router that pools connections for minutes, or a WebSocket/SSE
//! stream, holds the drain until `drain_ms`: the bound always applies, and
//! the result says how many connections were still open.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::docker::{ContainerInfo, Engine};
use crate::i18n::Msg;
use crate::msg;

/// How long the old container must have been without connections for the
/// drain to end early; also the shortest drain (it starts with the drain),
/// unless `drain_ms` is smaller. nginx's old workers stop taking requests
/// ~100 ms after a reload, but on a saturated host they can be scheduled
/// late: a 500 ms quiet period let one request through to a stopped blue
/// under 32 clients on 2 CPUs (BENCHMARKS.md). 1 s costs nothing in the
/// common case, since green's watch lasts 2 s anyway.
pub const QUIET: Duration = Duration::from_secs(1);

/// Between two looks at the old container's connections.
const POLL: Duration = Duration::from_millis(50);

/// How long a dropped connection attempt keeps the old container busy:
/// Linux's initial SYN retransmission timeout (`TCP_TIMEOUT_INIT`), after
/// which the proxy's connect tries again. Under a load that overflows the
/// app's accept queue, an old worker's connect to blue just before the
/// switch can be dropped and land a second later; without this, the quiet
/// period could end in between (one 502 in the Caddy benchmark).
const SYN_RETRY: Duration = Duration::from_secs(1);

/// Why a drain ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DrainEnd {
    /// No connection for [`QUIET`].
    Idle,
    /// `drain_ms` passed with connections still open or arriving.
    Deadline,
    /// Connections could not be seen: the fixed `drain_ms` was waited.
    Fixed,
}

impl DrainEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            DrainEnd::Idle => "idle",
            DrainEnd::Deadline => "deadline",
            DrainEnd::Fixed => "fixed",
        }
    }
}

/// What a drain did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drained {
    pub ended: DrainEnd,
    /// Connections on the port open when the drain began (requests in
    /// flight at the switch); None when they could not be seen.
    pub open_at_start: Option<u32>,
    /// Connections on the port still open when it ended (cut when the
    /// container stops); None when they could not be seen.
    pub open_at_end: Option<u32>,
}

impl Drained {
    /// A drain that had nothing to wait for: the container's process went
    /// away (it exited), so no connection can reach it.
    pub const GONE: Drained = Drained {
        ended: DrainEnd::Idle,
        open_at_start: Some(0),
        open_at_end: Some(0),
    };

    /// A drain that waited the fixed time, connections unseen.
    pub const FIXED: Drained = Drained {
        ended: DrainEnd::Fixed,
        open_at_start: None,
        open_at_end: None,
    };
}

/// One look at a network namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sample {
    /// Connections on the port that may still carry a request.
    open: u32,
    /// Whether something listens on the port.
    listening: bool,
    /// The namespace's TCP PassiveOpens counter (connections accepted).
    accepted: u64,
    /// The namespace's TcpExt ListenDrops counter (connection attempts
    /// dropped by a full accept queue); 0 where the kernel does not say.
    dropped: u64,
}

/// A container's connections on one port, seen from the host.
pub struct Connections {
    pid: u32,
    port: u16,
}

impl Connections {
    /// Ok when `container`'s connections on `port` can be seen from here;
    /// Err says why not (a remote daemon, no pid, another pid namespace,
    /// no permission, nothing listening on the port).
    pub fn of(docker: &dyn Engine, container: &ContainerInfo, port: u16) -> Result<Connections, Msg> {
        if !docker.is_local() {
            return Err(msg!("drain-remote-host", host = docker.host()));
        }
        Connections::on_host(true, container, port)
    }

    /// [`Connections::of`], for a daemon on this host when `local`.
    fn on_host(local: bool, container: &ContainerInfo, port: u16) -> Result<Connections, Msg> {
        if !local {
            return Err(msg!("drain-remote-daemon"));
        }
        if container.pid == 0 {
            return Err(msg!("drain-no-pid"));
        }
        let pid = container.pid;
        // Docker's pid is this host's only when the daemon shares our pid
        // namespace: the process must sit in the container's cgroup.
        let cgroup = std::fs::read_to_string(format!("/proc/{pid}/cgroup"))
            .map_err(|e| msg!("drain-cgroup-unreadable", pid = pid.to_string(), reason = e.to_string()))?;
        if !cgroup.contains(&container.id) {
            return Err(msg!("drain-other-pid-namespace", pid = pid.to_string()));
        }
        let conns = Connections { pid, port };
        let first = conns
            .sample()
            .map_err(|e| msg!("drain-connections-unreadable", reason = e.to_string()))?;
        if !first.listening {
            return Err(msg!("drain-nothing-listens", port = port));
        }
        Ok(conns)
    }

    fn sample(&self) -> std::io::Result<Sample> {
        let pid = self.pid;
        let mut sample = Sample {
            open: 0,
            listening: false,
            accepted: 0,
            dropped: 0,
        };
        for table in ["tcp", "tcp6"] {
            match std::fs::read_to_string(format!("/proc/{pid}/net/{table}")) {
                Ok(text) => {
                    let (open, listening) = port_connections(&text, self.port);
                    sample.open += open;
                    sample.listening |= listening;
                }
                // A kernel without IPv6 has no tcp6 table.
                Err(e) if table == "tcp6" && e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        let snmp = std::fs::read_to_string(format!("/proc/{pid}/net/snmp"))?;
        sample.accepted = counter(&snmp, "Tcp:", "PassiveOpens")
            .ok_or_else(|| std::io::Error::other(format!("no Tcp PassiveOpens in /proc/{pid}/net/snmp")))?;
        sample.dropped = std::fs::read_to_string(format!("/proc/{pid}/net/netstat"))
            .ok()
            .and_then(|netstat| counter(&netstat, "TcpExt:", "ListenDrops"))
            .unwrap_or(0);
        Ok(sample)
    }
}

/// Waits until the container behind `conns` has been idle for [`QUIET`]
/// (`idle`), at most `bound`; with `conns` None, sleeps `fixed` instead
/// (`fixed`). A container whose process went away is idle.
pub async fn until_idle(conns: Option<&Connections>, bound: Duration, fixed: Duration) -> Drained {
    let Some(conns) = conns else {
        tokio::time::sleep(fixed).await;
        return Drained::FIXED;
    };
    let started = Instant::now();
    let mut last_busy = started;
    let mut previous: Option<Sample> = None;
    let mut open_at_start = None;
    loop {
        let Ok(now) = conns.sample() else {
            // The process is gone: nothing can reach it any more.
            return Drained {
                ended: DrainEnd::Idle,
                open_at_start: open_at_start.or(Some(0)),
                open_at_end: Some(0),
            };
        };
        open_at_start = open_at_start.or(Some(now.open));
        if now.open > 0 || previous.is_some_and(|p| p.accepted != now.accepted) {
            last_busy = last_busy.max(Instant::now());
        }
        if previous.is_some_and(|p| p.dropped != now.dropped) {
            // A dropped attempt comes back after the SYN retransmission
            // timeout: busy until then, then the quiet period.
            last_busy = last_busy.max(Instant::now() + SYN_RETRY);
        }
        previous = Some(now);
        if Instant::now().saturating_duration_since(last_busy) >= QUIET {
            return Drained {
                ended: DrainEnd::Idle,
                open_at_start,
                open_at_end: Some(0),
            };
        }
        let left = bound.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Drained {
                ended: DrainEnd::Deadline,
                open_at_start,
                open_at_end: Some(now.open),
            };
        }
        tokio::time::sleep(left.min(POLL)).await;
    }
}

/// Says `msg` (why connections cannot be seen) the first time only per
/// daemon (`daemon`), so a fleet deploy to a remote host warns once, not
/// once per workload, and each remote host is named once.
pub fn say_once(daemon: &str, msg: &crate::i18n::Msg, say: impl FnOnce(&str)) {
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let Ok(mut said) = SAID.lock() else { return };
    if !said.iter().any(|d| d == daemon) {
        said.push(daemon.to_owned());
        say(&msg.localized());
    }
}

/// TCP states (`/proc/net/tcp`'s `st`, hex) of a connection the app may
/// still read from or write to: ESTABLISHED, SYN_SENT, SYN_RECV,
/// CLOSE_WAIT (the peer is done, the app may still answer). The app has
/// closed in FIN_WAIT1, CLOSING and LAST_ACK: those count only while
/// unsent data waits in the send queue.
const BUSY: [&str; 4] = ["01", "02", "03", "08"];
const CLOSING_WITH_DATA: [&str; 3] = ["04", "09", "0B"];
const LISTEN: &str = "0A";

/// Reads a `/proc/net/tcp` or `tcp6` table: (connections on local `port`
/// that may carry a request, whether something listens on `port`).
fn port_connections(table: &str, port: u16) -> (u32, bool) {
    let mut open = 0;
    let mut listening = false;
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (Some(local), Some(state), Some(queues)) = (fields.get(1), fields.get(3), fields.get(4)) else {
            continue;
        };
        let local_port = local.rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok());
        if local_port != Some(port) {
            continue;
        }
        let unsent = queues
            .split(':')
            .next()
            .and_then(|q| u64::from_str_radix(q, 16).ok())
            .unwrap_or(0);
        if *state == LISTEN {
            listening = true;
        } else if BUSY.contains(state) || (CLOSING_WITH_DATA.contains(state) && unsent > 0) {
            open += 1;
        }
    }
    (open, listening)
}

/// A counter of a `/proc/net/snmp` or `/proc/net/netstat` text, where a
/// line of names (`Tcp: ... PassiveOpens ...`) is followed by a line of
/// values with the same prefix.
fn counter(text: &str, prefix: &str, name: &str) -> Option<u64> {
    let mut lines = text.lines().filter(|l| l.starts_with(prefix));
    let names = lines.next()?;
    let values = lines.next()?;
    let at = names.split_whitespace().position(|n| n == name)?;
    values.split_whitespace().nth(at)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0200A8C0:1F90 0100A8C0:D2B4 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
   2: 0200A8C0:1F90 0100A8C0:D2B6 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0
   3: 0200A8C0:1F90 0100A8C0:D2B8 08 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1
   4: 0200A8C0:1F90 0100A8C0:D2BA 04 00000000:00000000 01:00000010 00000000     0        0 0 1 0
   5: 0200A8C0:1F90 0100A8C0:D2BC 04 000001A0:00000000 01:00000010 00000000     0        0 0 1 0
   6: 0200A8C0:C350 0100A8C0:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1
";

    #[test]
    fn counts_connections_that_may_carry_a_request_on_the_port_only() {
        // 8080 = 0x1F90: the listener, one ESTABLISHED, one CLOSE_WAIT and
        // one FIN_WAIT1 with unsent data count; TIME_WAIT, a FIN_WAIT1 with
        // nothing left to send and a connection from another local port
        // (50000, to someone's 8080) do not.
        assert_eq!(port_connections(TABLE, 8080), (3, true));
        assert_eq!(port_connections(TABLE, 80), (0, false));
    }

    #[test]
    fn reads_tcp6_addresses() {
        let table =
            "  sl  local_address                         remote_address                        st tx_queue rx_queue
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000
   1: 0000000000000000FFFF00000200A8C0:1F90 0000000000000000FFFF00000100A8C0:D2B4 01 00000000:00000000
";
        assert_eq!(port_connections(table, 8080), (1, true));
    }

    #[test]
    fn reads_passive_opens_from_snmp() {
        let snmp = "Ip: Forwarding DefaultTTL\nIp: 1 64\nTcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens \
                    PassiveOpens AttemptFails\nTcp: 1 200 120000 -1 0 6 0\nUdp: InDatagrams\nUdp: 0\n";
        assert_eq!(counter(snmp, "Tcp:", "PassiveOpens"), Some(6));
        assert_eq!(counter("Ip: Forwarding\nIp: 1\n", "Tcp:", "PassiveOpens"), None);
    }

    #[test]
    fn reads_listen_drops_from_netstat() {
        let netstat = "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops\nTcpExt: 0 0 7 9\n\
                       IpExt: InNoRoutes\nIpExt: 0\n";
        assert_eq!(counter(netstat, "TcpExt:", "ListenDrops"), Some(9));
    }

    #[tokio::test]
    async fn without_visible_connections_the_drain_waits_the_fixed_time() {
        let t = Instant::now();
        let drained = until_idle(None, Duration::from_secs(30), Duration::from_millis(20)).await;
        assert_eq!(drained, Drained::FIXED);
        assert!(t.elapsed() >= Duration::from_millis(20));
    }

    fn container(id: &str, pid: u32) -> ContainerInfo {
        ContainerInfo {
            id: id.to_owned(),
            name: "web-abc123".to_owned(),
            image: String::new(),
            running: true,
            restarting: false,
            status: "running".to_owned(),
            exit_code: 0,
            error: String::new(),
            health: None,
            health_check: None,
            restart_count: 0,
            oom_killed: false,
            pid,
            started_at: String::new(),
            labels: Default::default(),
            ips: Default::default(),
        }
    }

    #[test]
    fn connections_are_not_read_where_they_would_be_wrong() {
        let err = |r: Result<Connections, Msg>| r.err().unwrap_or_else(|| panic!("should fall back")).english();
        let id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert!(err(Connections::on_host(false, &container(id, 1), 80)).contains("remote"));
        assert!(err(Connections::on_host(true, &container(id, 0), 80)).contains("pid 0"));
        // This test process is no container's: its pid would be a remote
        // or foreign pid namespace's guess.
        let mine = container(id, std::process::id());
        assert!(err(Connections::on_host(true, &mine, 80)).contains("not the container's process"));
    }

    /// The drain against this test process's own network namespace: an
    /// open connection on the port holds it to its bound; once closed, none
    /// is open at the end. (Whether it ends `idle` here depends on the
    /// whole host's TCP accepts, which the namespace counter also counts:
    /// tests/it/routes.rs checks `idle` in a container's own namespace.)
    #[tokio::test]
    async fn an_open_connection_holds_the_drain_and_its_close_ends_it() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("local addr").port();
        let conns = Connections {
            pid: std::process::id(),
            port,
        };
        let client = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let held = until_idle(Some(&conns), Duration::from_millis(300), Duration::ZERO).await;
        assert_eq!(
            held,
            Drained {
                ended: DrainEnd::Deadline,
                open_at_start: Some(1),
                open_at_end: Some(1),
            }
        );
        drop(client);
        let (server_side, _) = listener.accept().expect("accept");
        drop(server_side);
        let freed = until_idle(Some(&conns), Duration::from_secs(2), Duration::ZERO).await;
        assert_eq!(freed.open_at_end, Some(0), "{freed:?}");
    }
}
