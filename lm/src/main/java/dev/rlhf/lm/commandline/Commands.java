package dev.rlhf.lm.commandline;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How every command of the platform parses its command line (picocli): kebab-case options, {@code -h/--help} with
 * every option's default, an unknown option refused with exit status 2 (an old spelling with a hint naming the new
 * one: "--maxPosts is now --max-posts"), and, where the command has {@code --config FILE}, the file's fields (YAML or
 * JSON, camelCase names of the options: {@code maxPosts} for {@code --max-posts}) read first, so that options given on
 * the command line override them.
 */
public final class Commands {
    /** The exit status of a refused command line (and of a bad input the command names). */
    public static final int USAGE = 2;

    private Commands() {
    }

    /** A command whose options were once spelled differently: old spelling → new one, besides the mechanical ones. */
    public interface Renamed {
        Map<String, String> renamed();
    }

    /** What a command does once its options are parsed. */
    @FunctionalInterface
    public interface Action {
        void run(ParseResult parsed) throws Exception;
    }

    /** A refused command line; the message names the option, or the file and field. */
    public static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    /** A parser for {@code command} (an object with picocli annotations). */
    public static CommandLine line(Object command) {
        CommandLine cl = command instanceof CommandSpec spec ? new CommandLine(spec) : new CommandLine(command);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setCaseInsensitiveEnumValuesAllowed(true);   // --precision bfloat16
        return cl;
    }

    /**
     * Parses {@code args} into {@code command} (its {@code --config} file first, then the command line); a refused
     * line is a {@link UsageException}. Returns the result, whose {@link ParseResult#isUsageHelpRequested()} (or a
     * subcommand's) says whether only help was asked for.
     */
    public static ParseResult parse(CommandLine cl, String... args) {
        try {
            ParseResult parsed = cl.parseArgs(args);
            ParseResult leaf = leaf(parsed);
            if (helpRequested(parsed) || !leaf.hasMatchedOption("--config")) return parsed;
            Path file = Path.of(String.valueOf((Object) leaf.matchedOptionValue("--config", null)));
            List<String> fromFile = ConfigFile.args(file, leaf.commandSpec());
            int at = leaf == parsed ? 0 : Arrays.asList(args).indexOf(leaf.commandSpec().name()) + 1;
            List<String> merged = new ArrayList<>(Arrays.asList(args).subList(0, at));
            merged.addAll(fromFile);
            merged.addAll(Arrays.asList(args).subList(at, args.length));
            try {
                return cl.parseArgs(merged.toArray(String[]::new));
            } catch (ParameterException e) {
                ArgSpec arg = e.getArgSpec();
                if (arg instanceof OptionSpec o && fromFile.contains(o.longestName()) && !given(args, o)) {
                    throw new UsageException(file + ": field \"" + ConfigFile.fieldName(o.longestName()) + "\": " + e.getMessage());
                }
                throw e;
            }
        } catch (ParameterException e) {
            String hint = hint(e);
            throw new UsageException(hint != null ? hint : e.getMessage());
        }
    }

    /** As {@link #parse(CommandLine, String...)}, for a command object. */
    public static ParseResult parse(Object command, String... args) {
        return parse(line(command), args);
    }

    /**
     * Runs {@code command}: help to {@code out} (status 0), a refused line or a bad input named on {@code err}
     * (status 2), otherwise {@code action} (status 0). Other failures propagate.
     */
    public static int run(Object command, String[] args, PrintStream out, PrintStream err, Action action) throws Exception {
        CommandLine cl = line(command);
        String name = cl.getCommandName();
        ParseResult parsed;
        try {
            parsed = parse(cl, args);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("see: bin/rlhf " + name + " --help");
            return USAGE;
        }
        if (helpRequested(parsed)) {
            ParseResult p = parsed;
            while (!p.isUsageHelpRequested() && p.hasSubcommand()) p = p.subcommand();
            PrintWriter w = new PrintWriter(out, true);
            p.commandSpec().commandLine().usage(w);
            w.flush();
            return 0;
        }
        try {
            action.run(parsed);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        }
    }

    /** {@link #run} with the standard streams, then exits with its status. */
    public static void main(Object command, String[] args, Action action) throws Exception {
        int status = run(command, args, System.out, System.err, action);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Parses {@code args} for a main method: after help (status 0) or a refused line (status 2, named on standard
     * error) the process exits; otherwise the result is returned.
     */
    public static ParseResult parseOrExit(Object command, String[] args) throws Exception {
        ParseResult[] result = new ParseResult[1];
        int status = run(command, args, System.out, System.err, p -> result[0] = p);
        if (result[0] == null) {
            System.out.flush();
            System.exit(status);
        }
        return result[0];
    }

    static boolean helpRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.isUsageHelpRequested()) return true;
        }
        return false;
    }

    static ParseResult leaf(ParseResult parsed) {
        ParseResult p = parsed;
        while (p.hasSubcommand()) p = p.subcommand();
        return p;
    }

    private static boolean given(String[] args, OptionSpec o) {
        for (String a : args) {
            for (String n : o.names()) if (a.equals(n) || a.startsWith(n + "=")) return true;
        }
        return false;
    }

    /** "--maxPosts is now --max-posts" when an unknown option is an old spelling of a known one. */
    static String hint(ParameterException e) {
        if (!(e instanceof UnmatchedArgumentException u)) return null;
        CommandSpec spec = u.getCommandLine().getCommandSpec();
        for (String arg : u.getUnmatched()) {
            if (!arg.startsWith("-") && !spec.subcommands().isEmpty()) {
                return "unknown command \"" + arg + "\"; commands: " + String.join(", ", spec.subcommands().keySet());
            }
            if (!arg.startsWith("-")) continue;
            String old = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String now = null;
            if (spec.userObject() instanceof Renamed r) now = r.renamed().get(old);
            if (now == null) now = "--" + kebab(old.replaceFirst("^-+", ""));
            if (!now.equals(old) && spec.findOption(now) != null) {
                return old + " is now " + now + " (options are kebab-case; see --help)";
            }
            return "unknown option " + old + (e.getMessage().contains("Possible solutions")
                    ? "; " + e.getMessage().substring(e.getMessage().indexOf("Possible solutions")) : "");
        }
        return null;
    }

    /** {@code maxPosts}, {@code max_posts} → {@code max-posts}. */
    public static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('_', '-').toLowerCase(Locale.ROOT);
    }

    /** {@code max-posts} → {@code maxPosts}. */
    public static String camel(String name) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : name.toCharArray()) {
            if (c == '-') {
                up = b.length() > 0;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
