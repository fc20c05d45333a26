// rtnetlink constants, named as in the kernel's UAPI headers and grouped per header.
// Numbers were extracted by compiling against /usr/include/linux (linux-libc-dev 6.1) and
// printing each enumerator, so none is hand-typed; attributes newer than those headers (the
// machine runs 6.18) are added at the end of their group with the kernel version noted.
// Name tables used to print values the way `ip -j` does follow the constants.
import * as self from './constants.js';


// ---- <linux/rtnetlink.h>

export const RTM_BASE = 16;
export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_SETLINK = 19;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;
export const RTM_NEWNEIGH = 28;
export const RTM_DELNEIGH = 29;
export const RTM_GETNEIGH = 30;
export const RTM_NEWRULE = 32;
export const RTM_DELRULE = 33;
export const RTM_GETRULE = 34;
export const RTM_NEWQDISC = 36;
export const RTM_DELQDISC = 37;
export const RTM_GETQDISC = 38;
export const RTM_NEWTCLASS = 40;
export const RTM_DELTCLASS = 41;
export const RTM_GETTCLASS = 42;
export const RTM_NEWTFILTER = 44;
export const RTM_DELTFILTER = 45;
export const RTM_GETTFILTER = 46;
export const RTM_NEWACTION = 48;
export const RTM_DELACTION = 49;
export const RTM_GETACTION = 50;
export const RTM_NEWPREFIX = 52;
export const RTM_GETMULTICAST = 58;
export const RTM_GETANYCAST = 62;
export const RTM_NEWNEIGHTBL = 64;
export const RTM_GETNEIGHTBL = 66;
export const RTM_SETNEIGHTBL = 67;
export const RTM_NEWNDUSEROPT = 68;
export const RTM_NEWADDRLABEL = 72;
export const RTM_DELADDRLABEL = 73;
export const RTM_GETADDRLABEL = 74;
export const RTM_GETDCB = 78;
export const RTM_SETDCB = 79;
export const RTM_NEWNETCONF = 80;
export const RTM_DELNETCONF = 81;
export const RTM_GETNETCONF = 82;
export const RTM_NEWMDB = 84;
export const RTM_DELMDB = 85;
export const RTM_GETMDB = 86;
export const RTM_NEWNSID = 88;
export const RTM_DELNSID = 89;
export const RTM_GETNSID = 90;
export const RTM_NEWSTATS = 92;
export const RTM_GETSTATS = 94;
export const RTM_SETSTATS = 95;
export const RTM_NEWCACHEREPORT = 96;
export const RTM_NEWCHAIN = 100;
export const RTM_DELCHAIN = 101;
export const RTM_GETCHAIN = 102;
export const RTM_NEWNEXTHOP = 104;
export const RTM_DELNEXTHOP = 105;
export const RTM_GETNEXTHOP = 106;
export const RTM_NEWLINKPROP = 108;
export const RTM_DELLINKPROP = 109;
export const RTM_GETLINKPROP = 110;
export const RTM_NEWVLAN = 112;
export const RTM_DELVLAN = 113;
export const RTM_GETVLAN = 114;
export const RTM_NEWNEXTHOPBUCKET = 116;
export const RTM_DELNEXTHOPBUCKET = 117;
export const RTM_GETNEXTHOPBUCKET = 118;
export const RTM_NEWTUNNEL = 120;
export const RTM_DELTUNNEL = 121;
export const RTM_GETTUNNEL = 122;
export const RTA_ALIGNTO = 4;

export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BROADCAST = 3;
export const RTN_ANYCAST = 4;
export const RTN_MULTICAST = 5;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;
export const RTN_THROW = 9;
export const RTN_NAT = 10;
export const RTN_XRESOLVE = 11;
export const RTPROT_UNSPEC = 0;
export const RTPROT_REDIRECT = 1;
export const RTPROT_KERNEL = 2;
export const RTPROT_BOOT = 3;
export const RTPROT_STATIC = 4;
export const RTPROT_GATED = 8;
export const RTPROT_RA = 9;
export const RTPROT_MRT = 10;
export const RTPROT_ZEBRA = 11;
export const RTPROT_BIRD = 12;
export const RTPROT_DNROUTED = 13;
export const RTPROT_XORP = 14;
export const RTPROT_NTK = 15;
export const RTPROT_DHCP = 16;
export const RTPROT_MROUTED = 17;
export const RTPROT_KEEPALIVED = 18;
export const RTPROT_BABEL = 42;
export const RTPROT_OPENR = 99;
export const RTPROT_BGP = 186;
export const RTPROT_ISIS = 187;
export const RTPROT_OSPF = 188;
export const RTPROT_RIP = 189;
export const RTPROT_EIGRP = 192;

export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_SITE = 200;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;
export const RTM_F_NOTIFY = 256;
export const RTM_F_CLONED = 512;
export const RTM_F_EQUALIZE = 1024;
export const RTM_F_PREFIX = 2048;
export const RTM_F_LOOKUP_TABLE = 4096;
export const RTM_F_FIB_MATCH = 8192;
export const RTM_F_OFFLOAD = 16384;
export const RTM_F_TRAP = 32768;
export const RTM_F_OFFLOAD_FAILED = 536870912;

export const RT_TABLE_UNSPEC = 0;
export const RT_TABLE_COMPAT = 252;
export const RT_TABLE_DEFAULT = 253;
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;

export const RTA_UNSPEC = 0;
export const RTA_DST = 1;
export const RTA_SRC = 2;
export const RTA_IIF = 3;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_PREFSRC = 7;
export const RTA_METRICS = 8;
export const RTA_MULTIPATH = 9;
export const RTA_PROTOINFO = 10;
export const RTA_FLOW = 11;
export const RTA_CACHEINFO = 12;
export const RTA_SESSION = 13;
export const RTA_MP_ALGO = 14;
export const RTA_TABLE = 15;
export const RTA_MARK = 16;
export const RTA_VIA = 18;
export const RTA_NEWDST = 19;
export const RTA_PREF = 20;
export const RTA_ENCAP_TYPE = 21;
export const RTA_ENCAP = 22;
export const RTA_EXPIRES = 23;
export const RTA_PAD = 24;
export const RTA_UID = 25;
export const RTA_TTL_PROPAGATE = 26;
export const RTA_IP_PROTO = 27;
export const RTA_SPORT = 28;
export const RTA_DPORT = 29;
export const RTA_NH_ID = 30;
export const RTNH_F_DEAD = 1;
export const RTNH_F_PERVASIVE = 2;
export const RTNH_F_ONLINK = 4;
export const RTNH_F_OFFLOAD = 8;
export const RTNH_F_LINKDOWN = 16;
export const RTNH_F_UNRESOLVED = 32;
export const RTNH_F_TRAP = 64;
export const RTNH_COMPARE_MASK = 89;
export const RTNH_ALIGNTO = 4;

export const RTAX_UNSPEC = 0;
export const RTAX_LOCK = 1;
export const RTAX_MTU = 2;
export const RTAX_WINDOW = 3;
export const RTAX_RTT = 4;
export const RTAX_RTTVAR = 5;
export const RTAX_SSTHRESH = 6;
export const RTAX_CWND = 7;
export const RTAX_ADVMSS = 8;
export const RTAX_REORDERING = 9;
export const RTAX_HOPLIMIT = 10;
export const RTAX_INITCWND = 11;
export const RTAX_FEATURES = 12;
export const RTAX_RTO_MIN = 13;
export const RTAX_INITRWND = 14;
export const RTAX_QUICKACK = 15;
export const RTAX_CC_ALGO = 16;
export const RTAX_FASTOPEN_NO_COOKIE = 17;
export const RTAX_FEATURE_ECN = 1;
export const RTAX_FEATURE_SACK = 2;
export const RTAX_FEATURE_TIMESTAMP = 4;
export const RTAX_FEATURE_ALLFRAG = 8;
export const RTAX_FEATURE_MASK = 15;

export const RTMGRP_LINK = 1;
export const RTMGRP_NOTIFY = 2;
export const RTMGRP_NEIGH = 4;
export const RTMGRP_TC = 8;
export const RTMGRP_IPV4_IFADDR = 16;
export const RTMGRP_IPV4_MROUTE = 32;
export const RTMGRP_IPV4_ROUTE = 64;
export const RTMGRP_IPV4_RULE = 128;
export const RTMGRP_IPV6_IFADDR = 256;
export const RTMGRP_IPV6_MROUTE = 512;
export const RTMGRP_IPV6_ROUTE = 1024;
export const RTMGRP_IPV6_IFINFO = 2048;
export const RTMGRP_DECnet_IFADDR = 4096;
export const RTMGRP_DECnet_ROUTE = 16384;
export const RTMGRP_IPV6_PREFIX = 131072;

export const RTNLGRP_NONE = 0;
export const RTNLGRP_LINK = 1;
export const RTNLGRP_NOTIFY = 2;
export const RTNLGRP_NEIGH = 3;
export const RTNLGRP_TC = 4;
export const RTNLGRP_IPV4_IFADDR = 5;
export const RTNLGRP_IPV4_MROUTE = 6;
export const RTNLGRP_IPV4_ROUTE = 7;
export const RTNLGRP_IPV4_RULE = 8;
export const RTNLGRP_IPV6_IFADDR = 9;
export const RTNLGRP_IPV6_MROUTE = 10;
export const RTNLGRP_IPV6_ROUTE = 11;
export const RTNLGRP_IPV6_IFINFO = 12;
export const RTNLGRP_DECnet_IFADDR = 13;
export const RTNLGRP_NOP2 = 14;
export const RTNLGRP_DECnet_ROUTE = 15;
export const RTNLGRP_DECnet_RULE = 16;
export const RTNLGRP_NOP4 = 17;
export const RTNLGRP_IPV6_PREFIX = 18;
export const RTNLGRP_IPV6_RULE = 19;
export const RTNLGRP_ND_USEROPT = 20;
export const RTNLGRP_PHONET_IFADDR = 21;
export const RTNLGRP_PHONET_ROUTE = 22;
export const RTNLGRP_DCB = 23;
export const RTNLGRP_IPV4_NETCONF = 24;
export const RTNLGRP_IPV6_NETCONF = 25;
export const RTNLGRP_MDB = 26;
export const RTNLGRP_MPLS_ROUTE = 27;
export const RTNLGRP_NSID = 28;
export const RTNLGRP_MPLS_NETCONF = 29;
export const RTNLGRP_IPV4_MROUTE_R = 30;
export const RTNLGRP_IPV6_MROUTE_R = 31;
export const RTNLGRP_NEXTHOP = 32;
export const RTNLGRP_BRVLAN = 33;
export const RTNLGRP_MCTP_IFADDR = 34;
export const RTNLGRP_TUNNEL = 35;
export const RTNLGRP_STATS = 36;

export const RTEXT_FILTER_VF = 1;
export const RTEXT_FILTER_BRVLAN = 2;
export const RTEXT_FILTER_BRVLAN_COMPRESSED = 4;
export const RTEXT_FILTER_SKIP_STATS = 8;
export const RTEXT_FILTER_MRP = 16;
export const RTEXT_FILTER_CFM_CONFIG = 32;
export const RTEXT_FILTER_CFM_STATUS = 64;
export const RTEXT_FILTER_MST = 128;

// ---- <linux/if_link.h>

export const IFLA_UNSPEC = 0;
export const IFLA_ADDRESS = 1;
export const IFLA_BROADCAST = 2;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_LINK = 5;
export const IFLA_QDISC = 6;
export const IFLA_STATS = 7;
export const IFLA_COST = 8;
export const IFLA_PRIORITY = 9;
export const IFLA_MASTER = 10;
export const IFLA_WIRELESS = 11;
export const IFLA_PROTINFO = 12;
export const IFLA_TXQLEN = 13;
export const IFLA_MAP = 14;
export const IFLA_WEIGHT = 15;
export const IFLA_OPERSTATE = 16;
export const IFLA_LINKMODE = 17;
export const IFLA_LINKINFO = 18;
export const IFLA_NET_NS_PID = 19;
export const IFLA_IFALIAS = 20;
export const IFLA_NUM_VF = 21;
export const IFLA_VFINFO_LIST = 22;
export const IFLA_STATS64 = 23;
export const IFLA_AF_SPEC = 26;
export const IFLA_GROUP = 27;
export const IFLA_NET_NS_FD = 28;
export const IFLA_EXT_MASK = 29;
export const IFLA_PROMISCUITY = 30;
export const IFLA_NUM_TX_QUEUES = 31;
export const IFLA_NUM_RX_QUEUES = 32;
export const IFLA_CARRIER = 33;
export const IFLA_PHYS_PORT_ID = 34;
export const IFLA_CARRIER_CHANGES = 35;
export const IFLA_PHYS_SWITCH_ID = 36;
export const IFLA_LINK_NETNSID = 37;
export const IFLA_PHYS_PORT_NAME = 38;
export const IFLA_PROTO_DOWN = 39;
export const IFLA_GSO_MAX_SEGS = 40;
export const IFLA_GSO_MAX_SIZE = 41;
export const IFLA_PAD = 42;
export const IFLA_XDP = 43;
export const IFLA_EVENT = 44;
export const IFLA_NEW_NETNSID = 45;
export const IFLA_IF_NETNSID = 46;
export const IFLA_TARGET_NETNSID = 46;
export const IFLA_CARRIER_UP_COUNT = 47;
export const IFLA_CARRIER_DOWN_COUNT = 48;
export const IFLA_NEW_IFINDEX = 49;
export const IFLA_MIN_MTU = 50;
export const IFLA_MAX_MTU = 51;
export const IFLA_PROP_LIST = 52;
export const IFLA_ALT_IFNAME = 53;
export const IFLA_PERM_ADDRESS = 54;
export const IFLA_PROTO_DOWN_REASON = 55;
export const IFLA_PARENT_DEV_NAME = 56;
export const IFLA_PARENT_DEV_BUS_NAME = 57;
export const IFLA_GRO_MAX_SIZE = 58;
export const IFLA_TSO_MAX_SIZE = 59;
export const IFLA_TSO_MAX_SEGS = 60;
export const IFLA_ALLMULTI = 61;
// Newer than the 6.1 headers (include/uapi/linux/if_link.h of later kernels):
export const IFLA_DEVLINK_PORT = 62; // 6.2
export const IFLA_GSO_IPV4_MAX_SIZE = 63; // 6.3
export const IFLA_GRO_IPV4_MAX_SIZE = 64; // 6.3
export const IFLA_DPLL_PIN = 65; // 6.7
export const IFLA_MAX_PACING_OFFLOAD_HORIZON = 66; // 6.13
export const IFLA_NETNS_IMMUTABLE = 67; // 6.13
export const IFLA_HEADROOM = 68; // 6.15
export const IFLA_TAILROOM = 69; // 6.15

export const IFLA_INET_UNSPEC = 0;
export const IFLA_INET_CONF = 1;

export const IFLA_INET6_UNSPEC = 0;
export const IFLA_INET6_FLAGS = 1;
export const IFLA_INET6_CONF = 2;
export const IFLA_INET6_STATS = 3;
export const IFLA_INET6_MCAST = 4;
export const IFLA_INET6_CACHEINFO = 5;
export const IFLA_INET6_ICMP6STATS = 6;
export const IFLA_INET6_TOKEN = 7;
export const IFLA_INET6_ADDR_GEN_MODE = 8;
export const IFLA_INET6_RA_MTU = 9;

export const IN6_ADDR_GEN_MODE_EUI64 = 0;
export const IN6_ADDR_GEN_MODE_NONE = 1;
export const IN6_ADDR_GEN_MODE_STABLE_PRIVACY = 2;
export const IN6_ADDR_GEN_MODE_RANDOM = 3;

export const IFLA_BR_UNSPEC = 0;
export const IFLA_BR_FORWARD_DELAY = 1;
export const IFLA_BR_HELLO_TIME = 2;
export const IFLA_BR_MAX_AGE = 3;
export const IFLA_BR_AGEING_TIME = 4;
export const IFLA_BR_STP_STATE = 5;
export const IFLA_BR_PRIORITY = 6;
export const IFLA_BR_VLAN_FILTERING = 7;
export const IFLA_BR_VLAN_PROTOCOL = 8;
export const IFLA_BR_GROUP_FWD_MASK = 9;
export const IFLA_BR_ROOT_ID = 10;
export const IFLA_BR_BRIDGE_ID = 11;
export const IFLA_BR_ROOT_PORT = 12;
export const IFLA_BR_ROOT_PATH_COST = 13;
export const IFLA_BR_TOPOLOGY_CHANGE = 14;
export const IFLA_BR_TOPOLOGY_CHANGE_DETECTED = 15;
export const IFLA_BR_HELLO_TIMER = 16;
export const IFLA_BR_TCN_TIMER = 17;
export const IFLA_BR_TOPOLOGY_CHANGE_TIMER = 18;
export const IFLA_BR_GC_TIMER = 19;
export const IFLA_BR_GROUP_ADDR = 20;
export const IFLA_BR_FDB_FLUSH = 21;
export const IFLA_BR_MCAST_ROUTER = 22;
export const IFLA_BR_MCAST_SNOOPING = 23;
export const IFLA_BR_MCAST_QUERY_USE_IFADDR = 24;
export const IFLA_BR_MCAST_QUERIER = 25;
export const IFLA_BR_MCAST_HASH_ELASTICITY = 26;
export const IFLA_BR_MCAST_HASH_MAX = 27;
export const IFLA_BR_MCAST_LAST_MEMBER_CNT = 28;
export const IFLA_BR_MCAST_STARTUP_QUERY_CNT = 29;
export const IFLA_BR_MCAST_LAST_MEMBER_INTVL = 30;
export const IFLA_BR_MCAST_MEMBERSHIP_INTVL = 31;
export const IFLA_BR_MCAST_QUERIER_INTVL = 32;
export const IFLA_BR_MCAST_QUERY_INTVL = 33;
export const IFLA_BR_MCAST_QUERY_RESPONSE_INTVL = 34;
export const IFLA_BR_MCAST_STARTUP_QUERY_INTVL = 35;
export const IFLA_BR_NF_CALL_IPTABLES = 36;
export const IFLA_BR_NF_CALL_IP6TABLES = 37;
export const IFLA_BR_NF_CALL_ARPTABLES = 38;
export const IFLA_BR_VLAN_DEFAULT_PVID = 39;
export const IFLA_BR_PAD = 40;
export const IFLA_BR_VLAN_STATS_ENABLED = 41;
export const IFLA_BR_MCAST_STATS_ENABLED = 42;
export const IFLA_BR_MCAST_IGMP_VERSION = 43;
export const IFLA_BR_MCAST_MLD_VERSION = 44;
export const IFLA_BR_VLAN_STATS_PER_PORT = 45;
export const IFLA_BR_MULTI_BOOLOPT = 46;
export const IFLA_BR_MCAST_QUERIER_STATE = 47;

export const BRIDGE_MODE_UNSPEC = 0;
export const BRIDGE_MODE_HAIRPIN = 1;

export const IFLA_BRPORT_UNSPEC = 0;
export const IFLA_BRPORT_STATE = 1;
export const IFLA_BRPORT_PRIORITY = 2;
export const IFLA_BRPORT_COST = 3;
export const IFLA_BRPORT_MODE = 4;
export const IFLA_BRPORT_GUARD = 5;
export const IFLA_BRPORT_PROTECT = 6;
export const IFLA_BRPORT_FAST_LEAVE = 7;
export const IFLA_BRPORT_LEARNING = 8;
export const IFLA_BRPORT_UNICAST_FLOOD = 9;
export const IFLA_BRPORT_PROXYARP = 10;
export const IFLA_BRPORT_LEARNING_SYNC = 11;
export const IFLA_BRPORT_PROXYARP_WIFI = 12;
export const IFLA_BRPORT_ROOT_ID = 13;
export const IFLA_BRPORT_BRIDGE_ID = 14;
export const IFLA_BRPORT_DESIGNATED_PORT = 15;
export const IFLA_BRPORT_DESIGNATED_COST = 16;
export const IFLA_BRPORT_ID = 17;
export const IFLA_BRPORT_NO = 18;
export const IFLA_BRPORT_TOPOLOGY_CHANGE_ACK = 19;
export const IFLA_BRPORT_CONFIG_PENDING = 20;
export const IFLA_BRPORT_MESSAGE_AGE_TIMER = 21;
export const IFLA_BRPORT_FORWARD_DELAY_TIMER = 22;
export const IFLA_BRPORT_HOLD_TIMER = 23;
export const IFLA_BRPORT_FLUSH = 24;
export const IFLA_BRPORT_MULTICAST_ROUTER = 25;
export const IFLA_BRPORT_PAD = 26;
export const IFLA_BRPORT_MCAST_FLOOD = 27;
export const IFLA_BRPORT_MCAST_TO_UCAST = 28;
export const IFLA_BRPORT_VLAN_TUNNEL = 29;
export const IFLA_BRPORT_BCAST_FLOOD = 30;
export const IFLA_BRPORT_GROUP_FWD_MASK = 31;
export const IFLA_BRPORT_NEIGH_SUPPRESS = 32;
export const IFLA_BRPORT_ISOLATED = 33;
export const IFLA_BRPORT_BACKUP_PORT = 34;
export const IFLA_BRPORT_MRP_RING_OPEN = 35;
export const IFLA_BRPORT_MRP_IN_OPEN = 36;
export const IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT = 37;
export const IFLA_BRPORT_MCAST_EHT_HOSTS_CNT = 38;
export const IFLA_BRPORT_LOCKED = 39;

export const IFLA_INFO_UNSPEC = 0;
export const IFLA_INFO_KIND = 1;
export const IFLA_INFO_DATA = 2;
export const IFLA_INFO_XSTATS = 3;
export const IFLA_INFO_SLAVE_KIND = 4;
export const IFLA_INFO_SLAVE_DATA = 5;

export const IFLA_VLAN_UNSPEC = 0;
export const IFLA_VLAN_ID = 1;
export const IFLA_VLAN_FLAGS = 2;
export const IFLA_VLAN_EGRESS_QOS = 3;
export const IFLA_VLAN_INGRESS_QOS = 4;
export const IFLA_VLAN_PROTOCOL = 5;

export const IFLA_VLAN_QOS_UNSPEC = 0;
export const IFLA_VLAN_QOS_MAPPING = 1;

export const IFLA_MACVLAN_UNSPEC = 0;
export const IFLA_MACVLAN_MODE = 1;
export const IFLA_MACVLAN_FLAGS = 2;
export const IFLA_MACVLAN_MACADDR_MODE = 3;
export const IFLA_MACVLAN_MACADDR = 4;
export const IFLA_MACVLAN_MACADDR_DATA = 5;
export const IFLA_MACVLAN_MACADDR_COUNT = 6;
export const IFLA_MACVLAN_BC_QUEUE_LEN = 7;
export const IFLA_MACVLAN_BC_QUEUE_LEN_USED = 8;

export const MACVLAN_MODE_PRIVATE = 1;
export const MACVLAN_MODE_VEPA = 2;
export const MACVLAN_MODE_BRIDGE = 4;
export const MACVLAN_MODE_PASSTHRU = 8;
export const MACVLAN_MODE_SOURCE = 16;

export const MACVLAN_FLAG_NOPROMISC = 1;
export const MACVLAN_FLAG_NODST = 2;

export const IFLA_VRF_UNSPEC = 0;
export const IFLA_VRF_TABLE = 1;
export const IFLA_VRF_PORT_UNSPEC = 0;
export const IFLA_VRF_PORT_TABLE = 1;

export const IFLA_VXLAN_UNSPEC = 0;
export const IFLA_VXLAN_ID = 1;
export const IFLA_VXLAN_GROUP = 2;
export const IFLA_VXLAN_LINK = 3;
export const IFLA_VXLAN_LOCAL = 4;
export const IFLA_VXLAN_TTL = 5;
export const IFLA_VXLAN_TOS = 6;
export const IFLA_VXLAN_LEARNING = 7;
export const IFLA_VXLAN_AGEING = 8;
export const IFLA_VXLAN_LIMIT = 9;
export const IFLA_VXLAN_PORT_RANGE = 10;
export const IFLA_VXLAN_PROXY = 11;
export const IFLA_VXLAN_RSC = 12;
export const IFLA_VXLAN_L2MISS = 13;
export const IFLA_VXLAN_L3MISS = 14;
export const IFLA_VXLAN_PORT = 15;
export const IFLA_VXLAN_GROUP6 = 16;
export const IFLA_VXLAN_LOCAL6 = 17;
export const IFLA_VXLAN_UDP_CSUM = 18;
export const IFLA_VXLAN_UDP_ZERO_CSUM6_TX = 19;
export const IFLA_VXLAN_UDP_ZERO_CSUM6_RX = 20;
export const IFLA_VXLAN_REMCSUM_TX = 21;
export const IFLA_VXLAN_REMCSUM_RX = 22;
export const IFLA_VXLAN_GBP = 23;
export const IFLA_VXLAN_REMCSUM_NOPARTIAL = 24;
export const IFLA_VXLAN_COLLECT_METADATA = 25;
export const IFLA_VXLAN_LABEL = 26;
export const IFLA_VXLAN_GPE = 27;
export const IFLA_VXLAN_TTL_INHERIT = 28;
export const IFLA_VXLAN_DF = 29;
export const IFLA_VXLAN_VNIFILTER = 30;

export const VXLAN_DF_UNSET = 0;
export const VXLAN_DF_SET = 1;
export const VXLAN_DF_INHERIT = 2;

export const IFLA_BOND_UNSPEC = 0;
export const IFLA_BOND_MODE = 1;
export const IFLA_BOND_ACTIVE_SLAVE = 2;
export const IFLA_BOND_MIIMON = 3;
export const IFLA_BOND_UPDELAY = 4;
export const IFLA_BOND_DOWNDELAY = 5;
export const IFLA_BOND_USE_CARRIER = 6;
export const IFLA_BOND_ARP_INTERVAL = 7;
export const IFLA_BOND_ARP_IP_TARGET = 8;
export const IFLA_BOND_ARP_VALIDATE = 9;
export const IFLA_BOND_ARP_ALL_TARGETS = 10;
export const IFLA_BOND_PRIMARY = 11;
export const IFLA_BOND_PRIMARY_RESELECT = 12;
export const IFLA_BOND_FAIL_OVER_MAC = 13;
export const IFLA_BOND_XMIT_HASH_POLICY = 14;
export const IFLA_BOND_RESEND_IGMP = 15;
export const IFLA_BOND_NUM_PEER_NOTIF = 16;
export const IFLA_BOND_ALL_SLAVES_ACTIVE = 17;
export const IFLA_BOND_MIN_LINKS = 18;
export const IFLA_BOND_LP_INTERVAL = 19;
export const IFLA_BOND_PACKETS_PER_SLAVE = 20;
export const IFLA_BOND_TLB_DYNAMIC_LB = 27;
export const IFLA_BOND_PEER_NOTIF_DELAY = 28;
export const IFLA_BOND_MISSED_MAX = 30;
export const IFLA_BOND_NS_IP6_TARGET = 31;
export const IFLA_BOND_COUPLED_CONTROL = 32;

export const XDP_ATTACHED_NONE = 0;
export const XDP_ATTACHED_DRV = 1;
export const XDP_ATTACHED_SKB = 2;
export const XDP_ATTACHED_HW = 3;
export const XDP_ATTACHED_MULTI = 4;

// ---- <linux/if_addr.h>

export const IFA_UNSPEC = 0;
export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_BROADCAST = 4;
export const IFA_ANYCAST = 5;
export const IFA_CACHEINFO = 6;
export const IFA_MULTICAST = 7;
export const IFA_FLAGS = 8;
export const IFA_RT_PRIORITY = 9;
export const IFA_TARGET_NETNSID = 10;
export const IFA_PROTO = 11;
export const IFA_F_SECONDARY = 1;
export const IFA_F_TEMPORARY = 1;
export const IFA_F_NODAD = 2;
export const IFA_F_OPTIMISTIC = 4;
export const IFA_F_DADFAILED = 8;
export const IFA_F_HOMEADDRESS = 16;
export const IFA_F_DEPRECATED = 32;
export const IFA_F_TENTATIVE = 64;
export const IFA_F_PERMANENT = 128;
export const IFA_F_MANAGETEMPADDR = 256;
export const IFA_F_NOPREFIXROUTE = 512;
export const IFA_F_MCAUTOJOIN = 1024;
export const IFA_F_STABLE_PRIVACY = 2048;
export const IFAPROT_UNSPEC = 0;
export const IFAPROT_KERNEL_LO = 1;
export const IFAPROT_KERNEL_RA = 2;
export const IFAPROT_KERNEL_LL = 3;

// ---- <linux/neighbour.h>

export const NDA_UNSPEC = 0;
export const NDA_DST = 1;
export const NDA_LLADDR = 2;
export const NDA_CACHEINFO = 3;
export const NDA_PROBES = 4;
export const NDA_VLAN = 5;
export const NDA_PORT = 6;
export const NDA_VNI = 7;
export const NDA_IFINDEX = 8;
export const NDA_MASTER = 9;
export const NDA_LINK_NETNSID = 10;
export const NDA_SRC_VNI = 11;
export const NDA_PROTOCOL = 12;
export const NDA_NH_ID = 13;
export const NDA_FDB_EXT_ATTRS = 14;
export const NDA_FLAGS_EXT = 15;
export const NDA_NDM_STATE_MASK = 16;
export const NDA_NDM_FLAGS_MASK = 17;
export const NTF_USE = 1;
export const NTF_SELF = 2;
export const NTF_MASTER = 4;
export const NTF_PROXY = 8;
export const NTF_EXT_LEARNED = 16;
export const NTF_OFFLOADED = 32;
export const NTF_STICKY = 64;
export const NTF_ROUTER = 128;
export const NTF_EXT_MANAGED = 1;
export const NUD_INCOMPLETE = 1;
export const NUD_REACHABLE = 2;
export const NUD_STALE = 4;
export const NUD_DELAY = 8;
export const NUD_PROBE = 16;
export const NUD_FAILED = 32;
export const NUD_NOARP = 64;
export const NUD_PERMANENT = 128;
export const NUD_NONE = 0;

// ---- <linux/veth.h>

export const VETH_INFO_UNSPEC = 0;
export const VETH_INFO_PEER = 1;

// ---- <linux/if_arp.h>
export const ARPHRD_NETROM = 0;
export const ARPHRD_ETHER = 1;
export const ARPHRD_EETHER = 2;
export const ARPHRD_AX25 = 3;
export const ARPHRD_PRONET = 4;
export const ARPHRD_CHAOS = 5;
export const ARPHRD_IEEE802 = 6;
export const ARPHRD_ARCNET = 7;
export const ARPHRD_APPLETLK = 8;
export const ARPHRD_DLCI = 15;
export const ARPHRD_ATM = 19;
export const ARPHRD_METRICOM = 23;
export const ARPHRD_IEEE1394 = 24;
export const ARPHRD_EUI64 = 27;
export const ARPHRD_INFINIBAND = 32;
export const ARPHRD_SLIP = 256;
export const ARPHRD_CSLIP = 257;
export const ARPHRD_SLIP6 = 258;
export const ARPHRD_CSLIP6 = 259;
export const ARPHRD_RSRVD = 260;
export const ARPHRD_ADAPT = 264;
export const ARPHRD_ROSE = 270;
export const ARPHRD_X25 = 271;
export const ARPHRD_HWX25 = 272;
export const ARPHRD_CAN = 280;
export const ARPHRD_MCTP = 290;
export const ARPHRD_PPP = 512;
export const ARPHRD_CISCO = 513;
export const ARPHRD_HDLC = 513;
export const ARPHRD_LAPB = 516;
export const ARPHRD_DDCMP = 517;
export const ARPHRD_RAWHDLC = 518;
export const ARPHRD_RAWIP = 519;
export const ARPHRD_TUNNEL = 768;
export const ARPHRD_TUNNEL6 = 769;
export const ARPHRD_FRAD = 770;
export const ARPHRD_SKIP = 771;
export const ARPHRD_LOOPBACK = 772;
export const ARPHRD_LOCALTLK = 773;
export const ARPHRD_FDDI = 774;
export const ARPHRD_BIF = 775;
export const ARPHRD_SIT = 776;
export const ARPHRD_IPDDP = 777;
export const ARPHRD_IPGRE = 778;
export const ARPHRD_PIMREG = 779;
export const ARPHRD_HIPPI = 780;
export const ARPHRD_ASH = 781;
export const ARPHRD_ECONET = 782;
export const ARPHRD_IRDA = 783;
export const ARPHRD_FCPP = 784;
export const ARPHRD_FCAL = 785;
export const ARPHRD_FCPL = 786;
export const ARPHRD_FCFABRIC = 787;
export const ARPHRD_IEEE802_TR = 800;
export const ARPHRD_IEEE80211 = 801;
export const ARPHRD_IEEE80211_PRISM = 802;
export const ARPHRD_IEEE80211_RADIOTAP = 803;
export const ARPHRD_IEEE802154 = 804;
export const ARPHRD_IEEE802154_MONITOR = 805;
export const ARPHRD_PHONET = 820;
export const ARPHRD_PHONET_PIPE = 821;
export const ARPHRD_CAIF = 822;
export const ARPHRD_IP6GRE = 823;
export const ARPHRD_NETLINK = 824;
export const ARPHRD_6LOWPAN = 825;
export const ARPHRD_VSOCKMON = 826;
export const ARPHRD_VOID = 65535;
export const ARPHRD_NONE = 65534;

// ---- <linux/net_namespace.h>

export const NETNSA_NONE = 0;
export const NETNSA_NSID = 1;
export const NETNSA_PID = 2;
export const NETNSA_FD = 3;
export const NETNSA_TARGET_NSID = 4;
export const NETNSA_CURRENT_NSID = 5;

// ---- <linux/if_bridge.h>
export const BR_STATE_DISABLED = 0;
export const BR_STATE_LISTENING = 1;
export const BR_STATE_LEARNING = 2;
export const BR_STATE_FORWARDING = 3;
export const BR_STATE_BLOCKING = 4;
export const BRIDGE_FLAGS_MASTER = 1;
export const BRIDGE_FLAGS_SELF = 2;
export const BRIDGE_MODE_VEB = 0;
export const BRIDGE_MODE_VEPA = 1;
export const BRIDGE_MODE_UNDEF = 65535;

export const BR_BOOLOPT_NO_LL_LEARN = 0;
export const BR_BOOLOPT_MCAST_VLAN_SNOOPING = 1;
export const BR_BOOLOPT_MST_ENABLE = 2;

// ---- <linux/if.h>
export const IFNAMSIZ = 16;
export const IFALIASZ = 256;
export const ALTIFNAMSIZ = 128;

export const IFF_UP = 1;
export const IFF_BROADCAST = 2;
export const IFF_DEBUG = 4;
export const IFF_LOOPBACK = 8;
export const IFF_POINTOPOINT = 16;
export const IFF_NOTRAILERS = 32;
export const IFF_RUNNING = 64;
export const IFF_NOARP = 128;
export const IFF_PROMISC = 256;
export const IFF_ALLMULTI = 512;
export const IFF_MASTER = 1024;
export const IFF_SLAVE = 2048;
export const IFF_MULTICAST = 4096;
export const IFF_PORTSEL = 8192;
export const IFF_AUTOMEDIA = 16384;
export const IFF_DYNAMIC = 32768;
export const IFF_LOWER_UP = 65536;
export const IFF_DORMANT = 131072;
export const IFF_ECHO = 262144;
export const IFF_VOLATILE = 461914;

export const IF_OPER_UNKNOWN = 0;
export const IF_OPER_NOTPRESENT = 1;
export const IF_OPER_DOWN = 2;
export const IF_OPER_LOWERLAYERDOWN = 3;
export const IF_OPER_TESTING = 4;
export const IF_OPER_DORMANT = 5;
export const IF_OPER_UP = 6;

export const IF_LINK_MODE_DEFAULT = 0;
export const IF_LINK_MODE_DORMANT = 1;
export const IF_LINK_MODE_TESTING = 2;

// ---- <linux/socket.h> address families used by rtnetlink
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_BRIDGE = 7;
export const AF_INET6 = 10;
export const AF_MPLS = 28;
export const AF_PACKET = 17;

// ---- fixed family headers (sizeof in the UAPI structs)
/** struct ifinfomsg: family, pad, type, index, flags, change. */
export const IFINFOMSG_LEN = 16;
/** struct ifaddrmsg: family, prefixlen, flags, scope, index. */
export const IFADDRMSG_LEN = 8;
/** struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags. */
export const RTMSG_LEN = 12;
/** struct ndmsg: family, pad1, pad2, ifindex, state, flags, type. */
export const NDMSG_LEN = 12;
/** struct rtgenmsg (one byte), padded to NLMSG_ALIGNTO. */
export const RTGENMSG_LEN = 4;
/** struct rtnexthop: len, flags, hops, ifindex. */
export const RTNEXTHOP_LEN = 8;

/** The kernel's "no netns id" value (NETNSA_NSID_NOT_ASSIGNED). */
export const NETNSA_NSID_NOT_ASSIGNED = -1;
/** ifa_cacheinfo lifetimes: 0xffffffff means forever. */
export const INFINITY_LIFE_TIME = 0xffffffff;

// ---- <linux/if_ether.h> protocols ip prints by name
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;

// ---- <linux/icmpv6.h> router preference (RTA_PREF)
export const ICMPV6_ROUTER_PREF_LOW = 0x3;
export const ICMPV6_ROUTER_PREF_MEDIUM = 0x0;
export const ICMPV6_ROUTER_PREF_HIGH = 0x1;
export const ICMPV6_ROUTER_PREF_INVALID = 0x2;

// ============================================================================================
// Name tables: how iproute2 6.1 prints values (lib/rt_names.c, lib/ll_types.c, ip/*.c).

/** ifi_flags in the order `ip` prints them (ipaddress.c print_link_flags). */
export const IFF_PRINT_ORDER: ReadonlyArray<readonly [number, string]> = [
  [IFF_LOOPBACK, 'LOOPBACK'], [IFF_BROADCAST, 'BROADCAST'], [IFF_POINTOPOINT, 'POINTOPOINT'],
  [IFF_MULTICAST, 'MULTICAST'], [IFF_NOARP, 'NOARP'], [IFF_ALLMULTI, 'ALLMULTI'],
  [IFF_PROMISC, 'PROMISC'], [IFF_MASTER, 'MASTER'], [IFF_SLAVE, 'SLAVE'], [IFF_DEBUG, 'DEBUG'],
  [IFF_DYNAMIC, 'DYNAMIC'], [IFF_AUTOMEDIA, 'AUTOMEDIA'], [IFF_PORTSEL, 'PORTSEL'],
  [IFF_NOTRAILERS, 'NOTRAILERS'], [IFF_UP, 'UP'], [IFF_LOWER_UP, 'LOWER_UP'],
  [IFF_DORMANT, 'DORMANT'], [IFF_ECHO, 'ECHO'],
];

/** IFLA_OPERSTATE (RFC 2863 operational status), indexed by value. */
export const OPERSTATE_NAMES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'] as const;
export type OperState = (typeof OPERSTATE_NAMES)[number];
/** IFLA_LINKMODE, indexed by value. */
export const LINKMODE_NAMES = ['DEFAULT', 'DORMANT'] as const;

/** ifi_type as `ip` prints it after "link/" (lib/ll_types.c). */
export const ARPHRD_NAMES: ReadonlyMap<number, string> = new Map([
  [ARPHRD_NETROM, 'netrom'], [ARPHRD_ETHER, 'ether'], [ARPHRD_EETHER, 'eether'], [ARPHRD_AX25, 'ax25'],
  [ARPHRD_PRONET, 'pronet'], [ARPHRD_CHAOS, 'chaos'], [ARPHRD_IEEE802, 'ieee802'], [ARPHRD_ARCNET, 'arcnet'],
  [ARPHRD_APPLETLK, 'atalk'], [ARPHRD_DLCI, 'dlci'], [ARPHRD_ATM, 'atm'], [ARPHRD_METRICOM, 'metricom'],
  [ARPHRD_IEEE1394, 'ieee1394'], [ARPHRD_INFINIBAND, 'infiniband'], [ARPHRD_SLIP, 'slip'], [ARPHRD_CSLIP, 'cslip'],
  [ARPHRD_SLIP6, 'slip6'], [ARPHRD_CSLIP6, 'cslip6'], [ARPHRD_RSRVD, 'rsrvd'], [ARPHRD_ADAPT, 'adapt'],
  [ARPHRD_ROSE, 'rose'], [ARPHRD_X25, 'x25'], [ARPHRD_HWX25, 'hwx25'], [ARPHRD_CAN, 'can'], [ARPHRD_PPP, 'ppp'],
  [ARPHRD_HDLC, 'hdlc'], [ARPHRD_LAPB, 'lapb'], [ARPHRD_DDCMP, 'ddcmp'], [ARPHRD_RAWHDLC, 'rawhdlc'],
  [ARPHRD_TUNNEL, 'ipip'], [ARPHRD_TUNNEL6, 'tunnel6'], [ARPHRD_FRAD, 'frad'], [ARPHRD_SKIP, 'skip'],
  [ARPHRD_LOOPBACK, 'loopback'], [ARPHRD_LOCALTLK, 'ltalk'], [ARPHRD_FDDI, 'fddi'], [ARPHRD_BIF, 'bif'],
  [ARPHRD_SIT, 'sit'], [ARPHRD_IPDDP, 'ip/ddp'], [ARPHRD_IPGRE, 'gre'], [ARPHRD_PIMREG, 'pimreg'],
  [ARPHRD_HIPPI, 'hippi'], [ARPHRD_ASH, 'ash'], [ARPHRD_ECONET, 'econet'], [ARPHRD_IRDA, 'irda'],
  [ARPHRD_FCPP, 'fcpp'], [ARPHRD_FCAL, 'fcal'], [ARPHRD_FCPL, 'fcpl'],
  [ARPHRD_FCFABRIC, 'fcfb0'], [ARPHRD_FCFABRIC + 1, 'fcfb1'], [ARPHRD_FCFABRIC + 2, 'fcfb2'],
  [ARPHRD_FCFABRIC + 3, 'fcfb3'], [ARPHRD_FCFABRIC + 4, 'fcfb4'], [ARPHRD_FCFABRIC + 5, 'fcfb5'],
  [ARPHRD_FCFABRIC + 6, 'fcfb6'], [ARPHRD_FCFABRIC + 7, 'fcfb7'], [ARPHRD_FCFABRIC + 8, 'fcfb8'],
  [ARPHRD_FCFABRIC + 9, 'fcfb9'], [ARPHRD_FCFABRIC + 10, 'fcfb10'], [ARPHRD_FCFABRIC + 11, 'fcfb11'],
  [ARPHRD_FCFABRIC + 12, 'fcfb12'], [ARPHRD_IEEE802_TR, 'tr'], [ARPHRD_IEEE80211, 'ieee802.11'],
  [ARPHRD_IEEE80211_PRISM, 'ieee802.11/prism'], [ARPHRD_IEEE80211_RADIOTAP, 'ieee802.11/radiotap'],
  [ARPHRD_IEEE802154, 'ieee802.15.4'], [ARPHRD_IEEE802154_MONITOR, 'ieee802.15.4/monitor'],
  [ARPHRD_PHONET, 'phonet'], [ARPHRD_PHONET_PIPE, 'phonet_pipe'], [ARPHRD_CAIF, 'caif'], [ARPHRD_IP6GRE, 'gre6'],
  [ARPHRD_NETLINK, 'netlink'], [ARPHRD_6LOWPAN, '6lowpan'], [ARPHRD_NONE, 'none'], [ARPHRD_VOID, 'void'],
]);

/** rtm_type (route types), as rtnl_rtntype_n2a prints them. */
export const RTN_NAMES = ['none', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'] as const;
export type RouteType = (typeof RTN_NAMES)[number];

/** rtm_protocol names: iproute2's built-in table plus its shipped /etc/iproute2/rt_protos. */
export const RTPROT_NAMES: ReadonlyMap<number, string> = new Map([
  [RTPROT_UNSPEC, 'unspec'], [RTPROT_REDIRECT, 'redirect'], [RTPROT_KERNEL, 'kernel'], [RTPROT_BOOT, 'boot'],
  [RTPROT_STATIC, 'static'], [RTPROT_GATED, 'gated'], [RTPROT_RA, 'ra'], [RTPROT_MRT, 'mrt'], [RTPROT_ZEBRA, 'zebra'],
  [RTPROT_BIRD, 'bird'], [RTPROT_DNROUTED, 'dnrouted'], [RTPROT_XORP, 'xorp'], [RTPROT_NTK, 'ntk'], [RTPROT_DHCP, 'dhcp'],
  [RTPROT_KEEPALIVED, 'keepalived'], [RTPROT_BABEL, 'babel'], [RTPROT_OPENR, 'openr'], [RTPROT_BGP, 'bgp'],
  [RTPROT_ISIS, 'isis'], [RTPROT_OSPF, 'ospf'], [RTPROT_RIP, 'rip'], [RTPROT_EIGRP, 'eigrp'],
]);

/** Scopes (rtm_scope, ifa_scope). */
export const RT_SCOPE_NAMES: ReadonlyMap<number, string> = new Map([
  [RT_SCOPE_UNIVERSE, 'global'], [RT_SCOPE_SITE, 'site'], [RT_SCOPE_LINK, 'link'], [RT_SCOPE_HOST, 'host'], [RT_SCOPE_NOWHERE, 'nowhere'],
]);

/** Routing tables with names in iproute2's default /etc/iproute2/rt_tables. */
export const RT_TABLE_NAMES: ReadonlyMap<number, string> = new Map([
  [RT_TABLE_DEFAULT, 'default'], [RT_TABLE_MAIN, 'main'], [RT_TABLE_LOCAL, 'local'],
]);

/** Neighbour states in the order `ip neigh` prints them. */
export const NUD_PRINT_ORDER: ReadonlyArray<readonly [number, string]> = [
  [NUD_INCOMPLETE, 'INCOMPLETE'], [NUD_REACHABLE, 'REACHABLE'], [NUD_STALE, 'STALE'], [NUD_DELAY, 'DELAY'],
  [NUD_PROBE, 'PROBE'], [NUD_FAILED, 'FAILED'], [NUD_NOARP, 'NOARP'], [NUD_PERMANENT, 'PERMANENT'],
];

/** RTAX_* metric names as `ip -j route` prints them (iproute.c mx_names). */
export const RTAX_NAMES: ReadonlyMap<number, string> = new Map([
  [RTAX_MTU, 'mtu'], [RTAX_WINDOW, 'window'], [RTAX_RTT, 'rtt'], [RTAX_RTTVAR, 'rttvar'], [RTAX_SSTHRESH, 'ssthresh'],
  [RTAX_CWND, 'cwnd'], [RTAX_ADVMSS, 'advmss'], [RTAX_REORDERING, 'reordering'], [RTAX_HOPLIMIT, 'hoplimit'],
  [RTAX_INITCWND, 'initcwnd'], [RTAX_FEATURES, 'features'], [RTAX_RTO_MIN, 'rto_min'], [RTAX_INITRWND, 'initrwnd'],
  [RTAX_QUICKACK, 'quickack'], [RTAX_CC_ALGO, 'congestion'], [RTAX_FASTOPEN_NO_COOKIE, 'fastopen_no_cookie'],
]);

/** Bridge port STP states (IFLA_BRPORT_STATE). */
export const BR_STATE_NAMES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'] as const;

/** MACVLAN_MODE_* as `ip` prints them. */
export const MACVLAN_MODE_NAMES: ReadonlyMap<number, string> = new Map([
  [MACVLAN_MODE_PRIVATE, 'private'], [MACVLAN_MODE_VEPA, 'vepa'], [MACVLAN_MODE_BRIDGE, 'bridge'],
  [MACVLAN_MODE_PASSTHRU, 'passthru'], [MACVLAN_MODE_SOURCE, 'source'],
]);

// ---- names of constants (for errors and logs), looked up in this module's own exports

let nameTables: Map<string, Map<number, string>> | undefined;

/**
 * The name of the constant with this prefix and value, e.g. constantName('IFLA_', 3) ->
 * 'IFLA_IFNAME'. Names that start with one of `exclude` (nested enums sharing the prefix,
 * such as 'IFLA_BR_' under 'IFLA_') are skipped. Aliases (IFA_F_SECONDARY/IFA_F_TEMPORARY)
 * resolve to the alphabetically first name.
 */
export function constantName(prefix: string, value: number, exclude: readonly string[] = []): string | undefined {
  const key = `${prefix}|${exclude.join(',')}`;
  nameTables ??= new Map();
  let table = nameTables.get(key);
  if (!table) {
    table = new Map();
    for (const [name, v] of Object.entries(self)) {
      if (typeof v !== 'number' || !name.startsWith(prefix)) continue;
      if (exclude.some((e) => name.startsWith(e))) continue;
      if (!table.has(v)) table.set(v, name);
    }
    nameTables.set(key, table);
  }
  return table.get(value);
}
