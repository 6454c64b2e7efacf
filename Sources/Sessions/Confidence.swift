/// How sure a decision or a loop is, as the author states it with `[confidence: …]`: high
/// (over 90 %) proceeds, medium (60–90 %) proceeds and states its `[assumption: …]`, low (under
/// 60 %) is a question to ask, not a decision to make.
public enum Confidence: String, Sendable, Hashable, CaseIterable, Codable {
    /// Over 90 %: proceed.
    case high
    /// 60–90 %: proceed and state the assumption.
    case medium
    /// Under 60 %: flag it and ask.
    case low

    /// The attribute that states it.
    public static let key = "confidence"
    /// The attribute that states a medium confidence's assumption.
    public static let assumptionKey = "assumption"

    /// The levels, for messages: `high, medium, low`.
    public static let levels = allCases.map(\.rawValue).joined(separator: ", ")
}
