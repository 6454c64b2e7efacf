import Foundation

/// The `Link` header of a paginated GitHub answer (RFC 8288): `<url>; rel="next", <url>; rel="last"`.
public enum LinkHeader {
    /// The address of the link with relation `rel` (such as `next`), or nil when there is none.
    public static func target(of header: String, rel: String) -> String? {
        for link in links(header) where link.relations.contains(rel.lowercased()) {
            return link.target
        }
        return nil
    }

    /// Each link's target and its (lowercased) relations.
    static func links(_ header: String) -> [(target: String, relations: [String])] {
        var result: [(String, [String])] = []
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let target = String(rest[rest.index(after: open)..<close])
            // The parameters run to the next link's `<` (a URL may hold a comma, a parameter not).
            let after = rest[rest.index(after: close)...]
            let end = after.firstIndex(of: "<") ?? after.endIndex
            var relations: [String] = []
            for parameter in after[..<end].split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "rel" else { continue }
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " \t,\""))
                relations += value.lowercased().split(separator: " ").map(String.init)
            }
            result.append((target, relations))
            rest = after[end...]
        }
        return result
    }
}
