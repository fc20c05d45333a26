// nsfs bind mounts from /proc/self/mountinfo: where Docker (/run/docker/netns/*), containerd and
// CNI (/run/netns/cni-*, /var/run/netns/*), systemd (PrivateNetwork=) and `ip netns` keep the
// network namespaces no process may hold. Pure parsing; the scan stats each path, since a line
// can name a mount point shadowed by a later mount (the private test namespace's tmpfs over
// /run/netns hides the host's entries, which mountinfo still lists).

export interface NsfsMount {
  /** The mount point, unescaped. */
  path: string;
  /** The namespace inode the mount's root names ("net:[4026532305]" -> 4026532305). */
  ino: number;
  /** mountinfo's mount id, for messages. */
  mountId: number;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * The network-namespace nsfs mounts listed in mountinfo text (proc(5): "36 35 98:0 /mnt1 /mnt2
 * rw,noatime master:1 - ext3 /dev/root rw"). Lines of other types (mnt, pid, ipc namespaces
 * bound by unshare --mount=FILE) are left out: their root reads "mnt:[...]".
 */
export function parseNsfsMounts(text: string): NsfsMount[] {
  const out: NsfsMount[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fstype = line.slice(sep + 3).split(' ', 1)[0];
    if (fstype !== 'nsfs') continue;
    const fields = line.slice(0, sep).split(' ');
    if (fields.length < 5) continue;
    const m = /^net:\[(\d+)\]$/.exec(fields[3]!);
    if (!m) continue;
    out.push({ path: unescape(fields[4]!), ino: Number(m[1]), mountId: Number(fields[0]) });
  }
  return out;
}
