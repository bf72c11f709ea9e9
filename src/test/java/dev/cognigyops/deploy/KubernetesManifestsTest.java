package dev.cognigyops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * deploy/kubernetes cannot drift from the app: every manifest parses, and the probes, ports, grace period and
 * secrets agree with application.properties and Camel's own management paths.
 */
class KubernetesManifestsTest {

    static final Path DIR = Path.of("deploy/kubernetes");
    static List<Map<String, Object>> docs = new ArrayList<>();
    static Properties app = new Properties();

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(f))) {
                    assertThat(doc).as(f + " holds YAML objects").isInstanceOf(Map.class);
                    docs.add(cast(doc));
                }
            }
        }
        try (Reader r = Files.newBufferedReader(Path.of("application.properties"))) {
            app.load(r);
        }
    }

    @Test
    void everyManifestHasItsKindAndName() {
        assertThat(docs).extracting(d -> d.get("kind")).contains("Deployment", "Service", "ConfigMap", "Secret",
                "PodDisruptionBudget", "Kustomization");
        for (Map<String, Object> d : docs) {
            if (!"Kustomization".equals(d.get("kind"))) {
                assertThat(path(d, "metadata", "name")).as(d.get("kind") + " name").isEqualTo("cognigy-ops");
            }
        }
    }

    @Test
    void probesAndPortsAreTheApps() {
        Map<String, Object> container = container();
        String health = app.getProperty("camel.management.health-check-path",
                new HttpManagementServerConfigurationProperties(null).getHealthPath());
        // {{env:CAMEL_SERVER_PORT:<default>}}: the environment's port, else the default
        java.util.regex.Matcher setting = java.util.regex.Pattern.compile("\\{\\{env:CAMEL_SERVER_PORT:(\\d+)}}")
                .matcher(app.getProperty("camel.server.port").trim());
        assertThat(setting.matches()).as("camel.server.port reads CAMEL_SERVER_PORT").isTrue();
        int port = Integer.parseInt(setting.group(1));
        assertThat(app.getProperty("camel.management.port").trim()).as("probes on the server's port")
                .isIn("{{camel.server.port}}", String.valueOf(port));

        List<Map<String, Object>> ports = cast(container.get("ports"));
        assertThat(ports).singleElement().satisfies(p -> {
            assertThat(p.get("containerPort")).isEqualTo(port);
            assertThat(p.get("name")).isEqualTo("http");
        });
        assertThat(path(container, "livenessProbe", "httpGet", "path")).isEqualTo(health + "/live");
        assertThat(path(container, "startupProbe", "httpGet", "path")).isEqualTo(health + "/live");
        assertThat(path(container, "readinessProbe", "httpGet", "path")).isEqualTo(health + "/ready");
        for (String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
            assertThat(path(container, probe, "httpGet", "port")).as(probe).isIn("http", port);
        }
        // a readiness probe outlasts one bounded dependency probe
        int readinessTimeout = (Integer) path(container, "readinessProbe", "timeoutSeconds");
        assertThat(readinessTimeout * 1000L).isGreaterThan(Long.parseLong(app.getProperty("cognigy.health.timeout-ms").trim()));

        Map<String, Object> service = kind("Service");
        List<Map<String, Object>> servicePorts = cast(path(service, "spec", "ports"));
        assertThat(servicePorts).singleElement().satisfies(p -> assertThat(p.get("targetPort")).isIn("http", port));
        assertThat(path(kind("Deployment"), "spec", "template", "metadata", "annotations")).isNotNull();
        Map<String, Object> annotations = cast(path(kind("Deployment"), "spec", "template", "metadata", "annotations"));
        // the path ObserveAppTest scrapes
        assertThat(annotations.get("prometheus.io/path")).isEqualTo("/observe/metrics");
        assertThat(annotations.get("prometheus.io/port")).isEqualTo(String.valueOf(port));
    }

    @Test
    void twoReplicasOnPostgresqlOutlastTheShutdownTimeout() {
        Map<String, Object> deployment = kind("Deployment");
        assertThat(path(deployment, "spec", "replicas")).isEqualTo(2);
        int grace = (Integer) path(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds");
        assertThat(grace).isGreaterThan(Integer.parseInt(app.getProperty("camel.main.shutdown-timeout").trim()));
        Map<String, Object> config = cast(kind("ConfigMap").get("data"));
        assertThat((String) config.get("COGNIGY_STORE_URL")).startsWith("jdbc:postgresql://");
        assertThat(path(kind("PodDisruptionBudget"), "spec", "minAvailable")).isEqualTo(1);
        assertThat(path(container(), "resources", "limits", "memory")).isNotNull();
        assertThat(path(container(), "resources", "requests", "memory")).isNotNull();
    }

    @Test
    void secretsComeFromTheSecretAndNeverFromTheConfigMap() {
        Map<String, Object> secret = cast(kind("Secret").get("stringData"));
        assertThat(secret).containsKeys("COGNIGY_AUTH_CLIENT_SECRET", "COGNIGY_STORE_PASSWORD", "COGNIGY_RUNS_API_TOKENS",
                "COGNIGY_AUTH_API_KEY");
        assertThat(secret.values()).as("no value committed").allMatch(v -> v == null || "".equals(v));
        Map<String, Object> config = cast(kind("ConfigMap").get("data"));
        assertThat(config.keySet()).noneMatch(k -> k.contains("SECRET") || k.contains("PASSWORD") || k.contains("TOKEN")
                || k.contains("API_KEY"));
        List<Map<String, Object>> envFrom = cast(container().get("envFrom"));
        assertThat(envFrom).anySatisfy(e -> assertThat(path(e, "secretRef", "name")).isEqualTo("cognigy-ops"));
        assertThat(envFrom).anySatisfy(e -> assertThat(path(e, "configMapRef", "name")).isEqualTo("cognigy-ops"));
        // every environment variable names a setting the app has (COGNIGY_BASE_URL → cognigy.base-url)
        for (String env : config.keySet()) {
            assertThat(app.stringPropertyNames()).as(env).anyMatch(k -> k.toUpperCase().replace('.', '_').replace('-', '_').equals(env));
        }
    }

    private static Map<String, Object> container() {
        List<Map<String, Object>> containers = cast(path(kind("Deployment"), "spec", "template", "spec", "containers"));
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, Object> kind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + DIR));
    }

    private static Object path(Map<String, Object> doc, String... keys) {
        Object at = doc;
        for (String k : keys) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(k);
        }
        return at;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
