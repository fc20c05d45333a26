{
  "targets": [
    {
      "target_name": "netlinkts",
      "sources": ["native/netlinkts.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra"],
      "libraries": ["-lpthread"]
    },
    {
      "target_name": "netlinkts-nsexec",
      "type": "executable",
      "sources": ["native/nsexec.c"],
      "defines": ["_GNU_SOURCE"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra"]
    }
  ]
}
