@_spi(Fuzzing) import Lineage

/// libFuzzer's entry point: one input through `FuzzEntryPoints.template`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.template(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
