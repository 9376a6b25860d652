// SPDX-License-Identifier: Apache-2.0
//
// Cloister.toml text -> KeepConfig. The schema is closed: every key a table
// may hold is listed here, so a misspelt key is an error rather than a
// silently ignored grant. All problems are collected (not just the first),
// sorted by position, one "file:line:col: message" per line.
#include "base/toml.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/host_path.h"
#include "config/keep_config.h"
#include "config/memory_size.h"

namespace cloister::config {

namespace {

constexpr std::string_view kTopLevelKeys[] = {"args", "env", "files", "keep"};
constexpr std::string_view kKeepKeys[] = {"memory", "require"};
constexpr std::string_view kStdioKeys[] = {"kind", "name"};
constexpr std::string_view kListenKeys[] = {"kind", "name", "addr", "port", "prot"};
constexpr std::string_view kConnectKeys[] = {"kind", "name", "host", "port", "prot"};
constexpr std::string_view kDirKeys[] = {"kind", "name", "host", "guest", "mode"};

// The environment variables the keep itself sets from the [[files]] list.
constexpr std::string_view kReservedEnv[] = {"FD_COUNT", "FD_NAMES"};

std::optional<FileKind> kind_from_name(std::string_view name) {
  for (FileKind k : {FileKind::Null, FileKind::Stdin, FileKind::Stdout, FileKind::Stderr,
                     FileKind::Listen, FileKind::Connect, FileKind::Dir}) {
    if (file_kind_name(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// `s` quoted for an error message, with control characters escaped so a
// hostile value cannot forge extra lines of output.
std::string quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

class ConfigParser {
 public:
  ConfigParser(std::string_view source, std::string_view base_dir)
      : source_(source), base_dir_(base_dir) {}

  void parse(const toml::table& root, KeepConfig& config) {
    check_keys(root, "at the top level", kTopLevelKeys);
    if (const toml::node* n = root.get("args")) parse_args(*n, config.args);
    if (const toml::node* n = root.get("env")) parse_env(*n, config.env);
    if (const toml::node* n = root.get("keep")) parse_keep(*n, config.keep);
    if (const toml::node* n = root.get("files")) {
      parse_files(*n, config.files);
      config.files_listed = true;
    } else {
      config.files = default_config().files;
    }
  }

  // Every error, in source order, one per line.
  std::string errors() const {
    auto sorted = errors_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    std::string out;
    for (const auto& p : sorted) {
      if (!out.empty()) out += '\n';
      out += source_ + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " +
             p.message;
    }
    return out;
  }
  bool ok() const { return errors_.empty(); }

 private:
  struct Problem {
    uint32_t line;
    uint32_t column;
    std::string message;
  };

  void error_at(const toml::source_region& where, std::string message) {
    errors_.push_back({where.begin.line, where.begin.column, std::move(message)});
  }
  void error(const toml::node& n, std::string message) { error_at(n.source(), std::move(message)); }
  void wrong_type(const toml::node& n, std::string_view what, std::string_view expected) {
    error(n, std::string(what) + ": expected " + std::string(expected) + ", got " +
                 std::string(type_name(n)));
  }

  void check_keys(const toml::table& t, std::string_view where,
                  std::span<const std::string_view> allowed) {
    for (auto&& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
      error_at(k.source(), "unknown key " + quoted(k.str()) + " " + std::string(where) +
                               " (expected one of: " + join(allowed) + ")");
    }
  }

  // A string without NUL bytes (they cannot cross into argv, the environment
  // or a path). Empty strings are refused unless `allow_empty`.
  std::optional<std::string> get_string(const toml::node& n, std::string_view what,
                                        bool allow_empty = false) {
    auto v = n.value_exact<std::string>();
    if (!v) {
      wrong_type(n, what, "a string");
      return std::nullopt;
    }
    if (v->find('\0') != std::string::npos) {
      error(n, std::string(what) + ": must not contain a NUL character");
      return std::nullopt;
    }
    if (!allow_empty && v->empty()) {
      error(n, std::string(what) + ": must not be empty");
      return std::nullopt;
    }
    return v;
  }

  void parse_args(const toml::node& n, std::vector<std::string>& args) {
    const toml::array* a = n.as_array();
    if (a == nullptr) {
      wrong_type(n, "args", "an array of strings");
      return;
    }
    for (size_t i = 0; i < a->size(); ++i) {
      if (auto s = get_string(*a->get(i), "args[" + std::to_string(i) + "]", true))
        args.push_back(std::move(*s));
    }
  }

  void parse_env(const toml::node& n, std::vector<std::pair<std::string, std::string>>& env) {
    const toml::table* t = n.as_table();
    if (t == nullptr) {
      wrong_type(n, "env", "a table of strings ([env])");
      return;
    }
    // toml++ keeps a table's keys sorted; the module sees them in file order.
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (auto&& [k, v] : *t) entries.emplace_back(&k, &v);
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      const auto& pa = a.first->source().begin;
      const auto& pb = b.first->source().begin;
      return std::pair(pa.line, pa.column) < std::pair(pb.line, pb.column);
    });
    for (const auto& [key, value] : entries) {
      const std::string_view name = key->str();
      const std::string what = "env." + std::string(name);
      if (std::ranges::find(kReservedEnv, name) != std::end(kReservedEnv)) {
        error_at(key->source(), what +
                                    ": FD_COUNT and FD_NAMES are set by the keep from the "
                                    "[[files]] list and cannot be configured");
        continue;
      }
      if (name.empty()) {
        error_at(key->source(), "env: variable names must not be empty");
        continue;
      }
      if (name.find('=') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
        error_at(key->source(),
                 "env: variable name " + quoted(name) + " must not contain '=' or a NUL character");
        continue;
      }
      if (auto s = get_string(*value, what, true)) env.emplace_back(name, std::move(*s));
    }
  }

  void parse_keep(const toml::node& n, KeepSettings& keep) {
    const toml::table* t = n.as_table();
    if (t == nullptr) {
      wrong_type(n, "keep", "a table ([keep])");
      return;
    }
    check_keys(*t, "in [keep]", kKeepKeys);
    if (const toml::node* m = t->get("memory")) {
      if (auto text = get_string(*m, "keep.memory")) {
        auto bytes = parse_memory_size(*text);
        if (!bytes) {
          error(*m, "keep.memory: " + bytes.error().message());
        } else if (*bytes < kMinKeepMemory || *bytes > kMaxKeepMemory) {
          error(*m, "keep.memory: " + format_memory_size(*bytes) + " is outside " +
                        format_memory_size(kMinKeepMemory) + " .. " +
                        format_memory_size(kMaxKeepMemory));
        } else if (*bytes % kKeepMemoryGranule != 0) {
          error(*m, "keep.memory: must be a multiple of 2 MiB (the keep maps memory in 2 MiB "
                    "pages)");
        } else {
          keep.memory = *bytes;
        }
      }
    }
    if (const toml::node* r = t->get("require")) {
      if (auto text = get_string(*r, "keep.require")) {
        if (*text == "confidential") {
          keep.require_confidential = true;
        } else {
          error(*r, "keep.require: unknown requirement " + quoted(*text) +
                        " (expected \"confidential\")");
        }
      }
    }
  }

  void parse_files(const toml::node& n, std::vector<FileEntry>& files) {
    const toml::array* a = n.as_array();
    if (a == nullptr) {
      wrong_type(n, "files", "an array of tables ([[files]])");
      return;
    }
    // Where each name was defined, to report duplicates against the first.
    std::map<std::string, size_t, std::less<>> names;
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::node& e = *a->get(i);
      const std::string what = "files[" + std::to_string(i) + "]";
      const toml::table* t = e.as_table();
      if (t == nullptr) {
        wrong_type(e, what, "a table");
        continue;
      }
      auto entry = parse_file(*t, what);
      if (!entry) continue;
      // Point at where the name came from: `name`, a dir's `guest`, or `kind`.
      const toml::node* name_at = t->get("name");
      if (name_at == nullptr && entry->kind == FileKind::Dir) name_at = t->get("guest");
      if (name_at == nullptr) name_at = t->get("kind");
      auto [it, inserted] = names.emplace(entry->name, i);
      if (!inserted) {
        error(*name_at, what + ": name " + quoted(entry->name) + " is already used by files[" +
                            std::to_string(it->second) + "] (FD_NAMES entries must be unique)");
        continue;
      }
      files.push_back(std::move(*entry));
    }
  }

  std::optional<FileEntry> parse_file(const toml::table& t, const std::string& what) {
    const toml::node* kind_node = t.get("kind");
    if (kind_node == nullptr) {
      error(t, what +
                   ": missing 'kind' (expected one of: null, stdin, stdout, stderr, listen, "
                   "connect, dir)");
      return std::nullopt;
    }
    auto kind_text = get_string(*kind_node, what + ".kind");
    if (!kind_text) return std::nullopt;
    auto kind = kind_from_name(*kind_text);
    if (!kind) {
      error(*kind_node, what + ": unknown kind " + quoted(*kind_text) +
                            " (expected one of null, stdin, stdout, stderr, listen, connect, dir)");
      return std::nullopt;
    }

    FileEntry entry;
    entry.kind = *kind;
    const std::string kind_what = what + " (" + std::string(file_kind_name(*kind)) + ")";
    const size_t errors_before = errors_.size();
    switch (*kind) {
      case FileKind::Null:
      case FileKind::Stdin:
      case FileKind::Stdout:
      case FileKind::Stderr:
        check_keys(t, "in " + kind_what, kStdioKeys);
        entry.name = std::string(file_kind_name(*kind));
        parse_name(t, what, entry, false);
        break;
      case FileKind::Listen:
        check_keys(t, "in " + kind_what, kListenKeys);
        parse_name(t, what, entry, true);
        entry.addr = "::";
        if (const toml::node* n = t.get("addr")) {
          if (auto s = get_string(*n, what + ".addr")) entry.addr = std::move(*s);
        }
        if (auto port = parse_port(t, what)) entry.port = *port;
        parse_prot(t, what, entry);
        break;
      case FileKind::Connect:
        check_keys(t, "in " + kind_what, kConnectKeys);
        parse_name(t, what, entry, true);
        if (const toml::node* n = t.get("host")) {
          if (auto s = get_string(*n, what + ".host")) entry.host = std::move(*s);
        } else {
          error(t, what + ": connect needs 'host' (the host name or address to connect to)");
        }
        if (auto port = parse_port(t, what)) entry.port = *port;
        parse_prot(t, what, entry);
        break;
      case FileKind::Dir:
        check_keys(t, "in " + kind_what, kDirKeys);
        parse_dir(t, what, entry);
        break;
    }
    if (errors_.size() != errors_before) return std::nullopt;
    return entry;
  }

  // Names become FD_NAMES, a colon-separated list.
  bool valid_name(const toml::node& at, const std::string& what, std::string_view name,
                  std::string_view origin) {
    if (name.find(':') != std::string_view::npos) {
      error(at, what + ": " + std::string(origin) + " " + quoted(name) +
                    " must not contain ':' (FD_NAMES is a colon-separated list)");
      return false;
    }
    return true;
  }

  void parse_name(const toml::table& t, const std::string& what, FileEntry& entry, bool required) {
    const toml::node* n = t.get("name");
    if (n == nullptr) {
      if (required)
        error(t, what + ": " + std::string(file_kind_name(entry.kind)) +
                     " needs 'name' (the name the module finds in FD_NAMES)");
      return;
    }
    auto s = get_string(*n, what + ".name");
    if (!s || !valid_name(*n, what, *s, "name")) return;
    entry.name = std::move(*s);
  }

  std::optional<uint16_t> parse_port(const toml::table& t, const std::string& what) {
    const toml::node* n = t.get("port");
    if (n == nullptr) {
      error(t, what + ": missing 'port' (a TCP port number, 1..65535)");
      return std::nullopt;
    }
    auto v = n->value_exact<int64_t>();
    if (!v) {
      wrong_type(*n, what + ".port", "an integer 1..65535");
      return std::nullopt;
    }
    if (*v < 1 || *v > 65535) {
      error(*n, what + ".port: " + std::to_string(*v) + " is out of range 1..65535");
      return std::nullopt;
    }
    return static_cast<uint16_t>(*v);
  }

  void parse_prot(const toml::table& t, const std::string& what, FileEntry& entry) {
    entry.prot = Protocol::Tcp;
    const toml::node* n = t.get("prot");
    if (n == nullptr) return;
    auto s = get_string(*n, what + ".prot");
    if (!s) return;
    if (*s == "tcp") return;
    if (*s == "tls") {
      error(*n, what +
                    ".prot: prot = \"tls\" is not supported yet: TLS terminating inside the "
                    "keep comes with attestation; use \"tcp\"");
      return;
    }
    error(*n, what + ".prot: unknown protocol " + quoted(*s) + " (expected \"tcp\")");
  }

  void parse_dir(const toml::table& t, const std::string& what, FileEntry& entry) {
    if (const toml::node* n = t.get("host")) {
      if (auto s = get_string(*n, what + ".host"))
        entry.host_path = resolve_host_path(base_dir_, *s);
    } else {
      error(t, what + ": dir needs 'host' (the host directory to open)");
    }

    const toml::node* guest = t.get("guest");
    if (guest == nullptr) {
      error(t, what + ": dir needs 'guest' (the path the module sees, e.g. \"/data\")");
    } else if (auto s = get_string(*guest, what + ".guest")) {
      if (has_dot_dot_component(*s)) {
        error(*guest, what + ".guest: " + quoted(*s) + " must not contain a '..' component");
      } else {
        entry.guest_path = std::move(*s);
      }
    }

    entry.read_only = true;
    if (const toml::node* n = t.get("mode")) {
      if (auto s = get_string(*n, what + ".mode")) {
        if (*s == "rw") {
          entry.read_only = false;
        } else if (*s != "ro") {
          error(*n, what + ".mode: unknown mode " + quoted(*s) +
                        " (expected \"ro\" for read-only or \"rw\" for read-write)");
        }
      }
    }

    if (t.get("name") != nullptr) {
      parse_name(t, what, entry, false);
    } else if (guest != nullptr && !entry.guest_path.empty() &&
               valid_name(*guest, what, entry.guest_path,
                          "the name defaults to the guest path, and")) {
      entry.name = entry.guest_path;
    }
  }

  static bool has_dot_dot_component(std::string_view path) {
    size_t pos = 0;
    while (pos <= path.size()) {
      size_t slash = path.find('/', pos);
      if (slash == std::string_view::npos) slash = path.size();
      if (path.substr(pos, slash - pos) == "..") return true;
      pos = slash + 1;
    }
    return false;
  }

  std::string source_;
  std::string base_dir_;
  std::vector<Problem> errors_;
};

}  // namespace

Result<KeepConfig> parse_config(std::string_view text, std::string_view source_name,
                                std::string_view base_dir) {
  CLOISTER_TRY_ASSIGN(toml::table root, parse_toml(text, source_name));
  KeepConfig config;
  ConfigParser parser(source_name, base_dir);
  parser.parse(root, config);
  if (!parser.ok()) return Unexpected(Error(parser.errors()));
  return config;
}

}  // namespace cloister::config
