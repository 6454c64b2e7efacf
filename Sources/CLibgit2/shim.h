#ifndef RATIONALE_CLIBGIT2_SHIM_H
#define RATIONALE_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

/* git_libgit2_opts is variadic, which Swift cannot call: the options rationale sets, in one call.
   Trees of up to 1 MiB stay in libgit2's object cache (the default keeps only those under 4 KiB,
   so a run that diffs HEAD twice inflated every folder of a large project twice), and objects
   read from disk are not hashed again on every read (git itself does not: its fsck does). */
static inline int rationale_git_configure(void) {
    int code = git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, (int)GIT_OBJECT_TREE, (size_t)(1 << 20));
    if (code < 0) return code;
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}
#endif
