import CLibgit2
import Foundation

// The one border with libgit2's C error convention. Every call that returns an
// `int` status goes through `check`; callers that give a code a meaning of their
// own (a missing revision, a missing object) translate it first and let `check`
// handle the rest.

/// Throws ``GitError/libgit2(function:code:message:)`` when `code` is negative,
/// with the message libgit2 left in `git_error_last()`.
///
/// - Parameters:
///   - code: The return value of a libgit2 function.
///   - function: The name of the C function, so the message says what failed.
/// - Returns: `code`, for functions that use non-negative values as answers.
@discardableResult
func check(_ code: Int32, _ function: String) throws -> Int32 {
    guard code < 0 else { return code }
    var message = "libgit2 gave no message"
    if let error = git_error_last(), let text = error.pointee.message {
        message = String(cString: text)
    }
    throw GitError.libgit2(function: function, code: code, message: message)
}

/// Unwraps a handle that a libgit2 function returned with a success code.
///
/// libgit2 promises a non-null out pointer on success; this keeps that promise
/// from turning into a force unwrap.
func unwrap<Handle>(_ handle: Handle?, _ function: String) throws -> Handle {
    guard let handle else {
        throw GitError.libgit2(function: function, code: GIT_ERROR.rawValue, message: "returned success but no object")
    }
    return handle
}

/// libgit2's process-wide setup, run once on first use.
enum LibGit2 {
    /// The result of the single `git_libgit2_init()` call; a global `let` is
    /// initialised lazily and exactly once, even across threads.
    private static let initialization: Int32 = {
        let code = git_libgit2_init()
        return code < 0 ? code : rationale_git_configure()
    }()

    /// Makes sure libgit2 is initialised; throws if it could not be.
    static func initialize() throws {
        try check(initialization, "git_libgit2_init")
    }
}

/// libgit2 codes that a lookup uses to say "there is no such thing".
let notFoundCodes: Set<Int32> = [
    GIT_ENOTFOUND.rawValue, GIT_EINVALIDSPEC.rawValue, GIT_EAMBIGUOUS.rawValue,
]

extension ObjectID {
    /// Copies a libgit2 object id.
    init(_ oid: git_oid) {
        self = withUnsafeBytes(of: oid.id) { ObjectID(rawBuffer: $0) }
    }

    /// The libgit2 form of this id.
    var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { buffer in
            buffer.storeBytes(of: raw.high.bigEndian, toByteOffset: 0, as: UInt64.self)
            buffer.storeBytes(of: raw.middle.bigEndian, toByteOffset: 8, as: UInt64.self)
            buffer.storeBytes(of: raw.low.bigEndian, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }
}

extension String {
    /// A path returned by libgit2 without its trailing slash (a lone "/" stays).
    init(libgit2Path pointer: UnsafePointer<CChar>) {
        var path = String(cString: pointer)
        while path.count > 1, path.hasSuffix("/") {
            path.removeLast()
        }
        self = path
    }
}

/// Orders repository paths by their UTF-8 bytes, the order git itself uses.
@inline(__always)
func pathPrecedes(_ lhs: String, _ rhs: String) -> Bool {
    // memcmp over the UTF-8 bytes: sorting a 50,000-file index went through a generic byte loop.
    var (lhs, rhs) = (lhs, rhs)
    return lhs.withUTF8 { a in rhs.withUTF8 { b in bytesPrecede(a, b) } }
}

/// Byte order, as git sorts paths: memcmp over the common length, then the shorter first.
@inline(__always)
func bytesPrecede(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let common = min(a.count, b.count)
    guard common > 0, let left = a.baseAddress, let right = b.baseAddress else { return a.count < b.count }
    let order = memcmp(left, right, common)
    return order != 0 ? order < 0 : a.count < b.count
}

/// Calls `body` with a `git_strarray` holding copies of `strings`, freed afterwards.
func withStringArray<Result>(_ strings: [String], _ body: (git_strarray) throws -> Result) rethrows -> Result {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { buffer in
        try body(git_strarray(strings: buffer.baseAddress, count: buffer.count))
    }
}
