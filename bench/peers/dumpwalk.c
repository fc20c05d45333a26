// The C floor for workload 2: dump one IPv4 routing table over a raw NETLINK_ROUTE socket and
// walk every message into a small struct, as a libmnl program does (mnl_socket_recvfrom +
// mnl_cb_run + mnl_attr_parse), without printing. No dependency beyond libc.
//
//   dumpwalk TABLE [--save FILE]  -> {"routes":N,"ms":MILLISECONDS,"bytes":B,"datagrams":D}
//
// --save also writes each datagram as [u32 length][bytes] (the capture workload 6 decodes).
// "ms" is in-process: from the dump request's send to the NLMSG_DONE, walk included.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

struct route {
  uint32_t dst, gateway, prefsrc, table, oif, priority;
  uint8_t dst_len, protocol, scope, type, family;
};

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  uint32_t table = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : RT_TABLE_MAIN;
  FILE *save = NULL;
  if (argc > 3 && strcmp(argv[2], "--save") == 0 && !(save = fopen(argv[3], "wb"))) { perror(argv[3]); return 1; }
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) { perror("socket"); return 1; }
  int one = 1, rcv = 1 << 20;
  setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("bind"); return 1; }

  struct {
    struct nlmsghdr nh;
    struct rtmsg rt;
    struct rtattr ta;
    uint32_t table;
  } req;
  memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = sizeof req;
  req.nh.nlmsg_type = RTM_GETROUTE;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nh.nlmsg_seq = 1;
  req.rt.rtm_family = AF_INET;
  req.ta.rta_type = RTA_TABLE;
  req.ta.rta_len = RTA_LENGTH(4);
  req.table = table;

  static char buf[1 << 16];
  size_t routes = 0, bytes = 0, datagrams = 0;
  uint64_t check = 0;
  double t0 = now_us();
  if (send(fd, &req, sizeof req, 0) < 0) { perror("send"); return 1; }
  for (int done = 0; !done;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("recv");
      return 1;
    }
    bytes += (size_t)n;
    datagrams++;
    if (save) {
      uint32_t len = (uint32_t)n;
      fwrite(&len, 4, 1, save);
      fwrite(buf, 1, (size_t)n, save);
    }
    for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_type == NLMSG_DONE) { done = 1; break; }
      if (nh->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(nh);
        if (e->error) { fprintf(stderr, "dump failed: %s\n", strerror(-e->error)); return 1; }
        continue;
      }
      if (nh->nlmsg_type != RTM_NEWROUTE) continue;
      struct rtmsg *rt = NLMSG_DATA(nh);
      struct route r = { .dst_len = rt->rtm_dst_len, .protocol = rt->rtm_protocol, .scope = rt->rtm_scope,
                         .type = rt->rtm_type, .family = rt->rtm_family, .table = rt->rtm_table };
      int len = RTM_PAYLOAD(nh);
      for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        uint32_t v = RTA_PAYLOAD(a) >= 4 ? *(uint32_t *)RTA_DATA(a) : 0;
        switch (a->rta_type) {
          case RTA_DST: r.dst = v; break;
          case RTA_GATEWAY: r.gateway = v; break;
          case RTA_PREFSRC: r.prefsrc = v; break;
          case RTA_TABLE: r.table = v; break;
          case RTA_OIF: r.oif = v; break;
          case RTA_PRIORITY: r.priority = v; break;
          default: break;
        }
      }
      check += r.dst + r.oif + r.table + r.dst_len;
      routes++;
    }
  }
  double us = now_us() - t0;
  char line[256];
  snprintf(line, sizeof line, "{\"routes\":%zu,\"ms\":%.3f,\"bytes\":%zu,\"datagrams\":%zu,\"check\":%llu}\n", routes, us / 1000,
           bytes, datagrams, (unsigned long long)check);
  fputs(line, stdout);
  // As the node drivers do: the runner collects the in-process figure of every timed run.
  const char *out = getenv("NETLINKTS_BENCH_OUT");
  FILE *f = out && *out ? fopen(out, "a") : NULL;
  if (f) { fputs(line, f); fclose(f); }
  close(fd);
  if (save && fclose(save) != 0) { perror("save"); return 1; }
  return 0;
}
