import Learning

#if canImport(Glibc)
    import Glibc
#endif

/// The process entry point: picks OpenBLAS's kernels, then runs the `waybill` command.
@main
enum Main {
    /// The subcommands that call BLAS or LAPACK (the logistic learner and its scoring).
    static let blasCommands: Set<String> = ["demo", "train", "score", "backtest", "bench-logistic", "bench-sla"]

    static func main() {
        selectBLASKernels()
        Waybill.main()
    }

    /// When OpenBLAS fell back to its generic kernels on a CPU it does not know (see
    /// `BLASKernels`), sets `OPENBLAS_CORETYPE` to the set the CPU supports and restarts the
    /// process with the same arguments, since OpenBLAS reads the variable only when it loads.
    /// A variable the user set is left alone; if the restart fails, the run goes on as it is.
    static func selectBLASKernels() {
        guard CommandLine.arguments.count > 1, blasCommands.contains(CommandLine.arguments[1]),
            getenv("OPENBLAS_CORETYPE") == nil, let core = BLASKernels.preferredCoreType()
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
