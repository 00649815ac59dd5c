//! The report: gathered once, printed as text or as JSON (schema in docs/uring-info.md).

use std::fmt::Write;

use uring::errno::Errno;

use crate::capabilities::{self, FlagResult, Limit, ProbeResult, Query, RegResult, TempRing};
use crate::diagnose::{bytes, diagnose, errno_name, Diagnosis};
use crate::json::Json;
use crate::names;
use crate::selftest::SelfTest;
use crate::system::Facts;

/// The version of the JSON document's layout; bumped when a field changes meaning or
/// goes away (new fields may appear without a bump).
pub const SCHEMA: &str = "uring-info/1";

/// Everything learnt about io_uring on this machine.
#[derive(Debug)]
pub struct Report {
    pub facts: Facts,
    /// The setup of a plain 8-entry ring: Err(errno) on failure.
    pub setup: Result<(), i32>,
    pub diagnosis: Diagnosis,
    /// What a working io_uring can do (None when no ring could be made).
    pub ring: Option<RingInfo>,
    /// None when the self-test was not asked for.
    pub selftest: Option<SelfTest>,
}

/// What the kernel's io_uring supports.
#[derive(Debug)]
pub struct RingInfo {
    /// `io_uring_params.features` of a plain ring.
    pub features: u32,
    /// SQ and CQ sizes the kernel gave a ring asked for 8 entries.
    pub sq_entries: u32,
    pub cq_entries: u32,
    pub flags: Vec<FlagResult>,
    pub probe: Result<ProbeResult, i32>,
    pub query: Result<Query, i32>,
    pub register: Vec<RegResult>,
    pub sq_limit: Limit,
    pub cq_limit: Limit,
    /// Whether ring memory is charged to RLIMIT_MEMLOCK for this process (None: not
    /// measured; Some(false) also when CAP_IPC_LOCK exempts it).
    pub memlock_charged: Option<bool>,
}

impl Report {
    /// Gather the report; `selftest` runs the C library checks too.
    pub fn gather(selftest: bool) -> Report {
        let facts = Facts::read();
        let ring = TempRing::new(8, 0);
        let setup = ring.as_ref().map(|_| ()).map_err(|e| e.raw());
        let mut diagnosis = diagnose(setup, &facts);
        let ring = ring.ok().map(|mut ring| {
            let query = capabilities::query();
            let memlock_charged = if facts.cap_ipc_lock {
                Some(false)
            } else {
                capabilities::memlock_charged()
            };
            let (sq_limit, cq_limit) = capabilities::ring_limits();
            RingInfo {
                features: ring.params().features,
                sq_entries: ring.params().sq_entries,
                cq_entries: ring.params().cq_entries,
                flags: capabilities::try_setup_flags(true),
                probe: capabilities::probe_opcodes(&mut ring).map_err(Errno::raw),
                register: capabilities::register_ops(query.as_ref().ok()),
                query: query.map_err(Errno::raw),
                sq_limit,
                cq_limit,
                memlock_charged,
            }
        });
        if let Some(info) = &ring {
            if info.memlock_charged == Some(true) {
                diagnosis.notes.push(format!(
                    "this kernel charges ring memory to RLIMIT_MEMLOCK for processes without CAP_IPC_LOCK \
                     (checked in a child with the limit at 0); the limit here is {}",
                    facts.memlock.map_or("unknown".into(), |(soft, _)| bytes(soft))
                ));
            }
        }
        Report {
            facts,
            setup,
            diagnosis,
            ring,
            selftest: selftest.then(crate::selftest::run),
        }
    }

    /// The exit status: 0 usable (and the self-test, if run on a library, passed), 1 not
    /// usable, 3 usable but a self-test check failed.
    pub fn exit_code(&self) -> u8 {
        if !self.diagnosis.usable {
            1
        } else if self.selftest.as_ref().is_some_and(|t| !t.passed()) {
            3
        } else {
            0
        }
    }

    /// The human-readable report.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let f = &self.facts;
        let _ = writeln!(
            o,
            "uring-info {}: io_uring on this machine\n",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(o, "kernel:    Linux {} ({})", f.kernel_release, f.machine);
        let d = &self.diagnosis;
        if d.usable {
            let _ = writeln!(o, "io_uring:  usable ({})", d.summary);
        } else {
            let _ = writeln!(o, "io_uring:  NOT USABLE: {}", d.summary);
        }
        let _ = writeln!(
            o,
            "  kernel.io_uring_disabled = {}, kernel.io_uring_group = {}{}",
            f.io_uring_disabled.map_or("(absent)".into(), |v| v.to_string()),
            f.io_uring_group.map_or("(absent)".into(), |v| v.to_string()),
            if f.sysctl_dir == crate::system::SYSCTL_DIR {
                String::new()
            } else {
                format!(" (read from {})", f.sysctl_dir)
            }
        );
        let _ = writeln!(
            o,
            "  seccomp: {}; container: {}",
            match (f.seccomp_mode, f.seccomp_filters) {
                (Some(0), _) => "none".to_string(),
                (Some(1), _) => "strict mode".to_string(),
                (Some(2), Some(n)) => format!("filter ({n} installed)"),
                (Some(2), None) => "filter".to_string(),
                (Some(m), _) => format!("mode {m}"),
                (None, _) => "unknown".to_string(),
            },
            if f.container_hints.is_empty() {
                "no signs".to_string()
            } else {
                f.container_hints.join("; ")
            }
        );
        let _ = writeln!(
            o,
            "  uid {}, CAP_SYS_ADMIN {}, CAP_IPC_LOCK {}; RLIMIT_MEMLOCK {}{}",
            f.uid,
            yes_no(f.cap_sys_admin),
            yes_no(f.cap_ipc_lock),
            f.memlock.map_or("unknown".into(), |(s, h)| format!(
                "soft {}, hard {}",
                bytes(s),
                bytes(h)
            )),
            match self.ring.as_ref().and_then(|r| r.memlock_charged) {
                Some(true) => " (ring memory is charged to it)",
                Some(false) if f.cap_ipc_lock => " (not charged: CAP_IPC_LOCK)",
                Some(false) => " (ring memory is not charged to it)",
                None => "",
            }
        );
        if !d.usable {
            let _ = writeln!(o, "\nwhy:");
            for e in &d.evidence {
                let _ = writeln!(o, "  - {e}");
            }
            let _ = writeln!(o, "what to do:");
            for a in &d.advice {
                let _ = writeln!(o, "  - {a}");
            }
        }
        for n in &d.notes {
            let _ = writeln!(o, "  note: {n}");
        }
        match &self.ring {
            Some(r) => r.write_text(&mut o, f.cap_sys_admin),
            None => {
                let _ = writeln!(
                    o,
                    "\nfeatures, setup flags, opcodes, register operations, limits: not available (no ring could \
                     be created)"
                );
            }
        }
        if let Some(t) = &self.selftest {
            write_selftest(&mut o, t);
        }
        let _ = writeln!(
            o,
            "\nresult: {}",
            match self.exit_code() {
                0 => "io_uring is usable (exit status 0)",
                1 => "io_uring is NOT usable (exit status 1)",
                _ => "io_uring is usable, but the self-test of the C library FAILED (exit status 3)",
            }
        );
        o
    }

    /// The report as a JSON document (schema [`SCHEMA`], described in docs/uring-info.md).
    pub fn to_json(&self) -> Json {
        let f = &self.facts;
        let d = &self.diagnosis;
        Json::obj([
            ("schema", Json::str(SCHEMA)),
            ("uring_info_version", Json::str(env!("CARGO_PKG_VERSION"))),
            (
                "kernel",
                Json::obj([
                    ("release", Json::str(&f.kernel_release)),
                    ("machine", Json::str(&f.machine)),
                ]),
            ),
            ("usable", Json::Bool(d.usable)),
            ("exit_status", Json::UInt(u64::from(self.exit_code()))),
            ("setup_error", errno_json(self.setup.err())),
            (
                "diagnosis",
                Json::obj([
                    ("summary", Json::str(&d.summary)),
                    ("evidence", Json::strings(&d.evidence)),
                    ("advice", Json::strings(&d.advice)),
                    ("notes", Json::strings(&d.notes)),
                ]),
            ),
            (
                "environment",
                Json::obj([
                    ("sysctl_dir", Json::str(&f.sysctl_dir)),
                    ("io_uring_disabled", Json::opt_int(f.io_uring_disabled.map(i64::from))),
                    ("io_uring_group", Json::opt_int(f.io_uring_group)),
                    ("in_io_uring_group", Json::Bool(f.in_io_uring_group)),
                    ("uid", Json::UInt(u64::from(f.uid))),
                    ("cap_sys_admin", Json::Bool(f.cap_sys_admin)),
                    ("cap_ipc_lock", Json::Bool(f.cap_ipc_lock)),
                    ("seccomp_mode", Json::opt_int(f.seccomp_mode.map(i64::from))),
                    ("seccomp_filters", Json::opt_int(f.seccomp_filters.map(i64::from))),
                    ("container_hints", Json::strings(&f.container_hints)),
                    (
                        "memlock",
                        match f.memlock {
                            Some((soft, hard)) => Json::obj([("soft", limit_json(soft)), ("hard", limit_json(hard))]),
                            None => Json::Null,
                        },
                    ),
                    (
                        "memlock_charged",
                        self.ring
                            .as_ref()
                            .and_then(|r| r.memlock_charged)
                            .map_or(Json::Null, Json::Bool),
                    ),
                ]),
            ),
            ("ring", self.ring.as_ref().map_or(Json::Null, RingInfo::to_json)),
            ("selftest", self.selftest.as_ref().map_or(Json::Null, selftest_json)),
        ])
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// `{"errno": 1, "name": "EPERM"}` or null.
fn errno_json(e: Option<i32>) -> Json {
    match e {
        Some(e) => Json::obj([("errno", Json::Int(i64::from(e))), ("name", Json::str(errno_name(e)))]),
        None => Json::Null,
    }
}

/// A limit in bytes, or the string "unlimited".
fn limit_json(n: u64) -> Json {
    if n == u64::MAX {
        Json::str("unlimited")
    } else {
        Json::UInt(n)
    }
}

fn limit_text(l: &Limit) -> String {
    let largest = l.largest.map_or("none".into(), |n| n.to_string());
    match l.refused {
        Some((n, e)) if e == libc::ENOMEM => format!(
            "{largest} ({n} refused: ENOMEM, a memory limit such as RLIMIT_MEMLOCK rather than the kernel's maximum)"
        ),
        Some((n, e)) => format!("{largest} ({n} refused: {})", errno_name(e)),
        None => format!("{largest} (every size up to 2^20 accepted)"),
    }
}

fn limit_to_json(l: &Limit) -> Json {
    Json::obj([
        ("largest", l.largest.map_or(Json::Null, |n| Json::UInt(u64::from(n)))),
        (
            "refused",
            match l.refused {
                Some((n, e)) => Json::obj([("entries", Json::UInt(u64::from(n))), ("error", errno_json(Some(e)))]),
                None => Json::Null,
            },
        ),
    ])
}

impl RingInfo {
    fn write_text(&self, o: &mut String, privileged: bool) {
        let _ = writeln!(
            o,
            "\nfeatures (io_uring_params.features = {:#x}; a ring asked for 8 entries got SQ {}, CQ {}):",
            self.features, self.sq_entries, self.cq_entries
        );
        for &(bit, name) in names::FEATURES {
            let _ = writeln!(o, "  {:<4} IORING_FEAT_{name}", yes_no(self.features & bit != 0));
        }
        let unknown = self.features & !names::FEATURES.iter().fold(0, |a, (b, _)| a | b);
        if unknown != 0 {
            let _ = writeln!(o, "  yes  bits {unknown:#x} unknown to this library");
        }
        let _ = writeln!(
            o,
            "\nsetup flags (each tried on a 4-entry ring{}):",
            if privileged {
                "; this process has CAP_SYS_ADMIN, so a flag that needs privilege shows as supported: run \
                 uring-info unprivileged to see what an unprivileged program gets"
            } else {
                ""
            }
        );
        for fl in &self.flags {
            let mut line = format!("  {:<16} IORING_SETUP_{}", fl.status.as_str(), fl.name);
            if !fl.with.is_empty() {
                let _ = write!(line, " (with {})", fl.with);
            }
            if let Some(e) = fl.errno {
                let _ = write!(line, ": {}", errno_name(e));
            }
            let _ = writeln!(o, "{line}");
        }
        match &self.probe {
            Ok(p) => {
                let n = p.ops.iter().filter(|op| op.supported).count();
                let _ = writeln!(
                    o,
                    "\nopcodes (probe: {n} of {} supported, the kernel's last opcode is {}):",
                    p.ops.len(),
                    p.last_op
                );
                for op in &p.ops {
                    let _ = writeln!(o, "  {:<4} {:>3} IORING_OP_{}", yes_no(op.supported), op.op, op.name);
                }
            }
            Err(e) => {
                let _ = writeln!(o, "\nopcodes: the probe failed with {}", errno_name(*e));
            }
        }
        let _ = writeln!(
            o,
            "\nregister operations (exercised on throw-away rings{}):",
            match &self.query {
                Ok(q) => format!(
                    "; IORING_REGISTER_QUERY: the kernel knows {} register and {} request opcodes",
                    q.nr_register_opcodes, q.nr_request_opcodes
                ),
                Err(e) => format!("; IORING_REGISTER_QUERY unavailable: {}", errno_name(*e)),
            }
        );
        for r in &self.register {
            let errno = r.errno.map(|e| format!(": {}", errno_name(e))).unwrap_or_default();
            let _ = writeln!(o, "  {:<12} {:>2} IORING_{}{errno}", r.status.as_str(), r.op, r.name);
        }
        let _ = writeln!(
            o,
            "\nring size limits (bare io_uring_setup calls: powers of two, then a binary search):"
        );
        let _ = writeln!(o, "  SQ entries: {}", limit_text(&self.sq_limit));
        let _ = writeln!(o, "  CQ entries (IORING_SETUP_CQSIZE): {}", limit_text(&self.cq_limit));
    }

    fn to_json(&self) -> Json {
        let feature_names = names::FEATURES
            .iter()
            .map(|&(bit, name)| {
                Json::obj([
                    ("name", Json::str(name)),
                    ("bit", Json::UInt(u64::from(bit))),
                    ("present", Json::Bool(self.features & bit != 0)),
                ])
            })
            .collect();
        let flags = self
            .flags
            .iter()
            .map(|f| {
                Json::obj([
                    ("name", Json::str(f.name)),
                    ("value", Json::UInt(u64::from(f.value))),
                    ("status", Json::str(f.status.as_str())),
                    ("error", errno_json(f.errno)),
                    ("with", Json::str(f.with)),
                ])
            })
            .collect();
        let probe = match &self.probe {
            Ok(p) => Json::obj([
                ("last_op", Json::UInt(u64::from(p.last_op))),
                (
                    "ops",
                    Json::Array(
                        p.ops
                            .iter()
                            .map(|op| {
                                Json::obj([
                                    ("op", Json::UInt(u64::from(op.op))),
                                    ("name", Json::str(&op.name)),
                                    ("supported", Json::Bool(op.supported)),
                                ])
                            })
                            .collect(),
                    ),
                ),
                ("error", Json::Null),
            ]),
            Err(e) => Json::obj([
                ("last_op", Json::Null),
                ("ops", Json::Array(vec![])),
                ("error", errno_json(Some(*e))),
            ]),
        };
        let register = self
            .register
            .iter()
            .map(|r| {
                Json::obj([
                    ("op", Json::UInt(u64::from(r.op))),
                    ("name", Json::str(r.name)),
                    ("status", Json::str(r.status.as_str())),
                    ("error", errno_json(r.errno)),
                ])
            })
            .collect();
        let query = match &self.query {
            Ok(q) => Json::obj([
                ("nr_request_opcodes", Json::UInt(u64::from(q.nr_request_opcodes))),
                ("nr_register_opcodes", Json::UInt(u64::from(q.nr_register_opcodes))),
                ("feature_flags", Json::UInt(q.feature_flags)),
                ("ring_setup_flags", Json::UInt(q.ring_setup_flags)),
                ("enter_flags", Json::UInt(q.enter_flags)),
                ("sqe_flags", Json::UInt(q.sqe_flags)),
            ]),
            Err(e) => Json::obj([("error", errno_json(Some(*e)))]),
        };
        Json::obj([
            ("features", Json::UInt(u64::from(self.features))),
            ("feature_bits", Json::Array(feature_names)),
            ("sq_entries", Json::UInt(u64::from(self.sq_entries))),
            ("cq_entries", Json::UInt(u64::from(self.cq_entries))),
            ("setup_flags", Json::Array(flags)),
            ("opcodes", probe),
            ("query", query),
            ("register", Json::Array(register)),
            (
                "limits",
                Json::obj([
                    ("sq_entries", limit_to_json(&self.sq_limit)),
                    ("cq_entries", limit_to_json(&self.cq_limit)),
                ]),
            ),
        ])
    }
}

fn write_selftest(o: &mut String, t: &SelfTest) {
    let _ = writeln!(o, "\nself-test through the C library:");
    match &t.library {
        Some(l) => {
            let _ = writeln!(
                o,
                "  library: {} (found via {}{})",
                l.path,
                l.origin.as_str(),
                l.version.as_ref().map(|v| format!(", version {v}")).unwrap_or_default()
            );
        }
        None => {
            let _ = writeln!(o, "  library: none");
        }
    }
    if let Some(n) = &t.note {
        let _ = writeln!(o, "  note: {n}");
    }
    for c in &t.checks {
        let _ = writeln!(
            o,
            "  {:<6} {}: {}",
            if c.ok { "ok" } else { "FAILED" },
            c.name,
            c.detail
        );
    }
}

fn selftest_json(t: &SelfTest) -> Json {
    Json::obj([
        (
            "library",
            match &t.library {
                Some(l) => Json::obj([
                    ("path", Json::str(&l.path)),
                    ("found_via", Json::str(l.origin.as_str())),
                    ("version", Json::opt_str(l.version.clone())),
                ]),
                None => Json::Null,
            },
        ),
        ("note", Json::opt_str(t.note.clone())),
        ("passed", Json::Bool(t.passed())),
        (
            "checks",
            Json::Array(
                t.checks
                    .iter()
                    .map(|c| {
                        Json::obj([
                            ("name", Json::str(c.name)),
                            ("ok", Json::Bool(c.ok)),
                            ("detail", Json::str(&c.detail)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}
