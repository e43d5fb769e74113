// glibc's allocator settings (mallopt), which Swift's Glibc module does not import.
#ifndef HALLSIM_CMALLOC_SHIM_H
#define HALLSIM_CMALLOC_SHIM_H
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
/// Keeps freed memory in the process: blocks up to `mmap_bytes` come from the heap rather than fresh
/// mappings, and heaps are not trimmed below `trim_bytes` of free memory at their top. 1 when both took.
static inline int hallsim_keep_freed_memory(int mmap_bytes, int trim_bytes) {
    return mallopt(M_MMAP_THRESHOLD, mmap_bytes) == 1 && mallopt(M_TRIM_THRESHOLD, trim_bytes) == 1;
}
#else
static inline int hallsim_keep_freed_memory(int mmap_bytes, int trim_bytes) { return 0; }
#endif
#endif
