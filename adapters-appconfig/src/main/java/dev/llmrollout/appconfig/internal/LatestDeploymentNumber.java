package dev.llmrollout.appconfig.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.SdkServiceClientConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.appconfig.model.StartDeploymentRequest;

/**
 * StartDeployment's deployment-number lock, {@code LatestDeploymentNumber}: "the number of the
 * latest deployment. Use this value to ensure that the deployment starts from the expected state
 * and to prevent conflicting updates" (AppConfig service model, 2019-10-09). AWS added the member
 * to the model after SDK 2.41.19, the newest AppConfig SDK this project can resolve, so its request
 * builder cannot set it. This per-request plugin adds the member to the request's JSON body exactly
 * as the model declares it (a top-level integer), before the request is signed.
 */
public final class LatestDeploymentNumber implements SdkPlugin, ExecutionInterceptor {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int number;
  private volatile byte[] body;

  private LatestDeploymentNumber(int number) {
    this.number = number;
  }

  /** A plugin for one StartDeployment request, conditional on {@code number} being the latest. */
  public static SdkPlugin of(int number) {
    return new LatestDeploymentNumber(number);
  }

  @Override
  public void configureClient(SdkServiceClientConfiguration.Builder config) {
    config.overrideConfiguration(
        config.overrideConfiguration().toBuilder().addExecutionInterceptor(this).build());
  }

  /** The SDK asks for the content first, then for the request (whose length must match it). */
  @Override
  public Optional<RequestBody> modifyHttpContent(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    if (!(context.request() instanceof StartDeploymentRequest)) {
      return context.requestBody();
    }
    ObjectNode json = read(context.requestBody().orElseThrow());
    json.put("LatestDeploymentNumber", number);
    try {
      body = JSON.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(RequestBody.fromBytes(body));
  }

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    byte[] modified = body;
    return modified == null || !(context.request() instanceof StartDeploymentRequest)
        ? context.httpRequest()
        : context.httpRequest().toBuilder()
            .putHeader("Content-Length", Integer.toString(modified.length))
            .build();
  }

  private static ObjectNode read(RequestBody requestBody) {
    try (InputStream in = requestBody.contentStreamProvider().newStream()) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
