//! Why io_uring does or does not work here, and what to do about it: a pure function of
//! the errno of a setup attempt and the [`Facts`] read from the system, so that every
//! branch can be tested with made-up facts.

use crate::system::Facts;

/// Ring memory at or below which RLIMIT_MEMLOCK is "small": one 4 KiB page of SQEs, the
/// rings and the SQ array of even the smallest ring take more than 16 KiB on some setups.
const SMALL_MEMLOCK: u64 = 64 * 1024;

/// The conclusion: usable or not, why, and what to do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnosis {
    /// io_uring works for this process.
    pub usable: bool,
    /// One line: "io_uring works" or the cause.
    pub summary: String,
    /// The evidence behind the summary, one fact per entry.
    pub evidence: Vec<String>,
    /// What to do, one step per entry (empty when nothing needs doing).
    pub advice: Vec<String>,
    /// Things worth knowing even though io_uring works (other processes may be refused,
    /// limits that bite with larger rings).
    pub notes: Vec<String>,
}

/// The symbolic name of an errno the setup may fail with.
pub fn errno_name(e: i32) -> &'static str {
    match e {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::EINTR => "EINTR",
        libc::EBADF => "EBADF",
        libc::EAGAIN => "EAGAIN",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        libc::EFAULT => "EFAULT",
        libc::EBUSY => "EBUSY",
        libc::EEXIST => "EEXIST",
        libc::ENODEV => "ENODEV",
        libc::EINVAL => "EINVAL",
        libc::ENFILE => "ENFILE",
        libc::EMFILE => "EMFILE",
        libc::ENOSYS => "ENOSYS",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::ETIME => "ETIME",
        libc::ECANCELED => "ECANCELED",
        libc::ENXIO => "ENXIO",
        libc::E2BIG => "E2BIG",
        libc::EOVERFLOW => "EOVERFLOW",
        _ => "E?",
    }
}

/// "unlimited" or a byte count with KiB/MiB where round.
pub fn bytes(n: u64) -> String {
    match n {
        u64::MAX => "unlimited".into(),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// Diagnose a setup that returned `setup` (`Err(errno)` on failure) under `facts`.
pub fn diagnose(setup: Result<(), i32>, facts: &Facts) -> Diagnosis {
    let mut d = Diagnosis::default();
    seccomp_evidence(facts, &mut d.evidence);
    match setup {
        Ok(()) => usable(facts, &mut d),
        Err(e) => {
            d.evidence
                .insert(0, format!("io_uring_setup(2) failed with {} ({e})", errno_name(e)));
            match e {
                libc::ENOSYS => enosys(facts, &mut d),
                libc::EPERM => eperm(facts, &mut d),
                libc::EACCES => lsm(&mut d),
                libc::ENOMEM => enomem(facts, &mut d),
                libc::EMFILE | libc::ENFILE => {
                    d.summary = "io_uring_setup could not get a file descriptor: the process (EMFILE) or the system \
                                 (ENFILE) is out of them"
                        .into();
                    d.advice
                        .push("raise the open-file limit (`ulimit -n`, LimitNOFILE=) or close unused files".into());
                }
                _ => {
                    d.summary = format!(
                        "io_uring_setup(2) failed with {} ({e}) for a 2-entry ring with no flags, which no usual \
                         cause explains",
                        errno_name(e)
                    );
                    d.advice.push(
                        "run `strace -e trace=io_uring_setup` on this program and compare with a program on the \
                         host; report the kernel release and errno"
                            .into(),
                    );
                }
            }
        }
    }
    d
}

/// The seccomp and container facts, which matter for several errnos.
fn seccomp_evidence(facts: &Facts, evidence: &mut Vec<String>) {
    match facts.seccomp_mode {
        Some(2) => evidence.push(format!(
            "this process runs under a seccomp filter (Seccomp: 2 in /proc/self/status{})",
            facts
                .seccomp_filters
                .map(|n| format!(", {n} filter(s)"))
                .unwrap_or_default()
        )),
        Some(1) => evidence.push("this process is in seccomp strict mode (Seccomp: 1)".into()),
        _ => {}
    }
    for hint in &facts.container_hints {
        evidence.push(format!("container: {hint}"));
    }
}

fn in_container(facts: &Facts) -> bool {
    !facts.container_hints.is_empty()
}

const SECCOMP_ADVICE_DOCKER: &str = "Docker 25+ and containerd 2.0+ leave io_uring_setup, io_uring_enter and \
     io_uring_register out of their default seccomp profiles: run the container with a profile that allows them \
     (`docker run --security-opt seccomp=/path/to/profile.json`, Kubernetes `securityContext.seccompProfile` of \
     type Localhost), or `--security-opt seccomp=unconfined` to test";
const SECCOMP_ADVICE_SYSTEMD: &str = "for a systemd service, check SystemCallFilter= (`systemctl show -p \
     SystemCallFilter UNIT`): the three io_uring system calls must be allowed";

fn enosys(facts: &Facts, d: &mut Diagnosis) {
    if let Some((major, minor)) = facts.kernel_version() {
        if (major, minor) < (5, 1) {
            d.summary = format!(
                "the kernel ({}) is older than Linux 5.1, the first with io_uring",
                facts.kernel_release
            );
            d.advice
                .push("upgrade the kernel: this library needs 5.1 at least, and 5.19+ for most features".into());
            return;
        }
    }
    if facts.seccomp_mode == Some(2) {
        d.summary = "a seccomp filter on this process makes io_uring_setup fail with ENOSYS".into();
        if in_container(facts) {
            d.advice.push(SECCOMP_ADVICE_DOCKER.into());
        }
        d.advice.push(SECCOMP_ADVICE_SYSTEMD.into());
        d.advice
            .push("compare with the host: `grep Seccomp /proc/self/status` there shows 0 where nothing filters".into());
        return;
    }
    d.summary = format!(
        "the kernel ({}) has no io_uring: it was built without CONFIG_IO_URING",
        facts.kernel_release
    );
    d.evidence
        .push("no seccomp filter is on this process, so the ENOSYS comes from the kernel itself".into());
    d.advice.push(format!(
        "check `grep IO_URING /boot/config-{}` (or `zgrep IO_URING /proc/config.gz`); a kernel with \
         CONFIG_IO_URING=y is needed",
        facts.kernel_release
    ));
}

fn eperm(facts: &Facts, d: &mut Diagnosis) {
    let sysctl = format!("{}/io_uring_disabled", facts.sysctl_dir);
    let group = match facts.io_uring_group {
        Some(g) if g >= 0 => format!("gid {g}"),
        Some(_) => "-1: no group".into(),
        None => "unreadable".into(),
    };
    match facts.io_uring_disabled {
        Some(2) => {
            d.summary = "io_uring is disabled on this machine: kernel.io_uring_disabled is 2, which refuses every \
                         process, root included"
                .into();
            d.evidence.push(format!("{sysctl} is 2"));
            d.advice.push(
                "an administrator can allow it with `sysctl -w kernel.io_uring_disabled=0` (everyone) or \
                 `sysctl -w kernel.io_uring_disabled=1` plus `sysctl -w kernel.io_uring_group=GID` (members of \
                 one group); make it permanent in /etc/sysctl.d/"
                    .into(),
            );
            return;
        }
        Some(1) if !facts.cap_sys_admin && !facts.in_io_uring_group => {
            d.summary = "io_uring is disabled for this process: kernel.io_uring_disabled is 1, which allows only \
                         processes with CAP_SYS_ADMIN or in the group kernel.io_uring_group"
                .into();
            d.evidence.push(format!("{sysctl} is 1"));
            d.evidence.push(format!(
                "kernel.io_uring_group is {group}; this process (uid {}) is not in it and lacks CAP_SYS_ADMIN",
                facts.uid
            ));
            if facts.io_uring_group.is_some_and(|g| g >= 0) {
                d.advice.push(format!(
                    "run the program in group {group} (e.g. add the user to it: `usermod -aG <group> USER`, then log \
                     in again), or"
                ));
            } else {
                d.advice.push(
                    "no group is configured: an administrator can name one with `sysctl -w \
                     kernel.io_uring_group=GID` and add the user to it, or"
                        .into(),
                );
            }
            d.advice
                .push("an administrator can allow everyone with `sysctl -w kernel.io_uring_disabled=0`".into());
            return;
        }
        Some(v) => d.evidence.push(format!(
            "{sysctl} is {v}{}",
            if v == 1 {
                " but this process has CAP_SYS_ADMIN or is in kernel.io_uring_group: the sysctl does not refuse it"
            } else {
                ": the sysctl allows io_uring"
            }
        )),
        None => d.evidence.push(format!(
            "{sysctl} is absent or unreadable (Linux before 6.6 has no such sysctl)"
        )),
    }
    if facts.seccomp_mode == Some(2) {
        d.summary = "a seccomp filter on this process makes io_uring_setup fail with EPERM".into();
        if in_container(facts) {
            d.advice.push(SECCOMP_ADVICE_DOCKER.into());
        }
        d.advice.push(SECCOMP_ADVICE_SYSTEMD.into());
        return;
    }
    d.summary = "io_uring_setup was refused with EPERM by something other than the sysctl or seccomp: most \
                 likely a security module"
        .into();
    lsm_advice(d);
}

fn lsm(d: &mut Diagnosis) {
    d.summary = "io_uring_setup was refused with EACCES: a security module (SELinux, AppArmor, another LSM) \
                 denies io_uring to this process"
        .into();
    lsm_advice(d);
}

fn lsm_advice(d: &mut Diagnosis) {
    d.advice.push(
        "look for a denial in the audit log (`ausearch -m AVC -ts recent`, `journalctl -k | grep -i denied`): \
         SELinux has an `io_uring` class, AppArmor profiles can deny it; Android and ChromeOS switch io_uring off"
            .into(),
    );
}

fn enomem(facts: &Facts, d: &mut Diagnosis) {
    match facts.memlock {
        Some((soft, hard)) if !facts.cap_ipc_lock && soft <= SMALL_MEMLOCK => {
            d.summary = format!(
                "not enough locked memory: RLIMIT_MEMLOCK is {} and this process lacks CAP_IPC_LOCK, so the ring \
                 memory does not fit under it",
                bytes(soft)
            );
            d.evidence.push(format!(
                "RLIMIT_MEMLOCK soft limit {}, hard limit {}",
                bytes(soft),
                bytes(hard)
            ));
            d.evidence.push(
                "Linux before 5.12, and recent kernels for ring memory without CAP_IPC_LOCK, charge rings to \
                 RLIMIT_MEMLOCK"
                    .into(),
            );
            let mut step = "raise the limit: `ulimit -l 65536` (up to the hard limit), LimitMEMLOCK= for systemd \
                            services, memlock in /etc/security/limits.conf"
                .to_string();
            if in_container(facts) {
                step.push_str(", `docker run --ulimit memlock=-1`");
            }
            d.advice.push(step);
        }
        other => {
            d.summary = "io_uring_setup ran out of memory for a 2-entry ring: the memory cgroup or the system is \
                         out of memory"
                .into();
            if let Some((soft, hard)) = other {
                d.evidence.push(format!(
                    "RLIMIT_MEMLOCK soft limit {}, hard limit {}{}",
                    bytes(soft),
                    bytes(hard),
                    if facts.cap_ipc_lock {
                        " (not charged: CAP_IPC_LOCK)"
                    } else {
                        ""
                    }
                ));
            }
            d.advice
                .push("check the cgroup's memory.max and memory.events, and free memory (`free -m`)".into());
        }
    }
}

fn usable(facts: &Facts, d: &mut Diagnosis) {
    d.usable = true;
    d.summary = "io_uring works for this process".into();
    if facts.io_uring_disabled == Some(1) {
        d.notes.push(format!(
            "kernel.io_uring_disabled is 1: this process may use io_uring ({}), other processes without \
             CAP_SYS_ADMIN outside kernel.io_uring_group are refused",
            if facts.cap_sys_admin {
                "it has CAP_SYS_ADMIN"
            } else {
                "it is in kernel.io_uring_group"
            }
        ));
    }
    if facts.seccomp_mode == Some(2) {
        d.notes.push(
            "a seccomp filter is on this process but lets io_uring_setup through; it cannot see the operations \
             submitted through the ring"
                .into(),
        );
    }
    if let Some((soft, _)) = facts.memlock {
        if !facts.cap_ipc_lock && soft <= SMALL_MEMLOCK {
            d.notes.push(format!(
                "RLIMIT_MEMLOCK is only {}: registered buffers (and, on kernels that charge them, large rings) \
                 will fail with ENOMEM; raise it with `ulimit -l`",
                bytes(soft)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Facts {
        Facts {
            kernel_release: "6.18.0-test".into(),
            machine: "x86_64".into(),
            sysctl_dir: "/proc/sys/kernel".into(),
            io_uring_disabled: Some(0),
            io_uring_group: Some(-1),
            seccomp_mode: Some(0),
            seccomp_filters: Some(0),
            memlock: Some((8 << 20, 8 << 20)),
            uid: 1000,
            ..Facts::default()
        }
    }

    fn all_text(d: &Diagnosis) -> String {
        format!(
            "{}\n{}\n{}\n{}",
            d.summary,
            d.evidence.join("\n"),
            d.advice.join("\n"),
            d.notes.join("\n")
        )
    }

    #[test]
    fn works() {
        let d = diagnose(Ok(()), &base());
        assert!(d.usable);
        assert_eq!(d.summary, "io_uring works for this process");
        assert!(d.advice.is_empty() && d.notes.is_empty(), "{d:?}");
    }

    #[test]
    fn disabled_2_refuses_everyone() {
        let f = Facts {
            io_uring_disabled: Some(2),
            cap_sys_admin: true,
            ..base()
        };
        let d = diagnose(Err(libc::EPERM), &f);
        assert!(!d.usable);
        assert!(d.summary.contains("io_uring_disabled is 2"), "{d:?}");
        assert!(d.advice[0].contains("sysctl -w kernel.io_uring_disabled=0"), "{d:?}");
        assert!(d.evidence.iter().any(|e| e.contains("EPERM (1)")), "{d:?}");
    }

    #[test]
    fn disabled_1_without_group_or_capability() {
        let f = Facts {
            io_uring_disabled: Some(1),
            io_uring_group: Some(4242),
            ..base()
        };
        let d = diagnose(Err(libc::EPERM), &f);
        assert!(d.summary.contains("io_uring_disabled is 1"), "{d:?}");
        let text = all_text(&d);
        assert!(text.contains("gid 4242") && text.contains("uid 1000"), "{text}");
        assert!(text.contains("usermod -aG"), "{text}");
        // No group configured: the advice says how to name one.
        let d = diagnose(
            Err(libc::EPERM),
            &Facts {
                io_uring_group: Some(-1),
                ..f
            },
        );
        assert!(all_text(&d).contains("kernel.io_uring_group=GID"), "{d:?}");
    }

    #[test]
    fn disabled_1_does_not_explain_eperm_for_a_privileged_process() {
        let f = Facts {
            io_uring_disabled: Some(1),
            cap_sys_admin: true,
            seccomp_mode: Some(2),
            seccomp_filters: Some(1),
            ..base()
        };
        let d = diagnose(Err(libc::EPERM), &f);
        assert!(d.summary.contains("seccomp"), "{d:?}");
        assert!(all_text(&d).contains("does not refuse it"), "{d:?}");
    }

    #[test]
    fn seccomp_in_a_container() {
        let f = Facts {
            seccomp_mode: Some(2),
            seccomp_filters: Some(1),
            container_hints: vec!["/.dockerenv exists (Docker)".into()],
            ..base()
        };
        for e in [libc::EPERM, libc::ENOSYS] {
            let d = diagnose(Err(e), &f);
            assert!(!d.usable);
            assert!(d.summary.contains("seccomp filter"), "{d:?}");
            let text = all_text(&d);
            assert!(text.contains("--security-opt seccomp="), "{text}");
            assert!(text.contains("container: /.dockerenv"), "{text}");
            assert!(text.contains("1 filter(s)"), "{text}");
        }
        // Outside a container the Docker advice is left out, systemd's stays.
        let d = diagnose(
            Err(libc::EPERM),
            &Facts {
                container_hints: vec![],
                ..f
            },
        );
        assert!(!all_text(&d).contains("docker run"), "{d:?}");
        assert!(all_text(&d).contains("SystemCallFilter="), "{d:?}");
    }

    #[test]
    fn enosys_without_seccomp_is_the_kernel() {
        let d = diagnose(Err(libc::ENOSYS), &base());
        assert!(d.summary.contains("CONFIG_IO_URING"), "{d:?}");
        assert!(all_text(&d).contains("/boot/config-6.18.0-test"), "{d:?}");
        let old = Facts {
            kernel_release: "4.19.0-27-amd64".into(),
            ..base()
        };
        let d = diagnose(Err(libc::ENOSYS), &old);
        assert!(d.summary.contains("older than Linux 5.1"), "{d:?}");
    }

    #[test]
    fn eperm_without_sysctl_or_seccomp_is_a_security_module() {
        let f = Facts {
            io_uring_disabled: None,
            io_uring_group: None,
            ..base()
        };
        let d = diagnose(Err(libc::EPERM), &f);
        assert!(d.summary.contains("security module"), "{d:?}");
        assert!(all_text(&d).contains("absent or unreadable"), "{d:?}");
        let d = diagnose(Err(libc::EACCES), &base());
        assert!(
            d.summary.contains("EACCES") && d.advice[0].contains("ausearch"),
            "{d:?}"
        );
    }

    #[test]
    fn memlock() {
        let f = Facts {
            memlock: Some((0, 64 << 10)),
            container_hints: vec!["PID 1 has container=podman".into()],
            ..base()
        };
        let d = diagnose(Err(libc::ENOMEM), &f);
        assert!(d.summary.contains("RLIMIT_MEMLOCK is 0 bytes"), "{d:?}");
        assert!(all_text(&d).contains("hard limit 64 KiB"), "{d:?}");
        assert!(all_text(&d).contains("--ulimit memlock=-1"), "{d:?}");
        // With CAP_IPC_LOCK the limit does not apply: the cgroup is blamed.
        let d = diagnose(
            Err(libc::ENOMEM),
            &Facts {
                cap_ipc_lock: true,
                ..f.clone()
            },
        );
        assert!(d.summary.contains("cgroup"), "{d:?}");
        // A small limit is worth a note when io_uring works.
        let d = diagnose(Ok(()), &f);
        assert!(
            d.usable && d.notes[0].contains("RLIMIT_MEMLOCK is only 0 bytes"),
            "{d:?}"
        );
    }

    #[test]
    fn other_errnos() {
        let d = diagnose(Err(libc::EMFILE), &base());
        assert!(d.summary.contains("file descriptor"), "{d:?}");
        let d = diagnose(Err(libc::EFAULT), &base());
        assert!(
            d.summary.contains("EFAULT (14)") && d.advice[0].contains("strace"),
            "{d:?}"
        );
    }

    #[test]
    fn byte_counts() {
        assert_eq!(bytes(u64::MAX), "unlimited");
        assert_eq!(bytes(8 << 20), "8 MiB");
        assert_eq!(bytes(64 << 10), "64 KiB");
        assert_eq!(bytes(1000), "1000 bytes");
    }
}
