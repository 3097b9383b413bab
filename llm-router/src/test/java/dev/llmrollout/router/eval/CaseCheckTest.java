package dev.llmrollout.router.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 10.1: each check passes and fails on the answers it should")
class CaseCheckTest {
  private static Answer answer(String content) {
    return new Answer(content, false, Duration.ofMillis(300), 40);
  }

  @Test
  void containsAndNotContainsIgnoreCase() {
    assertThat(new CaseCheck.Contains("refund").failure(answer("Your REFUND is on its way")))
        .isEmpty();
    assertThat(new CaseCheck.Contains("refund").failure(answer("No idea")))
        .contains("does not contain 'refund'");
    assertThat(new CaseCheck.NotContains("4242").failure(answer("card ending 4242")))
        .contains("contains '4242'");
    assertThat(new CaseCheck.NotContains("4242").failure(answer("your card"))).isEmpty();
  }

  @Test
  void regexIsSearchedNotMatchedWhole() {
    CaseCheck check = new CaseCheck.Matches(Pattern.compile("A-\\d{5}"));
    assertThat(check.failure(answer("Order A-48213 was declined"))).isEmpty();
    assertThat(check.failure(answer("Your order was declined")))
        .contains("does not match /A-\\d{5}/");
  }

  @Test
  void validJsonWithAndWithoutSchema() throws Exception {
    var schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(
                new ObjectMapper()
                    .readTree(
                        "{\"type\": \"object\", \"required\": [\"total\"], \"properties\":"
                            + " {\"total\": {\"type\": \"number\"}}}"));
    CaseCheck json = new CaseCheck.ValidJson(Optional.empty());
    CaseCheck schemaCheck = new CaseCheck.ValidJson(Optional.of(schema));

    assertThat(json.failure(answer("{\"total\": \"x\"}"))).isEmpty();
    assertThat(json.failure(answer("total: 12"))).contains("is not valid JSON");
    assertThat(json.failure(answer(""))).contains("is not valid JSON");
    assertThat(schemaCheck.failure(answer(" {\"total\": 12.5} "))).isEmpty();
    assertThat(schemaCheck.failure(answer("{\"total\": \"12\"}")))
        .get()
        .asString()
        .startsWith("breaks the JSON Schema")
        .contains("total");
    assertThat(schemaCheck.failure(answer("{}"))).get().asString().contains("total");
  }

  @Test
  void refusalLatencyAndTokens() {
    Answer refused = new Answer("I can't help with that.", true, Duration.ofMillis(2500), 600);

    assertThat(new CaseCheck.NotRefusal().failure(refused)).contains("is a refusal");
    assertThat(new CaseCheck.NotRefusal().failure(answer("Sure"))).isEmpty();
    assertThat(new CaseCheck.MaxLatency(Duration.ofSeconds(2)).failure(refused))
        .contains("took 2500 ms, more than 2000 ms");
    assertThat(new CaseCheck.MaxLatency(Duration.ofSeconds(2)).failure(answer("ok"))).isEmpty();
    assertThat(new CaseCheck.MaxOutputTokens(512).failure(refused))
        .contains("used 600 output tokens, more than 512");
    assertThat(new CaseCheck.MaxOutputTokens(512).failure(answer("ok"))).isEmpty();
    assertThat(
            new CaseCheck.MaxOutputTokens(512)
                .failure(new Answer("ok", false, Duration.ofMillis(1), -1)))
        .get()
        .asString()
        .contains("reported no token usage");
  }
}
