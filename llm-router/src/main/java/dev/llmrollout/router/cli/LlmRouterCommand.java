package dev.llmrollout.router.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code llm-router}: the gateway and the operator's tools. Exit codes ({@link ExitCodes}): 0 done
 * and verified, 1 the action or the check failed, 2 bad usage or configuration, 3 inconclusive.
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
      GuardCommand.class,
      dev.llmrollout.router.demo.DemoCommand.class,
      SampleSizeCommand.class,
      EvalCommand.class,
      RolloutCommand.class,
      ValidateCommand.class,
      dev.llmrollout.router.demo.DemoEndpointsCommand.class
    })
public final class LlmRouterCommand {
  static final int FAILED = ExitCodes.FAILED;

  private LlmRouterCommand() {}

  /** The most idle model connections the launcher keeps, unless told otherwise. */
  static final String IDLE_CONNECTIONS = "128";

  public static void main(String[] args) {
    boundIdleModelConnections();
    System.exit(run(args));
  }

  /**
   * JDK 17's HttpClient hands out idle connections oldest first and scans its whole list of idle
   * connections each time it takes or returns one. After a burst of concurrency (a pause, a slow
   * endpoint) every later model call pays for scanning all the connections the burst opened, and
   * none ever expires under steady traffic (JFR: 11% of the gateway's CPU samples after a burst of
   * about 1,000 concurrent requests). Capping the idle pool bounds that cost; an explicit setting
   * wins. It must be set before the first HttpClient exists.
   */
  private static void boundIdleModelConnections() {
    String poolSize = "jdk.httpclient.connectionPoolSize";
    if (System.getProperty(poolSize) == null) {
      System.setProperty(poolSize, IDLE_CONNECTIONS);
    }
  }

  /** Runs the command line and returns its exit code (for tests and for {@link #main}). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new LlmRouterCommand());
    commandLine.registerConverter(Duration.class, new DurationConverter());
    // Choices such as --upstream-client read as the help writes them, in lower case.
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(CliFailure::report);
    commandLine.setExitCodeExceptionMapper(CliFailure::exitCode);
    return commandLine;
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
