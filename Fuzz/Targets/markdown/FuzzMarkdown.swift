@_spi(Fuzzing) import Sessions

/// libFuzzer's entry point: one input through `FuzzEntryPoints.markdown`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.markdown(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
