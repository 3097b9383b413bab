package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.gateway.ConfigCheck;
import dev.llmrollout.router.gateway.ConfigProblems;
import dev.llmrollout.spi.BackendException;
import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.VariantValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llm-router validate}: checks a flags source and an endpoints file together, offline, as
 * {@code serve} would before starting. Exit codes: 0 valid, 2 problems (each printed).
 */
@Command(
    name = "validate",
    description =
        "Check the flags and the endpoints file together, without calling any model: the flags'"
            + " schema, targeting operators and variant payloads, every variant's endpoint and"
            + " every endpoint's key variable. Exit 0 when serve would start, 2 otherwise.",
    mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OperatorVerb.BackendMixin backendMixin;

  @Mixin ServedConfigurationMixin configuration;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    List<ConfigCheck.Problem> problems = new ArrayList<>(configuration.endpoints.problems());
    Optional<EndpointRegistry> endpoints =
        ConfigCheck.configuredEndpoints(configuration.endpoints.file);
    // Without a readable endpoints file, that file's problem is reported and endpoints unchecked.
    VariantValidator validator =
        endpoints.map(EndpointRegistry::variantValidator).orElse(VariantValidator.NONE);
    Set<String> endpointNames = endpoints.map(EndpointRegistry::names).orElse(Set.of());
    Backend backend = backendMixin.options.open(validator);
    int flags = 0;
    try {
      backend.flags().start(new BackendListener() {}, Duration.ofSeconds(30));
      problems.addAll(
          ConfigCheck.flags(
              backend.flags(), backend.control(), validator, configuration.defaultFlag()));
      flags = backend.flags().flagKeys().size();
    } catch (BackendException e) {
      problems.add(
          new ConfigCheck.Problem(
              "flags", "$", "a loadable flags source (" + e.getMessage() + ")"));
    } finally {
      backend.flags().close();
    }
    if (!problems.isEmpty()) {
      throw new ConfigProblems(problems);
    }
    if (json) {
      ObjectNode result = GatewayAdminClient.json().createObjectNode();
      result.put("ok", true).put("exitCode", ExitCodes.OK).put("flags", flags);
      endpointNames.stream().sorted().forEach(result.putArray("endpoints")::add);
      spec.commandLine().getOut().println(result.toPrettyString());
    } else {
      spec.commandLine()
          .getOut()
          .printf(
              "valid: %d flag(s), %d endpoint(s); every variant's endpoint is configured and every"
                  + " key variable is set%n",
              flags, endpointNames.size());
    }
    return ExitCodes.OK;
  }
}
