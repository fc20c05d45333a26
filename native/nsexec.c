/*
 * netlinkts-nsexec: run a program inside a network namespace.
 *
 *   netlinkts-nsexec [--sys] NSPATH_OR_FD -- PROGRAM ARGS...
 *
 * Node cannot fork+setns+exec itself (it is multithreaded, and setns on its JS
 * thread would move the whole library), so the JS side spawns this helper with
 * child_process.spawn, keeping Node's usual stdio handling; the helper is
 * single-threaded, switches, and execs.
 *
 * NSPATH_OR_FD: a path such as /run/netns/NAME, or the number of an fd the
 * helper inherited. --sys also gives the program a /sys describing the
 * namespace's links, as `ip netns exec` does (it does not bind /etc/netns/NAME).
 *
 * Exit status: 126 if entering the namespace failed, 127 if exec failed,
 * otherwise the program's own. Errors: "netlinkts-nsexec: <step>: <strerror>".
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* what: the object of the step (a path, a program), or NULL. */
static void die(int status, const char *step, const char *what) {
  int err = errno;
  fprintf(stderr, "netlinkts-nsexec: %s%s%s: %s\n", step, what ? " " : "", what ? what : "", strerror(err));
  exit(status);
}

static void usage(void) {
  fprintf(stderr, "usage: netlinkts-nsexec [--sys] NSPATH_OR_FD -- PROGRAM ARGS...\n");
  exit(126);
}

static int parse_fd(const char *s) {
  char *end;
  long v;
  if (!*s) return -1;
  errno = 0;
  v = strtol(s, &end, 10);
  if (*end || errno || v < 0 || v > 1 << 30) return -1;
  return (int)v;
}

/* What `ip netns exec` does after setns: a private view of the mount tree
 * with a fresh sysfs, which shows the links of the current network namespace. */
static void remount_sys(void) {
  unsigned long flags = 0;
  struct statvfs st;
  if (unshare(CLONE_NEWNS) < 0) die(126, "unshare", NULL);
  /* Keep our remount of /sys from propagating back to the parent's mounts. */
  if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0) die(126, "mount --make-rslave", "/");
  if (umount2("/sys", MNT_DETACH) < 0) {
    /* Could not remove it (or there was none): mount over it, and a read-only
     * sysfs can only be shadowed by a read-only one. */
    if (statvfs("/sys", &st) == 0 && (st.f_flag & ST_RDONLY)) flags = MS_RDONLY;
  }
  if (mount("sysfs", "/sys", "sysfs", flags, NULL) < 0) die(126, "mount sysfs", "/sys");
}

int main(int argc, char **argv) {
  int i = 1, sys = 0, fd, inherited;
  const char *ns;

  if (i < argc && !strcmp(argv[i], "--sys")) sys = 1, i++;
  if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0) usage();
  ns = argv[i];

  fd = parse_fd(ns);
  inherited = fd >= 0;
  if (!inherited) {
    fd = open(ns, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(126, "open", ns);
  }
  if (setns(fd, CLONE_NEWNET) < 0) die(126, "setns", ns);
  /* The program has no use for the namespace fd; don't leak it into it. */
  close(fd);
  if (sys) remount_sys();

  execvp(argv[i + 2], argv + i + 2);
  die(127, "execvp", argv[i + 2]);
  return 127;
}
