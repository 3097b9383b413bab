package dev.llmrollout.router.cli;

import dev.llmrollout.spi.WriteBackException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code llm-router}: the gateway and the operator's tools. Exit codes: 0 done and verified, 1 the
 * write or its verification failed (with the backend's error text), 2 bad usage.
 */
@Command(
    name = "llm-router",
    description = "Flag-driven model routing, and the kill switch for when it goes wrong.",
    mixinStandardHelpOptions = true,
    versionProvider = LlmRouterCommand.Version.class,
    subcommands = {
      KillCommand.class,
      WeightsCommand.class,
      RestoreCommand.class,
      StatusCommand.class,
      DrillCommand.class,
      ServeCommand.class,
      dev.llmrollout.router.demo.DemoCommand.class,
      SampleSizeCommand.class,
      EvalCommand.class,
      RolloutCommand.class
    })
public final class LlmRouterCommand {
  static final int FAILED = 1;

  private LlmRouterCommand() {}

  public static void main(String[] args) {
    useAPooledAsyncExecutor();
    System.exit(run(args));
  }

  /**
   * The JDK's HttpClient hands every {@code sendAsync} completion to the common fork-join pool, and
   * on a machine with fewer than three cores that pool's parallelism is 1, so the JDK starts a new
   * thread for every model call instead. Giving the pool two threads, before anything uses it,
   * keeps completions on pooled threads. An explicit setting wins.
   */
  private static void useAPooledAsyncExecutor() {
    String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(parallelism) == null) {
      int cores = Runtime.getRuntime().availableProcessors();
      System.setProperty(parallelism, Integer.toString(Math.max(2, cores - 1)));
    }
  }

  /** Runs the command line and returns its exit code (for tests and for {@link #main}). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new LlmRouterCommand());
    commandLine.setExecutionExceptionHandler(LlmRouterCommand::failed);
    commandLine.setExitCodeExceptionMapper(
        e ->
            e instanceof CommandLine.ParameterException || e instanceof IllegalArgumentException
                ? CommandLine.ExitCode.USAGE
                : FAILED);
    return commandLine;
  }

  private static int failed(Exception e, CommandLine commandLine, CommandLine.ParseResult result) {
    PrintWriter err = commandLine.getErr();
    if (e instanceof IllegalArgumentException) {
      err.println("usage: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    String kind = e instanceof WriteBackException w ? w.kind().name().toLowerCase() + ": " : "";
    err.println("failed: " + kind + e.getMessage());
    return FAILED;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LlmRouterCommand.class.getPackage().getImplementationVersion();
      return new String[] {"llm-router " + (version == null ? "(development build)" : version)};
    }
  }
}
