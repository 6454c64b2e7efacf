#ifndef RATIONALE_CLIBGIT2_SHIM_H
#define RATIONALE_CLIBGIT2_SHIM_H
#include <git2.h>
#endif
