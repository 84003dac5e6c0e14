package dev.mailops.ptr.provider.http;

import dev.mailops.ptr.provider.PtrProvider;

/** What a provider spoken to through one {@link JsonApi} has from it: the API, its type, and a safe toString. */
public abstract class JsonApiPtrProvider implements PtrProvider {
  protected final JsonApi api;
  private final String type;

  protected JsonApiPtrProvider(String type, JsonApi api) {
    this.type = type;
    this.api = api;
  }

  @Override
  public final String type() {
    return type;
  }

  /** The class and the API root; never a credential. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + api.base() + "]";
  }
}
