//! What the report reads about the machine and the process: kernel release, the io_uring
//! sysctls, seccomp, container hints, capabilities and RLIMIT_MEMLOCK.
//!
//! Nothing here touches io_uring; [`crate::diagnose`] turns these facts (plus the errno of
//! a setup attempt) into a diagnosis.

use std::path::{Path, PathBuf};

/// Where the io_uring sysctls live.
pub const SYSCTL_DIR: &str = "/proc/sys/kernel";

/// Environment variable naming a directory to read `io_uring_disabled` and
/// `io_uring_group` from instead of [`SYSCTL_DIR`]: a testing aid, so that the diagnosis
/// of a disabled io_uring can be checked without changing the machine-wide sysctl.
pub const SYSCTL_DIR_ENV: &str = "URING_INFO_SYSCTL_DIR";

const CAP_IPC_LOCK: u32 = 14;
const CAP_SYS_ADMIN: u32 = 21;

/// The facts about the system and this process that explain whether io_uring works.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// `uname -r`.
    pub kernel_release: String,
    /// `uname -m`.
    pub machine: String,
    /// The directory the sysctls were read from (normally [`SYSCTL_DIR`]).
    pub sysctl_dir: String,
    /// `kernel.io_uring_disabled` (Linux 6.6+): None where absent or unreadable.
    pub io_uring_disabled: Option<u32>,
    /// `kernel.io_uring_group` (-1: no group).
    pub io_uring_group: Option<i64>,
    /// Whether the process's real, effective or a supplementary group is `io_uring_group`.
    pub in_io_uring_group: bool,
    /// The effective uid.
    pub uid: u32,
    /// CAP_SYS_ADMIN in the effective set (bypasses `io_uring_disabled = 1`).
    pub cap_sys_admin: bool,
    /// CAP_IPC_LOCK in the effective set (ring memory is not charged to RLIMIT_MEMLOCK).
    pub cap_ipc_lock: bool,
    /// `Seccomp:` of /proc/self/status: 0 none, 1 strict, 2 filter.
    pub seccomp_mode: Option<u32>,
    /// `Seccomp_filters:` of /proc/self/status (Linux 5.9+).
    pub seccomp_filters: Option<u32>,
    /// Signs that this process runs in a container, each in words.
    pub container_hints: Vec<String>,
    /// RLIMIT_MEMLOCK (soft, hard), `u64::MAX` = unlimited.
    pub memlock: Option<(u64, u64)>,
}

impl Facts {
    /// Read every fact from the running system.
    pub fn read() -> Facts {
        let sysctl_dir = std::env::var(SYSCTL_DIR_ENV).unwrap_or_else(|_| SYSCTL_DIR.to_string());
        let dir = Path::new(&sysctl_dir);
        let io_uring_disabled = read_int(&dir.join("io_uring_disabled")).and_then(|v| u32::try_from(v).ok());
        let io_uring_group = read_int(&dir.join("io_uring_group"));
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let cap_eff = status_field(&status, "CapEff:").and_then(|v| u64::from_str_radix(v, 16).ok());
        let (release, machine) = uname();
        Facts {
            kernel_release: release,
            machine,
            io_uring_disabled,
            io_uring_group,
            in_io_uring_group: io_uring_group.is_some_and(|g| g >= 0 && in_group(g as u32)),
            // SAFETY: geteuid has no preconditions and cannot fail.
            uid: unsafe { libc::geteuid() },
            cap_sys_admin: cap_eff.is_some_and(|c| c & (1 << CAP_SYS_ADMIN) != 0),
            cap_ipc_lock: cap_eff.is_some_and(|c| c & (1 << CAP_IPC_LOCK) != 0),
            seccomp_mode: status_field(&status, "Seccomp:").and_then(|v| v.parse().ok()),
            seccomp_filters: status_field(&status, "Seccomp_filters:").and_then(|v| v.parse().ok()),
            container_hints: container_hints(),
            memlock: memlock_limit(),
            sysctl_dir,
        }
    }

    /// (major, minor) of the kernel release, e.g. (6, 18) for "6.18.44-foo".
    pub fn kernel_version(&self) -> Option<(u32, u32)> {
        parse_version(&self.kernel_release)
    }
}

/// (major, minor) of a release string such as "6.18.44-fc-v669" or "5.10.0-23-amd64".
pub fn parse_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// A trimmed `Name:\tvalue` field of /proc/self/status.
fn status_field<'a>(status: &'a str, name: &str) -> Option<&'a str> {
    status.lines().find_map(|l| l.strip_prefix(name)).map(str::trim)
}

fn read_int(path: &Path) -> Option<i64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// (release, machine) from uname(2).
fn uname() -> (String, String) {
    // SAFETY: utsname is plain bytes; all zeroes is a valid value.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: uname writes one struct utsname through the pointer, a live local.
    if unsafe { libc::uname(&mut u) } != 0 {
        return ("unknown".into(), std::env::consts::ARCH.into());
    }
    let field = |f: &[libc::c_char]| {
        let bytes: Vec<u8> = f.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    (field(&u.release), field(&u.machine))
}

/// Whether gid `g` is this process's real or effective group or a supplementary one.
fn in_group(g: u32) -> bool {
    // SAFETY: getgid has no preconditions and cannot fail.
    let real = unsafe { libc::getgid() };
    // SAFETY: getegid has no preconditions and cannot fail.
    let effective = unsafe { libc::getegid() };
    if real == g || effective == g {
        return true;
    }
    let mut groups = vec![0 as libc::gid_t; 1024];
    // SAFETY: `groups` has room for 1024 gids, the count passed.
    let n = unsafe { libc::getgroups(groups.len() as i32, groups.as_mut_ptr()) };
    n > 0 && groups[..n as usize].contains(&g)
}

/// RLIMIT_MEMLOCK as (soft, hard), `u64::MAX` meaning unlimited.
fn memlock_limit() -> Option<(u64, u64)> {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one struct rlimit through the pointer, a live local.
    if unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut r) } != 0 {
        return None;
    }
    let conv = |v: libc::rlim_t| if v == libc::RLIM_INFINITY { u64::MAX } else { v };
    Some((conv(r.rlim_cur), conv(r.rlim_max)))
}

/// Signs of a container: marker files of Docker and Podman, the `container=` variable
/// systemd-nspawn, LXC and Podman give PID 1, cgroup paths of container runtimes, and
/// Kubernetes' service variables.
fn container_hints() -> Vec<String> {
    let mut hints = Vec::new();
    for (file, what) in [("/.dockerenv", "Docker"), ("/run/.containerenv", "Podman")] {
        if Path::new(file).exists() {
            hints.push(format!("{file} exists ({what})"));
        }
    }
    if let Ok(env) = std::fs::read("/proc/1/environ") {
        if let Some(v) = env.split(|&b| b == 0).find_map(|kv| kv.strip_prefix(b"container=")) {
            hints.push(format!("PID 1 has container={}", String::from_utf8_lossy(v)));
        }
    }
    if let Ok(cgroup) = std::fs::read_to_string("/proc/self/cgroup") {
        for word in ["docker", "kubepods", "containerd", "libpod", "lxc", "crio"] {
            if let Some(line) = cgroup.lines().find(|l| l.contains(word)) {
                hints.push(format!("cgroup {} mentions {word}", line.trim()));
                break;
            }
        }
    }
    if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() {
        hints.push("KUBERNETES_SERVICE_HOST is set (a Kubernetes pod)".into());
    }
    hints
}

/// A fresh, empty temporary directory for the self-test's files.
pub fn temp_dir() -> std::io::Result<PathBuf> {
    let base = std::env::temp_dir();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = base.join(format!("uring-info-{}-{nanos}", std::process::id()));
    std::fs::create_dir(&dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_release_strings() {
        assert_eq!(parse_version("6.18.44-fc-v669"), Some((6, 18)));
        assert_eq!(parse_version("5.10.0-23-amd64"), Some((5, 10)));
        assert_eq!(parse_version("4.19"), Some((4, 19)));
        assert_eq!(parse_version("weird"), None);
    }

    #[test]
    fn status_fields() {
        let s = "Name:\tx\nSeccomp:\t2\nSeccomp_filters:\t3\n";
        assert_eq!(status_field(s, "Seccomp:"), Some("2"));
        assert_eq!(status_field(s, "Seccomp_filters:"), Some("3"));
        assert_eq!(status_field(s, "CapEff:"), None);
    }

    #[test]
    fn facts_of_this_process() {
        let f = Facts::read();
        assert!(f.kernel_version().is_some(), "{f:?}");
        // /proc/self/status has had a Seccomp: line since Linux 3.8.
        assert!(f.seccomp_mode.is_some(), "{f:?}");
        assert!(f.memlock.is_some(), "{f:?}");
    }
}
