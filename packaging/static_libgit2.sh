#!/bin/sh
# Points the build at the system's libgit2 as a static archive (`make libgit2` runs it).
#
#     packaging/static_libgit2.sh OUT      writes OUT/lib/libgit2.a (a link) and
#                                          OUT/lib/pkgconfig/libgit2.pc
#
# Why: Debian's libgit2.so brings 13 shared libraries (mbedTLS, libssh2, OpenSSL's libcrypto,
# Kerberos) that a hook resolves at every start, for network transports rationale never opens.
# Linked from the archive Debian ships in libgit2-dev (the same version and security patches as
# the system's libgit2.so), with its own dependencies static too, the binary loads only glibc,
# libstdc++, zlib and the Kerberos libraries that Debian's libgit2 is built against.
#
# The Makefile puts OUT/lib/pkgconfig first on PKG_CONFIG_PATH and links with
# `--wrap=mbedtls_x509_crt_parse_file` (GitKit's CABundle.swift says why). This script exits
# non-zero, with the reason, where the archives are missing (not Debian, or another build of
# libgit2): the build then links the system's libgit2.so, which gives the same answers, only
# slower to start. A security update of libgit2-dev needs `make release` again (the Makefile
# relinks when the archive changes).
set -eu

out=${1:?usage: packaging/static_libgit2.sh OUT}
say() { echo "static libgit2: $*" >&2; }

# The system's libgit2, not the .pc this script writes (the Makefile's PKG_CONFIG_PATH has it).
system_pc() { env -u PKG_CONFIG_PATH pkg-config "$@" libgit2; }
system_pc --exists 2>/dev/null || { say "pkg-config finds no libgit2 (install libgit2-dev)"; exit 3; }
libdir=$(system_pc --variable=libdir)
version=$(system_pc --modversion)
[ -f "$libdir/libgit2.a" ] || { say "no $libdir/libgit2.a"; exit 3; }

# What Debian's libgit2 1.5 archive needs (its .pc lists all but OpenSSL, which libssh2 uses,
# and Kerberos, which its HTTP Negotiate authentication uses). Each must be there as an archive,
# Kerberos as the shared library (Debian ships no archive of it).
libs="-l:libmbedtls.a -l:libmbedx509.a -l:libmbedcrypto.a -l:libhttp_parser.a -l:libssh2.a -l:libcrypto.a -l:libpcre2-8.a"
for lib in libmbedtls.a libmbedx509.a libmbedcrypto.a libhttp_parser.a libssh2.a libcrypto.a libpcre2-8.a; do
    [ -f "$libdir/$lib" ] || { say "no $libdir/$lib (libmbedtls-dev, libssh2-1-dev, libssl-dev, libpcre2-dev, libhttp-parser-dev)"; exit 3; }
done
[ -e "$libdir/libgssapi_krb5.so.2" ] || { say "no $libdir/libgssapi_krb5.so.2"; exit 3; }
libs="$libs -lz -l:libgssapi_krb5.so.2 -lrt -lpthread -ldl"

# The archive must link with exactly these flags: a C program that starts libgit2, wrapped as the
# binary is. Nothing is written unless it links and runs.
mkdir -p "$out/lib/pkgconfig"
out=$(cd "$out" && pwd)
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
cat > "$probe/probe.c" <<'EOF'
#include <git2.h>
int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path) { (void)chain; (void)path; return 0; }
int main(void) { return git_libgit2_init() == 1 && git_libgit2_shutdown() == 0 ? 0 : 1; }
EOF
ln -sf "$libdir/libgit2.a" "$probe/libgit2.a"
cc_=${CC:-cc}
# shellcheck disable=SC2086
"$cc_" -o "$probe/probe" "$probe/probe.c" $(system_pc --cflags) -L"$probe" -Wl,--wrap=mbedtls_x509_crt_parse_file -lgit2 $libs \
    >"$probe/log" 2>&1 || { say "the static link failed:"; sed 's/^/  /' "$probe/log" >&2; exit 3; }
"$probe/probe" || { say "the statically linked probe did not start libgit2"; exit 3; }

ln -sf "$libdir/libgit2.a" "$out/lib/libgit2.a"
cat > "$out/lib/pkgconfig/libgit2.pc.tmp" <<EOF
libdir=$out/lib

Name: libgit2
Description: the system's libgit2 $version, linked from its static archive (rationale)
Version: $version
Libs: -L\${libdir} -lgit2 $libs
Cflags: $(system_pc --cflags)
EOF
mv "$out/lib/pkgconfig/libgit2.pc.tmp" "$out/lib/pkgconfig/libgit2.pc"
say "linking libgit2 $version from $libdir/libgit2.a"
