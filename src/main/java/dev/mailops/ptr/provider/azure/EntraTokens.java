package dev.mailops.ptr.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailops.ptr.provider.ProviderException;
import dev.mailops.ptr.provider.ProviderException.Kind;
import dev.mailops.ptr.provider.azure.AzureSettings.ServicePrincipal;
import dev.mailops.ptr.provider.azure.AzureSettings.WorkloadIdentity;
import dev.mailops.ptr.provider.http.JsonApi;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Access tokens for Resource Manager from Microsoft Entra ID's v2.0 token endpoint ({@code POST
 * {authority}/{tenant}/oauth2/v2.0/token}, client credentials grant, scope {@code {endpoint}/.default}): with the
 * service principal's secret, or with the workload identity's federated token as client assertion. A token is reused
 * until five minutes before it expires.
 */
final class EntraTokens {
  private static final Duration EARLY = Duration.ofMinutes(5);

  private final AzureSettings settings;
  private final JsonApi entra;
  private final Clock clock;
  private String token;
  private Instant expires = Instant.MIN;

  /** @param entra Entra ID at the authority host, without credentials of its own (they go in the form) */
  EntraTokens(AzureSettings settings, JsonApi entra, Clock clock) {
    this.settings = settings;
    this.entra = entra;
    this.clock = clock;
  }

  synchronized String token() throws ProviderException {
    Instant now = clock.instant();
    if (token != null && now.isBefore(expires.minus(EARLY))) {
      return token;
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", settings.credentials().clientId());
    form.put("scope", settings.endpoint() + "/.default");
    if (settings.credentials() instanceof ServicePrincipal sp) {
      form.put("client_secret", sp.clientSecret());
    } else if (settings.credentials() instanceof WorkloadIdentity wi) {
      form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      try {
        form.put("client_assertion", Files.readString(wi.tokenFile()).strip());
      } catch (IOException e) {
        throw new ProviderException(Kind.AUTHENTICATION, "cannot read the workload identity token file "
            + wi.tokenFile() + " (" + e.getClass().getSimpleName() + "): is the operator's ServiceAccount set up for"
            + " Azure Workload Identity (label azure.workload.identity/use=true on the Pod)?");
      }
    }
    String what = "Microsoft Entra ID token request for client " + settings.credentials().clientId() + " in tenant "
        + settings.credentials().tenantId();
    JsonApi.Response response = entra.postForm("/" + URLEncoder.encode(settings.credentials().tenantId(),
        StandardCharsets.UTF_8) + "/oauth2/v2.0/token", form);
    JsonNode json = response.body();
    if (!response.ok() || JsonApi.text(json, "access_token") == null) {
      // error_description is Entra ID's own text (AADSTS code and reason); it never echoes the secret or assertion
      String error = Optional.ofNullable(JsonApi.text(json, "error")).orElse("HTTP " + response.status());
      String description = entra.errorText(response);
      Kind kind = response.status() == 429 || response.status() >= 500 ? JsonApi.kindOf(response.status())
          : Kind.AUTHENTICATION;
      throw new ProviderException(kind, entra.redact(what + " failed: " + error
          + (description.isEmpty() ? "" : ": " + description)
          + (kind == Kind.AUTHENTICATION ? ". Check tenantId, clientId and clientSecret in the credentials Secret (or"
              + " the workload identity's federated credential)" : "")));
    }
    token = json.get("access_token").asText();
    long seconds = json.path("expires_in").asLong(3600);
    expires = now.plusSeconds(seconds);
    return token;
  }

  /** Entra ID's error body: the first line of {@code error_description} (AADSTS code and reason). */
  static String errorText(JsonNode body) {
    String description = JsonApi.text(body, "error_description");
    return description == null ? null : description.lines().findFirst().orElse("");
  }

  /** Forgets the token (Resource Manager refused it). */
  synchronized void invalidate() {
    token = null;
    expires = Instant.MIN;
  }
}
