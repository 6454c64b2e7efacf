/// User input repeated in a message (a revision, a path, a name given on the command line),
/// shortened so a message stays readable whatever was typed or piped in.
public enum Echo {
    /// The most characters of one input a message repeats.
    public static let limit = 200

    /// `input` as a message quotes it: its first ``limit`` characters and `…` when longer, with
    /// line breaks and other control characters shown as `\n`, `\u{1B}`, … so one input cannot
    /// forge lines or terminal escapes in the message.
    public static func shortened(_ input: String) -> String {
        var result = ""
        var count = 0
        for character in input {
            guard count < limit else { return result + "… (\(input.count) characters)" }
            if character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                result += character.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
            } else {
                result.append(character)
            }
            count += 1
        }
        return result
    }

    /// A whole message capped for printing: each run of characters without a space longer than
    /// twice ``limit`` is cut as ``shortened(_:)`` cuts one input (input already shortened, with
    /// its quotes, stays as it is). The last guard where messages are printed, for input that
    /// reaches a message some other way.
    public static func capped(_ message: String) -> String {
        var result = ""
        var word = ""
        func flush() {
            result += word.count > 2 * limit ? String(word.prefix(limit)) + "… (\(word.count) characters)" : word
            word = ""
        }
        for character in message {
            if character == " " || character == "\n" || character == "\t" {
                flush()
                result.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return result
    }
}
