// The certificate authorities that Debian's libgit2 loads and rationale never uses.
//
// Built with mbedTLS, libgit2's `git_libgit2_init` parses every certificate of the system's CA
// bundle (/etc/ssl/certs/ca-certificates.crt: ~140 PEM certificates, 52 million instructions,
// a third of a warm `rationale check`), so that an HTTPS fetch could verify its server later.
// rationale never fetches through libgit2: it reads the local repository, and the HTTP it does
// (publish, the gate's API read) goes through `rationale-net`'s URLSession.
//
// When libgit2 is linked from its static archive (`make libgit2`), the link redirects libgit2's
// one call of `mbedtls_x509_crt_parse_file` here (`-Xlinker --wrap=mbedtls_x509_crt_parse_file`):
// the bundle is left unread and libgit2's CA chain stays empty. That fails closed: an HTTPS
// connection opened through libgit2 could verify no server and would be refused, never trusted.
// Linked against the shared libgit2.so, nothing refers to this function and the bundle is read
// as before.

/// Stands in for `mbedtls_x509_crt_parse_file(chain, path)`: parses nothing and reports success
/// (so libgit2 records no error for a bundle it was never meant to need).
@_cdecl("__wrap_mbedtls_x509_crt_parse_file")
func skipCertificateBundle(_ chain: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    0
}
