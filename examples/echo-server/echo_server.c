// SPDX-License-Identifier: Apache-2.0
//
// echo-server: a TCP echo server on a socket that Cloister.toml grants.
//
// A WASI preview 1 module cannot open sockets itself: the deployer lists a
// `listen` entry in Cloister.toml, Cloister opens the listener on the host and
// hands it to the module as a file descriptor. The module finds it by name in
// FD_NAMES ("stdin:stdout:stderr:echo") and accepts connections on it with
// sock_accept. Connections are served one at a time (preview 1 has no
// threads):
//   - a client that starts with an HTTP request line ("GET /x HTTP/1.1") gets
//     an HTTP/1.1 200 response whose text/plain body is its request head;
//   - any other client gets every byte it sends echoed back until it closes.
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wasi/api.h>

#define LISTENER_NAME "echo"

// The fd whose name in FD_NAMES is `wanted`, or -1.
static int find_fd(const char* wanted) {
  const char* names = getenv("FD_NAMES");
  const char* count = getenv("FD_COUNT");
  if (names == NULL || count == NULL) return -1;
  const int fd_count = atoi(count);
  const size_t wanted_len = strlen(wanted);
  int fd = 0;
  for (const char* p = names; fd < fd_count; ++fd) {
    const char* end = strchr(p, ':');
    const size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    if (len == wanted_len && memcmp(p, wanted, len) == 0) return fd;
    if (end == NULL) break;
    p = end + 1;
  }
  return -1;
}

static bool send_all(int fd, const char* data, size_t len) {
  while (len > 0) {
    const ssize_t n = send(fd, data, len, 0);
    if (n < 0) return false;
    data += n;
    len -= (size_t)n;
  }
  return true;
}

// Where the request head ends (just past its blank line), or 0.
static size_t head_end(const char* buf, size_t len) {
  for (size_t i = 0; i + 1 < len; ++i) {
    if (buf[i] == '\n' && buf[i + 1] == '\n') return i + 2;
    if (i + 3 < len && memcmp(buf + i, "\r\n\r\n", 4) == 0) return i + 4;
  }
  return 0;
}

// "METHOD /target HTTP/1.x" on the first line.
static bool is_http_request(const char* buf, size_t len) {
  const char* eol = memchr(buf, '\n', len);
  if (eol == NULL) return false;
  size_t line_len = (size_t)(eol - buf);
  if (line_len > 0 && buf[line_len - 1] == '\r') --line_len;
  return line_len > 9 && buf[0] != ' ' && memchr(buf, ' ', line_len) != NULL &&
         memcmp(buf + line_len - 9, " HTTP/1.", 8) == 0;
}

static void serve(int conn) {
  char buf[8192];
  size_t len = 0;
  // Read the first line to tell HTTP clients from plain echo clients.
  while (len < sizeof buf && memchr(buf, '\n', len) == NULL) {
    const ssize_t n = recv(conn, buf + len, sizeof buf - len, 0);
    if (n <= 0) break;
    len += (size_t)n;
  }
  if (is_http_request(buf, len)) {
    size_t end;
    while ((end = head_end(buf, len)) == 0 && len < sizeof buf) {
      const ssize_t n = recv(conn, buf + len, sizeof buf - len, 0);
      if (n <= 0) break;
      len += (size_t)n;
    }
    const size_t body_len = end != 0 ? end : len;
    char header[160];
    const int header_len = snprintf(header, sizeof header,
                                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                    "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                                    body_len);
    if (send_all(conn, header, (size_t)header_len) && send_all(conn, buf, body_len)) {
      printf("echo-server: answered an HTTP request (%zu bytes)\n", body_len);
    }
    return;
  }
  size_t total = 0;
  while (len > 0 && send_all(conn, buf, len)) {
    total += len;
    const ssize_t n = recv(conn, buf, sizeof buf, 0);
    len = n > 0 ? (size_t)n : 0;
  }
  printf("echo-server: echoed %zu bytes\n", total);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const int listener = find_fd(LISTENER_NAME);
  if (listener < 0) {
    fprintf(stderr,
            "echo-server: no fd named \"%s\" in FD_NAMES; add a listen entry with that "
            "name to Cloister.toml\n",
            LISTENER_NAME);
    return 1;
  }
  printf("echo-server: accepting connections on fd %d\n", listener);
  for (;;) {
    __wasi_fd_t conn;
    const __wasi_errno_t err = __wasi_sock_accept((__wasi_fd_t)listener, 0, &conn);
    if (err != 0) {
      // wasi-libc's errno values are WASI's, so strerror names WASI errnos.
      fprintf(stderr, "echo-server: sock_accept on fd %d: %s\n", listener, strerror(err));
      return 1;
    }
    serve((int)conn);
    close((int)conn);
  }
}
