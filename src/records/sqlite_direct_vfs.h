// An SQLite VFS that writes a main database file's whole pages with O_DIRECT.
//
// Why: on the VMs TrustGate is measured on, the first write to a page-cache page the guest
// has not touched recently costs a host page fault (about 14 µs per 4 KiB page). A table
// that only grows (such as the audit store's, before it became flat files in December
// 2026) writes every page of its file once into fresh page cache at each checkpoint.
// Written directly, the pages go from SQLite's buffer to the disk and take no page cache
// (docs/log-format.md, "Whole blocks, written directly"). No store opens it by default
// now; it stays for SQLite stores of that shape.
//
// Everything else is the default ("unix") VFS: locking, the WAL and its shared memory,
// reads (through the page cache, which the kernel keeps coherent with direct writes), and
// syncs (an fdatasync flushes the disk's cache for direct writes as well). A write that is
// not whole 4 KiB blocks, or that the filesystem refuses, goes through the page cache as
// before. Consecutive page writes (a checkpoint's) are gathered, up to 1 MiB, and written
// as one before any other call on the file returns (read, sync, lock, size, ...): what
// SQLite relies on after a write, it sees. A write past the end of the file reserves its
// space at once (fallocate), so a full disk or a file size limit fails that write, as with
// the default VFS, and SQLite abandons the checkpoint; only a device error can fail a
// gathered write later, and then every later call on that file fails. Memory-mapped reads are disabled for files opened through it, since mapped pages
// would keep the kernel from invalidating what a direct write replaces.
#pragma once

namespace tg::records {

// Registers the VFS (once; not as the default) and returns its name for sqlite3_open_v2,
// or nullptr when SQLite has no default VFS to build on.
const char* DirectWriteVfs();

}  // namespace tg::records
