// Every network namespace on the host (see scan.ts), and opening what was found.
export { scanNamespaces, labelOf, type ScanOptions, type ScanResult, type ScannedNamespace, type NamespaceHolder, type SkippedPath } from './scan.js';
export { openScanned } from './open.js';
export { containerFromCgroup, type ContainerRef, type ContainerRuntime } from './cgroup.js';
export { parseNsfsMounts, type NsfsMount } from './mountinfo.js';
