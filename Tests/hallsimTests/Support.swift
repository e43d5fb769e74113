import Foundation

/// The `hallsim` executable built beside this test bundle (the same configuration as the tests).
let hallsimBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("hallsim")
