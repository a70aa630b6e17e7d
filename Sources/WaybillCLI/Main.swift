import Learning
import _WaybillSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The process entry point: tunes OpenBLAS and malloc, then runs the `waybill` command.
@main
enum Main {
    /// The subcommands that call BLAS or LAPACK (the logistic learner and its scoring).
    static let blasCommands: Set<String> = ["demo", "train", "score", "backtest", "bench-logistic", "bench-sla"]

    static func main() {
        restartWithLibraryTuning()
        // A CSV file read through a mapping that shrinks meanwhile: one error line, not a crash.
        MappedFile.reportTruncation(status: Exit.badInput)
        Waybill.main()
    }

    /// Sets what the C libraries read only when they load, and when anything was set, restarts
    /// the process once with the same arguments. Variables the user set are left alone; if the
    /// restart fails, the run goes on as it is.
    ///
    /// - `OPENBLAS_CORETYPE`, for the subcommands that call BLAS: when OpenBLAS fell back to its
    ///   generic kernels on a CPU it does not know (see `BLASKernels`), the set the CPU supports.
    /// - `GLIBC_TUNABLES=glibc.malloc.hugetlb=1`: glibc's malloc asks the kernel for transparent
    ///   huge pages (`madvise`) for the memory it maps. The stages fill arrays of hundreds of
    ///   megabytes (event columns, feature matrices, CSV buffers); on 4 KiB pages the page faults
    ///   alone were about 15 % of `waybill score`'s CPU on 1 M open orders (782,000 faults; 37,000
    ///   to 65,000 with huge pages; see docs/PERFORMANCE.md). Where the kernel has transparent
    ///   huge pages off, the setting changes nothing.
    /// - `OPENBLAS_THREAD_TIMEOUT=4`: OpenBLAS's worker threads, started when the library loads,
    ///   otherwise spin on `sched_yield` for about 2^28 cycles before they sleep, at start and
    ///   after each call: a tenth of a second of a core taken from every command (a ten-core
    ///   machine would not notice; two cores do). With 2^4 cycles they sleep at once, and a BLAS
    ///   call wakes them (microseconds, against the milliseconds of the calls Waybill makes).
    static func restartWithLibraryTuning() {
        var restart = false
        if CommandLine.arguments.count > 1, blasCommands.contains(CommandLine.arguments[1]),
            getenv("OPENBLAS_CORETYPE") == nil, let core = BLASKernels.preferredCoreType()
        {
            setenv("OPENBLAS_CORETYPE", core, 1)
            restart = true
        }
        if getenv("OPENBLAS_THREAD_TIMEOUT") == nil {
            setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)
            restart = true
        }
        #if os(Linux)
            if getenv("GLIBC_TUNABLES") == nil {
                setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1)
                restart = true
            }
        #endif
        if restart { execv("/proc/self/exe", CommandLine.unsafeArgv) }
    }
}
