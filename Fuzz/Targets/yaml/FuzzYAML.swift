@_spi(Fuzzing) import Lineage

/// libFuzzer's entry point: one input through `FuzzEntryPoints.yaml`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.yaml(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
