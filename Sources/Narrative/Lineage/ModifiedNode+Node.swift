import Lineage
import Sessions

extension ModifiedNode {
    /// The node as the session rules name it (name, `name.vN`, unique id, path).
    public init(_ node: Node, deleted: Bool = false) {
        self.init(
            name: node.name, uniqueID: node.uniqueID, path: node.path, resourceType: node.resourceType.rawValue,
            version: node.version, deleted: deleted)
    }
}
