@_spi(Fuzzing) import Sessions

/// libFuzzer's entry point: one input through `FuzzEntryPoints.gtd`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.gtd(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
