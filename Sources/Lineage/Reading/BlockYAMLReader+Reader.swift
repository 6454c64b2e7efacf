/// The recursive reader of block mappings, sequences and block scalars over the lines.
extension BlockYAMLReader {
    struct Reader {
        let lines: [Line]
        var position = 0
        /// How many blocks are open: past the composer's limit, the composer decides (it refuses).
        var depth = 0

        mutating func skipBlank() {
            while position < lines.count, lines[position].isBlank { position += 1 }
        }

        /// The node starting at the current line, whose lines are indented at least `minIndent`.
        mutating func node(minIndent: Int) -> Value? {
            skipBlank()
            guard position < lines.count else { return .null }
            let line = lines[position]
            guard line.indent >= minIndent else { return .null }
            if line.content == "-" || line.content.hasPrefix("- ") {
                return sequence(indent: line.indent)
            }
            if BlockYAMLReader.splitKey(line.content) != nil {
                return mapping(indent: line.indent, firstContent: nil)
            }
            return nil
        }

        mutating func sequence(indent: Int) -> Value? {
            var items: [Value] = []
            while true {
                skipBlank()
                guard position < lines.count, lines[position].indent == indent else { break }
                let content = lines[position].content
                guard content == "-" || content.hasPrefix("- ") else { break }
                var item = content.dropFirst(1)
                var column = indent + 1
                while item.first == " " { item = item.dropFirst(); column += 1 }
                if item.isEmpty {
                    position += 1
                    guard let value = nestedAfterKey(parentIndent: indent) else { return nil }
                    items.append(value)
                } else if item.hasPrefix("-") && (item == "-" || item.hasPrefix("- ")) {
                    return nil
                } else if BlockYAMLReader.splitKey(item) != nil {
                    guard let value = mapping(indent: column, firstContent: item) else { return nil }
                    items.append(value)
                } else {
                    guard let value = BlockYAMLReader.inlineScalar(item) else { return nil }
                    position += 1
                    guard noContinuation(after: indent) else { return nil }
                    items.append(value)
                }
            }
            return .list(items)
        }

        /// A mapping whose keys sit at `indent`; `firstContent` is the first pair when it shares
        /// a line with a sequence dash.
        mutating func mapping(indent: Int, firstContent: Substring?) -> Value? {
            var pairs: [(key: String, value: Value)] = []
            var keys: Set<String> = []
            var pending = firstContent
            while true {
                let content: Substring
                if let first = pending {
                    content = first
                    pending = nil
                } else {
                    skipBlank()
                    guard position < lines.count, lines[position].indent == indent else { break }
                    content = lines[position].content
                    if content == "-" || content.hasPrefix("- ") { break }
                }
                guard let (key, rest) = BlockYAMLReader.splitKey(content), key != "<<" else { return nil }
                // Duplicate keys: most mappings are small, and a scan beats hashing every key.
                if pairs.count < 16 {
                    guard !pairs.contains(where: { $0.key == key }) else { return nil }
                } else {
                    if keys.isEmpty { keys = Set(pairs.map(\.key)) }
                    guard keys.insert(key).inserted else { return nil }
                }
                position += 1
                let value: Value
                if rest.isEmpty {
                    guard let nested = nestedAfterKey(parentIndent: indent, allowSameIndentSequence: true) else { return nil }
                    value = nested
                } else if rest.first == "|" || rest.first == ">" {
                    guard let block = blockScalar(header: rest, parentIndent: indent) else { return nil }
                    value = block
                } else {
                    guard let scalar = BlockYAMLReader.inlineScalar(rest) else { return nil }
                    guard noContinuation(after: indent) else { return nil }
                    value = scalar
                }
                pairs.append((key, value))
            }
            return .map(pairs)
        }

        /// The value of a key or dash with nothing after it: a nested block, a sequence at the
        /// key's own indent (`key:` then `- item`), or null.
        mutating func nestedAfterKey(parentIndent: Int, allowSameIndentSequence: Bool = false) -> Value? {
            guard depth < YAMLComposer.depthLimit else { return nil }
            depth += 1
            defer { depth -= 1 }
            skipBlank()
            guard position < lines.count else { return .null }
            let next = lines[position]
            if next.indent > parentIndent { return node(minIndent: parentIndent + 1) }
            if allowSameIndentSequence, next.indent == parentIndent, next.content == "-" || next.content.hasPrefix("- ") {
                return sequence(indent: parentIndent)
            }
            return .null
        }

        /// True when the next content line is not indented deeper than `indent` (a deeper
        /// line would continue a multi-line plain scalar, which this reader leaves to Yams).
        func noContinuation(after indent: Int) -> Bool {
            var p = position
            while p < lines.count, lines[p].isBlank { p += 1 }
            return p >= lines.count || lines[p].indent <= indent
        }

        mutating func blockScalar(header: Substring, parentIndent: Int) -> Value? {
            guard let style = header.first else { return nil }
            let chomp = header.dropFirst()
            guard chomp.isEmpty || chomp == "-" else { return nil }
            var body: [Substring] = []
            var lastBreak = true
            var contentIndent: Int?
            while position < lines.count {
                let line = lines[position]
                if line.raw.allSatisfy({ $0 == " " }) {
                    body.append("")
                    position += 1
                    continue
                }
                if line.indent <= parentIndent { break }
                if contentIndent == nil { contentIndent = line.indent }
                guard let base = contentIndent, line.indent >= base else { return nil }
                // The text as written, comments included: `#` is not a comment inside a block.
                body.append(line.raw.dropFirst(base))
                lastBreak = line.endsWithBreak
                position += 1
            }
            if body.last == "" { lastBreak = true }
            while body.last == "" { body.removeLast() }
            guard !body.isEmpty else { return .string("") }
            var text: String
            if style == "|" {
                text = body.joined(separator: "\n")
            } else {
                // Folding: lines join with a space; an empty line is a newline. More-indented
                // lines keep their breaks in YAML: leave those to Yams.
                if body.contains(where: { $0.first == " " }) { return nil }
                text = ""
                var previousEmpty = true
                for line in body {
                    if line.isEmpty {
                        text += "\n"
                        previousEmpty = true
                    } else {
                        if !previousEmpty { text += " " }
                        text += line
                        previousEmpty = false
                    }
                }
            }
            // Clip keeps the final line break only when there is one: a block that ends the file
            // without a newline keeps none.
            if chomp.isEmpty, lastBreak { text += "\n" }
            return .string(text)
        }
    }
}
