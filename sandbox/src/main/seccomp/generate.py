#!/usr/bin/python3
"""Generates the sandbox's seccomp filter: a deny list after Docker's default profile.

Built with libseccomp (Debian: python3-seccomp) rather than written as BPF by hand: it gets the
architecture check and the x32 syscall range right, which a hand-made program easily misses.
The output is checked in (the sandbox module's resources) so that neither building nor
running the server needs libseccomp; SeccompFilterTest regenerates it and fails when the two
differ.

Usage: generate.py OUTPUT.bpf   (the raw sock_filter array bwrap's --seccomp reads)
       generate.py --docker-profile OUTPUT.json
         (the container's own profile for a worker running bwrap: the same deny list less what
          bwrap itself needs to build the sandbox, which then loads the full filter for the
          program; use it with security_opt seccomp=OUTPUT.json instead of seccomp=unconfined)

Answers: ENOSYS for clone3, so glibc and runtimes fall back to clone, whose flags a classic BPF
filter can see (clone3 passes them in memory); EPERM for everything else, so runtimes that probe
(libuv tries io_uring) fall back instead of dying.
"""
import errno
import sys

import seccomp

EPERM = seccomp.ERRNO(errno.EPERM)

# Whole syscalls denied: kernel surface no interpreter needs, the routes of most container escapes.
DENIED = [
    # asynchronous I/O and memory tricks behind many kernel exploits
    "io_uring_setup", "io_uring_enter", "io_uring_register", "userfaultfd",
    # eBPF, perf, kernel keyrings
    "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
    # other processes' memory
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    # namespaces and mounts
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    # kernel and module loading, host-wide settings
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "acct", "swapon", "swapoff", "reboot", "sethostname", "setdomainname", "syslog",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "quotactl", "quotactl_fd",
    "iopl", "ioperm", "modify_ldt", "uselib", "vhangup", "lookup_dcookie", "nfsservctl",
    "open_by_handle_at", "name_to_handle_at", "fanotify_init",
    # NUMA placement (Docker allows it only with CAP_SYS_NICE)
    "mbind", "migrate_pages", "move_pages", "set_mempolicy",
]

CLONE_NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}

# personality() bits that change the program's memory layout or exec rules (ADDR_NO_RANDOMIZE
# switches off ASLR); PER_LINUX32 and UNAME26 stay allowed, as in Docker's profile.
PERSONALITY_FLAGS = {
    "ADDR_NO_RANDOMIZE": 0x0040000, "FDPIC_FUNCPTRS": 0x0080000, "MMAP_PAGE_ZERO": 0x0100000,
    "ADDR_COMPAT_LAYOUT": 0x0200000, "READ_IMPLIES_EXEC": 0x0400000, "ADDR_LIMIT_32BIT": 0x0800000,
    "SHORT_INODE": 0x1000000, "WHOLE_SECONDS": 0x2000000, "STICKY_TIMEOUTS": 0x4000000,
    "ADDR_LIMIT_3GB": 0x8000000,
}

# Socket families a program may open: local, IPv4, IPv6 (no interface is up in the sandbox, but
# runtimes create such sockets), and netlink for NETLINK_ROUTE only (getaddrinfo, libuv's
# interface list). Everything else (AF_PACKET, AF_KEY, AF_ALG, AF_VSOCK, ...) is refused. One
# comparison per rule (libseccomp allows one per argument), and ">= 17" catches high bits that
# the kernel would truncate away.
AF_UNIX, AF_INET, AF_INET6, AF_NETLINK = 1, 2, 10, 16
NETLINK_ROUTE = 0


def build():
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    for name in DENIED:
        f.add_rule(EPERM, name)
    for flag in CLONE_NAMESPACE_FLAGS.values():
        f.add_rule(EPERM, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    for flag in PERSONALITY_FLAGS.values():
        f.add_rule(EPERM, "personality", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    allowed = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK}
    for family in range(0, AF_NETLINK + 1):
        if family not in allowed:
            f.add_rule(EPERM, "socket", seccomp.Arg(0, seccomp.EQ, family))
    f.add_rule(EPERM, "socket", seccomp.Arg(0, seccomp.GE, AF_NETLINK + 1))
    f.add_rule(EPERM, "socket", seccomp.Arg(0, seccomp.EQ, AF_NETLINK), seccomp.Arg(2, seccomp.NE, NETLINK_ROUTE))
    return f


# What bwrap needs, in the container, to make a sandbox: new namespaces and its mounts.
BWRAP_NEEDS = {"unshare", "mount", "umount2", "pivot_root"}


def docker_profile():
    """The deny list in Docker's seccomp profile format (default allow, listed calls refused)."""
    import json
    denied = [name for name in DENIED if name not in BWRAP_NEEDS]
    syscalls = [
        {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": errno.ENOSYS},
        {"names": denied, "action": "SCMP_ACT_ERRNO", "errnoRet": errno.EPERM},
    ]
    for flag in PERSONALITY_FLAGS.values():
        syscalls.append({"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": errno.EPERM,
                         "args": [{"index": 0, "value": flag, "valueTwo": flag, "op": "SCMP_CMP_MASKED_EQ"}]})
    allowed = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK}
    for family in range(0, AF_NETLINK + 1):
        if family not in allowed:
            syscalls.append({"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": errno.EPERM,
                             "args": [{"index": 0, "value": family, "op": "SCMP_CMP_EQ"}]})
    syscalls.append({"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": errno.EPERM,
                     "args": [{"index": 0, "value": AF_NETLINK + 1, "op": "SCMP_CMP_GE"}]})
    profile = {
        "comment": "Generated by sandbox/src/main/seccomp/generate.py --docker-profile; do not edit.",
        "defaultAction": "SCMP_ACT_ALLOW",
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": syscalls,
    }
    return json.dumps(profile, indent=2) + "\n"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--docker-profile":
        with open(sys.argv[2], "w") as out:
            out.write(docker_profile())
    elif len(sys.argv) == 2:
        with open(sys.argv[1], "wb") as out:
            build().export_bpf(out)
    else:
        sys.exit("usage: generate.py OUTPUT.bpf | generate.py --docker-profile OUTPUT.json")
