"""No network in the processes that evaluate queries, by construction.

The engine sends an HTTP request for ``SERVICE`` (and would for a remote graph); the pre-checks
refuse those forms, but a pre-check is only as good as its reading of the grammar. So a query
worker, right after it is forked, installs a seccomp filter that makes the system calls that
create or connect a socket (``socket``, ``socketpair``, ``connect``) fail with ``EACCES``: the
engine, a library it calls, or a bug cannot open a connection, whatever the query says. The pipe
to the parent was made before, and the filter is inherited by anything the worker forks.

The filter is a classic BPF program (``SECCOMP_MODE_FILTER``), built here because it is a few
instructions; ``PR_SET_NO_NEW_PRIVS`` is set first, as the kernel requires of an unprivileged
process. :func:`deny_network` raises :class:`OSError` where it cannot install the filter (not
Linux, an unknown architecture): a worker then refuses to start rather than run unfenced.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_KILL_PROCESS = 0x80000000
# classic BPF opcodes
BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JGE_K = 0x35
BPF_RET_K = 0x06
#: offsets in struct seccomp_data: int nr; __u32 arch; ...
NR_OFFSET, ARCH_OFFSET = 0, 4

#: machine -> (AUDIT_ARCH value, system call numbers of socket, socketpair, connect)
ARCHES: dict[str, tuple[int, tuple[int, ...]]] = {
    "x86_64": (0xC000003E, (41, 53, 42)),
    "aarch64": (0xC00000B7, (198, 199, 203)),
}
X32_SYSCALL_BIT = 0x40000000  # x86_64's x32 ABI: refused as a whole


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def network_filter(machine: str | None = None) -> bytes:
    """The BPF program: other architectures are killed, the socket calls fail, the rest runs."""
    machine = machine or platform.machine()
    if machine not in ARCHES:
        raise OSError(f"no seccomp filter for the {machine} architecture")
    arch, calls = ARCHES[machine]
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    prog = [_insn(BPF_LD_W_ABS, 0, 0, ARCH_OFFSET),
            _insn(BPF_JEQ_K, 1, 0, arch),
            _insn(BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
            _insn(BPF_LD_W_ABS, 0, 0, NR_OFFSET)]
    if machine == "x86_64":
        prog.append(_insn(BPF_JGE_K, len(calls) + 1, 0, X32_SYSCALL_BIT))
    for index, number in enumerate(calls):
        # jump over the remaining tests and the ALLOW to the ERRNO return
        prog.append(_insn(BPF_JEQ_K, len(calls) - index, 0, number))
    prog.append(_insn(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW))
    prog.append(_insn(BPF_RET_K, 0, 0, deny))
    return b"".join(prog)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def deny_network() -> None:
    """Install the filter in this process (for good: it cannot be removed)."""
    program = network_filter()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl(PR_SET_SECCOMP) failed: {os.strerror(code)}")
