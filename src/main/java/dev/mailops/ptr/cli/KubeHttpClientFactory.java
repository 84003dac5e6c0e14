package dev.mailops.ptr.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.TlsVersion;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes client's HTTP client (fabric8's JDK one), offering ChaCha20-Poly1305 first when the JVM runs
 * without its optimising compiler.
 *
 * <p>The Deployment runs the JVM with C1 only ({@code -XX:TieredStopAtLevel=1}, docs/benchmarks.md): far less
 * compile CPU, but AES-GCM then runs as plain Java, 21-29 MB/s here against 110-125 MB/s for ChaCha20-Poly1305,
 * and decrypting watch events and responses was a quarter of the operator's CPU while it converged. kube-apiserver
 * (Go) takes ChaCha20-Poly1305 when the client lists it first. With C2 on, AES-GCM has its intrinsics and is
 * faster, so the JDK's order stays.
 */
final class KubeHttpClientFactory extends JdkHttpClientFactory {
  private static final Logger log = LoggerFactory.getLogger(KubeHttpClientFactory.class);

  private final Config config;
  private final boolean chachaFirst;

  KubeHttpClientFactory(Config config, boolean chachaFirst) {
    this.config = config;
    this.chachaFirst = chachaFirst;
  }

  /** For this JVM: ChaCha20-Poly1305 first when C2 is off. */
  static KubeHttpClientFactory forThisJvm(Config config) {
    boolean chachaFirst = !optimisingCompilerOn();
    if (chachaFirst) {
      log.info("JIT without C2 (AES-GCM has no intrinsics): TLS to the API server offers ChaCha20-Poly1305 first");
    }
    return new KubeHttpClientFactory(config, chachaFirst);
  }

  @Override
  protected void additionalConfig(HttpClient.Builder builder) {
    if (chachaFirst) {
      // replaces fabric8's parameters, which carry only the TLS versions: those are kept
      builder.sslParameters(sslParameters(config));
    }
  }

  /** The JDK's default cipher suites with the ChaCha20-Poly1305 ones first, and the configured TLS versions. */
  static SSLParameters sslParameters(Config config) {
    String[] protocols = config.getTlsVersions() == null ? null
        : Arrays.stream(config.getTlsVersions()).map(TlsVersion::javaName).toArray(String[]::new);
    return new SSLParameters(chachaFirst(defaultCipherSuites()), protocols);
  }

  /** The same suites, ChaCha20 ones first, each group in its given order. */
  static String[] chachaFirst(String[] suites) {
    return Arrays.stream(suites).sorted(Comparator.comparing(suite -> !suite.contains("CHACHA20")))
        .toArray(String[]::new);
  }

  private static String[] defaultCipherSuites() {
    try {
      return SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  private static boolean optimisingCompilerOn() {
    try {
      var vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      boolean tiered = Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue());
      return !tiered || Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4;
    } catch (RuntimeException e) {
      return true; // not HotSpot: keep the JDK's order
    }
  }
}
