#if canImport(Glibc)
import Glibc
#endif

enum ProcessorCount {
    static var online: Int32 { Int32(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
