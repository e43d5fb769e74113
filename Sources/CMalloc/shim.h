// glibc's allocator settings (mallopt), which Swift's Glibc module does not import.
#ifndef HALLSIM_CMALLOC_SHIM_H
#define HALLSIM_CMALLOC_SHIM_H
#if defined(__linux__)
#include <malloc.h>
#endif
/// Keeps freed memory in the process: blocks up to `mmap_bytes` come from the heap rather than fresh
/// mappings, and heaps are not trimmed below `trim_bytes` of free memory at their top. 1 when both took;
/// 0 where the C library has no such settings (musl, macOS).
static inline int hallsim_keep_freed_memory(int mmap_bytes, int trim_bytes) {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    int a = mallopt(M_MMAP_THRESHOLD, mmap_bytes);
    int b = mallopt(M_TRIM_THRESHOLD, trim_bytes);
    return a == 1 && b == 1;
#else
    (void)mmap_bytes;
    (void)trim_bytes;
    return 0;
#endif
}
#endif
