package dev.llmrollout.router.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.llmrollout.router.RoutingException;
import dev.llmrollout.router.RoutingException.Kind;
import dev.llmrollout.variant.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fills a variant's prompt messages with the request's {@code {{var}}} values using logic-less
 * Mustache. Templates compile once per distinct message text (they change only with the flag
 * configuration), so a request only executes them. Values are inserted as they are: a prompt is not
 * HTML, so nothing is escaped. A variable the template names but the request lacks is the caller's
 * error, reported with the flag and variant.
 */
public final class PromptRenderer {
  private static final Mustache.Compiler COMPILER =
      Mustache.compiler().escapeHTML(false).strictSections(false);

  private final Cache<String, Template> templates =
      Caffeine.newBuilder().maximumSize(10_000).build();

  /**
   * Renders {@code messages}; {@code where} names the flag and variant for errors, built only when
   * one happens.
   */
  public List<ChatMessage> render(
      List<ChatMessage> messages, Map<String, String> variables, Supplier<String> where) {
    List<ChatMessage> rendered = new ArrayList<>(messages.size());
    for (ChatMessage message : messages) {
      rendered.add(new ChatMessage(message.role(), fill(message.content(), variables, where)));
    }
    return rendered;
  }

  private String fill(String text, Map<String, String> variables, Supplier<String> where) {
    if (text.indexOf("{{") < 0) {
      return text;
    }
    Template template;
    try {
      template = templates.get(text, COMPILER::compile);
    } catch (MustacheException e) {
      throw new RoutingException(
          Kind.CONFIGURATION,
          where.get() + ": prompt template does not compile: " + e.getMessage());
    }
    try {
      return template.execute(variables);
    } catch (MustacheException e) {
      throw new RoutingException(
          Kind.BAD_REQUEST,
          where.get()
              + ": prompt needs a request variable the request lacks ("
              + e.getMessage()
              + ")");
    }
  }
}
