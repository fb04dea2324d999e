package dev.rlhf.lm.commandline;

import picocli.CommandLine.Option;

/** {@code -h, --help}, mixed into every command. */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help (every option, its default and meaning) and exit.")
    boolean help;
}
