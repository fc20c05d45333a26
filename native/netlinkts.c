/*
 * netlinkts native shim: the only native code in netlinkts.
 *
 * It does what JavaScript cannot: netlink sockets, receive wired into libuv,
 * and network-namespace work. Everything protocol-related lives in TypeScript;
 * this file moves bytes and file descriptors and nothing else. It keeps no
 * protocol state, reads on no thread of its own, and never ends the process.
 *
 * Two rules shape it:
 *  - The JS thread never calls setns(). setns changes only the calling thread,
 *    and every later socket()/open() of that thread (and every thread it
 *    creates) would silently land in the other namespace. Namespace work runs on
 *    a short-lived helper pthread created from the JS thread and joined at once;
 *    the fd it opened stays bound to the namespace for its whole life.
 *  - Receive happens on the event loop (uv_poll), never on a thread-pool thread
 *    blocked in recv(): a monitor socket may sit idle forever and must not eat
 *    one of libuv's four pool threads.
 *
 * Errors are thrown as Error objects with .errno (positive), .syscall and, for
 * the usual suspects, .code; message "<syscall>: <strerror>".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/netlink.h>

#include <node_api.h>
#include <uv.h>

/* Datagrams handed to JS per poll wake-up: bounds the time spent in one
 * callback while still amortising the JS call over a dump's many datagrams. */
#define RECV_BATCH 64

/* The kernel sizes dump datagrams from the largest recv() buffer it has seen
 * on the socket (nlk->max_recvmsg_len, capped near 32 KiB). Peeking with a
 * buffer this size once per socket gets ~32 KiB dump datagrams instead of
 * ~4 KiB ones: 8x fewer wake-ups and JS calls for big dumps. */
#define DUMP_HINT_SIZE 32768

/* ---------------------------------------------------------------- errors */

static const char *errno_code(int e) {
  switch (e) {
#define C(x) case x: return #x;
    C(EPERM) C(ENOENT) C(ESRCH) C(EINTR) C(EIO) C(ENXIO) C(E2BIG) C(EBADF)
    C(EAGAIN) C(ENOMEM) C(EACCES) C(EFAULT) C(EBUSY) C(EEXIST) C(EXDEV)
    C(ENODEV) C(ENOTDIR) C(EISDIR) C(EINVAL) C(ENFILE) C(EMFILE) C(ENOSPC)
    C(EROFS) C(EPIPE) C(ERANGE) C(ENAMETOOLONG) C(ENOSYS) C(ENOTEMPTY)
    C(ELOOP) C(EMSGSIZE) C(ENOPROTOOPT) C(EPROTONOSUPPORT) C(EOPNOTSUPP)
    C(EAFNOSUPPORT) C(EADDRINUSE) C(EADDRNOTAVAIL) C(ENETUNREACH) C(ENOBUFS)
    C(ENOTCONN) C(ENOTSOCK) C(ETIMEDOUT) C(ECONNREFUSED) C(EHOSTUNREACH)
#undef C
    default: return NULL;
  }
}

static void throw_errno(napi_env env, const char *syscall, int err) {
  char msg[256];
  napi_value m, code = NULL, e, v;
  const char *name = errno_code(err);
  snprintf(msg, sizeof msg, "%s: %s", syscall, strerror(err));
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  if (name) napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, m, &e);
  napi_create_int32(env, err, &v);
  napi_set_named_property(env, e, "errno", v);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, e, "syscall", v);
  napi_throw(env, e);
}

static void throw_type(napi_env env, const char *what) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
}

/* ------------------------------------------------------------- arguments */

static bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < want) {
    throw_type(env, "netlinkts native: too few arguments");
    return false;
  }
  return true;
}

static bool get_i32(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) == napi_ok) return true;
  throw_type(env, "netlinkts native: expected a number");
  return false;
}

static bool get_u32(napi_env env, napi_value v, uint32_t *out) {
  if (napi_get_value_uint32(env, v, out) == napi_ok) return true;
  throw_type(env, "netlinkts native: expected a number");
  return false;
}

/* Copies a JS string into buf; fails (rather than truncating) when too long,
 * because a truncated path names a different file. */
static bool get_str(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    throw_type(env, "netlinkts native: expected a string");
    return false;
  }
  if (len >= size) {
    throw_errno(env, "path", ENAMETOOLONG);
    return false;
  }
  napi_get_value_string_utf8(env, v, buf, size, &len);
  if (strlen(buf) != len) { /* an embedded NUL would silently shorten the path */
    throw_errno(env, "path", EINVAL);
    return false;
  }
  return true;
}

/* Any ArrayBufferView (Buffer, Uint8Array, DataView, ...) or ArrayBuffer. The
 * pointer is used synchronously only, so no copy is needed. */
static bool get_bytes(napi_env env, napi_value v, void **data, size_t *len) {
  bool is = false;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type t;
    size_t n, el = 1;
    napi_get_typedarray_info(env, v, &t, &n, data, &ab, &off);
    switch (t) {
      case napi_int16_array: case napi_uint16_array: el = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: el = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: el = 8; break;
      default: el = 1;
    }
    *len = n * el;
    return true;
  }
  if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    napi_get_dataview_info(env, v, len, data, &ab, &off);
    return true;
  }
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    napi_get_arraybuffer_info(env, v, data, len);
    return true;
  }
  throw_type(env, "netlinkts native: expected a Uint8Array");
  return false;
}

static napi_value make_i32(napi_env env, int32_t x) {
  napi_value v;
  napi_create_int32(env, x, &v);
  return v;
}

static napi_value undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

/* -------------------------------------------------------- helper threads */

enum job_op { JOB_SOCKET, JOB_OPEN, JOB_NEWNS_BIND };

typedef struct {
  enum job_op op;
  int ns_fd;         /* namespace to enter first; -1: stay */
  int protocol;      /* JOB_SOCKET */
  const char *path;  /* JOB_OPEN: file; JOB_NEWNS_BIND: bind-mount target */
  int flags;         /* JOB_OPEN */
  int result;        /* fd opened, when there is one */
  int err;           /* errno of the failed step; 0 on success */
  const char *step;  /* the failed syscall */
} job_t;

static int job_fail(job_t *j, const char *step) {
  j->err = errno;
  j->step = step;
  return -1;
}

/* The body of a job: runs on the helper thread, or on the JS thread when no
 * namespace switch is involved (ns_fd < 0 and not JOB_NEWNS_BIND). */
static void job_body(job_t *j) {
  if (j->ns_fd >= 0 && setns(j->ns_fd, CLONE_NEWNET) < 0) {
    job_fail(j, "setns");
    return;
  }
  switch (j->op) {
    case JOB_SOCKET:
      j->result = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, j->protocol);
      if (j->result < 0) job_fail(j, "socket");
      break;
    case JOB_OPEN:
      /* 0666 only matters with O_CREAT; the umask still applies. */
      j->result = open(j->path, j->flags | O_CLOEXEC, 0666);
      if (j->result < 0) job_fail(j, "open");
      break;
    case JOB_NEWNS_BIND:
      if (unshare(CLONE_NEWNET) < 0) {
        job_fail(j, "unshare");
        break;
      }
      /* thread-self, not self: /proc/self is the thread-group leader (the JS
       * thread), which is still in the old namespace. If the mount fails the
       * new namespace has no other reference and dies with this thread. */
      if (mount("/proc/thread-self/ns/net", j->path, "none", MS_BIND, NULL) < 0)
        job_fail(j, "mount");
      break;
  }
}

static void *job_thread(void *arg) {
  job_body(arg);
  return NULL;
}

/* Runs the job on a fresh thread created by the JS thread, so it starts in the
 * JS thread's namespace whatever other helpers did, and joins it: it lives for
 * ~100 us, less than any async hand-off would cost. Returns false on failure
 * with j->err/j->step set. */
static bool run_on_helper(job_t *j) {
  pthread_attr_t attr;
  pthread_t t;
  sigset_t all, old;
  int rc;

  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024); /* the job needs a few hundred bytes */
  /* Block every signal in the helper (it inherits the creator's mask): a
   * handler must never run on a thread that sits in another namespace. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  rc = pthread_create(&t, &attr, job_thread, j);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    j->err = rc;
    j->step = "pthread_create";
    return false;
  }
  pthread_join(t, NULL);
  return j->err == 0;
}

static bool run_job(job_t *j) {
  if (j->ns_fd < 0 && j->op != JOB_NEWNS_BIND) { /* nothing to switch: no thread needed */
    job_body(j);
    return j->err == 0;
  }
  return run_on_helper(j);
}

/* ------------------------------------------------------- per-env state */

typedef struct poll_s poll_t;

/* One per napi_env (main thread, each worker): the open poll handles, so that
 * socketClose can stop a poll on the fd it closes and env teardown can close
 * every handle. Teardown must also wait for the close callbacks: a worker
 * unloads this library once its env is gone, and a close callback still queued
 * in the loop then jumps into unmapped code (measured: SIGSEGV in
 * uv__finish_close on worker.terminate()). An async cleanup hook makes Node
 * keep turning the loop until we remove it, when `live` reaches zero. */
typedef struct {
  poll_t *head;          /* polls not yet closing */
  unsigned live;         /* polls whose uv close callback has not run */
  bool tearing_down;
  napi_async_cleanup_hook_handle hook;
} addon_t;

struct poll_s {
  uv_poll_t uv;
  napi_env env;
  addon_t *addon;
  poll_t *prev, *next;
  napi_ref self;             /* the JS handle: receiver of cb; pinned while polling */
  napi_ref cb;
  napi_async_context actx;
  int fd;
  bool grown;                /* DUMP_HINT_SIZE peek done */
  bool want_nsid;            /* pollStart(..., { nsid: true }): recvmsg + cmsg */
  bool closing;              /* uv_close called */
  bool closed;               /* uv_close callback ran */
  bool wrap_alive;           /* the JS handle object not yet finalized */
  bool env_gone;             /* env tearing down: no more napi calls */
};

static addon_t *get_addon(napi_env env) {
  void *a = NULL;
  napi_get_instance_data(env, &a);
  return a;
}

/* ------------------------------------------------------------------ poll */

/* Freed by whichever comes last: the uv close callback or the finalizer of the
 * JS handle object (JS may still hold the object after polling ended). */
static void poll_on_closed(uv_handle_t *h) {
  poll_t *p = h->data;
  addon_t *a = p->addon;
  p->closed = true;
  if (!p->wrap_alive) free(p);
  if (--a->live == 0 && a->tearing_down) {
    napi_remove_async_cleanup_hook(a->hook); /* lets teardown (and the unload) go on */
    free(a);
  }
}

static void poll_close(poll_t *p) {
  if (p->closing) return;
  p->closing = true;
  if (p->prev) p->prev->next = p->next;
  else if (p->addon->head == p) p->addon->head = p->next;
  if (p->next) p->next->prev = p->prev;
  p->prev = p->next = NULL;
  /* uv_poll_stop removes the fd from epoll at once, so the fd may be closed
   * right after this returns. */
  uv_poll_stop(&p->uv);
  uv_close((uv_handle_t *)&p->uv, poll_on_closed);
  if (!p->env_gone) {
    napi_async_destroy(p->env, p->actx);
    napi_delete_reference(p->env, p->cb);
    napi_delete_reference(p->env, p->self); /* the handle object may now be collected */
  }
}

static void poll_on_finalize(napi_env env, void *data, void *hint) {
  poll_t *p = data;
  (void)env; (void)hint;
  p->wrap_alive = false;
  if (!p->closing) {
    /* Only at env teardown: while polling, p->self pins the object. */
    p->env_gone = true;
    poll_close(p);
  } else if (p->closed) {
    free(p);
  }
}

static void env_cleanup(napi_async_cleanup_hook_handle hook, void *arg) {
  addon_t *a = arg;
  (void)hook;
  a->tearing_down = true;
  while (a->head) {
    poll_t *p = a->head;
    p->env_gone = true;
    poll_close(p); /* unlinks p */
  }
  if (a->live == 0) {
    napi_remove_async_cleanup_hook(a->hook);
    free(a);
  } /* else the last poll_on_closed finishes */
}

/* Calls cb(list, err) as a proper async callback (async hooks, microtasks and
 * nextTicks run after it). Returns false when polling has ended: the callback
 * stopped it, closed the socket, or threw. */
static bool poll_call_js(poll_t *p, napi_value list, int err, const int32_t *nsids, uint32_t n) {
  napi_env env = p->env;
  napi_value recv, cb, argv[3], result;
  size_t argc = 2;
  napi_get_reference_value(env, p->self, &recv);
  napi_get_reference_value(env, p->cb, &cb);
  argv[0] = list;
  argv[1] = make_i32(env, err);
  if (p->want_nsid) { /* a parallel Int32Array: nsids[i] belongs to list[i] */
    void *data = NULL;
    napi_value ab;
    napi_create_arraybuffer(env, n * sizeof(int32_t), &data, &ab);
    if (n) memcpy(data, nsids, n * sizeof(int32_t));
    napi_create_typedarray(env, napi_int32_array, n, ab, 0, &argv[2]);
    argc = 3;
  }
  if (napi_make_callback(env, p->actx, recv, cb, argc, argv, &result) == napi_pending_exception) {
    napi_value exc;
    bool pending = false;
    /* Stop first: the fd is still readable, and a live poll whose callback
     * throws would make the loop spin if the process survives the error. */
    poll_close(p);
    /* Nothing pending means JS could not run at all (a worker being
     * terminated): there is no exception to report. */
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc); /* 'uncaughtException', as for any callback */
    }
    return false;
  }
  return !p->closing;
}

static ssize_t poll_peek_size(poll_t *p) {
  if (!p->grown) {
    char hint[DUMP_HINT_SIZE];
    ssize_t n = recv(p->fd, hint, sizeof hint, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (n >= 0) p->grown = true;
    return n;
  }
  /* MSG_TRUNC makes netlink return the datagram's true length, copying nothing. */
  return recv(p->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
}

/* recv() plus, for NETLINK_LISTEN_ALL_NSID sockets, the namespace id of the
 * sender: the kernel attaches it as a cmsg (SOL_NETLINK, NETLINK_LISTEN_ALL_NSID,
 * int) to datagrams from namespaces that have an id in the receiver's one.
 * *nsid is -1 when there is none (the socket's own namespace, usually). */
static ssize_t poll_recv(poll_t *p, void *data, size_t size, int32_t *nsid) {
  /* Room for a few cmsgs: NETLINK_PKTINFO may be on too, set by someone else. */
  union { char buf[CMSG_SPACE(sizeof(int)) * 4]; struct cmsghdr align; } ctl;
  struct iovec iov = { .iov_base = data, .iov_len = size };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
  struct cmsghdr *c;
  ssize_t got;
  if (!p->want_nsid) return recv(p->fd, data, size, MSG_DONTWAIT);
  *nsid = -1;
  got = recvmsg(p->fd, &mh, MSG_DONTWAIT);
  if (got < 0) return got;
  for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_LISTEN_ALL_NSID &&
        c->cmsg_len >= CMSG_LEN(sizeof(int)))
      memcpy(nsid, CMSG_DATA(c), sizeof(int));
  }
  return got;
}

static void poll_on_event(uv_poll_t *h, int status, int events) {
  poll_t *p = h->data;
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_value list;
  int32_t nsids[RECV_BATCH];
  uint32_t n = 0;
  int err = 0;
  bool fatal = false;
  (void)events;

  if (p->closing) return;
  if (status < 0) {
    /* libuv turns EPOLLERR into UV_EBADF and stops the handle. For netlink,
     * EPOLLERR usually means sk_err = ENOBUFS (receive queue overrun): not
     * fatal. Re-arm and let recv() below report (and clear) the real error. */
    int r = uv_poll_start(&p->uv, UV_READABLE, poll_on_event);
    if (r < 0) err = -r, fatal = true;
  }

  napi_open_handle_scope(env, &scope);
  napi_create_array(env, &list);
  while (!err && n < RECV_BATCH) {
    void *data;
    napi_value buf;
    ssize_t size = poll_peek_size(p), got;
    if (size < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) err = errno;
      break;
    }
    if (napi_create_buffer(env, (size_t)size, &data, &buf) != napi_ok) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);
      err = ENOMEM; /* the datagram stays queued; JS sees ENOMEM */
      break;
    }
    nsids[n] = -1;
    do got = poll_recv(p, data, (size_t)size, &nsids[n]);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) err = errno;
      break;
    }
    if (got < size) /* cannot happen with one reader; never hand out stale bytes */
      napi_create_buffer_copy(env, (size_t)got, data, NULL, &buf);
    napi_set_element(env, list, n++, buf);
  }

  if (n > 0 && !poll_call_js(p, list, 0, nsids, n)) goto out;
  if (err) {
    napi_value empty;
    napi_create_array(env, &empty);
    if (!poll_call_js(p, empty, err, nsids, 0)) goto out;
    /* ENOBUFS and friends are reports; a dead fd would fire forever. */
    if (fatal || err == EBADF || err == ENOTSOCK) poll_close(p);
  }
out:
  napi_close_handle_scope(env, scope);
}

static poll_t *unwrap_poll(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_unwrap(env, v, &p) != napi_ok || !p) {
    throw_type(env, "netlinkts native: expected a poll handle");
    return NULL;
  }
  return p;
}

/* pollStart(fd, cb, options?): options.nsid = true makes cb receive a third
 * argument, an Int32Array of each datagram's sender namespace id (-1: none),
 * read with recvmsg; without it the receive path is plain recv(). */
static napi_value PollStart(napi_env env, napi_callback_info info) {
  napi_value argv[3], obj;
  napi_valuetype t;
  uv_loop_t *loop;
  int32_t fd;
  int r;
  size_t argc = 3;
  bool want_nsid = false;
  addon_t *a = get_addon(env);
  poll_t *p;

  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) {
    throw_type(env, "netlinkts native: too few arguments");
    return NULL;
  }
  if (!get_i32(env, argv[0], &fd)) return NULL;
  napi_typeof(env, argv[1], &t);
  if (t != napi_function) {
    throw_type(env, "netlinkts native: pollStart expects a callback");
    return NULL;
  }
  if (argc >= 3) {
    napi_typeof(env, argv[2], &t);
    if (t == napi_object) {
      napi_value v;
      bool has = false;
      if (napi_has_named_property(env, argv[2], "nsid", &has) == napi_ok && has) {
        napi_get_named_property(env, argv[2], "nsid", &v);
        napi_coerce_to_bool(env, v, &v);
        napi_get_value_bool(env, v, &want_nsid);
      }
    } else if (t != napi_undefined) {
      throw_type(env, "netlinkts native: pollStart options must be an object");
      return NULL;
    }
  }
  p = calloc(1, sizeof *p);
  if (!p) {
    throw_errno(env, "calloc", ENOMEM);
    return NULL;
  }
  napi_get_uv_event_loop(env, &loop);
  /* Fails with EEXIST if the fd is already polled in this loop. */
  r = uv_poll_init(loop, &p->uv, fd);
  if (r < 0) {
    free(p);
    throw_errno(env, "uv_poll_init", -r);
    return NULL;
  }
  a->live++;
  p->uv.data = p;
  p->env = env;
  p->addon = a;
  p->fd = fd;
  p->want_nsid = want_nsid;
  p->wrap_alive = true;
  napi_create_object(env, &obj);
  napi_wrap(env, obj, p, poll_on_finalize, NULL, NULL);
  napi_create_reference(env, obj, 1, &p->self);
  napi_create_reference(env, argv[1], 1, &p->cb);
  {
    napi_value name;
    napi_create_string_utf8(env, "netlinkts:poll", NAPI_AUTO_LENGTH, &name);
    napi_async_init(env, obj, name, &p->actx);
  }
  p->next = a->head;
  if (a->head) a->head->prev = p;
  a->head = p;
  r = uv_poll_start(&p->uv, UV_READABLE, poll_on_event);
  if (r < 0) {
    poll_close(p);
    throw_errno(env, "uv_poll_start", -r);
    return NULL;
  }
  return obj;
}

static napi_value PollStop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  poll_t *p;
  if (!get_args(env, info, 1, argv) || !(p = unwrap_poll(env, argv[0]))) return NULL;
  poll_close(p);
  return undefined(env);
}

static napi_value PollRef(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  poll_t *p;
  if (!get_args(env, info, 1, argv) || !(p = unwrap_poll(env, argv[0]))) return NULL;
  if (!p->closing) {
    uv_ref((uv_handle_t *)&p->uv);
  }
  return undefined(env);
}

static napi_value PollUnref(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  poll_t *p;
  if (!get_args(env, info, 1, argv) || !(p = unwrap_poll(env, argv[0]))) return NULL;
  if (!p->closing) {
    uv_unref((uv_handle_t *)&p->uv);
  }
  return undefined(env);
}

/* --------------------------------------------------------------- sockets */

static napi_value SocketOpen(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t protocol, ns_fd;
  job_t j = { .op = JOB_SOCKET, .result = -1 };
  if (!get_args(env, info, 2, argv) || !get_i32(env, argv[0], &protocol) ||
      !get_i32(env, argv[1], &ns_fd))
    return NULL;
  j.protocol = protocol;
  j.ns_fd = ns_fd < 0 ? -1 : ns_fd;
  if (!run_job(&j)) {
    throw_errno(env, j.step, j.err);
    return NULL;
  }
  return make_i32(env, j.result);
}

static napi_value SocketBind(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  uint32_t groups;
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  if (!get_args(env, info, 2, argv) || !get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &groups))
    return NULL;
  sa.nl_groups = groups; /* nl_pid 0: the kernel picks a unique port id */
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    throw_errno(env, "bind", errno);
    return NULL;
  }
  return undefined(env);
}

static napi_value SocketPortId(napi_env env, napi_callback_info info) {
  napi_value argv[1], v;
  int32_t fd;
  struct sockaddr_nl sa;
  socklen_t len = sizeof sa;
  if (!get_args(env, info, 1, argv) || !get_i32(env, argv[0], &fd)) return NULL;
  if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
    throw_errno(env, "getsockname", errno);
    return NULL;
  }
  napi_create_uint32(env, sa.nl_pid, &v); /* u32: autobound ids can be >= 2^31 */
  return v;
}

static napi_value SetsockoptInt(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, level, name, value;
  if (!get_args(env, info, 4, argv) || !get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &level) ||
      !get_i32(env, argv[2], &name) || !get_i32(env, argv[3], &value))
    return NULL;
  if (setsockopt(fd, level, name, &value, sizeof value) < 0) {
    throw_errno(env, "setsockopt", errno);
    return NULL;
  }
  return undefined(env);
}

static napi_value GetsockoptInt(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, level, name;
  int value = 0;
  socklen_t len = sizeof value;
  if (!get_args(env, info, 3, argv) || !get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &level) ||
      !get_i32(env, argv[2], &name))
    return NULL;
  if (getsockopt(fd, level, name, &value, &len) < 0) {
    throw_errno(env, "getsockopt", errno);
    return NULL;
  }
  return make_i32(env, value);
}

static napi_value send_common(napi_env env, int32_t fd, napi_value data, uint32_t port, uint32_t groups) {
  void *buf;
  size_t len;
  ssize_t n;
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = port, .nl_groups = groups };
  if (!get_bytes(env, data, &buf, &len)) return NULL;
  /* MSG_DONTWAIT even though the socket is non-blocking: the fd may come from
   * elsewhere, and the JS thread must never sleep in the kernel. */
  do n = sendto(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof sa);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    throw_errno(env, "sendto", errno);
    return NULL;
  }
  return make_i32(env, (int32_t)n);
}

static napi_value SocketSend(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!get_args(env, info, 2, argv) || !get_i32(env, argv[0], &fd)) return NULL;
  return send_common(env, fd, argv[1], 0, 0);
}

/* socketSendTo(fd, data, portId, groups = 0). groups (a bitmask, as in
 * sockaddr_nl.nl_groups) multicasts too; a user-to-user unicast never
 * overruns the receiver (the sender gets EAGAIN), a multicast does. */
static napi_value SocketSendTo(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  int32_t fd;
  uint32_t port, groups = 0;
  napi_valuetype t = napi_undefined;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) {
    throw_type(env, "netlinkts native: too few arguments");
    return NULL;
  }
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[2], &port)) return NULL;
  if (argc >= 4) napi_typeof(env, argv[3], &t);
  if (t != napi_undefined && !get_u32(env, argv[3], &groups)) return NULL;
  return send_common(env, fd, argv[1], port, groups);
}

/* socketSendAsync(fd, data, portId, cb): sendto() on a libuv thread-pool thread,
 * then cb(errno, bytes) on the JS thread. For netlink the kernel does the work a
 * request asks for inside sendto() (a route insert, a link creation), in the
 * sender's thread: sending from the pool lets JS prepare the next datagram
 * meanwhile. The socket is bound to its namespace already, so no setns is
 * needed here. `data` is kept referenced until cb runs and must not be changed
 * before; the fd must stay open until then (NetlinkSocket.close defers). */
typedef struct {
  napi_async_work work;
  napi_ref data_ref, cb_ref;
  int fd;
  void *buf;
  size_t len;
  uint32_t port;
  ssize_t sent;
  int err;
} send_job_t;

static void send_job_run(napi_env env, void *arg) {
  send_job_t *j = arg;
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = j->port };
  (void)env;
  do j->sent = sendto(j->fd, j->buf, j->len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof sa);
  while (j->sent < 0 && errno == EINTR);
  j->err = j->sent < 0 ? errno : 0;
}

static void send_job_done(napi_env env, napi_status status, void *arg) {
  send_job_t *j = arg;
  napi_value cb, recv, argv[2], ignored;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_get_reference_value(env, j->cb_ref, &cb);
  napi_get_undefined(env, &recv);
  argv[0] = make_i32(env, status == napi_cancelled ? ECANCELED : j->err);
  argv[1] = make_i32(env, j->sent < 0 ? 0 : (int32_t)j->sent);
  napi_delete_reference(env, j->data_ref);
  napi_delete_reference(env, j->cb_ref);
  napi_delete_async_work(env, j->work);
  free(j);
  if (napi_call_function(env, recv, cb, 2, argv, &ignored) == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
  napi_close_handle_scope(env, scope);
}

static napi_value SocketSendAsync(napi_env env, napi_callback_info info) {
  napi_value argv[4], name;
  int32_t fd;
  uint32_t port;
  send_job_t *j;
  if (!get_args(env, info, 4, argv) || !get_i32(env, argv[0], &fd) || !get_u32(env, argv[2], &port)) return NULL;
  j = calloc(1, sizeof *j);
  if (!j) {
    throw_errno(env, "calloc", ENOMEM);
    return NULL;
  }
  if (!get_bytes(env, argv[1], &j->buf, &j->len)) {
    free(j);
    return NULL;
  }
  j->fd = fd;
  j->port = port;
  napi_create_reference(env, argv[1], 1, &j->data_ref);
  napi_create_reference(env, argv[3], 1, &j->cb_ref);
  napi_create_string_utf8(env, "netlinkts:send", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, send_job_run, send_job_done, j, &j->work);
  napi_queue_async_work(env, j->work);
  return undefined(env);
}

static napi_value SocketClose(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  addon_t *a = get_addon(env);
  poll_t *p, *next;
  if (!get_args(env, info, 1, argv) || !get_i32(env, argv[0], &fd)) return NULL;
  /* A poll left on a closed fd would later fire for whatever socket reuses
   * the number, or make the next pollStart on it fail with EEXIST. */
  for (p = a->head; p; p = next) {
    next = p->next;
    if (p->fd == fd) poll_close(p);
  }
  /* No retry on EINTR: on Linux the fd is gone either way. */
  if (close(fd) < 0 && errno != EINTR) {
    throw_errno(env, "close", errno);
    return NULL;
  }
  return undefined(env);
}

/* ------------------------------------------------------------ namespaces */

static napi_value OpenIn(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t ns_fd, flags;
  char path[PATH_MAX];
  job_t j = { .op = JOB_OPEN, .result = -1, .path = path };
  if (!get_args(env, info, 3, argv) || !get_i32(env, argv[0], &ns_fd) ||
      !get_str(env, argv[1], path, sizeof path) || !get_i32(env, argv[2], &flags))
    return NULL;
  j.ns_fd = ns_fd < 0 ? -1 : ns_fd;
  j.flags = flags;
  if (!run_job(&j)) {
    throw_errno(env, j.step, j.err);
    return NULL;
  }
  return make_i32(env, j.result);
}

static int mkdir_p(const char *dir, mode_t mode) {
  char buf[PATH_MAX];
  char *s;
  snprintf(buf, sizeof buf, "%s", dir);
  for (s = buf + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(buf, mode) < 0 && errno != EEXIST) return -1;
    *s = '/';
  }
  if (mkdir(buf, mode) < 0 && errno != EEXIST) return -1;
  return 0;
}

static bool ns_paths(napi_env env, napi_callback_info info, char *dir, char *path) {
  napi_value argv[2];
  char name[NAME_MAX + 1];
  if (!get_args(env, info, 2, argv) || !get_str(env, argv[0], dir, PATH_MAX) ||
      !get_str(env, argv[1], name, sizeof name))
    return false;
  /* A name is one path component: no traversal out of dir. */
  if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
    throw_errno(env, "netns name", EINVAL);
    return false;
  }
  if (snprintf(path, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX) {
    throw_errno(env, "path", ENAMETOOLONG);
    return false;
  }
  return true;
}

/* iproute2's `ip netns add` (ip/ipnetns.c netns_add), so that `ip netns`
 * and this library see, create and delete the same set of namespaces. */
static napi_value NetnsAdd(napi_env env, napi_callback_info info) {
  char dir[PATH_MAX], path[PATH_MAX];
  const char *step = NULL;
  int err = 0, lock, fd;
  bool made_bind = false;
  job_t j = { .op = JOB_NEWNS_BIND, .ns_fd = -1, .path = path };

  if (!ns_paths(env, info, dir, path)) return NULL;
  if (mkdir_p(dir, 0755) < 0) {
    throw_errno(env, "mkdir", errno);
    return NULL;
  }
  lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock < 0) {
    throw_errno(env, "open", errno);
    return NULL;
  }
  /* Serialises the make-shared dance with concurrent `ip netns add`s: done in
   * parallel it stacks bind mounts without end (Debian bug 949235). Like ip,
   * carry on without the lock if flock itself fails. */
  flock(lock, LOCK_EX);
  /* A shared dir lets the namespace mounts (and their removal) propagate to
   * other mount namespaces, so a deleted namespace is really freed. The dir
   * must be a mount point for that: bind it onto itself once if it is not. */
  while (mount("", dir, "none", MS_SHARED | MS_REC, NULL) < 0) {
    if (errno != EINVAL || made_bind) {
      err = errno, step = "mount";
      goto out;
    }
    if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0) {
      err = errno, step = "mount";
      goto out;
    }
    made_bind = true;
  }
  fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd < 0) { /* EEXIST: the name is taken; not ours to remove */
    err = errno, step = "open";
    goto out;
  }
  close(fd);
  if (!run_on_helper(&j)) {
    err = j.err, step = j.step;
    unlink(path);
  }
out:
  close(lock); /* releases the flock */
  if (err) {
    throw_errno(env, step, err);
    return NULL;
  }
  return undefined(env);
}

static napi_value NetnsDelete(napi_env env, napi_callback_info info) {
  char dir[PATH_MAX], path[PATH_MAX];
  if (!ns_paths(env, info, dir, path)) return NULL;
  /* Detach, not plain umount: processes or fds may still use the namespace;
   * it lives on until they are gone, only the name goes. Failure (not
   * mounted) is fine: the unlink below decides. */
  umount2(path, MNT_DETACH);
  if (unlink(path) < 0) {
    throw_errno(env, "unlink", errno);
    return NULL;
  }
  return undefined(env);
}

static napi_value NsIdentity(napi_env env, napi_callback_info info) {
  napi_value argv[1], arr, v;
  int32_t fd;
  struct stat st;
  if (!get_args(env, info, 1, argv) || !get_i32(env, argv[0], &fd)) return NULL;
  /* thread-self: the caller is the JS thread; /proc/self would be the thread
   * group leader, which differs in a worker thread. */
  if (fd < 0 ? stat("/proc/thread-self/ns/net", &st) < 0 : fstat(fd, &st) < 0) {
    throw_errno(env, fd < 0 ? "stat" : "fstat", errno);
    return NULL;
  }
  napi_create_array_with_length(env, 2, &arr);
  napi_create_double(env, (double)st.st_dev, &v);
  napi_set_element(env, arr, 0, v);
  napi_create_double(env, (double)st.st_ino, &v);
  napi_set_element(env, arr, 1, v);
  return arr;
}

/* ------------------------------------------------------------------ init */

NAPI_MODULE_INIT() {
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
    { "socketOpen", SocketOpen },       { "socketBind", SocketBind },
    { "socketPortId", SocketPortId },   { "setsockoptInt", SetsockoptInt },
    { "getsockoptInt", GetsockoptInt }, { "socketSend", SocketSend },
    { "socketSendTo", SocketSendTo },   { "socketClose", SocketClose },
    { "socketSendAsync", SocketSendAsync },
    { "pollStart", PollStart },         { "pollStop", PollStop },
    { "pollRef", PollRef },             { "pollUnref", PollUnref },
    { "openIn", OpenIn },               { "netnsAdd", NetnsAdd },
    { "netnsDelete", NetnsDelete },     { "nsIdentity", NsIdentity },
  };
  size_t i;
  addon_t *a = calloc(1, sizeof *a);
  if (!a) {
    napi_throw_error(env, NULL, "netlinkts native: out of memory");
    return NULL;
  }
  /* No instance-data finalizer: env_cleanup (or the last close) frees `a`. */
  napi_set_instance_data(env, a, NULL, NULL);
  napi_add_async_cleanup_hook(env, env_cleanup, a, &a->hook);
  for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
