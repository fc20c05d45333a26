// Constants of the nftables netlink protocol, named as in the kernel's UAPI headers:
// <linux/netfilter/nf_tables.h> (enums, generated from the 6.1 header shipped by Debian's
// linux-libc-dev and checked against the 6.18 kernel this runs on), <linux/netfilter/nfnetlink.h>,
// <linux/netfilter.h>, <linux/netfilter/nf_nat.h> and <linux/netfilter/nf_conntrack_common.h>.

// ---- linux/netfilter/nf_tables.h (#defines) ----
export const NFT_NAME_MAXLEN = 256;
export const NFT_TABLE_MAXNAMELEN = NFT_NAME_MAXLEN;
export const NFT_CHAIN_MAXNAMELEN = NFT_NAME_MAXLEN;
export const NFT_SET_MAXNAMELEN = NFT_NAME_MAXLEN;
export const NFT_OBJ_MAXNAMELEN = NFT_NAME_MAXLEN;
export const NFT_USERDATA_MAXLEN = 256;
export const NFT_REG_SIZE = 16;
export const NFT_REG32_SIZE = 4;
export const NFT_REG32_COUNT = 16;
export const NFT_DATA_RESERVED_MASK = 0xffffff00;
export const NFT_DATA_VALUE_MAXLEN = 64;
export const NFT_BITWISE_BOOL = 0;
export const NFT_TABLE_F_MASK = 0x3;
export const NFT_OBJECT_UNSPEC = 0;
export const NFT_OBJECT_COUNTER = 1;
export const NFT_OBJECT_QUOTA = 2;
export const NFT_OBJECT_CT_HELPER = 3;
export const NFT_OBJECT_LIMIT = 4;
export const NFT_OBJECT_CONNLIMIT = 5;
export const NFT_OBJECT_TUNNEL = 6;
export const NFT_OBJECT_CT_TIMEOUT = 7;
export const NFT_OBJECT_SECMARK = 8;
export const NFT_OBJECT_CT_EXPECT = 9;
export const NFT_OBJECT_SYNPROXY = 10;

// enum nft_registers
export const NFT_REG_VERDICT = 0;
export const NFT_REG_1 = 1;
export const NFT_REG_2 = 2;
export const NFT_REG_3 = 3;
export const NFT_REG_4 = 4;
export const NFT_REG32_00 = 8;
export const NFT_REG32_01 = 9;
export const NFT_REG32_02 = 10;
export const NFT_REG32_03 = 11;
export const NFT_REG32_04 = 12;
export const NFT_REG32_05 = 13;
export const NFT_REG32_06 = 14;
export const NFT_REG32_07 = 15;
export const NFT_REG32_08 = 16;
export const NFT_REG32_09 = 17;
export const NFT_REG32_10 = 18;
export const NFT_REG32_11 = 19;
export const NFT_REG32_12 = 20;
export const NFT_REG32_13 = 21;
export const NFT_REG32_14 = 22;
export const NFT_REG32_15 = 23;

// enum nft_verdicts
export const NFT_CONTINUE = -1;
export const NFT_BREAK = -2;
export const NFT_JUMP = -3;
export const NFT_GOTO = -4;
export const NFT_RETURN = -5;

// enum nf_tables_msg_types
export const NFT_MSG_NEWTABLE = 0;
export const NFT_MSG_GETTABLE = 1;
export const NFT_MSG_DELTABLE = 2;
export const NFT_MSG_NEWCHAIN = 3;
export const NFT_MSG_GETCHAIN = 4;
export const NFT_MSG_DELCHAIN = 5;
export const NFT_MSG_NEWRULE = 6;
export const NFT_MSG_GETRULE = 7;
export const NFT_MSG_DELRULE = 8;
export const NFT_MSG_NEWSET = 9;
export const NFT_MSG_GETSET = 10;
export const NFT_MSG_DELSET = 11;
export const NFT_MSG_NEWSETELEM = 12;
export const NFT_MSG_GETSETELEM = 13;
export const NFT_MSG_DELSETELEM = 14;
export const NFT_MSG_NEWGEN = 15;
export const NFT_MSG_GETGEN = 16;
export const NFT_MSG_TRACE = 17;
export const NFT_MSG_NEWOBJ = 18;
export const NFT_MSG_GETOBJ = 19;
export const NFT_MSG_DELOBJ = 20;
export const NFT_MSG_GETOBJ_RESET = 21;
export const NFT_MSG_NEWFLOWTABLE = 22;
export const NFT_MSG_GETFLOWTABLE = 23;
export const NFT_MSG_DELFLOWTABLE = 24;
// Added after the 6.1 header (kernel 6.3 and later; this machine runs 6.18):
export const NFT_MSG_GETRULE_RESET = 25;
export const NFT_MSG_DESTROYTABLE = 26;
export const NFT_MSG_DESTROYCHAIN = 27;
export const NFT_MSG_DESTROYRULE = 28;
export const NFT_MSG_DESTROYSET = 29;
export const NFT_MSG_DESTROYSETELEM = 30;
export const NFT_MSG_DESTROYOBJ = 31;
export const NFT_MSG_DESTROYFLOWTABLE = 32;
export const NFT_MSG_GETSETELEM_RESET = 33;

// enum nft_list_attributes
export const NFTA_LIST_UNSPEC = 0;
export const NFTA_LIST_ELEM = 1;

// enum nft_hook_attributes
export const NFTA_HOOK_UNSPEC = 0;
export const NFTA_HOOK_HOOKNUM = 1;
export const NFTA_HOOK_PRIORITY = 2;
export const NFTA_HOOK_DEV = 3;
export const NFTA_HOOK_DEVS = 4;

// enum nft_table_flags
export const NFT_TABLE_F_DORMANT = 1;
export const NFT_TABLE_F_OWNER = 2;
export const NFT_TABLE_F_PERSIST = 4; // kernel 6.9

// enum nft_table_attributes
export const NFTA_TABLE_UNSPEC = 0;
export const NFTA_TABLE_NAME = 1;
export const NFTA_TABLE_FLAGS = 2;
export const NFTA_TABLE_USE = 3;
export const NFTA_TABLE_HANDLE = 4;
export const NFTA_TABLE_PAD = 5;
export const NFTA_TABLE_USERDATA = 6;
export const NFTA_TABLE_OWNER = 7;

// enum nft_chain_flags
export const NFT_CHAIN_BASE = 1;
export const NFT_CHAIN_HW_OFFLOAD = 2;
export const NFT_CHAIN_BINDING = 4;

// enum nft_chain_attributes
export const NFTA_CHAIN_UNSPEC = 0;
export const NFTA_CHAIN_TABLE = 1;
export const NFTA_CHAIN_HANDLE = 2;
export const NFTA_CHAIN_NAME = 3;
export const NFTA_CHAIN_HOOK = 4;
export const NFTA_CHAIN_POLICY = 5;
export const NFTA_CHAIN_USE = 6;
export const NFTA_CHAIN_TYPE = 7;
export const NFTA_CHAIN_COUNTERS = 8;
export const NFTA_CHAIN_PAD = 9;
export const NFTA_CHAIN_FLAGS = 10;
export const NFTA_CHAIN_ID = 11;
export const NFTA_CHAIN_USERDATA = 12;

// enum nft_rule_attributes
export const NFTA_RULE_UNSPEC = 0;
export const NFTA_RULE_TABLE = 1;
export const NFTA_RULE_CHAIN = 2;
export const NFTA_RULE_HANDLE = 3;
export const NFTA_RULE_EXPRESSIONS = 4;
export const NFTA_RULE_COMPAT = 5;
export const NFTA_RULE_POSITION = 6;
export const NFTA_RULE_USERDATA = 7;
export const NFTA_RULE_PAD = 8;
export const NFTA_RULE_ID = 9;
export const NFTA_RULE_POSITION_ID = 10;
export const NFTA_RULE_CHAIN_ID = 11;

// enum nft_rule_compat_flags
export const NFT_RULE_COMPAT_F_UNUSED = 1;
export const NFT_RULE_COMPAT_F_INV = 2;
export const NFT_RULE_COMPAT_F_MASK = 2;

// enum nft_rule_compat_attributes
export const NFTA_RULE_COMPAT_UNSPEC = 0;
export const NFTA_RULE_COMPAT_PROTO = 1;
export const NFTA_RULE_COMPAT_FLAGS = 2;

// enum nft_set_flags
export const NFT_SET_ANONYMOUS = 1;
export const NFT_SET_CONSTANT = 2;
export const NFT_SET_INTERVAL = 4;
export const NFT_SET_MAP = 8;
export const NFT_SET_TIMEOUT = 16;
export const NFT_SET_EVAL = 32;
export const NFT_SET_OBJECT = 64;
export const NFT_SET_CONCAT = 128;
export const NFT_SET_EXPR = 256;

// enum nft_set_policies
export const NFT_SET_POL_PERFORMANCE = 0;
export const NFT_SET_POL_MEMORY = 1;

// enum nft_set_desc_attributes
export const NFTA_SET_DESC_UNSPEC = 0;
export const NFTA_SET_DESC_SIZE = 1;
export const NFTA_SET_DESC_CONCAT = 2;

// enum nft_set_field_attributes
export const NFTA_SET_FIELD_UNSPEC = 0;
export const NFTA_SET_FIELD_LEN = 1;

// enum nft_set_attributes
export const NFTA_SET_UNSPEC = 0;
export const NFTA_SET_TABLE = 1;
export const NFTA_SET_NAME = 2;
export const NFTA_SET_FLAGS = 3;
export const NFTA_SET_KEY_TYPE = 4;
export const NFTA_SET_KEY_LEN = 5;
export const NFTA_SET_DATA_TYPE = 6;
export const NFTA_SET_DATA_LEN = 7;
export const NFTA_SET_POLICY = 8;
export const NFTA_SET_DESC = 9;
export const NFTA_SET_ID = 10;
export const NFTA_SET_TIMEOUT = 11;
export const NFTA_SET_GC_INTERVAL = 12;
export const NFTA_SET_USERDATA = 13;
export const NFTA_SET_PAD = 14;
export const NFTA_SET_OBJ_TYPE = 15;
export const NFTA_SET_HANDLE = 16;
export const NFTA_SET_EXPR = 17;
export const NFTA_SET_EXPRESSIONS = 18;

// enum nft_set_elem_flags
export const NFT_SET_ELEM_INTERVAL_END = 1;
export const NFT_SET_ELEM_CATCHALL = 2;

// enum nft_set_elem_attributes
export const NFTA_SET_ELEM_UNSPEC = 0;
export const NFTA_SET_ELEM_KEY = 1;
export const NFTA_SET_ELEM_DATA = 2;
export const NFTA_SET_ELEM_FLAGS = 3;
export const NFTA_SET_ELEM_TIMEOUT = 4;
export const NFTA_SET_ELEM_EXPIRATION = 5;
export const NFTA_SET_ELEM_USERDATA = 6;
export const NFTA_SET_ELEM_EXPR = 7;
export const NFTA_SET_ELEM_PAD = 8;
export const NFTA_SET_ELEM_OBJREF = 9;
export const NFTA_SET_ELEM_KEY_END = 10;
export const NFTA_SET_ELEM_EXPRESSIONS = 11;

// enum nft_set_elem_list_attributes
export const NFTA_SET_ELEM_LIST_UNSPEC = 0;
export const NFTA_SET_ELEM_LIST_TABLE = 1;
export const NFTA_SET_ELEM_LIST_SET = 2;
export const NFTA_SET_ELEM_LIST_ELEMENTS = 3;
export const NFTA_SET_ELEM_LIST_SET_ID = 4;

// enum nft_data_types
export const NFT_DATA_VALUE = 0;
export const NFT_DATA_VERDICT = 0xffffff00;

// enum nft_data_attributes
export const NFTA_DATA_UNSPEC = 0;
export const NFTA_DATA_VALUE = 1;
export const NFTA_DATA_VERDICT = 2;

// enum nft_verdict_attributes
export const NFTA_VERDICT_UNSPEC = 0;
export const NFTA_VERDICT_CODE = 1;
export const NFTA_VERDICT_CHAIN = 2;
export const NFTA_VERDICT_CHAIN_ID = 3;

// enum nft_expr_attributes
export const NFTA_EXPR_UNSPEC = 0;
export const NFTA_EXPR_NAME = 1;
export const NFTA_EXPR_DATA = 2;

// enum nft_immediate_attributes
export const NFTA_IMMEDIATE_UNSPEC = 0;
export const NFTA_IMMEDIATE_DREG = 1;
export const NFTA_IMMEDIATE_DATA = 2;

// enum nft_bitwise_ops
export const NFT_BITWISE_MASK_XOR = 0;
export const NFT_BITWISE_LSHIFT = 1;
export const NFT_BITWISE_RSHIFT = 2;

// enum nft_bitwise_attributes
export const NFTA_BITWISE_UNSPEC = 0;
export const NFTA_BITWISE_SREG = 1;
export const NFTA_BITWISE_DREG = 2;
export const NFTA_BITWISE_LEN = 3;
export const NFTA_BITWISE_MASK = 4;
export const NFTA_BITWISE_XOR = 5;
export const NFTA_BITWISE_OP = 6;
export const NFTA_BITWISE_DATA = 7;

// enum nft_byteorder_ops
export const NFT_BYTEORDER_NTOH = 0;
export const NFT_BYTEORDER_HTON = 1;

// enum nft_byteorder_attributes
export const NFTA_BYTEORDER_UNSPEC = 0;
export const NFTA_BYTEORDER_SREG = 1;
export const NFTA_BYTEORDER_DREG = 2;
export const NFTA_BYTEORDER_OP = 3;
export const NFTA_BYTEORDER_LEN = 4;
export const NFTA_BYTEORDER_SIZE = 5;

// enum nft_cmp_ops
export const NFT_CMP_EQ = 0;
export const NFT_CMP_NEQ = 1;
export const NFT_CMP_LT = 2;
export const NFT_CMP_LTE = 3;
export const NFT_CMP_GT = 4;
export const NFT_CMP_GTE = 5;

// enum nft_cmp_attributes
export const NFTA_CMP_UNSPEC = 0;
export const NFTA_CMP_SREG = 1;
export const NFTA_CMP_OP = 2;
export const NFTA_CMP_DATA = 3;

// enum nft_range_ops
export const NFT_RANGE_EQ = 0;
export const NFT_RANGE_NEQ = 1;

// enum nft_range_attributes
export const NFTA_RANGE_UNSPEC = 0;
export const NFTA_RANGE_SREG = 1;
export const NFTA_RANGE_OP = 2;
export const NFTA_RANGE_FROM_DATA = 3;
export const NFTA_RANGE_TO_DATA = 4;

// enum nft_lookup_flags
export const NFT_LOOKUP_F_INV = 1;

// enum nft_lookup_attributes
export const NFTA_LOOKUP_UNSPEC = 0;
export const NFTA_LOOKUP_SET = 1;
export const NFTA_LOOKUP_SREG = 2;
export const NFTA_LOOKUP_DREG = 3;
export const NFTA_LOOKUP_SET_ID = 4;
export const NFTA_LOOKUP_FLAGS = 5;

// enum nft_dynset_ops
export const NFT_DYNSET_OP_ADD = 0;
export const NFT_DYNSET_OP_UPDATE = 1;
export const NFT_DYNSET_OP_DELETE = 2;

// enum nft_dynset_flags
export const NFT_DYNSET_F_INV = 1;
export const NFT_DYNSET_F_EXPR = 2;

// enum nft_dynset_attributes
export const NFTA_DYNSET_UNSPEC = 0;
export const NFTA_DYNSET_SET_NAME = 1;
export const NFTA_DYNSET_SET_ID = 2;
export const NFTA_DYNSET_OP = 3;
export const NFTA_DYNSET_SREG_KEY = 4;
export const NFTA_DYNSET_SREG_DATA = 5;
export const NFTA_DYNSET_TIMEOUT = 6;
export const NFTA_DYNSET_EXPR = 7;
export const NFTA_DYNSET_PAD = 8;
export const NFTA_DYNSET_FLAGS = 9;
export const NFTA_DYNSET_EXPRESSIONS = 10;

// enum nft_payload_bases
export const NFT_PAYLOAD_LL_HEADER = 0;
export const NFT_PAYLOAD_NETWORK_HEADER = 1;
export const NFT_PAYLOAD_TRANSPORT_HEADER = 2;
export const NFT_PAYLOAD_INNER_HEADER = 3;

// enum nft_payload_csum_types
export const NFT_PAYLOAD_CSUM_NONE = 0;
export const NFT_PAYLOAD_CSUM_INET = 1;
export const NFT_PAYLOAD_CSUM_SCTP = 2;

// enum nft_payload_csum_flags
export const NFT_PAYLOAD_L4CSUM_PSEUDOHDR = 1;

// enum nft_payload_attributes
export const NFTA_PAYLOAD_UNSPEC = 0;
export const NFTA_PAYLOAD_DREG = 1;
export const NFTA_PAYLOAD_BASE = 2;
export const NFTA_PAYLOAD_OFFSET = 3;
export const NFTA_PAYLOAD_LEN = 4;
export const NFTA_PAYLOAD_SREG = 5;
export const NFTA_PAYLOAD_CSUM_TYPE = 6;
export const NFTA_PAYLOAD_CSUM_OFFSET = 7;
export const NFTA_PAYLOAD_CSUM_FLAGS = 8;

// enum nft_exthdr_flags
export const NFT_EXTHDR_F_PRESENT = 1;

// enum nft_exthdr_op
export const NFT_EXTHDR_OP_IPV6 = 0;
export const NFT_EXTHDR_OP_TCPOPT = 1;
export const NFT_EXTHDR_OP_IPV4 = 2;
export const NFT_EXTHDR_OP_SCTP = 3;
export const NFT_EXTHDR_OP_DCCP = 4;

// enum nft_exthdr_attributes
export const NFTA_EXTHDR_UNSPEC = 0;
export const NFTA_EXTHDR_DREG = 1;
export const NFTA_EXTHDR_TYPE = 2;
export const NFTA_EXTHDR_OFFSET = 3;
export const NFTA_EXTHDR_LEN = 4;
export const NFTA_EXTHDR_FLAGS = 5;
export const NFTA_EXTHDR_OP = 6;
export const NFTA_EXTHDR_SREG = 7;

// enum nft_meta_keys
export const NFT_META_LEN = 0;
export const NFT_META_PROTOCOL = 1;
export const NFT_META_PRIORITY = 2;
export const NFT_META_MARK = 3;
export const NFT_META_IIF = 4;
export const NFT_META_OIF = 5;
export const NFT_META_IIFNAME = 6;
export const NFT_META_OIFNAME = 7;
export const NFT_META_IFTYPE = 8;
export const NFT_META_OIFTYPE = 9;
export const NFT_META_SKUID = 10;
export const NFT_META_SKGID = 11;
export const NFT_META_NFTRACE = 12;
export const NFT_META_RTCLASSID = 13;
export const NFT_META_SECMARK = 14;
export const NFT_META_NFPROTO = 15;
export const NFT_META_L4PROTO = 16;
export const NFT_META_BRI_IIFNAME = 17;
export const NFT_META_BRI_OIFNAME = 18;
export const NFT_META_PKTTYPE = 19;
export const NFT_META_CPU = 20;
export const NFT_META_IIFGROUP = 21;
export const NFT_META_OIFGROUP = 22;
export const NFT_META_CGROUP = 23;
export const NFT_META_PRANDOM = 24;
export const NFT_META_SECPATH = 25;
export const NFT_META_IIFKIND = 26;
export const NFT_META_OIFKIND = 27;
export const NFT_META_BRI_IIFPVID = 28;
export const NFT_META_BRI_IIFVPROTO = 29;
export const NFT_META_TIME_NS = 30;
export const NFT_META_TIME_DAY = 31;
export const NFT_META_TIME_HOUR = 32;
export const NFT_META_SDIF = 33;
export const NFT_META_SDIFNAME = 34;
export const NFT_META_IIFTYPE = 8;

// enum nft_rt_keys
export const NFT_RT_CLASSID = 0;
export const NFT_RT_NEXTHOP4 = 1;
export const NFT_RT_NEXTHOP6 = 2;
export const NFT_RT_TCPMSS = 3;
export const NFT_RT_XFRM = 4;

// enum nft_hash_types
export const NFT_HASH_JENKINS = 0;
export const NFT_HASH_SYM = 1;

// enum nft_hash_attributes
export const NFTA_HASH_UNSPEC = 0;
export const NFTA_HASH_SREG = 1;
export const NFTA_HASH_DREG = 2;
export const NFTA_HASH_LEN = 3;
export const NFTA_HASH_MODULUS = 4;
export const NFTA_HASH_SEED = 5;
export const NFTA_HASH_OFFSET = 6;
export const NFTA_HASH_TYPE = 7;
export const NFTA_HASH_SET_NAME = 8;
export const NFTA_HASH_SET_ID = 9;

// enum nft_meta_attributes
export const NFTA_META_UNSPEC = 0;
export const NFTA_META_DREG = 1;
export const NFTA_META_KEY = 2;
export const NFTA_META_SREG = 3;

// enum nft_rt_attributes
export const NFTA_RT_UNSPEC = 0;
export const NFTA_RT_DREG = 1;
export const NFTA_RT_KEY = 2;

// enum nft_socket_attributes
export const NFTA_SOCKET_UNSPEC = 0;
export const NFTA_SOCKET_KEY = 1;
export const NFTA_SOCKET_DREG = 2;
export const NFTA_SOCKET_LEVEL = 3;

// enum nft_socket_keys
export const NFT_SOCKET_TRANSPARENT = 0;
export const NFT_SOCKET_MARK = 1;
export const NFT_SOCKET_WILDCARD = 2;
export const NFT_SOCKET_CGROUPV2 = 3;

// enum nft_ct_keys
export const NFT_CT_STATE = 0;
export const NFT_CT_DIRECTION = 1;
export const NFT_CT_STATUS = 2;
export const NFT_CT_MARK = 3;
export const NFT_CT_SECMARK = 4;
export const NFT_CT_EXPIRATION = 5;
export const NFT_CT_HELPER = 6;
export const NFT_CT_L3PROTOCOL = 7;
export const NFT_CT_SRC = 8;
export const NFT_CT_DST = 9;
export const NFT_CT_PROTOCOL = 10;
export const NFT_CT_PROTO_SRC = 11;
export const NFT_CT_PROTO_DST = 12;
export const NFT_CT_LABELS = 13;
export const NFT_CT_PKTS = 14;
export const NFT_CT_BYTES = 15;
export const NFT_CT_AVGPKT = 16;
export const NFT_CT_ZONE = 17;
export const NFT_CT_EVENTMASK = 18;
export const NFT_CT_SRC_IP = 19;
export const NFT_CT_DST_IP = 20;
export const NFT_CT_SRC_IP6 = 21;
export const NFT_CT_DST_IP6 = 22;
export const NFT_CT_ID = 23;

// enum nft_ct_attributes
export const NFTA_CT_UNSPEC = 0;
export const NFTA_CT_DREG = 1;
export const NFTA_CT_KEY = 2;
export const NFTA_CT_DIRECTION = 3;
export const NFTA_CT_SREG = 4;

// enum nft_offload_attributes
export const NFTA_FLOW_UNSPEC = 0;
export const NFTA_FLOW_TABLE_NAME = 1;

// enum nft_limit_type
export const NFT_LIMIT_PKTS = 0;
export const NFT_LIMIT_PKT_BYTES = 1;

// enum nft_limit_flags
export const NFT_LIMIT_F_INV = 1;

// enum nft_limit_attributes
export const NFTA_LIMIT_UNSPEC = 0;
export const NFTA_LIMIT_RATE = 1;
export const NFTA_LIMIT_UNIT = 2;
export const NFTA_LIMIT_BURST = 3;
export const NFTA_LIMIT_TYPE = 4;
export const NFTA_LIMIT_FLAGS = 5;
export const NFTA_LIMIT_PAD = 6;

// enum nft_connlimit_flags
export const NFT_CONNLIMIT_F_INV = 1;

// enum nft_connlimit_attributes
export const NFTA_CONNLIMIT_UNSPEC = 0;
export const NFTA_CONNLIMIT_COUNT = 1;
export const NFTA_CONNLIMIT_FLAGS = 2;

// enum nft_counter_attributes
export const NFTA_COUNTER_UNSPEC = 0;
export const NFTA_COUNTER_BYTES = 1;
export const NFTA_COUNTER_PACKETS = 2;
export const NFTA_COUNTER_PAD = 3;

// enum nft_last_attributes
export const NFTA_LAST_UNSPEC = 0;
export const NFTA_LAST_SET = 1;
export const NFTA_LAST_MSECS = 2;
export const NFTA_LAST_PAD = 3;

// enum nft_log_attributes
export const NFTA_LOG_UNSPEC = 0;
export const NFTA_LOG_GROUP = 1;
export const NFTA_LOG_PREFIX = 2;
export const NFTA_LOG_SNAPLEN = 3;
export const NFTA_LOG_QTHRESHOLD = 4;
export const NFTA_LOG_LEVEL = 5;
export const NFTA_LOG_FLAGS = 6;

// enum nft_log_level
export const NFT_LOGLEVEL_EMERG = 0;
export const NFT_LOGLEVEL_ALERT = 1;
export const NFT_LOGLEVEL_CRIT = 2;
export const NFT_LOGLEVEL_ERR = 3;
export const NFT_LOGLEVEL_WARNING = 4;
export const NFT_LOGLEVEL_NOTICE = 5;
export const NFT_LOGLEVEL_INFO = 6;
export const NFT_LOGLEVEL_DEBUG = 7;
export const NFT_LOGLEVEL_AUDIT = 8;

// enum nft_queue_attributes
export const NFTA_QUEUE_UNSPEC = 0;
export const NFTA_QUEUE_NUM = 1;
export const NFTA_QUEUE_TOTAL = 2;
export const NFTA_QUEUE_FLAGS = 3;
export const NFTA_QUEUE_SREG_QNUM = 4;

// enum nft_quota_flags
export const NFT_QUOTA_F_INV = 1;
export const NFT_QUOTA_F_DEPLETED = 2;

// enum nft_quota_attributes
export const NFTA_QUOTA_UNSPEC = 0;
export const NFTA_QUOTA_BYTES = 1;
export const NFTA_QUOTA_FLAGS = 2;
export const NFTA_QUOTA_PAD = 3;
export const NFTA_QUOTA_CONSUMED = 4;

// enum nft_secmark_attributes
export const NFTA_SECMARK_UNSPEC = 0;
export const NFTA_SECMARK_CTX = 1;

// enum nft_reject_types
export const NFT_REJECT_ICMP_UNREACH = 0;
export const NFT_REJECT_TCP_RST = 1;
export const NFT_REJECT_ICMPX_UNREACH = 2;

// enum nft_reject_inet_code
export const NFT_REJECT_ICMPX_NO_ROUTE = 0;
export const NFT_REJECT_ICMPX_PORT_UNREACH = 1;
export const NFT_REJECT_ICMPX_HOST_UNREACH = 2;
export const NFT_REJECT_ICMPX_ADMIN_PROHIBITED = 3;

// enum nft_reject_attributes
export const NFTA_REJECT_UNSPEC = 0;
export const NFTA_REJECT_TYPE = 1;
export const NFTA_REJECT_ICMP_CODE = 2;

// enum nft_nat_types
export const NFT_NAT_SNAT = 0;
export const NFT_NAT_DNAT = 1;

// enum nft_nat_attributes
export const NFTA_NAT_UNSPEC = 0;
export const NFTA_NAT_TYPE = 1;
export const NFTA_NAT_FAMILY = 2;
export const NFTA_NAT_REG_ADDR_MIN = 3;
export const NFTA_NAT_REG_ADDR_MAX = 4;
export const NFTA_NAT_REG_PROTO_MIN = 5;
export const NFTA_NAT_REG_PROTO_MAX = 6;
export const NFTA_NAT_FLAGS = 7;

// enum nft_tproxy_attributes
export const NFTA_TPROXY_UNSPEC = 0;
export const NFTA_TPROXY_FAMILY = 1;
export const NFTA_TPROXY_REG_ADDR = 2;
export const NFTA_TPROXY_REG_PORT = 3;

// enum nft_masq_attributes
export const NFTA_MASQ_UNSPEC = 0;
export const NFTA_MASQ_FLAGS = 1;
export const NFTA_MASQ_REG_PROTO_MIN = 2;
export const NFTA_MASQ_REG_PROTO_MAX = 3;

// enum nft_redir_attributes
export const NFTA_REDIR_UNSPEC = 0;
export const NFTA_REDIR_REG_PROTO_MIN = 1;
export const NFTA_REDIR_REG_PROTO_MAX = 2;
export const NFTA_REDIR_FLAGS = 3;

// enum nft_dup_attributes
export const NFTA_DUP_UNSPEC = 0;
export const NFTA_DUP_SREG_ADDR = 1;
export const NFTA_DUP_SREG_DEV = 2;

// enum nft_fwd_attributes
export const NFTA_FWD_UNSPEC = 0;
export const NFTA_FWD_SREG_DEV = 1;
export const NFTA_FWD_SREG_ADDR = 2;
export const NFTA_FWD_NFPROTO = 3;

// enum nft_objref_attributes
export const NFTA_OBJREF_UNSPEC = 0;
export const NFTA_OBJREF_IMM_TYPE = 1;
export const NFTA_OBJREF_IMM_NAME = 2;
export const NFTA_OBJREF_SET_SREG = 3;
export const NFTA_OBJREF_SET_NAME = 4;
export const NFTA_OBJREF_SET_ID = 5;

// enum nft_gen_attributes
export const NFTA_GEN_UNSPEC = 0;
export const NFTA_GEN_ID = 1;
export const NFTA_GEN_PROC_PID = 2;
export const NFTA_GEN_PROC_NAME = 3;

// enum nft_fib_attributes
export const NFTA_FIB_UNSPEC = 0;
export const NFTA_FIB_DREG = 1;
export const NFTA_FIB_RESULT = 2;
export const NFTA_FIB_FLAGS = 3;

// enum nft_fib_result
export const NFT_FIB_RESULT_UNSPEC = 0;
export const NFT_FIB_RESULT_OIF = 1;
export const NFT_FIB_RESULT_OIFNAME = 2;
export const NFT_FIB_RESULT_ADDRTYPE = 3;

// enum nft_fib_flags
export const NFTA_FIB_F_SADDR = 1;
export const NFTA_FIB_F_DADDR = 2;
export const NFTA_FIB_F_MARK = 4;
export const NFTA_FIB_F_IIF = 8;
export const NFTA_FIB_F_OIF = 16;
export const NFTA_FIB_F_PRESENT = 32;

// enum nft_ct_helper_attributes
export const NFTA_CT_HELPER_UNSPEC = 0;
export const NFTA_CT_HELPER_NAME = 1;
export const NFTA_CT_HELPER_L3PROTO = 2;
export const NFTA_CT_HELPER_L4PROTO = 3;

// enum nft_ct_timeout_timeout_attributes
export const NFTA_CT_TIMEOUT_UNSPEC = 0;
export const NFTA_CT_TIMEOUT_L3PROTO = 1;
export const NFTA_CT_TIMEOUT_L4PROTO = 2;
export const NFTA_CT_TIMEOUT_DATA = 3;

// enum nft_ct_expectation_attributes
export const NFTA_CT_EXPECT_UNSPEC = 0;
export const NFTA_CT_EXPECT_L3PROTO = 1;
export const NFTA_CT_EXPECT_L4PROTO = 2;
export const NFTA_CT_EXPECT_DPORT = 3;
export const NFTA_CT_EXPECT_TIMEOUT = 4;
export const NFTA_CT_EXPECT_SIZE = 5;

// enum nft_object_attributes
export const NFTA_OBJ_UNSPEC = 0;
export const NFTA_OBJ_TABLE = 1;
export const NFTA_OBJ_NAME = 2;
export const NFTA_OBJ_TYPE = 3;
export const NFTA_OBJ_DATA = 4;
export const NFTA_OBJ_USE = 5;
export const NFTA_OBJ_HANDLE = 6;
export const NFTA_OBJ_PAD = 7;
export const NFTA_OBJ_USERDATA = 8;

// enum nft_flowtable_flags
export const NFT_FLOWTABLE_HW_OFFLOAD = 1;
export const NFT_FLOWTABLE_COUNTER = 2;
export const NFT_FLOWTABLE_MASK = 3;

// enum nft_flowtable_attributes
export const NFTA_FLOWTABLE_UNSPEC = 0;
export const NFTA_FLOWTABLE_TABLE = 1;
export const NFTA_FLOWTABLE_NAME = 2;
export const NFTA_FLOWTABLE_HOOK = 3;
export const NFTA_FLOWTABLE_USE = 4;
export const NFTA_FLOWTABLE_HANDLE = 5;
export const NFTA_FLOWTABLE_PAD = 6;
export const NFTA_FLOWTABLE_FLAGS = 7;

// enum nft_flowtable_hook_attributes
export const NFTA_FLOWTABLE_HOOK_UNSPEC = 0;
export const NFTA_FLOWTABLE_HOOK_NUM = 1;
export const NFTA_FLOWTABLE_HOOK_PRIORITY = 2;
export const NFTA_FLOWTABLE_HOOK_DEVS = 3;

// enum nft_osf_attributes
export const NFTA_OSF_UNSPEC = 0;
export const NFTA_OSF_DREG = 1;
export const NFTA_OSF_TTL = 2;
export const NFTA_OSF_FLAGS = 3;

// enum nft_osf_flags
export const NFT_OSF_F_VERSION = 1;

// enum nft_synproxy_attributes
export const NFTA_SYNPROXY_UNSPEC = 0;
export const NFTA_SYNPROXY_MSS = 1;
export const NFTA_SYNPROXY_WSCALE = 2;
export const NFTA_SYNPROXY_FLAGS = 3;

// enum nft_devices_attributes
export const NFTA_DEVICE_UNSPEC = 0;
export const NFTA_DEVICE_NAME = 1;

// enum nft_xfrm_attributes
export const NFTA_XFRM_UNSPEC = 0;
export const NFTA_XFRM_DREG = 1;
export const NFTA_XFRM_KEY = 2;
export const NFTA_XFRM_DIR = 3;
export const NFTA_XFRM_SPNUM = 4;

// enum nft_xfrm_keys
export const NFT_XFRM_KEY_UNSPEC = 0;
export const NFT_XFRM_KEY_DADDR_IP4 = 1;
export const NFT_XFRM_KEY_DADDR_IP6 = 2;
export const NFT_XFRM_KEY_SADDR_IP4 = 3;
export const NFT_XFRM_KEY_SADDR_IP6 = 4;
export const NFT_XFRM_KEY_REQID = 5;
export const NFT_XFRM_KEY_SPI = 6;

// enum nft_trace_attributes
export const NFTA_TRACE_UNSPEC = 0;
export const NFTA_TRACE_TABLE = 1;
export const NFTA_TRACE_CHAIN = 2;
export const NFTA_TRACE_RULE_HANDLE = 3;
export const NFTA_TRACE_TYPE = 4;
export const NFTA_TRACE_VERDICT = 5;
export const NFTA_TRACE_ID = 6;
export const NFTA_TRACE_LL_HEADER = 7;
export const NFTA_TRACE_NETWORK_HEADER = 8;
export const NFTA_TRACE_TRANSPORT_HEADER = 9;
export const NFTA_TRACE_IIF = 10;
export const NFTA_TRACE_IIFTYPE = 11;
export const NFTA_TRACE_OIF = 12;
export const NFTA_TRACE_OIFTYPE = 13;
export const NFTA_TRACE_MARK = 14;
export const NFTA_TRACE_NFPROTO = 15;
export const NFTA_TRACE_POLICY = 16;
export const NFTA_TRACE_PAD = 17;

// enum nft_trace_types
export const NFT_TRACETYPE_UNSPEC = 0;
export const NFT_TRACETYPE_POLICY = 1;
export const NFT_TRACETYPE_RETURN = 2;
export const NFT_TRACETYPE_RULE = 3;

// enum nft_ng_attributes
export const NFTA_NG_UNSPEC = 0;
export const NFTA_NG_DREG = 1;
export const NFTA_NG_MODULUS = 2;
export const NFTA_NG_TYPE = 3;
export const NFTA_NG_OFFSET = 4;
export const NFTA_NG_SET_NAME = 5;
export const NFTA_NG_SET_ID = 6;

// enum nft_ng_types
export const NFT_NG_INCREMENTAL = 0;
export const NFT_NG_RANDOM = 1;

// enum nft_tunnel_key_ip_attributes
export const NFTA_TUNNEL_KEY_IP_UNSPEC = 0;
export const NFTA_TUNNEL_KEY_IP_SRC = 1;
export const NFTA_TUNNEL_KEY_IP_DST = 2;

// enum nft_tunnel_ip6_attributes
export const NFTA_TUNNEL_KEY_IP6_UNSPEC = 0;
export const NFTA_TUNNEL_KEY_IP6_SRC = 1;
export const NFTA_TUNNEL_KEY_IP6_DST = 2;
export const NFTA_TUNNEL_KEY_IP6_FLOWLABEL = 3;

// enum nft_tunnel_opts_attributes
export const NFTA_TUNNEL_KEY_OPTS_UNSPEC = 0;
export const NFTA_TUNNEL_KEY_OPTS_VXLAN = 1;
export const NFTA_TUNNEL_KEY_OPTS_ERSPAN = 2;
export const NFTA_TUNNEL_KEY_OPTS_GENEVE = 3;

// enum nft_tunnel_opts_vxlan_attributes
export const NFTA_TUNNEL_KEY_VXLAN_UNSPEC = 0;
export const NFTA_TUNNEL_KEY_VXLAN_GBP = 1;

// enum nft_tunnel_opts_erspan_attributes
export const NFTA_TUNNEL_KEY_ERSPAN_UNSPEC = 0;
export const NFTA_TUNNEL_KEY_ERSPAN_VERSION = 1;
export const NFTA_TUNNEL_KEY_ERSPAN_V1_INDEX = 2;
export const NFTA_TUNNEL_KEY_ERSPAN_V2_HWID = 3;
export const NFTA_TUNNEL_KEY_ERSPAN_V2_DIR = 4;

// enum nft_tunnel_opts_geneve_attributes
export const NFTA_TUNNEL_KEY_GENEVE_UNSPEC = 0;
export const NFTA_TUNNEL_KEY_GENEVE_CLASS = 1;
export const NFTA_TUNNEL_KEY_GENEVE_TYPE = 2;
export const NFTA_TUNNEL_KEY_GENEVE_DATA = 3;

// enum nft_tunnel_flags
export const NFT_TUNNEL_F_ZERO_CSUM_TX = 1;
export const NFT_TUNNEL_F_DONT_FRAGMENT = 2;
export const NFT_TUNNEL_F_SEQ_NUMBER = 4;

// enum nft_tunnel_key_attributes
export const NFTA_TUNNEL_KEY_UNSPEC = 0;
export const NFTA_TUNNEL_KEY_ID = 1;
export const NFTA_TUNNEL_KEY_IP = 2;
export const NFTA_TUNNEL_KEY_IP6 = 3;
export const NFTA_TUNNEL_KEY_FLAGS = 4;
export const NFTA_TUNNEL_KEY_TOS = 5;
export const NFTA_TUNNEL_KEY_TTL = 6;
export const NFTA_TUNNEL_KEY_SPORT = 7;
export const NFTA_TUNNEL_KEY_DPORT = 8;
export const NFTA_TUNNEL_KEY_OPTS = 9;

// enum nft_tunnel_keys
export const NFT_TUNNEL_PATH = 0;
export const NFT_TUNNEL_ID = 1;

// enum nft_tunnel_mode
export const NFT_TUNNEL_MODE_NONE = 0;
export const NFT_TUNNEL_MODE_RX = 1;
export const NFT_TUNNEL_MODE_TX = 2;

// enum nft_tunnel_attributes
export const NFTA_TUNNEL_UNSPEC = 0;
export const NFTA_TUNNEL_KEY = 1;
export const NFTA_TUNNEL_DREG = 2;
export const NFTA_TUNNEL_MODE = 3;

// ---- linux/netfilter/nfnetlink.h ----
export const NFNETLINK_V0 = 0;
export const NFNL_SUBSYS_NONE = 0;
export const NFNL_SUBSYS_CTNETLINK = 1;
export const NFNL_SUBSYS_NFTABLES = 10;
export const NFNL_SUBSYS_NFT_COMPAT = 11;
export const NFNL_MSG_BATCH_BEGIN = 0x10; // NLMSG_MIN_TYPE
export const NFNL_MSG_BATCH_END = 0x11; // NLMSG_MIN_TYPE + 1
export const NFNL_BATCH_UNSPEC = 0;
export const NFNL_BATCH_GENID = 1;
export const NFNLGRP_NFTABLES = 7;
/** Message type on the wire: subsystem in the high byte, operation in the low byte. */
export const nfnlMsgType = (subsys: number, msg: number): number => (subsys << 8) | msg;

// ---- linux/netfilter.h ----
export const NF_DROP = 0;
export const NF_ACCEPT = 1;
export const NF_STOLEN = 2;
export const NF_QUEUE = 3;
export const NF_REPEAT = 4;
export const NF_STOP = 5;

export const NF_INET_PRE_ROUTING = 0;
export const NF_INET_LOCAL_IN = 1;
export const NF_INET_FORWARD = 2;
export const NF_INET_LOCAL_OUT = 3;
export const NF_INET_POST_ROUTING = 4;
export const NF_INET_INGRESS = 5;
export const NF_NETDEV_INGRESS = 0;
export const NF_NETDEV_EGRESS = 1;
export const NF_ARP_IN = 0;
export const NF_ARP_OUT = 1;
export const NF_ARP_FORWARD = 2;

export const NFPROTO_UNSPEC = 0;
export const NFPROTO_INET = 1;
export const NFPROTO_IPV4 = 2;
export const NFPROTO_ARP = 3;
export const NFPROTO_NETDEV = 5;
export const NFPROTO_BRIDGE = 7;
export const NFPROTO_IPV6 = 10;

// ---- linux/netfilter_ipv4.h, linux/netfilter_bridge.h: hook priorities ----
export const NF_IP_PRI_RAW = -300;
export const NF_IP_PRI_MANGLE = -150;
export const NF_IP_PRI_NAT_DST = -100;
export const NF_IP_PRI_FILTER = 0;
export const NF_IP_PRI_SECURITY = 50;
export const NF_IP_PRI_NAT_SRC = 100;
export const NF_BR_PRI_NAT_DST_BRIDGED = -300;
export const NF_BR_PRI_FILTER_BRIDGED = -200;
export const NF_BR_PRI_BRNF = 0;
export const NF_BR_PRI_NAT_DST_OTHER = 100;
export const NF_BR_PRI_FILTER_OTHER = 200;
export const NF_BR_PRI_NAT_SRC = 300;

// ---- linux/netfilter/nf_nat.h ----
export const NF_NAT_RANGE_MAP_IPS = 1 << 0;
export const NF_NAT_RANGE_PROTO_SPECIFIED = 1 << 1;
export const NF_NAT_RANGE_PROTO_RANDOM = 1 << 2;
export const NF_NAT_RANGE_PERSISTENT = 1 << 3;
export const NF_NAT_RANGE_PROTO_RANDOM_FULLY = 1 << 4;
export const NF_NAT_RANGE_PROTO_OFFSET = 1 << 5;
export const NF_NAT_RANGE_NETMAP = 1 << 6;

// ---- linux/netfilter/nf_conntrack_common.h: ct state bits as nft_ct loads them ----
export const NF_CT_STATE_INVALID_BIT = 1 << 0;
export const NF_CT_STATE_ESTABLISHED_BIT = 1 << 1; // NF_CT_STATE_BIT(IP_CT_ESTABLISHED)
export const NF_CT_STATE_RELATED_BIT = 1 << 2; // NF_CT_STATE_BIT(IP_CT_RELATED)
export const NF_CT_STATE_NEW_BIT = 1 << 3; // NF_CT_STATE_BIT(IP_CT_NEW)
export const NF_CT_STATE_UNTRACKED_BIT = 1 << 6;
export const IP_CT_DIR_ORIGINAL = 0;
export const IP_CT_DIR_REPLY = 1;
