import CLibgit2
import Foundation

extension Repository {
    /// The raw content of a blob in the object database.
    ///
    /// - Throws: ``GitError/objectMissing(_:)`` when there is no such blob.
    public func readBlob(_ id: ObjectID) throws -> [UInt8] {
        var oid = id.oid
        var found: OpaquePointer?
        let code = git_blob_lookup(&found, handle, &oid)
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError.objectMissing(id)
        }
        try check(code, "git_blob_lookup")
        defer { git_blob_free(found) }
        let blob = try unwrap(found, "git_blob_lookup")
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: content, count: size))
    }

    /// The size in bytes of a blob, read from the object header without
    /// loading the content where the storage allows.
    ///
    /// - Throws: ``GitError/objectMissing(_:)`` when there is no such object.
    public func blobSize(_ id: ObjectID) throws -> Int {
        var oid = id.oid
        var size = 0
        var type = GIT_OBJECT_ANY
        let code = git_odb_read_header(&size, &type, try odb(), &oid)
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError.objectMissing(id)
        }
        try check(code, "git_odb_read_header")
        return size
    }

    /// The content of a snapshot entry: from the working tree when
    /// `entry.onDisk` (a symlink's content is its target), else from the
    /// object database.
    public func read(_ entry: TreeEntry) throws -> [UInt8] {
        guard entry.onDisk else {
            return try readBlob(entry.id)
        }
        guard let workdir else {
            throw GitError.bareRepository(operation: "reading '\(entry.path)' from the working tree")
        }
        let fullPath = workdir + "/" + entry.path
        if entry.isSymlink {
            return Array(try FileManager.default.destinationOfSymbolicLink(atPath: fullPath).utf8)
        }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: fullPath)))
    }
}
