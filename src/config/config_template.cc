// SPDX-License-Identifier: Apache-2.0
//
// The Cloister.toml that `cloister config init` writes. Every setting is an
// example commented out with a bare '#' directly before the TOML (prose
// comments are "# ..."), so the file as written grants only stdio, and
// deleting one '#' enables one example. tests/config checks both: the
// template parses to default_config(), and with every example enabled it
// parses to the entries the comments describe.
#include "config/keep_config.h"

namespace cloister::config {

std::string config_template() {
  return R"toml(# Cloister.toml: what this workload may use. Nothing is granted unless it is
# listed here. Reference: docs/config.md.
#
# To enable an example, delete the '#' at the start of its lines.

# Arguments passed to the module after argv[0] (the module's name).
#args = ["--verbose", "input.txt"]

# The module's complete environment: nothing is inherited from the host.
# The keep adds FD_COUNT (the number of file descriptors) and FD_NAMES (their
# names, colon-separated, in fd order) itself; they cannot be set here.
#[env]
#RUST_LOG = "info"
#GREETING = "hello"

# The keep itself.
#   memory: guest memory of a VM keep (kvm); default "1 GiB", a multiple of
#   2 MiB from 32 MiB to 3 GiB. The host only uses what the keep touches.
#   require = "confidential": refuse backends that cannot hide the workload's
#   memory from this machine's owner (nil and kvm cannot).
#[keep]
#memory = "1 GiB"
#require = "confidential"

# File descriptors, in order: the first [[files]] entry is fd 0, the next
# fd 1, and so on. Without any [[files]] entry the module gets stdin, stdout
# and stderr as fds 0, 1 and 2. As soon as one [[files]] entry is present,
# the module gets exactly the entries listed, so list the stdio ones too.
#
# kind = "stdin" | "stdout" | "stderr": the user's own terminal or pipes.
# kind = "null": reads see end-of-file, writes are discarded.
# Each entry may set `name` (the name in FD_NAMES; default: the kind).
#[[files]]
#kind = "stdin"
#
#[[files]]
#kind = "stdout"
#
#[[files]]
#kind = "stderr"

# A TCP listener the module accepts connections on (sock_accept).
#   name: required; addr: local address, default "::" (every IPv6 and IPv4
#   address); port: 1..65535; prot: "tcp" (the default; "tls" comes with
#   attestation and is not supported yet).
#[[files]]
#kind = "listen"
#name = "web"
#addr = "::"
#port = 8080
#prot = "tcp"

# An outgoing TCP connection, made by the host before the module starts.
#   name: required; host: a host name or address; port: 1..65535; prot: "tcp".
#[[files]]
#kind = "connect"
#name = "db"
#host = "db.example.com"
#port = 5432

# A preopened host directory. The module can reach only what is beneath it.
#   host: the directory on this machine (relative paths are relative to the
#   directory holding this file); guest: the path the module sees;
#   mode: "ro" (read-only, the default) or "rw"; name: default = guest.
#[[files]]
#kind = "dir"
#host = "data"
#guest = "/data"
#mode = "ro"
)toml";
}

}  // namespace cloister::config
